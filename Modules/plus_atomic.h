/* PythonPlus: thread.atomic, thread.get_atomic/set_atomic (switch
   WITH_PLUS_THREAD_ATOMIC) and thread._gil_stats (WITH_PLUS_PRIORITY_GIL).
   Included once, by Modules/threadmodule.c.

   The atomic level is a per-thread counter (PyThreadState.plus_atomic).
   While it is non-zero, the periodic check of the eval loop
   (Python/ceval.c, PLUS_MAY_SWITCH) never makes the thread give up the
   GIL, so no other Python thread runs; a blocking call that releases the
   GIL (I/O, time.sleep, a lock wait) still lets others run.  Pending
   calls (signal handlers) still run.  Exceptions set with
   PyThreadState_SetAsyncExc are raised once the level is back to 0. */

#if WITH_PLUS_THREAD_ATOMIC

#include <limits.h>

typedef struct {
    PyObject_HEAD
} plus_atomic_object;

static PyObject *
plus_atomic_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    if (!_PyArg_NoKeywords("atomic()", kwds) ||
        !PyArg_UnpackTuple(args, "atomic", 0, 0)) {
        return NULL;
    }
    return type->tp_alloc(type, 0);
}

static PyObject *
plus_atomic_enter(PyObject *self)
{
    PyThreadState *tstate = PyThreadState_GET();

    if (tstate->plus_atomic == INT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "atomic level too deep");
        return NULL;
    }
    tstate->plus_atomic++;
    Py_INCREF(self);
    return self;
}

static PyObject *
plus_atomic_exit(PyObject *self, PyObject *args)
{
    PyThreadState *tstate = PyThreadState_GET();

    /* Undo one __enter__; set_atomic(0) inside the block wins. */
    if (tstate->plus_atomic > 0) {
        tstate->plus_atomic--;
    }
    Py_RETURN_FALSE;
}

static PyMethodDef plus_atomic_methods[] = {
    {"__enter__", (PyCFunction)plus_atomic_enter, METH_NOARGS,
     "Raise this thread's atomic level by one; return self."},
    {"__exit__", (PyCFunction)plus_atomic_exit, METH_VARARGS,
     "Lower this thread's atomic level by one."},
    {NULL, NULL}
};

PyDoc_STRVAR(plus_atomic_doc,
"atomic()\n\
\n\
A context manager: inside 'with atomic():' the current thread is never\n\
made to give up the GIL at the periodic check, so no other Python thread\n\
runs in between its bytecodes.  Calls that block (I/O, time.sleep, lock\n\
waits) still release the GIL and let other threads run.  Blocks nest; the\n\
level is restored when a block is left, by an exception too.");

static PyTypeObject plus_atomic_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    "thread.atomic",                    /* tp_name */
    sizeof(plus_atomic_object),         /* tp_basicsize */
    0,                                  /* tp_itemsize */
    0,                                  /* tp_dealloc */
    0,                                  /* tp_print */
    0,                                  /* tp_getattr */
    0,                                  /* tp_setattr */
    0,                                  /* tp_compare */
    0,                                  /* tp_repr */
    0,                                  /* tp_as_number */
    0,                                  /* tp_as_sequence */
    0,                                  /* tp_as_mapping */
    0,                                  /* tp_hash */
    0,                                  /* tp_call */
    0,                                  /* tp_str */
    0,                                  /* tp_getattro */
    0,                                  /* tp_setattro */
    0,                                  /* tp_as_buffer */
    Py_TPFLAGS_DEFAULT,                 /* tp_flags */
    plus_atomic_doc,                    /* tp_doc */
    0,                                  /* tp_traverse */
    0,                                  /* tp_clear */
    0,                                  /* tp_richcompare */
    0,                                  /* tp_weaklistoffset */
    0,                                  /* tp_iter */
    0,                                  /* tp_iternext */
    plus_atomic_methods,                /* tp_methods */
    0,                                  /* tp_members */
    0,                                  /* tp_getset */
    0,                                  /* tp_base */
    0,                                  /* tp_dict */
    0,                                  /* tp_descr_get */
    0,                                  /* tp_descr_set */
    0,                                  /* tp_dictoffset */
    0,                                  /* tp_init */
    0,                                  /* tp_alloc */
    plus_atomic_new,                    /* tp_new */
};

static PyObject *
plus_get_atomic(PyObject *self)
{
    return PyInt_FromLong(PyThreadState_GET()->plus_atomic);
}

static PyObject *
plus_set_atomic(PyObject *self, PyObject *arg)
{
    PyThreadState *tstate = PyThreadState_GET();
    long level, old;

    if (!PyInt_Check(arg) && !PyLong_Check(arg)) {
        PyErr_Format(PyExc_TypeError,
                     "an integer is required (got type %.200s)",
                     Py_TYPE(arg)->tp_name);
        return NULL;
    }
    if (PyInt_Check(arg) ? PyInt_AS_LONG(arg) < 0 : _PyLong_Sign(arg) < 0) {
        PyErr_SetString(PyExc_ValueError, "atomic level must be >= 0");
        return NULL;
    }
    level = PyLong_AsLong(arg);
    if (level == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (level > INT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "atomic level too large");
        return NULL;
    }
    old = tstate->plus_atomic;
    tstate->plus_atomic = (int)level;
    return PyInt_FromLong(old);
}

#endif /* WITH_PLUS_THREAD_ATOMIC */

#if WITH_PLUS_PRIORITY_GIL
PyAPI_FUNC(PyObject *) _PyPlus_GIL_Stats(void);

static PyObject *
plus_gil_stats(PyObject *self)
{
    return _PyPlus_GIL_Stats();
}
#endif

#if WITH_PLUS_THREAD_ATOMIC || WITH_PLUS_PRIORITY_GIL
static PyMethodDef plus_thread_functions[] = {
#if WITH_PLUS_THREAD_ATOMIC
    {"get_atomic", (PyCFunction)plus_get_atomic, METH_NOARGS,
     "get_atomic() -> int\n\nThe current thread's atomic level "
     "(0: outside any 'with atomic()' block)."},
    {"set_atomic", (PyCFunction)plus_set_atomic, METH_O,
     "set_atomic(level) -> int\n\nSet the current thread's atomic level "
     "(>= 0); return the previous one."},
#endif
#if WITH_PLUS_PRIORITY_GIL
    {"_gil_stats", (PyCFunction)plus_gil_stats, METH_NOARGS,
     "_gil_stats() -> dict\n\nCounters of the PythonPlus GIL "
     "(for tests and benchmarks)."},
#endif
    {NULL, NULL}
};

/* Adds the above to the thread module; returns -1 on error. */
static int
plus_thread_init(PyObject *module)
{
    PyMethodDef *def;
    PyObject *name, *func;

#if WITH_PLUS_THREAD_ATOMIC
    if (PyType_Ready(&plus_atomic_type) < 0) {
        return -1;
    }
    Py_INCREF(&plus_atomic_type);
    if (PyModule_AddObject(module, "atomic",
                           (PyObject *)&plus_atomic_type) < 0) {
        return -1;
    }
#endif
    name = PyString_FromString("thread");
    if (name == NULL) {
        return -1;
    }
    for (def = plus_thread_functions; def->ml_name != NULL; def++) {
        func = PyCFunction_NewEx(def, NULL, name);
        if (func == NULL ||
            PyModule_AddObject(module, def->ml_name, func) < 0) {
            Py_DECREF(name);
            return -1;
        }
    }
    Py_DECREF(name);
    return 0;
}
#endif
