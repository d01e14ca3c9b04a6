/* PythonPlus clear-weakrefs: _weakref.clear_weakrefs(), included once by
   Modules/_weakref.c (see Include/plus_cycles.h). */

#if WITH_PLUS_CLEAR_WEAKREFS
#include "plus_cycles.h"

PyDoc_STRVAR(plus_clear_weakrefs_doc,
"clear_weakrefs(object) -- clear every weak reference and proxy to\n"
"'object' as if it had died: references return None, proxies raise\n"
"ReferenceError and callbacks are called.  'object' stays alive and new\n"
"weak references to it can be made.  Returns the number cleared.");

static PyObject *
plus_clear_weakrefs(PyObject *self, PyObject *object)
{
    Py_ssize_t count = _PyPlus_ClearWeakRefs(object);

    if (count < 0) {
        return NULL;
    }
    return PyInt_FromSsize_t(count);
}

#define PLUS_WEAKREF_FUNCTIONS \
    {"clear_weakrefs", plus_clear_weakrefs, METH_O, plus_clear_weakrefs_doc},
#else
#define PLUS_WEAKREF_FUNCTIONS
#endif /* WITH_PLUS_CLEAR_WEAKREFS */
