/* PythonPlus clear-weakrefs: _PyPlus_ClearWeakRefs, included once at the
   end of Objects/weakrefobject.c (see Include/plus_cycles.h). */

#if WITH_PLUS_CLEAR_WEAKREFS
#include "plus_cycles.h"

Py_ssize_t
_PyPlus_ClearWeakRefs(PyObject *object)
{
    PyWeakReference **list;
    PyObject *pairs, *err_type, *err_value, *err_tb;
    Py_ssize_t count, i;

    if (!PyType_SUPPORTS_WEAKREFS(Py_TYPE(object))) {
        PyErr_Format(PyExc_TypeError,
                     "cannot create weak reference to '%.200s' object",
                     Py_TYPE(object)->tp_name);
        return -1;
    }
    list = GET_WEAKREFS_LISTPTR(object);
    count = _PyWeakref_GetWeakrefCount(*list);
    if (count == 0) {
        return 0;
    }
    /* (reference, callback) pairs: allocated before touching the list, so
       that a MemoryError leaves every reference as it was. */
    pairs = PyTuple_New(count * 2);
    if (pairs == NULL) {
        return -1;
    }
    /* Detach every reference first and call back afterwards, as
       PyObject_ClearWeakRefs does: no user code runs while the list is
       walked, and references made by a callback survive. */
    for (i = 0; i < count; i++) {
        PyWeakReference *current = *list;

        assert(current != NULL);
        if (Py_REFCNT(current) > 0) {
            Py_INCREF(current);
            PyTuple_SET_ITEM(pairs, 2 * i, (PyObject *)current);
        }
        /* A reference being deallocated gets no call, but its callback
           is released only with the tuple, once the list is walked. */
        PyTuple_SET_ITEM(pairs, 2 * i + 1, current->wr_callback);
        current->wr_callback = NULL;
        clear_weakref(current);
    }
    assert(*list == NULL);

    Py_INCREF(object);
    PyErr_Fetch(&err_type, &err_value, &err_tb);
    for (i = 0; i < count; i++) {
        PyObject *ref = PyTuple_GET_ITEM(pairs, 2 * i);
        PyObject *callback = PyTuple_GET_ITEM(pairs, 2 * i + 1);

        if (ref != NULL && callback != NULL) {
            handle_callback((PyWeakReference *)ref, callback);
        }
    }
    Py_DECREF(pairs);
    PyErr_Restore(err_type, err_value, err_tb);
    Py_DECREF(object);
    return count;
}

#endif /* WITH_PLUS_CLEAR_WEAKREFS */
