/* PythonPlus native locks (WITH_PLUS_NATIVE_LOCKS), included once by
   Python/thread_pthread.h in place of the stock lock code.

   Design notes
   ------------
   A lock is { mutex, locked flag, FIFO of waiters }.  acquire() takes the
   mutex, sets "locked" if it is clear, and otherwise queues a waiter record
   that lives on the waiting thread's stack and sleeps on it; release()
   clears "locked" and wakes the oldest queued waiter, which re-checks the
   flag (a thread that comes in between may take the lock first, as with
   the stock semaphore lock).

   A condition variable (_PyPlusCond) is a second FIFO guarded by the same
   mutex: wait() clears "locked", wakes a lock waiter and queues itself in
   one critical section, so no notify can slip in between.  notify(n)
   moves the n oldest waiters, marked, from the condition's queue to the
   lock's ("wait morphing"): they need the lock, which the notifier holds,
   so they sleep on until its release wakes them, once.  A waiter knows it
   was notified from its own record (flags set under the mutex), never from
   a shared counter, so a late waiter cannot steal a wake-up, a timed-out
   waiter cannot lose one, and notify(n) wakes at most n.  When the lock
   is released with a notified waiter first in its queue, the lock is
   handed over to it rather than freed (see plus_release): otherwise the
   notifier, still running, takes it back before the waiter wakes.

   Each waiter record carries its own wake-up primitive, chosen by the
   tunable PLUS_SEM_CONDVAR:
     1: a sem_t.  The waiter drops the mutex and sleeps in sem_wait or
        sem_clockwait(CLOCK_MONOTONIC); a signal handler makes those return
        EINTR, which is what makes waits interruptible (the caller runs the
        Python signal handlers and resumes).  The waker posts after
        releasing the mutex, so that the woken thread does not run into
        it; a marked waiter whose wait ended otherwise (time-out, signal)
        waits for that post before its record (on its stack) goes away.
     0: a pthread_cond_t on CLOCK_MONOTONIC with pthread_cond_timedwait.
        glibc restarts these after a signal handler, so waits are not
        interruptible with this choice.
   Deadlines are absolute CLOCK_MONOTONIC times: wall-clock jumps do not
   stretch or shorten a timeout.

   Before it sleeps, a waiter waits awake for up to PLUS_LOCK_SPIN_US
   microseconds (Python/plus_spin.h; never on one processor), with its
   record marked "spinning" so that a waker only marks it woken and
   skips the post.  Threads that hand a lock or a Condition back and forth
   thus never sleep while both run, and a wait that is not satisfied that
   soon sleeps as above (an idle timed waiter costs one such spin per
   wait).  A signal that arrives while a waiter spins is seen when the
   wait ends, as one that arrives just before the wait begins.

   Fork: the child may inherit a mutex held by a thread that no longer
   exists, and queues of records on dead threads' stacks.  A pthread_atfork
   child handler bumps a generation number; a lock or condition whose
   generation is stale re-initialises its mutex and empties its queues
   (keeping the "locked" flag, as a stock semaphore lock keeps its count)
   before its next use.  Cost: one comparison per operation. */

#include "plus_thread.h"
#include "plus_spin.h"
#include <errno.h>
#include <time.h>
#if PLUS_SEM_CONDVAR
#include <semaphore.h>
#endif


typedef struct _plus_waiter {
    struct _plus_waiter *prev;
    struct _plus_waiter *next;
    int moved;                  /* notified: now on the lock's queue */
    int woken;                  /* taken off the queues (and posted) */
    int handed;                 /* woken owning the lock (hand-off) */
    int spinning;               /* waits awake: a waker need not post */
#if PLUS_SEM_CONDVAR
    sem_t sem;
#else
    pthread_cond_t cond;
#endif
} plus_waiter;

typedef struct {
    pthread_mutex_t mut;
    int locked;
    volatile unsigned long forkgen;
    _PyPlusCond q;              /* threads waiting to acquire */
} plus_lock;

static volatile unsigned long plus_forkgen = 1;
static pthread_mutex_t plus_fork_mut = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t plus_once = PTHREAD_ONCE_INIT;
#if !PLUS_SEM_CONDVAR
static pthread_condattr_t plus_condattr;
#endif

#if defined(__GNUC__)
#define PLUS_BARRIER() __sync_synchronize()
#else
#define PLUS_BARRIER() ((void)0)
#endif

static void
plus_atfork_child(void)
{
    pthread_mutex_init(&plus_fork_mut, NULL);
    plus_forkgen++;
}

static void
plus_lock_once(void)
{
#if !PLUS_SEM_CONDVAR
    pthread_condattr_init(&plus_condattr);
    pthread_condattr_setclock(&plus_condattr, CLOCK_MONOTONIC);
#endif
    pthread_atfork(NULL, NULL, plus_atfork_child);
}

/* Bring a lock inherited across fork() back to a usable state. */
static void
plus_lock_refresh(plus_lock *lk)
{
    pthread_mutex_lock(&plus_fork_mut);
    if (lk->forkgen != plus_forkgen) {
        pthread_mutex_init(&lk->mut, NULL);
        lk->q.head = lk->q.tail = NULL;
        lk->q.nwaiters = 0;
        lk->q.forkgen = plus_forkgen;
        PLUS_BARRIER();
        lk->forkgen = plus_forkgen;
    }
    pthread_mutex_unlock(&plus_fork_mut);
}

#define PLUS_LOCK_ENTER(lk) do { \
        if ((lk)->forkgen != plus_forkgen) \
            plus_lock_refresh(lk); \
        pthread_mutex_lock(&(lk)->mut); \
    } while (0)

/* Under the lock's mutex: forget the waiters of a condition that predate
   a fork. */
static void
plus_cond_refresh(_PyPlusCond *cv)
{
    if (cv->forkgen != plus_forkgen) {
        cv->head = cv->tail = NULL;
        cv->nwaiters = 0;
        cv->forkgen = plus_forkgen;
    }
}

double
_PyPlusThread_Monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void
plus_deadline(struct timespec *dl, PY_LONG_LONG us)
{
    PY_LONG_LONG sec, nsec;
#if PLUS_SEM_CONDVAR && !(defined(__GLIBC__) && \
        (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 30)))
    /* No sem_clockwait: sem_timedwait measures against CLOCK_REALTIME. */
    clock_gettime(CLOCK_REALTIME, dl);
#else
    clock_gettime(CLOCK_MONOTONIC, dl);
#endif
    sec = (PY_LONG_LONG)dl->tv_sec + us / 1000000;
    nsec = (PY_LONG_LONG)dl->tv_nsec + (us % 1000000) * 1000;
    if (nsec >= 1000000000) {
        sec++;
        nsec -= 1000000000;
    }
    if (sizeof(time_t) < sizeof(PY_LONG_LONG) && sec > 0x7fffffffL) {
        sec = 0x7fffffffL;
    }
    dl->tv_sec = (time_t)sec;
    dl->tv_nsec = (long)nsec;
}

static void
plus_enqueue(_PyPlusCond *q, plus_waiter *w)
{
    w->next = NULL;
    w->prev = (plus_waiter *)q->tail;
    if (q->tail != NULL) {
        ((plus_waiter *)q->tail)->next = w;
    }
    else {
        q->head = w;
    }
    q->tail = w;
    q->nwaiters++;
}

static void
plus_dequeue(_PyPlusCond *q, plus_waiter *w)
{
    if (w->prev != NULL) {
        w->prev->next = w->next;
    }
    else {
        q->head = w->next;
    }
    if (w->next != NULL) {
        w->next->prev = w->prev;
    }
    else {
        q->tail = w->prev;
    }
    q->nwaiters--;
}

/* Under the mutex: take the n oldest waiters off q (all if n < 0) and mark
   them woken.  Returns those that sleep chained through "next", for
   plus_post(); the others wait awake and see the mark. */
static plus_waiter *
plus_take(_PyPlusCond *q, Py_ssize_t n, Py_ssize_t *count)
{
    plus_waiter *w, *first = NULL, *last = NULL;
    Py_ssize_t taken = 0;

    while (q->head != NULL && (n < 0 || taken < n)) {
        w = (plus_waiter *)q->head;
        plus_dequeue(q, w);
        w->woken = 1;
        taken++;
        if (w->spinning) {
            continue;           /* it sees "woken" by itself */
        }
        w->next = NULL;
        if (last != NULL) {
            last->next = w;
        }
        else {
            first = w;
        }
        last = w;
    }
    if (count != NULL) {
        *count = taken;
    }
    return first;
}

/* Wake the chain of plus_take().  A sem_t is posted after the mutex is
   released, so that the woken thread does not run into a held mutex: a
   marked waiter never leaves before it consumed its post (plus_sleep), so
   its record outlives the sem_post.  A pthread_cond_t has no such
   guarantee and is signalled under the mutex. */
static void
plus_post(plus_waiter *w)
{
    plus_waiter *next;

    while (w != NULL) {
        next = w->next;         /* w may be gone once posted */
#if PLUS_SEM_CONDVAR
        sem_post(&w->sem);
#else
        pthread_cond_signal(&w->cond);
#endif
        w = next;
    }
}

/* plus_sleep's result for a notified waiter that was handed the lock */
#define PLUS_HANDED 3

/* Under the mutex: release the held lock.  A notified Condition waiter
   first in line gets the lock handed over (it stays locked): it was
   notified first, and the notifier would otherwise take the lock again
   before it wakes and send it back to sleep, for a second wake-up.  Plain
   lock waiters (the GIL's) are only woken, as stock.  Returns the chain to
   post. */
static plus_waiter *
plus_release(plus_lock *lk)
{
    plus_waiter *w = (plus_waiter *)lk->q.head;

    if (w != NULL && w->moved) {
        plus_dequeue(&lk->q, w);
        w->woken = 1;
        w->handed = 1;
        w->next = NULL;
        return w->spinning ? NULL : w;
    }
    lk->locked = 0;
    return plus_take(&lk->q, 1, NULL);
}

#if PLUS_SEM_CONDVAR
#define PLUS_POST_LOCKED(chain) ((void)0)
#define PLUS_POST_UNLOCKED(chain) plus_post(chain)
#else
#define PLUS_POST_LOCKED(chain) plus_post(chain)
#define PLUS_POST_UNLOCKED(chain) ((void)0)
#endif

/* Under the mutex mut (released while sleeping): post the chain "wake"
   (see plus_take), queue on q and sleep until woken, the deadline dl (NULL:
   none) passes, or (intr) a signal arrives; once moved to the lock's
   queue by a notify, only a wake-up ends the sleep.  Returns ACQUIRED (woken),
   FAILURE or INTR, with mut held again and the record off the queue. */
static int
plus_sleep(_PyPlusCond *q, pthread_mutex_t *mut, const struct timespec *dl,
           int intr, plus_waiter *wake)
{
    plus_waiter w;
    int err, result;

    w.moved = 0;
    w.woken = 0;
    w.handed = 0;
    w.spinning = 0;
#if PLUS_SEM_CONDVAR
    sem_init(&w.sem, 0, 0);
#else
    pthread_cond_init(&w.cond, &plus_condattr);
#endif
    plus_enqueue(q, &w);
    PLUS_POST_LOCKED(wake);
    if (PLUS_LOCK_SPIN_US > 0 && plus_spin_allowed()) {
        /* In a hand-off between running threads the waker comes within
           microseconds: wait for it awake first.  A waker that finds
           "spinning" set (both under the mutex) does not post. */
        w.spinning = 1;
        pthread_mutex_unlock(mut);
        PLUS_POST_UNLOCKED(wake);
        wake = NULL;
        plus_spin_while(&w.woken, 0, PLUS_LOCK_SPIN_US);
        pthread_mutex_lock(mut);
        w.spinning = 0;
    }
    if (!w.woken) {
        PLUS_GIL_SETTLE_DROP();    /* takes the GIL's mutex inside ours */
    }
    while (!w.woken) {
#if PLUS_SEM_CONDVAR
        pthread_mutex_unlock(mut);
        PLUS_POST_UNLOCKED(wake);
        wake = NULL;
        if (dl == NULL || w.moved) {
            err = sem_wait(&w.sem);
        }
        else {
#if defined(__GLIBC__) && \
        (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 30))
            err = sem_clockwait(&w.sem, CLOCK_MONOTONIC, dl);
#else
            err = sem_timedwait(&w.sem, dl);
#endif
        }
        err = err ? errno : 0;
        pthread_mutex_lock(mut);
        if (w.woken && err != 0) {
            /* woken just as the wait ended: the post is on its way and
               must land before the record goes away */
            pthread_mutex_unlock(mut);
            while (sem_wait(&w.sem) != 0) {
            }
            pthread_mutex_lock(mut);
        }
#else
        if (dl == NULL || w.moved) {
            err = pthread_cond_wait(&w.cond, mut);
        }
        else {
            err = pthread_cond_timedwait(&w.cond, mut, dl);
        }
#endif
        if (w.woken || w.moved) {
            continue;   /* notified: no time-out, wait for the lock */
        }
        if (err == ETIMEDOUT) {
            plus_dequeue(q, &w);
            result = PY_PLUS_LOCK_FAILURE;
            goto done;
        }
        if (err == EINTR && intr) {
            plus_dequeue(q, &w);
            result = PY_PLUS_LOCK_INTR;
            goto done;
        }
        /* spurious wake-up, or a signal we are not to report: sleep on */
    }
    result = w.handed ? PLUS_HANDED : PY_PLUS_LOCK_ACQUIRED;
done:
#if PLUS_SEM_CONDVAR
    sem_destroy(&w.sem);
#else
    pthread_cond_destroy(&w.cond);
#endif
    return result;
}

PyThread_type_lock
PyThread_allocate_lock(void)
{
    plus_lock *lk;

    if (!initialized) {
        PyThread_init_thread();
    }
    pthread_once(&plus_once, plus_lock_once);
    lk = (plus_lock *)calloc(1, sizeof(plus_lock));
    if (lk == NULL) {
        return NULL;
    }
    if (pthread_mutex_init(&lk->mut, NULL) != 0) {
        free(lk);
        return NULL;
    }
    lk->forkgen = plus_forkgen;
    lk->q.forkgen = plus_forkgen;
    return (PyThread_type_lock)lk;
}

void
PyThread_free_lock(PyThread_type_lock lock)
{
    plus_lock *lk = (plus_lock *)lock;

    if (lk == NULL) {
        return;
    }
    pthread_mutex_destroy(&lk->mut);
    free(lk);
}

int
_PyPlusThread_AcquireTimed(PyThread_type_lock lock, PY_LONG_LONG timeout_us,
                           int intr)
{
    plus_lock *lk = (plus_lock *)lock;
    struct timespec dl;
    int result = PY_PLUS_LOCK_ACQUIRED;

    PLUS_LOCK_ENTER(lk);
    if (lk->locked && timeout_us != 0) {
        if (timeout_us > 0) {
            plus_deadline(&dl, timeout_us);
        }
        do {
            result = plus_sleep(&lk->q, &lk->mut,
                                timeout_us > 0 ? &dl : NULL, intr, NULL);
        } while (lk->locked && result == PY_PLUS_LOCK_ACQUIRED);
    }
    if (!lk->locked) {
        /* even after a time-out or a signal: the lock is free now */
        lk->locked = 1;
        result = PY_PLUS_LOCK_ACQUIRED;
    }
    else if (result == PY_PLUS_LOCK_ACQUIRED) {
        result = PY_PLUS_LOCK_FAILURE;
    }
    pthread_mutex_unlock(&lk->mut);
    return result;
}

int
PyThread_acquire_lock(PyThread_type_lock lock, int waitflag)
{
    return _PyPlusThread_AcquireTimed(lock, waitflag ? -1 : 0, 0);
}

void
PyThread_release_lock(PyThread_type_lock lock)
{
    plus_lock *lk = (plus_lock *)lock;
    plus_waiter *wake;

    PLUS_LOCK_ENTER(lk);
    wake = plus_release(lk);
    PLUS_POST_LOCKED(wake);
    pthread_mutex_unlock(&lk->mut);
    PLUS_POST_UNLOCKED(wake);
}

int
_PyPlusThread_LockIsHeld(PyThread_type_lock lock)
{
    plus_lock *lk = (plus_lock *)lock;
    int held;

    PLUS_LOCK_ENTER(lk);
    held = lk->locked;
    pthread_mutex_unlock(&lk->mut);
    return held;
}

int
_PyPlusCond_Wait(_PyPlusCond *cv, PyThread_type_lock lock,
                 PY_LONG_LONG timeout_us, int intr)
{
    plus_lock *lk = (plus_lock *)lock;
    struct timespec dl;
    int result;
    unsigned long notifies;

    PLUS_LOCK_ENTER(lk);
    plus_cond_refresh(cv);
    if (!lk->locked) {
        pthread_mutex_unlock(&lk->mut);
        return PY_PLUS_LOCK_NOT_HELD;
    }
    if (timeout_us == 0) {
        /* nothing can notify us without the lock: a plain time-out */
        pthread_mutex_unlock(&lk->mut);
        return PY_PLUS_LOCK_FAILURE;
    }
    if (timeout_us > 0) {
        plus_deadline(&dl, timeout_us);
    }
    result = plus_sleep(cv, &lk->mut, timeout_us > 0 ? &dl : NULL, intr,
                        plus_release(lk));
    notifies = cv->notifies;
    if (result == PLUS_HANDED) {
        result = PY_PLUS_LOCK_ACQUIRED;         /* the lock is ours */
    }
    else {
        /* Re-acquire, however the wait ended; not interruptible. */
        while (lk->locked) {
            plus_sleep(&lk->q, &lk->mut, NULL, 0, NULL);
        }
        lk->locked = 1;
    }
    if (result == PY_PLUS_LOCK_INTR && cv->notifies != notifies) {
        result = PY_PLUS_LOCK_ACQUIRED;         /* see plus_thread.h */
    }
    pthread_mutex_unlock(&lk->mut);
    return result;
}

Py_ssize_t
_PyPlusCond_Notify(_PyPlusCond *cv, PyThread_type_lock lock, Py_ssize_t n)
{
    plus_lock *lk = (plus_lock *)lock;
    plus_waiter *w;
    Py_ssize_t woken = 0;

    PLUS_LOCK_ENTER(lk);
    plus_cond_refresh(cv);
    if (!lk->locked) {
        pthread_mutex_unlock(&lk->mut);
        return PY_PLUS_LOCK_NOT_HELD;
    }
    cv->notifies++;
    /* the lock is held: its release will wake the notified */
    while (cv->head != NULL && (n < 0 || woken < n)) {
        w = (plus_waiter *)cv->head;
        plus_dequeue(cv, w);
        w->moved = 1;
        plus_enqueue(&lk->q, w);
        woken++;
    }
    pthread_mutex_unlock(&lk->mut);
    return woken;
}
