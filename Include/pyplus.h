#ifndef Py_PYPLUS_H
#define Py_PYPLUS_H

/* PythonPlus: the feature switches and tunables, with their defaults.

   configure (--with-plus=...) records every switch in pyconfig.h as 0 or 1;
   the defaults below apply only where no configure ran (e.g. PC/).  Test a
   switch by value: #if WITH_PLUS_FLOAT_REUSE.  With every switch 0 the
   interpreter behaves like stock CPython 2.7.18.

   Tunables are integers, settable with configure's --with-plus-NAME=N
   (recorded in pyconfig.h) or -DNAME=N. */

#define PY_PLUS_VERSION "0.1.0"

/* WITH_PLUS_FLOAT_REUSE: PyFloat_FromDouble returns a shared object for
   integral values from PLUS_FLOAT_REUSE_MIN to PLUS_FLOAT_REUSE_MAX
   (never for -0.0).  Used in Objects/floatobject.c. */
#ifndef WITH_PLUS_FLOAT_REUSE
#define WITH_PLUS_FLOAT_REUSE 1
#endif
#ifndef PLUS_FLOAT_REUSE_MIN
#define PLUS_FLOAT_REUSE_MIN (-10)
#endif
#ifndef PLUS_FLOAT_REUSE_MAX
#define PLUS_FLOAT_REUSE_MAX 10
#endif

/* WITH_PLUS_TIGHT_DICT: dicts keep PLUS_DICT_MINSIZE slots in the object
   (a power of 2; 1 works), grow once PLUS_DICT_LOAD_NUM/PLUS_DICT_LOAD_DEN
   of the table is used, to PLUS_DICT_GROWTH percent of the entries.  The
   tunables apply only with the switch on.  Used in Include/dictobject.h
   and Objects/plus_dict.h. */
#ifndef WITH_PLUS_TIGHT_DICT
#define WITH_PLUS_TIGHT_DICT 1
#endif
#ifndef PLUS_DICT_MINSIZE
#define PLUS_DICT_MINSIZE 1
#endif
#ifndef PLUS_DICT_LOAD_NUM
#define PLUS_DICT_LOAD_NUM 4
#endif
#ifndef PLUS_DICT_LOAD_DEN
#define PLUS_DICT_LOAD_DEN 5
#endif
#ifndef PLUS_DICT_GROWTH
#define PLUS_DICT_GROWTH 150
#endif

/* WITH_PLUS_COMPACT_DICT: a dict is a small index table (a power of 2,
   slots of 1, 2, 4 or 8 bytes as the size needs) and a dense array of
   entries in insertion order, sized to the entries it must hold rather
   than to a power of 2; iteration follows insertion order.  With
   tight-dict on too, PLUS_DICT_LOAD_NUM/PLUS_DICT_LOAD_DEN say how full
   the index may be and PLUS_DICT_GROWTH how much room a dict whose
   entries are full makes (in percent of its entries); without it, stock's
   2/3 and 200.  PLUS_DICT_MINSIZE does not apply (a compact dict keeps no
   entries inside the object; an empty one has no table).  The dict object changes size:
   extensions built against these headers need a build with the same
   switch.  Used in Include/dictobject.h, Objects/plus_dict.h and
   Objects/plus_compact_dict.h. */
#ifndef WITH_PLUS_COMPACT_DICT
#define WITH_PLUS_COMPACT_DICT 1
#endif

/* WITH_PLUS_SHARED_KEYS (needs WITH_PLUS_COMPACT_DICT): the instance
   dicts of one heap type share one table of keys (at most 30, in one
   order; kept in the type's otherwise unused tp_cache, so no struct
   changes size) and hold only their values, as PEP 412 did for Python
   3.3.  A dict used otherwise (a key out of that order, deletion, a
   non-str key, pop, setdefault, popitem, comparison...) becomes an
   ordinary dict first.  sys.getsizeof of a shared dict counts its values
   block, not the shared keys.  Objects/plus_shared_keys.h, hooks in
   Objects/dictobject.c, Objects/object.c, Objects/typeobject.c. */
#ifndef WITH_PLUS_SHARED_KEYS
#define WITH_PLUS_SHARED_KEYS WITH_PLUS_COMPACT_DICT
#endif

/* WITH_PLUS_INSTANCE_VALUES (needs WITH_PLUS_SHARED_KEYS): an instance of a
   Python class whose __dict__ slot a Python class (not a C base) added
   holds, until something asks for its dict, only a values block on its
   type's shared keys (the slot holds the block's address with its low bit
   set), as Python 3.11 does.  Attribute get, set and replace work on the
   block; _PyObject_GetDictPtr, __dict__, and any other use (deletion, a key
   out of the shared order...) give the instance a split dict that adopts the
   block.  C code built elsewhere that reads the slot directly sees the tagged
   pointer.  Objects/plus_instance_values.h, hooks in Objects/object.c and
   Objects/typeobject.c. */
#ifndef WITH_PLUS_INSTANCE_VALUES
#define WITH_PLUS_INSTANCE_VALUES WITH_PLUS_SHARED_KEYS
#endif
#if WITH_PLUS_INSTANCE_VALUES && !WITH_PLUS_SHARED_KEYS
#error "WITH_PLUS_INSTANCE_VALUES needs WITH_PLUS_SHARED_KEYS"
#endif

/* WITH_PLUS_NO_ZOMBIE_FRAMES: code objects keep no cached frame
   (co_zombieframe stays NULL); frames come from the bounded free list.
   Used in Objects/frameobject.c. */
#ifndef WITH_PLUS_NO_ZOMBIE_FRAMES
#define WITH_PLUS_NO_ZOMBIE_FRAMES 1
#endif

/* WITH_PLUS_LAZY_IMPORT: the opt-in on-demand importer Lib/lazyimport.py
   may be used (it refuses to import when this is 0).  No C code. */
#ifndef WITH_PLUS_LAZY_IMPORT
#define WITH_PLUS_LAZY_IMPORT 1
#endif

/* WITH_PLUS_FUNC_CLOSE: function.close() empties the cells of the
   function's closure.  Objects/plus_func_close.h. */
#ifndef WITH_PLUS_FUNC_CLOSE
#define WITH_PLUS_FUNC_CLOSE 1
#endif

/* WITH_PLUS_CLEAR_WEAKREFS: weakref.clear_weakrefs(obj) clears the weak
   references to a live object.  Objects/plus_weakref.h,
   Modules/plus_weakref_module.h. */
#ifndef WITH_PLUS_CLEAR_WEAKREFS
#define WITH_PLUS_CLEAR_WEAKREFS 1
#endif

/* WITH_PLUS_CLEAR_FRAMES: frame.clear() (Python 3.4 semantics), used by
   traceback.clear_frames().  Objects/plus_frame_clear.h. */
#ifndef WITH_PLUS_CLEAR_FRAMES
#define WITH_PLUS_CLEAR_FRAMES 1
#endif

/* WITH_PLUS_GC_FREE_STDLIB: stdlib paths that leave no reference cycles
   (collections.namedtuple without exec, json's encoder closures closed).
   No C code: Lib/ reads sys.pythonplus.features. */
#ifndef WITH_PLUS_GC_FREE_STDLIB
#define WITH_PLUS_GC_FREE_STDLIB 1
#endif

/* WITH_PLUS_JSON_SHARED_KEYS: json.loads() and json.load() make one
   string object per distinct object key within one decoding, in the C
   scanner (Modules/plus_json.h, used by Modules/_json.c) and the
   pure-Python one (Lib/_plus_json.py, used by Lib/json/scanner.py and
   Lib/json/decoder.py), as Python 3 does.  Tunable:
   PLUS_JSON_SHARE_VALUES  string values of at most this many characters
                           share the keys' memo too (0: keys only). */
#ifndef WITH_PLUS_JSON_SHARED_KEYS
#define WITH_PLUS_JSON_SHARED_KEYS 1
#endif
#ifndef PLUS_JSON_SHARE_VALUES
#define PLUS_JSON_SHARE_VALUES 0
#endif

/* WITH_PLUS_GILSTATE_CACHE: a thread that Python did not create keeps the
   thread state that its outermost PyGILState_Ensure() made, instead of
   losing it at the matching PyGILState_Release(); it is freed when the
   thread exits or at Py_Finalize.  Used in Python/pystate.c and
   Python/plus_gilstate.h. */
#ifndef WITH_PLUS_GILSTATE_CACHE
#define WITH_PLUS_GILSTATE_CACHE 1
#endif

/* WITH_PLUS_NATIVE_LOCKS: PyThread locks (POSIX) are a mutex, a flag
   and a queue of waiters (Python/plus_lock.h): Lock.acquire(blocking,
   timeout) as in Python 3.2 on the monotonic clock, waits interrupted by
   signals run the Python handlers, locks usable in a fork()ed child,
   thread.error derives from RuntimeError, thread.TIMEOUT_MAX.  Used in
   Python/thread_pthread.h and Modules/plus_threadlocks.h. */
#ifndef WITH_PLUS_NATIVE_LOCKS
#define WITH_PLUS_NATIVE_LOCKS 1
#endif

/* WITH_PLUS_NATIVE_CONDITION (needs WITH_PLUS_NATIVE_LOCKS): the C types
   thread.RLock and thread.Condition, which threading.py then uses, with
   Condition.wait returning a bool, wait_for, timeouts on Semaphore
   acquires, and threading.Barrier.  Modules/plus_threadlocks.h and
   Lib/threading.py. */
#ifndef WITH_PLUS_NATIVE_CONDITION
#define WITH_PLUS_NATIVE_CONDITION 1
#endif

/* PLUS_SEM_CONDVAR (native-locks): 1 wakes each waiter through its own
   sem_t (interruptible by signals; faster in Tools/plus/lockfloor.c), 0
   through its own pthread_cond_t (not interruptible: glibc restarts
   condvar waits after a signal).  macOS has no unnamed semaphores. */
/* PLUS_LOCK_SPIN_US (native-locks): how long (microseconds) a lock or
   condition waiter waits awake before it sleeps (Python/plus_spin.h); 0
   never spins, nor does any waiter on one processor. */
#ifndef PLUS_LOCK_SPIN_US
#define PLUS_LOCK_SPIN_US 20
#endif
#ifndef PLUS_SEM_CONDVAR
#if defined(__APPLE__)
#define PLUS_SEM_CONDVAR 0
#else
#define PLUS_SEM_CONDVAR 1
#endif
#endif

/* WITH_PLUS_PRIORITY_GIL: the GIL of Python/plus_gil.h (POSIX threads;
   elsewhere the stock lock stays).  A thread that waits is served at the
   holder's next instruction if its deadline is earlier (threads that
   mostly block keep early ones); CPU-bound threads take turns of one
   switch interval, in FIFO order; sys.setswitchinterval() and
   sys.getswitchinterval() as in Python 3.  Tunables:
   PLUS_GIL_INTERVAL_US  the switch interval at start-up, in microseconds
                         (Python 3's default: 5000);
   PLUS_GIL_SPIN_US      how long a waiter waits awake for the GIL before
                         it sleeps, in microseconds (0: never; it never
                         does on one processor). */
#ifndef WITH_PLUS_PRIORITY_GIL
#define WITH_PLUS_PRIORITY_GIL 1
#endif
#ifndef PLUS_GIL_INTERVAL_US
#define PLUS_GIL_INTERVAL_US 5000
#endif
#ifndef PLUS_GIL_SPIN_US
#define PLUS_GIL_SPIN_US 50
#endif

/* WITH_PLUS_THREAD_ATOMIC: thread.atomic(), thread.get_atomic(),
   thread.set_atomic() (also in threading): a per-thread level
   (PyThreadState.plus_atomic, appended to the struct) that, while
   non-zero, keeps the periodic check from switching threads.  Used in
   Python/ceval.c, Python/pystate.c and Modules/plus_atomic.h. */
#ifndef WITH_PLUS_THREAD_ATOMIC
#define WITH_PLUS_THREAD_ATOMIC 1
#endif

/* The tables behind sys.pythonplus, in the order of Misc/pythonplus.m4:
   X(name, switch) for features, X(name, value) for tunables. */
#define PY_PLUS_FEATURES(X) \
    X("float-reuse", WITH_PLUS_FLOAT_REUSE) \
    X("tight-dict", WITH_PLUS_TIGHT_DICT) \
    X("compact-dict", WITH_PLUS_COMPACT_DICT) \
    X("shared-keys", WITH_PLUS_SHARED_KEYS) \
    X("instance-values", WITH_PLUS_INSTANCE_VALUES) \
    X("no-zombie-frames", WITH_PLUS_NO_ZOMBIE_FRAMES) \
    X("lazy-import", WITH_PLUS_LAZY_IMPORT) \
    X("func-close", WITH_PLUS_FUNC_CLOSE) \
    X("clear-weakrefs", WITH_PLUS_CLEAR_WEAKREFS) \
    X("clear-frames", WITH_PLUS_CLEAR_FRAMES) \
    X("gc-free-stdlib", WITH_PLUS_GC_FREE_STDLIB) \
    X("json-shared-keys", WITH_PLUS_JSON_SHARED_KEYS) \
    X("gilstate-cache", WITH_PLUS_GILSTATE_CACHE) \
    X("native-locks", WITH_PLUS_NATIVE_LOCKS) \
    X("native-condition", WITH_PLUS_NATIVE_CONDITION) \
    X("priority-gil", WITH_PLUS_PRIORITY_GIL) \
    X("thread-atomic", WITH_PLUS_THREAD_ATOMIC)

#define PY_PLUS_TUNABLES(X) \
    X("PLUS_FLOAT_REUSE_MIN", PLUS_FLOAT_REUSE_MIN) \
    X("PLUS_FLOAT_REUSE_MAX", PLUS_FLOAT_REUSE_MAX) \
    X("PLUS_DICT_MINSIZE", PLUS_DICT_MINSIZE) \
    X("PLUS_DICT_LOAD_NUM", PLUS_DICT_LOAD_NUM) \
    X("PLUS_DICT_LOAD_DEN", PLUS_DICT_LOAD_DEN) \
    X("PLUS_DICT_GROWTH", PLUS_DICT_GROWTH) \
    X("PLUS_JSON_SHARE_VALUES", PLUS_JSON_SHARE_VALUES) \
    X("PLUS_SEM_CONDVAR", PLUS_SEM_CONDVAR) \
    X("PLUS_LOCK_SPIN_US", PLUS_LOCK_SPIN_US) \
    X("PLUS_GIL_INTERVAL_US", PLUS_GIL_INTERVAL_US) \
    X("PLUS_GIL_SPIN_US", PLUS_GIL_SPIN_US)

#ifndef Py_LIMITED_API
#ifdef __cplusplus
extern "C" {
#endif
/* Python/pyplus.c: sys.pythonplus, and the banner line of "python -V". */
PyAPI_FUNC(struct _object *) _PyPlus_GetInfo(void);
PyAPI_FUNC(void) _PyPlus_PrintBanner(FILE *fp);
#if WITH_PLUS_SHARED_KEYS
struct _typeobject;
/* Objects/plus_shared_keys.h: an empty instance dict for an instance of
   the type, sharing the type's keys when it is a heap type. */
PyAPI_FUNC(struct _object *) _PyPlusDict_NewInstanceDict(
    struct _typeobject *tp);
PyAPI_FUNC(int) _PyPlusDict_IsShared(struct _object *op);
#endif
#if WITH_PLUS_INSTANCE_VALUES
/* Objects/plus_instance_values.h.  A dict slot (tp_dictoffset) holds
   NULL, a dict, or a values block tagged by its low bit. */
#define _PyPlusIV_IsValues(op) (((Py_uintptr_t)(op)) & 1)
/* Objects/object.c: the slot itself, tagged or not (NULL: no slot);
   _PyObject_GetDictPtr gives it with a dict in place of a block. */
PyAPI_FUNC(struct _object **) _PyPlusObject_DictSlot(struct _object *obj);
/* Give obj's slot a dict in place of a block (nothing for NULL, NULL
   slot or a dict): 0, or -1 with MemoryError. */
PyAPI_FUNC(int) _PyPlusIV_Materialize(struct _object *obj,
                                      struct _object **slot);
/* Attribute lookup in a block: 1 found (*pres, borrowed), 0 not, with
   *pdict the dict to search next or NULL, -1 error. */
PyAPI_FUNC(int) _PyPlusIV_Lookup(struct _object *obj,
                                 struct _object **slot,
                                 struct _object *name,
                                 struct _object **pres,
                                 struct _object **pdict);
/* Attribute store or delete through an empty or block slot: 0 done, -1
   error, 1 the ordinary path must follow (the slot then holds NULL or a
   dict). */
PyAPI_FUNC(int) _PyPlusIV_Store(struct _object *obj, struct _object **slot,
                                struct _object *name,
                                struct _object *value);
/* subtype_traverse, subtype_clear and subtype_dealloc: the slot's dict
   or block values; the slot's content dropped (slot NULL first). */
PyAPI_FUNC(int) _PyPlusIV_TraverseSlot(struct _object *obj,
                                       int (*visit)(struct _object *,
                                                    void *),
                                       void *arg);
PyAPI_FUNC(void) _PyPlusIV_ClearSlot(struct _object *obj);
/* Py_XDECREF of what a slot held (a dict, a block or NULL). */
PyAPI_FUNC(void) _PyPlusIV_Drop(struct _object *op);
/* Whether obj holds a values block and no dict (for the tests). */
PyAPI_FUNC(int) _PyPlusIV_HasValues(struct _object *obj);
#endif
#if WITH_PLUS_PRIORITY_GIL
/* Python/plus_gil.h: sys.setswitchinterval(), sys.getswitchinterval(). */
PyAPI_FUNC(struct _object *) _PyPlusSys_SetSwitchInterval(
    struct _object *self, struct _object *seconds);
PyAPI_FUNC(struct _object *) _PyPlusSys_GetSwitchInterval(
    struct _object *self, struct _object *unused);
#define PY_PLUS_SETSWITCHINTERVAL_DOC \
"setswitchinterval(n)\n\
\n\
Set the switch interval, in seconds: how long a CPU-bound thread keeps\n\
the GIL while other threads wait for it.  A thread that mostly blocks\n\
(I/O) is served sooner.  A C call that holds the GIL runs to its end."
#define PY_PLUS_GETSWITCHINTERVAL_DOC \
"getswitchinterval() -> current switch interval; see setswitchinterval()."
#endif
#ifdef __cplusplus
}
#endif
#endif /* !Py_LIMITED_API */

#endif /* !Py_PYPLUS_H */
