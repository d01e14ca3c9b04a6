#ifndef Py_PYPLUS_CYCLES_H
#define Py_PYPLUS_CYCLES_H

/* PythonPlus: breaking reference cycles on demand.

   Code that wants memory back the moment it drops it (game loops, servers)
   cannot wait for the cyclic collector, and cannot break by itself the
   cycles that closures, tracebacks and weak references create.  Three
   switches give it the tools, each in its own header included once by the
   upstream file it extends:

   WITH_PLUS_FUNC_CLOSE (Objects/plus_func_close.h): function.close()
       empties every cell of the function's closure.  Cells are shared
       with the enclosing scope and sibling closures, so a recursive inner
       function (a cell holding the function whose closure holds the cell)
       is freed by reference counting once close() has run.

   WITH_PLUS_CLEAR_WEAKREFS (Objects/plus_weakref.h): _PyPlus_ClearWeakRefs
       (weakref.clear_weakrefs) does to a live object's weak references
       what its death would do: every reference and proxy is detached,
       then the callbacks run.  An object pool that recycles an object
       this way makes the WeakValueDictionary entries and proxies that
       pointed to its previous life go away.

   WITH_PLUS_CLEAR_FRAMES (Objects/plus_frame_clear.h): frame.clear() as in
       Python 3.4, for traceback.clear_frames().  2.7 frames know neither
       whether they execute nor their generator, so: a frame is executing
       if it is on some thread's frame stack; a suspended generator's
       frame (f_stacktop set, f_tstate NULL: see gen_send_ex) is closed
       by running it with GeneratorExit, as gen_close would; a frame that
       never ran is only cleared.
*/

#ifndef Py_LIMITED_API
#ifdef __cplusplus
extern "C" {
#endif

#if WITH_PLUS_CLEAR_WEAKREFS
/* Clear every weak reference and proxy to 'obj' (which stays alive) and
   call their callbacks.  Returns the number cleared, or -1 with TypeError
   set if obj's type does not support weak references (or MemoryError). */
PyAPI_FUNC(Py_ssize_t) _PyPlus_ClearWeakRefs(PyObject *obj);
#endif

#ifdef __cplusplus
}
#endif
#endif /* !Py_LIMITED_API */

#endif /* !Py_PYPLUS_CYCLES_H */
