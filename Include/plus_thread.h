#ifndef Py_PYPLUS_THREAD_H
#define Py_PYPLUS_THREAD_H

/* PythonPlus native locks (WITH_PLUS_NATIVE_LOCKS): the lock of
   PyThread_allocate_lock() is a mutex, a "locked" flag and a queue of
   waiters, which gives timed and interruptible acquires and lets a
   condition variable wait on the very same mutex.  Implemented in
   Python/plus_lock.h (POSIX threads only); used by Modules/threadmodule.c.
   None of the functions below needs the GIL; the blocking ones must be
   called without it. */

#include "pythread.h"

#if WITH_PLUS_NATIVE_LOCKS && defined(_POSIX_THREADS)
#define PY_PLUS_HAVE_NATIVE_LOCKS 1

#ifdef __cplusplus
extern "C" {
#endif

/* Results of the timed waits. */
#define PY_PLUS_LOCK_FAILURE 0      /* timed out, or busy for a try */
#define PY_PLUS_LOCK_ACQUIRED 1     /* acquired, or notified */
#define PY_PLUS_LOCK_INTR 2         /* a signal arrived (intr != 0) */
#define PY_PLUS_LOCK_NOT_HELD (-1)  /* waited/notified on a free lock */

/* Longest timeout in microseconds (threading.TIMEOUT_MAX * 1e6). */
#define PY_PLUS_TIMEOUT_MAX (PY_LLONG_MAX / 1000)

/* A condition variable bound to one lock: a FIFO of waiters, guarded by
   that lock's mutex.  Zero-filled is a valid empty state. */
typedef struct {
    void *head;
    void *tail;
    Py_ssize_t nwaiters;
    unsigned long forkgen;
    unsigned long notifies;     /* notify calls, for _PyPlusCond_Wait */
} _PyPlusCond;

/* timeout_us: -1 blocks, 0 tries, > 0 waits that long (monotonic clock).
   intr: return PY_PLUS_LOCK_INTR when a signal interrupts the wait. */
PyAPI_FUNC(int) _PyPlusThread_AcquireTimed(PyThread_type_lock lock,
                                           PY_LONG_LONG timeout_us,
                                           int intr);
/* Whether the lock is held (by anyone). */
PyAPI_FUNC(int) _PyPlusThread_LockIsHeld(PyThread_type_lock lock);
/* Release the held lock, wait until notified (or the timeout or a signal
   ends the wait), re-acquire the lock.  Returns ACQUIRED when notified,
   FAILURE on time out, INTR, or NOT_HELD (lock free: nothing done).  A
   wait interrupted by a signal returns ACQUIRED rather than INTR if a
   notify came while it waited for the lock (off the queue, it may have
   been the one meant for it); the signal's handler runs later. */
PyAPI_FUNC(int) _PyPlusCond_Wait(_PyPlusCond *cv, PyThread_type_lock lock,
                                 PY_LONG_LONG timeout_us, int intr);
/* Wake up to n waiters (n < 0: all), oldest first; the lock must be held.
   Returns the number woken, or NOT_HELD. */
PyAPI_FUNC(Py_ssize_t) _PyPlusCond_Notify(_PyPlusCond *cv,
                                          PyThread_type_lock lock,
                                          Py_ssize_t n);
/* Seconds on the monotonic clock. */
PyAPI_FUNC(double) _PyPlusThread_Monotonic(void);

#ifdef __cplusplus
}
#endif
#else
#define PY_PLUS_HAVE_NATIVE_LOCKS 0
#endif

/* A lock or condition wait of a Python thread gives up the GIL with
   PLUS_BEGIN_LOCK_WAIT (instead of Py_BEGIN_ALLOW_THREADS), and its wait,
   before it sleeps, calls PLUS_GIL_SETTLE_DROP(): the priority GIL may
   leave itself free for a moment to the thread that will release that
   lock (Python/plus_gil.h, rule 8). */
#if WITH_PLUS_PRIORITY_GIL
#ifdef __cplusplus
extern "C" {
#endif
PyAPI_FUNC(struct _ts *) _PyPlusEval_SaveThreadForLockWait(void);
PyAPI_FUNC(void) _PyPlusEval_SettleDrop(void);
#ifdef __cplusplus
}
#endif
#define PLUS_BEGIN_LOCK_WAIT { \
        PyThreadState *_save = _PyPlusEval_SaveThreadForLockWait();
#define PLUS_GIL_SETTLE_DROP() _PyPlusEval_SettleDrop()
#else
#define PLUS_BEGIN_LOCK_WAIT Py_BEGIN_ALLOW_THREADS
#define PLUS_GIL_SETTLE_DROP() ((void)0)
#endif

#endif /* !Py_PYPLUS_THREAD_H */
