/* PythonPlus func-close: function.close(), included once by
   Objects/funcobject.c (see Include/plus_cycles.h for the design). */

#if WITH_PLUS_FUNC_CLOSE

PyDoc_STRVAR(plus_func_close_doc,
"close()\n\
\n\
Empty every cell of the function's closure.  The cells are shared with\n\
the enclosing scope and with sibling closures, so they all see the\n\
variables as unbound afterwards; this breaks the reference cycle of a\n\
recursive inner function.  A no-op without a closure or if repeated.");

static PyObject *
plus_func_close(PyFunctionObject *op)
{
    PyObject *closure = op->func_closure;
    Py_ssize_t i;

    if (closure == NULL || !PyTuple_Check(closure)) {
        Py_RETURN_NONE;
    }
    /* Emptying a cell may run arbitrary code (__del__, weakref
       callbacks): keep the tuple alive while walking it. */
    Py_INCREF(closure);
    for (i = 0; i < PyTuple_GET_SIZE(closure); i++) {
        PyObject *cell = PyTuple_GET_ITEM(closure, i);

        if (PyCell_Check(cell) && PyCell_GET(cell) != NULL) {
            (void)PyCell_Set(cell, NULL);
        }
    }
    Py_DECREF(closure);
    Py_RETURN_NONE;
}

static PyMethodDef plus_func_methods[] = {
    {"close", (PyCFunction)plus_func_close, METH_NOARGS, plus_func_close_doc},
    {NULL, NULL}
};

#define PLUS_FUNC_METHODS plus_func_methods
#else
#define PLUS_FUNC_METHODS 0
#endif /* WITH_PLUS_FUNC_CLOSE */
