/* PythonPlus: the limit on the digits of int/long <-> str conversions
   (CVE-2020-10735).  Included by Objects/longobject.c only; the
   declarations are in Include/plus_str_digits.h.

   Checked: PyLong_FromString() in every base that is not a power of two
   (int(), long(), their unicode forms, and literals in source code),
   PyInt_FromString() for the leading zeros that keep a value small, and
   the base 10 formatting of a long (str(), repr(), "%d", format()).
   The messages are those of Python 3. */

int _Py_IntMaxStrDigits = 0;
int _Py_IntMaxStrDigitsFlag = -1;

#define PLUS_INT_DIGITS_PARSE_MSG \
    "Exceeds the limit (%d digits) for integer string conversion: " \
    "value has %zd digits; use sys.set_int_max_str_digits() " \
    "to increase the limit"
#define PLUS_INT_DIGITS_FORMAT_MSG \
    "Exceeds the limit (%d digits) for integer string conversion; " \
    "use sys.set_int_max_str_digits() to increase the limit"
#define PLUS_INT_DIGITS_RANGE_MSG \
    "maxdigits must be 0 or larger than %d"

int
_PyLong_CheckStrDigits(Py_ssize_t ndigits, int base)
{
    int limit = _Py_IntMaxStrDigits;

    if (limit > 0 && ndigits > limit && (base & (base - 1)) != 0) {
        PyErr_Format(PyExc_ValueError, PLUS_INT_DIGITS_PARSE_MSG,
                     limit, ndigits);
        return -1;
    }
    return 0;
}

int
_PyLong_CheckStrDigitsBefore(const char *start, const char *end, int base)
{
    const char *p = end;

    if (_Py_IntMaxStrDigits <= 0 || end - start <= _Py_IntMaxStrDigits)
        return 0;
    if (base == 0) {
        /* as PyOS_strtol(): a leading 0 means base 8, 16 or 2 */
        const char *q = start;
        while (q < end && (isspace(Py_CHARMASK(*q)) || *q == '+' ||
                           *q == '-'))
            q++;
        if (q < end && *q == '0')
            return 0;
        base = 10;
    }
    while (p > start && _PyLong_DigitValue[Py_CHARMASK(p[-1])] < base)
        p--;
    return _PyLong_CheckStrDigits(end - p, base);
}

/* Before a base 10 conversion of a long of size_a digits: -1 with
   ValueError if it has more decimal digits than the limit for sure.
   Each long digit but the top one gives PyLong_SHIFT * log10(2) > 0.3 *
   PyLong_SHIFT decimal digits. */
static int
plus_int_digits_check_size(Py_ssize_t size_a)
{
    int limit = _Py_IntMaxStrDigits;

    if (limit > 0 && size_a > 1 &&
        (size_a - 1) / 10 * (3 * PyLong_SHIFT) >= limit) {
        PyErr_Format(PyExc_ValueError, PLUS_INT_DIGITS_FORMAT_MSG, limit);
        return -1;
    }
    return 0;
}

/* After it, with the exact number of decimal digits. */
static int
plus_int_digits_check_format(Py_ssize_t ndigits)
{
    int limit = _Py_IntMaxStrDigits;

    if (limit > 0 && ndigits > limit) {
        PyErr_Format(PyExc_ValueError, PLUS_INT_DIGITS_FORMAT_MSG, limit);
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(plus_set_int_max_str_digits_doc,
"set_int_max_str_digits(maxdigits)\n\
\n\
Set the maximum number of digits allowed in conversions between int or\n\
long and str in bases other than powers of two (int(s), long(s), str(n),\n\
repr(n), '%d' % n); 0 removes the limit (the default).  A non-zero limit\n\
must be at least 640.  The PYTHONINTMAXSTRDIGITS environment variable\n\
sets it at startup.");

static PyObject *
plus_set_int_max_str_digits(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"maxdigits", NULL};
    PyObject *arg, *index;
    long value;
    int overflow = 0;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O:set_int_max_str_digits",
                                     kwlist, &arg))
        return NULL;
    if (!PyIndex_Check(arg)) {
        PyErr_Format(PyExc_TypeError,
                     "'%.200s' object cannot be interpreted as an integer",
                     Py_TYPE(arg)->tp_name);
        return NULL;
    }
    index = PyNumber_Index(arg);
    if (index == NULL)
        return NULL;
    if (PyInt_Check(index))
        value = PyInt_AS_LONG(index);
    else
        value = PyLong_AsLongAndOverflow(index, &overflow);
    Py_DECREF(index);
    if (value == -1 && PyErr_Occurred())
        return NULL;
    if (overflow != 0 || value > INT_MAX || value < INT_MIN) {
        PyErr_SetString(PyExc_OverflowError,
                        "Python int too large to convert to C int");
        return NULL;
    }
    if (value != 0 && value < _PY_LONG_MAX_STR_DIGITS_THRESHOLD) {
        PyErr_Format(PyExc_ValueError, PLUS_INT_DIGITS_RANGE_MSG,
                     _PY_LONG_MAX_STR_DIGITS_THRESHOLD);
        return NULL;
    }
    _Py_IntMaxStrDigits = (int)value;
    Py_RETURN_NONE;
}

PyDoc_STRVAR(plus_get_int_max_str_digits_doc,
"get_int_max_str_digits() -> int\n\
\n\
Return the maximum number of digits allowed in conversions between int\n\
or long and str (0: no limit); see set_int_max_str_digits().");

static PyObject *
plus_get_int_max_str_digits(PyObject *self, PyObject *unused)
{
    return PyInt_FromLong(_Py_IntMaxStrDigits);
}

static PyMethodDef plus_int_digits_sys_methods[] = {
    {"set_int_max_str_digits", (PyCFunction)plus_set_int_max_str_digits,
     METH_VARARGS | METH_KEYWORDS, plus_set_int_max_str_digits_doc},
    {"get_int_max_str_digits", (PyCFunction)plus_get_int_max_str_digits,
     METH_NOARGS, plus_get_int_max_str_digits_doc},
    {NULL, NULL}
};

int
_PySys_InitIntMaxStrDigits(PyObject *sysdict)
{
    PyMethodDef *def;
    PyObject *modname;
    char *env = Py_GETENV("PYTHONINTMAXSTRDIGITS");

    if (env != NULL && *env != '\0') {
        char *end;
        long value;

        errno = 0;
        value = strtol(env, &end, 10);
        if (errno != 0 || end == env || *end != '\0' || value > INT_MAX ||
            (value != 0 && value < _PY_LONG_MAX_STR_DIGITS_THRESHOLD)) {
            fprintf(stderr, "Fatal Python error: PYTHONINTMAXSTRDIGITS: "
                    "invalid limit; must be >= %d or 0 for unlimited.\n",
                    _PY_LONG_MAX_STR_DIGITS_THRESHOLD);
            exit(1);
        }
        _Py_IntMaxStrDigits = (int)value;
        _Py_IntMaxStrDigitsFlag = (int)value;
    }

    modname = PyString_FromString("sys");
    if (modname == NULL)
        return -1;
    for (def = plus_int_digits_sys_methods; def->ml_name != NULL; def++) {
        PyObject *func = PyCFunction_NewEx(def, NULL, modname);
        if (func == NULL || PyDict_SetItemString(sysdict, def->ml_name,
                                                 func) < 0) {
            Py_XDECREF(func);
            Py_DECREF(modname);
            return -1;
        }
        Py_DECREF(func);
    }
    Py_DECREF(modname);
    return 0;
}
