/* PythonPlus identification: sys.pythonplus and the version banner.

   sys.pythonplus is a struct sequence (like sys.flags):
       name      "PythonPlus"
       version   PY_PLUS_VERSION
       features  tuple of the names of the features compiled in
       disabled  tuple of the names of the features compiled out
       tunables  dict of the compile-time tunables and their values
   The tables are PY_PLUS_FEATURES and PY_PLUS_TUNABLES in Include/pyplus.h,
   whose values configure records in pyconfig.h. */

#include "Python.h"
#include "structseq.h"

static PyTypeObject PlusInfoType;

static PyStructSequence_Field plus_info_fields[] = {
    {"name", "\"PythonPlus\""},
    {"version", "PythonPlus version string"},
    {"features", "names of the PythonPlus features compiled in"},
    {"disabled", "names of the PythonPlus features compiled out"},
    {"tunables", "PythonPlus compile-time tunables and their values"},
    {0}
};

static PyStructSequence_Desc plus_info_desc = {
    "sys.pythonplus",
    "PythonPlus build information: version and compiled-in features.",
    plus_info_fields,
    5
};

typedef struct {
    const char *name;
    int enabled;
} plus_feature;

#define PLUS_FEATURE_ENTRY(name, enabled) {name, enabled},
static const plus_feature plus_features[] = {
    PY_PLUS_FEATURES(PLUS_FEATURE_ENTRY)
    {NULL, 0}
};
#undef PLUS_FEATURE_ENTRY

typedef struct {
    const char *name;
    long value;
} plus_tunable;

#define PLUS_TUNABLE_ENTRY(name, value) {name, value},
static const plus_tunable plus_tunables[] = {
    PY_PLUS_TUNABLES(PLUS_TUNABLE_ENTRY)
    {NULL, 0}
};
#undef PLUS_TUNABLE_ENTRY

/* A tuple of the names of the features whose switch equals `enabled`. */
static PyObject *
plus_feature_names(int enabled)
{
    PyObject *names = PyList_New(0);
    PyObject *result;
    const plus_feature *f;

    if (names == NULL)
        return NULL;
    for (f = plus_features; f->name != NULL; f++) {
        PyObject *name;
        if (f->enabled != enabled)
            continue;
        name = PyString_FromString(f->name);
        if (name == NULL || PyList_Append(names, name) < 0) {
            Py_XDECREF(name);
            Py_DECREF(names);
            return NULL;
        }
        Py_DECREF(name);
    }
    result = PyList_AsTuple(names);
    Py_DECREF(names);
    return result;
}

static PyObject *
plus_tunable_values(void)
{
    PyObject *values = PyDict_New();
    const plus_tunable *t;

    if (values == NULL)
        return NULL;
    for (t = plus_tunables; t->name != NULL; t++) {
        PyObject *value = PyInt_FromLong(t->value);
        if (value == NULL ||
            PyDict_SetItemString(values, t->name, value) < 0) {
            Py_XDECREF(value);
            Py_DECREF(values);
            return NULL;
        }
        Py_DECREF(value);
    }
    return values;
}

/* 2.7's struct sequence repr stops at 512 characters ("..."); this one
   shows every field in full, as Python 3's does. */
static PyObject *
plus_info_repr(PyObject *info)
{
    PyObject *result = PyString_FromString("sys.pythonplus(");
    Py_ssize_t i;

    for (i = 0; result != NULL && plus_info_fields[i].name != NULL; i++) {
        PyObject *value = PyObject_Repr(
            ((PyStructSequence *)info)->ob_item[i]);
        if (value == NULL) {
            Py_CLEAR(result);
            break;
        }
        PyString_ConcatAndDel(&result, PyString_FromFormat(
            "%s%s=%s", i ? ", " : "", plus_info_fields[i].name,
            PyString_AS_STRING(value)));
        Py_DECREF(value);
    }
    if (result != NULL)
        PyString_ConcatAndDel(&result, PyString_FromString(")"));
    return result;
}

PyObject *
_PyPlus_GetInfo(void)
{
    PyObject *info;

    if (PlusInfoType.tp_name == NULL) {
        PyStructSequence_InitType(&PlusInfoType, &plus_info_desc);
        /* Like sys.flags: no new instances from Python code. */
        PlusInfoType.tp_init = NULL;
        PlusInfoType.tp_new = NULL;
        PlusInfoType.tp_repr = plus_info_repr;
    }
    info = PyStructSequence_New(&PlusInfoType);
    if (info == NULL)
        return NULL;
    PyStructSequence_SET_ITEM(info, 0, PyString_FromString("PythonPlus"));
    PyStructSequence_SET_ITEM(info, 1, PyString_FromString(PY_PLUS_VERSION));
    PyStructSequence_SET_ITEM(info, 2, plus_feature_names(1));
    PyStructSequence_SET_ITEM(info, 3, plus_feature_names(0));
    PyStructSequence_SET_ITEM(info, 4, plus_tunable_values());
    if (PyErr_Occurred()) {
        Py_DECREF(info);
        return NULL;
    }
    return info;
}

/* What "python -V" and the interactive banner add, with no newline:
   "PythonPlus 0.1.0: float-reuse, tight-dict". */
void
_PyPlus_PrintBanner(FILE *fp)
{
    const plus_feature *f;
    const char *sep = " ";

    fprintf(fp, "PythonPlus %s:", PY_PLUS_VERSION);
    for (f = plus_features; f->name != NULL; f++) {
        if (f->enabled) {
            fprintf(fp, "%s%s", sep, f->name);
            sep = ", ";
        }
    }
    if (*sep == ' ')
        fprintf(fp, " no features (stock 2.7.18)");
}
