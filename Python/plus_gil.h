/* PythonPlus: the GIL of Python/ceval.c (WITH_PLUS_PRIORITY_GIL), included
   once from there.

   The rules
   ---------

   1. Fast path.  The GIL is the word `locked` (0 free, 1 held).  A thread
      takes a free GIL with one compare-and-swap and drops it with one
      store, after which it reads `waiting` (the number of queued threads)
      and, if it is 0, only clears `since` (rule 3).  So when nobody waits,
      a drop and retake costs two atomic operations: no mutex, no system
      call, no clock read, no counter.  A waiter adds itself to `waiting`
      before it tries to take the GIL, so a drop cannot miss it (both are
      sequentially consistent).

   2. Asking.  A thread that finds the GIL held queues itself (a record on
      its own stack, with its own condition variable), then sets
      `eval_request` and zeroes _Py_Ticker: the holder looks at the queue
      at its very next instruction boundary, or when the C call it is in
      returns.  The holder never just drops the GIL while others wait
      (but see rule 8): it hands it over, `locked` staying 1, to the
      waiter it picks, so nobody can take it in between and the holder
      cannot take it back.

   3. Who gets it: the thread that has used the least GIL time.  Every
      thread counts the GIL time it used while others waited (`used`, in
      microseconds; time on the fast path with nobody waiting is free).
      A free GIL goes to the waiter that has used the least (ties: first
      come), except that threads that gave way at a check are served in
      the order they did.  At a check, the holder gives way to that
      waiter only once it has used at least one switch interval more (sys.setswitchinterval,
      default PLUS_GIL_INTERVAL_US).  A thread that joins the contention
      (it queues, or holds the GIL when somebody begins to wait) counts as
      having used at least `floor` minus one interval, where `floor`, which
      never decreases, is the least used by the holder and the waiters
      that joined before, as of the holder's last look at the queue.
      Hence:
      - a thread that mostly blocks (I/O) has used less than the holder by
        an interval or more, and is served at the holder's next
        instruction;
      - CPU-bound threads take turns in FIFO order; a turn ends when the
        holder has used an interval more than the next in line, so n of
        them take turns of n/(n-1) intervals: among them the GIL changes
        hands at most once per interval, and none starves;
      - every thread gets an equal share of GIL time, whatever its mix of
        computing and blocking: I/O priority is bounded (a thread that
        computes a while and then blocks briefly, forever, is served first
        only while it has used less), and two threads that hand work to
        each other get twice the share of one CPU-bound thread;
      - a CPU-bound thread that gave way to an I/O thread keeps its place
        at the head of the line, so it is served again when that one
        blocks.

   4. What bounds a wait.  Only threads on the slow path read the clock
      (monotonic): a waiter when it queues and wakes, a holder that drops
      the GIL or checks while others wait.  At a check the holder
      publishes when its turn will end (`turn_end`: when its lead over
      the best waiter reaches an interval).  Every waiter sleeps until
      then (one interval when it is not known) and then, if that time has
      passed, sets eval_request again.  A joining thread starts at most
      one interval behind, so a holder keeps the GIL for at most two
      intervals past the least-used waiter, plus the C call in progress;
      a waiter is served after at most that for each thread ahead of it.

   5. Waiting awake.  A waiter waits awake for PLUS_GIL_SPIN_US
      microseconds before it sleeps, on a multi-processor machine only: the
      GIL often comes back that soon (to a CPU-bound thread that gave way
      to an I/O thread), and handing it to a waiter awake needs no system
      call.  Handing it to a sleeping waiter signals that waiter's own
      condition variable, so no other waiter wakes.

   6. The periodic check (every sys.getcheckinterval() ticks, or at once
      after a request) costs one load when eval_request is 0.  thread.atomic
      keeps it from switching (PLUS_MAY_SWITCH).  Signals and pending calls
      work as in stock 2.7: they zero the ticker, and the main thread waits
      for the GIL like any other thread.

   7. After fork, PyEval_ReInitThreads re-creates the GIL in the child with
      an empty queue: the parent's waiters do not exist there.

   8. Lock hand-offs.  A thread that drops the GIL to wait for a lock or
      a condition (PLUS_BEGIN_LOCK_WAIT) is usually in a ping-pong: the
      thread that will release its lock comes back from its own lock wait
      within microseconds and wants the GIL.  Handing the GIL meanwhile to
      a thread that gave way at a check, and that a check would not serve
      yet (it has not used an interval less than the dropper), would only
      make it give the GIL back at once, a wake-up and a switch each way.
      So in that one case the GIL is left free for whoever comes first,
      and the dropper, if it has to sleep for its lock after all, first
      hands a still-free GIL to the best waiter (_PyPlusEval_SettleDrop,
      from Python/plus_lock.h).  The GIL stays free at most for the
      lock's awake wait (PLUS_LOCK_SPIN_US); the best waiter, when its
      timed wait ends, takes a free GIL itself.

   The mutex guards the queue, the records in it and every field but the
   three atomic words, and `since`, which a drop on the fast path clears.
   Without POSIX threads or GCC-style atomics, and with the switch off,
   the macros at the end are stock 2.7.18's lock calls. */

#if WITH_PLUS_PRIORITY_GIL && defined(WITH_THREAD) && \
    defined(_POSIX_THREADS) && defined(__GNUC__)
#define PLUS_GIL 1
#else
#define PLUS_GIL 0
#endif

#if WITH_PLUS_PRIORITY_GIL
/* sys.setswitchinterval: microseconds; read under the GIL's mutex. */
static PY_LONG_LONG plus_gil_interval = PLUS_GIL_INTERVAL_US;
#endif

#if PLUS_GIL

#include <pthread.h>
#include <time.h>
#include "plus_spin.h"
#include "plus_thread.h"

typedef PY_LONG_LONG plus_usec;

/* A thread's GIL account (rule 3), in thread-local storage. */
typedef struct {
    plus_usec used;             /* GIL time used while others waited */
    int lock_wait;              /* this drop is for a lock wait (rule 8) */
    int unsettled;              /* it left the GIL free to waiters */
} plus_gil_share;

typedef struct plus_gil_waiter {
    struct plus_gil_waiter *next;
    plus_gil_share *share;
    volatile int granted;       /* the GIL has been handed to this thread */
    int sleeping;               /* on cond: a hand-over must signal it */
    int gave_way;               /* queued at a check, not by a return */
    int joining;                /* not yet counted against the floor */
    pthread_cond_t cond;
} plus_gil_waiter;

static struct {
    volatile int locked;        /* atomic (rule 1) */
    volatile int waiting;       /* atomic: records in the queue */
    volatile int eval_request;  /* atomic: the holder must look (rule 2) */
    pthread_mutex_t mutex;
    pthread_condattr_t condattr;    /* CLOCK_MONOTONIC */
    plus_gil_waiter *first;     /* the queue, in arrival order */
    plus_usec since;            /* the holder's time counts from here
                                   (0: it took the GIL on the fast path
                                   and nobody waited since) */
    plus_usec turn_end;         /* the holder's turn ends (0: unknown) */
    plus_usec floor;            /* least used by holder or waiters */
    /* counters for thread._gil_stats() */
    unsigned long switches, requests, yields, expiries, timeouts;
} plus_gil;

static __thread plus_gil_share plus_gil_me;

#define PLUS_GIL_LOAD(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define PLUS_GIL_CAS(p) __sync_bool_compare_and_swap((p), 0, 1)
#define PLUS_GIL_LOAD_SINCE() __atomic_load_n(&plus_gil.since, __ATOMIC_RELAXED)

static void
plus_gil_check(int err, const char *what)
{
    if (err != 0) {
        Py_FatalError(what);
    }
}

static PyThread_type_lock
plus_gil_create(void)
{
    static int attr_ready = 0;

    if (!attr_ready) {
        plus_gil_check(pthread_condattr_init(&plus_gil.condattr),
                       "GIL: pthread_condattr_init failed");
        plus_gil_check(pthread_condattr_setclock(&plus_gil.condattr,
                                                 CLOCK_MONOTONIC),
                       "GIL: no monotonic clock for condition variables");
        attr_ready = 1;
    }
    plus_gil_check(pthread_mutex_init(&plus_gil.mutex, NULL),
                   "GIL: pthread_mutex_init failed");
    plus_gil.locked = 0;
    plus_gil.waiting = 0;
    plus_gil.eval_request = 0;
    plus_gil.first = NULL;
    plus_gil.since = 0;
    plus_gil.turn_end = 0;
    plus_gil.floor = 0;
    /* interpreter_lock only needs to be non-NULL */
    return (PyThread_type_lock)&plus_gil;
}

static plus_usec
plus_gil_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (plus_usec)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static plus_usec
plus_gil_slice(void)
{
    return plus_gil_interval > 0 ? plus_gil_interval : 1;
}

/* A thread joining the contention starts at most one interval behind
   the floor (rule 3). */
static plus_gil_share *
plus_gil_join(plus_gil_share *s)
{
    if (s->used < plus_gil.floor - plus_gil_slice()) {
        s->used = plus_gil.floor - plus_gil_slice();
    }
    return s;
}

/* The calling thread, holding the GIL: charge it for its time since
   plus_gil.since (rule 3). */
static plus_gil_share *
plus_gil_charge(plus_usec now)
{
    plus_gil_share *me = plus_gil_join(&plus_gil_me);

    if (plus_gil.since != 0 && now > plus_gil.since) {
        me->used += now - plus_gil.since;
    }
    plus_gil.since = now;
    return me;
}

/* Whether waiter w comes before the best so far (rule 3): threads that
   gave way at a check are served in the order they did. */
static int
plus_gil_better(plus_gil_waiter *w, plus_gil_waiter *best, int *cpu_seen)
{
    if (w->gave_way) {
        if (*cpu_seen) {
            return 0;
        }
        *cpu_seen = 1;
    }
    return best == NULL || w->share->used < best->share->used;
}

/* The waiter to serve next. */
static plus_gil_waiter *
plus_gil_best(void)
{
    plus_gil_waiter *w, *best = NULL;
    int cpu_seen = 0;

    for (w = plus_gil.first; w != NULL; w = w->next) {
        if (plus_gil_better(w, best, &cpu_seen)) {
            best = w;
        }
    }
    return best;
}

/* Whether the holder `me` must give way to waiter w at a check. */
static int
plus_gil_due(plus_gil_share *me, plus_gil_waiter *w)
{
    return me->used - w->share->used >= plus_gil_slice();
}

/* The holder `me`, just charged: raise the floor to the least that it
   or a waiter already counted has used, let the waiters that joined
   since count, publish when its turn ends (rule 4) and return the best
   waiter.  (A thread back from a long block does not lower the floor:
   it is one interval behind the others at most.) */
static plus_gil_waiter *
plus_gil_plan(plus_gil_share *me, plus_usec now)
{
    plus_gil_waiter *w, *best;
    plus_usec least = me->used;

    for (w = plus_gil.first; w != NULL; w = w->next) {
        if (!w->joining && w->share->used < least) {
            least = w->share->used;
        }
    }
    if (least > plus_gil.floor) {
        plus_gil.floor = least;
    }
    for (w = plus_gil.first; w != NULL; w = w->next) {
        if (w->joining) {
            plus_gil_join(w->share);
            w->joining = 0;
        }
    }
    best = plus_gil_best();
    plus_gil.turn_end = now + best->share->used + plus_gil_slice() -
        me->used;
    return best;
}

/* Queue w last, or first (`first`: a CPU-bound thread keeps its place
   when it gives way to a thread back from a blocking call). */
static void
plus_gil_enqueue(plus_gil_waiter *w, plus_usec now, int first)
{
    plus_gil_waiter **p = &plus_gil.first;

    while (!first && *p != NULL) {
        p = &(*p)->next;
    }
    w->next = *p;
    *p = w;
    if (__atomic_add_fetch(&plus_gil.waiting, 1, __ATOMIC_SEQ_CST) == 1 &&
        PLUS_GIL_LOAD_SINCE() == 0) {
        /* the holder took the GIL on the fast path: its time counts from
           now on, and the end of its turn is unknown */
        plus_gil.since = now;
        plus_gil.turn_end = 0;
    }
}

static void
plus_gil_unlink(plus_gil_waiter *w)
{
    plus_gil_waiter **p = &plus_gil.first;

    while (*p != w) {
        p = &(*p)->next;
    }
    *p = w->next;
    __atomic_sub_fetch(&plus_gil.waiting, 1, __ATOMIC_SEQ_CST);
}

/* Hand the held GIL to w (rule 2). */
static void
plus_gil_grant(plus_gil_waiter *w)
{
    plus_gil_unlink(w);
    plus_gil.eval_request = 0;  /* the others have not used less */
    plus_gil.switches++;
    w->granted = 1;
    if (w->sleeping) {
        pthread_cond_signal(&w->cond);
    }
}

static void
plus_gil_request(void)
{
    plus_gil.eval_request = 1;
    _Py_Ticker = 0;
}

/* Wait, queued as w with the mutex held, until the GIL is handed to us
   (rules 4 and 5); awake first if it may come soon (`soon`). */
static void
plus_gil_wait(plus_gil_waiter *w, int soon)
{
    struct timespec ts;
    plus_usec now, until;

    if (soon && PLUS_GIL_SPIN_US > 0 && plus_spin_allowed()) {
        pthread_mutex_unlock(&plus_gil.mutex);
        plus_spin_while(&w->granted, 0, PLUS_GIL_SPIN_US);
        pthread_mutex_lock(&plus_gil.mutex);
    }
    if (w->granted) {
        return;
    }
    plus_gil_check(pthread_cond_init(&w->cond, &plus_gil.condattr),
                   "GIL: pthread_cond_init failed");
    while (!w->granted) {
        now = plus_gil_now();
        until = plus_gil.turn_end;
        if (until <= now) {
            until = now + plus_gil_slice();
        }
        ts.tv_sec = (time_t)(until / 1000000);
        ts.tv_nsec = (long)(until % 1000000) * 1000;
        w->sleeping = 1;
        pthread_cond_timedwait(&w->cond, &plus_gil.mutex, &ts);
        w->sleeping = 0;
        if (!w->granted && plus_gil_best() == w &&
            PLUS_GIL_CAS(&plus_gil.locked)) {
            /* left free (rule 8) and not taken since: ours, if it is
               our turn */
            plus_gil_unlink(w);
            w->granted = 1;
            plus_gil.switches++;
        }
        else if (!w->granted && (plus_gil.turn_end == 0 ||
                                 plus_gil_now() >= plus_gil.turn_end)) {
            /* the holder's turn is over: it must look at the queue */
            plus_gil.timeouts++;
            plus_gil_request();
        }
    }
    pthread_cond_destroy(&w->cond);
}

/* We hold the GIL handed to us: our time counts from now (not from the
   hand-over, since a woken thread may wait a while for a processor). */
static void
plus_gil_start_turn(void)
{
    plus_gil.since = plus_gil_now();
    if (plus_gil.first != NULL) {
        plus_gil_plan(&plus_gil_me, plus_gil.since);
    }
    else {
        plus_gil.turn_end = 0;
    }
}

static void
plus_gil_take_slow(void)
{
    plus_gil_waiter w;
    plus_usec now;

    w.granted = 0;
    w.sleeping = 0;
    w.gave_way = 0;
    w.joining = 1;
    w.share = &plus_gil_me;
    pthread_mutex_lock(&plus_gil.mutex);
    now = plus_gil_now();
    plus_gil_enqueue(&w, now, 0);
    if (PLUS_GIL_CAS(&plus_gil.locked)) {
        /* dropped meanwhile, and not handed to anyone yet: take it, and
           let the queue be looked at by the first check */
        plus_gil_unlink(&w);
        plus_gil.since = now;
        plus_gil.turn_end = 0;
        if (plus_gil.first != NULL) {
            plus_gil_request();
        }
    }
    else {
        plus_gil.requests++;
        plus_gil_request();
        plus_gil_wait(&w, 1);
        plus_gil_start_turn();
    }
    pthread_mutex_unlock(&plus_gil.mutex);
}

static void
plus_gil_take(void)
{
    if (!PLUS_GIL_CAS(&plus_gil.locked)) {
        plus_gil_take_slow();
    }
}

static void
plus_gil_drop(void)
{
    plus_gil_share *me;
    plus_gil_waiter *best;
    plus_usec now;

    __atomic_store_n(&plus_gil.locked, 0, __ATOMIC_SEQ_CST);
    if (PLUS_GIL_LOAD(&plus_gil.waiting) == 0) {
        /* the next holder's time counts once somebody waits for it */
        __atomic_store_n(&plus_gil.since, 0, __ATOMIC_RELAXED);
        return;
    }
    pthread_mutex_lock(&plus_gil.mutex);
    now = plus_gil_now();
    me = plus_gil_charge(now);
    /* Take it back for the best waiter, unless a thread coming back from
       a blocking call took it first (it will hand it on in turn), or
       (rule 8) we wait for a lock and the best waiter gave way at a check
       that would not serve it yet. */
    if (plus_gil.first != NULL) {
        best = plus_gil_plan(me, now);
        if (me->lock_wait && best->gave_way && !plus_gil_due(me, best)) {
            me->unsettled = 1;
        }
        else if (PLUS_GIL_CAS(&plus_gil.locked)) {
            plus_gil_grant(best);
        }
    }
    pthread_mutex_unlock(&plus_gil.mutex);
}

/* Without the GIL: if our last drop left it free to waiters (rule 8) and
   it still is, hand it to the best of them. */
void
_PyPlusEval_SettleDrop(void)
{
    if (!plus_gil_me.unsettled) {
        return;
    }
    plus_gil_me.unsettled = 0;
    if (PLUS_GIL_LOAD(&plus_gil.locked) ||
        PLUS_GIL_LOAD(&plus_gil.waiting) == 0) {
        return;
    }
    pthread_mutex_lock(&plus_gil.mutex);
    if (plus_gil.first != NULL && PLUS_GIL_CAS(&plus_gil.locked)) {
        plus_gil_grant(plus_gil_best());
    }
    pthread_mutex_unlock(&plus_gil.mutex);
}

/* PyEval_SaveThread before a lock or condition wait (rule 8). */
PyThreadState *
_PyPlusEval_SaveThreadForLockWait(void)
{
    PyThreadState *tstate;

    plus_gil_me.lock_wait = 1;
    tstate = PyEval_SaveThread();
    plus_gil_me.lock_wait = 0;
    return tstate;
}

/* The periodic check, with a request pending (rule 3). */
static void
plus_gil_yield(void)
{
    plus_gil_waiter w, *best;
    plus_gil_share *me;
    plus_usec now;
    int soon;

    pthread_mutex_lock(&plus_gil.mutex);
    plus_gil.eval_request = 0;
    if (plus_gil.first != NULL) {
        now = plus_gil_now();
        me = plus_gil_charge(now);
        best = plus_gil_plan(me, now);
        if (plus_gil_due(me, best)) {
            plus_gil.yields++;
            /* given way to a thread back from a blocking call, the GIL
               comes back soon, when that thread blocks again; to a
               CPU-bound thread, after its turn */
            soon = !best->gave_way;
            if (!soon) {
                plus_gil.expiries++;
            }
            plus_gil_grant(best);
            w.granted = 0;
            w.sleeping = 0;
            w.gave_way = 1;
            w.joining = 0;
            w.share = me;
            plus_gil_enqueue(&w, now, soon);
            plus_gil_wait(&w, soon);
            plus_gil_start_turn();
        }
    }
    pthread_mutex_unlock(&plus_gil.mutex);
}

#define PLUS_GIL_CREATE() plus_gil_create()
#define PLUS_GIL_TAKE() plus_gil_take()
#define PLUS_GIL_DROP() plus_gil_drop()
#define PLUS_GIL_YIELD() \
    do { \
        if (plus_gil.eval_request) { \
            plus_gil_yield(); \
        } \
    } while (0)

#else /* !PLUS_GIL: stock 2.7.18 */

#define PLUS_GIL_CREATE() PyThread_allocate_lock()
#define PLUS_GIL_TAKE() PyThread_acquire_lock(interpreter_lock, 1)
#define PLUS_GIL_DROP() PyThread_release_lock(interpreter_lock)
#define PLUS_GIL_YIELD() \
    do { \
        PyThread_release_lock(interpreter_lock); \
        /* Other threads may run now */ \
        PyThread_acquire_lock(interpreter_lock, 1); \
    } while (0)

#endif /* PLUS_GIL */

#if WITH_PLUS_PRIORITY_GIL && !PLUS_GIL
PyThreadState *
_PyPlusEval_SaveThreadForLockWait(void)
{
    return PyEval_SaveThread();
}

void
_PyPlusEval_SettleDrop(void)
{
}
#endif

#if WITH_PLUS_PRIORITY_GIL
/* sys.setswitchinterval(seconds) and sys.getswitchinterval(), as in
   Python 3.2+: the length of a CPU-bound thread's turn. */
PyObject *
_PyPlusSys_SetSwitchInterval(PyObject *self, PyObject *arg)
{
    double seconds = PyFloat_AsDouble(arg);
    PY_LONG_LONG usec;

    if (seconds == -1.0 && PyErr_Occurred()) {
        if (PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Format(PyExc_TypeError, "must be real number, not %.200s",
                         Py_TYPE(arg)->tp_name);
        }
        return NULL;
    }
    if (!(seconds > 0.0)) {
        PyErr_SetString(PyExc_ValueError,
                        "switch interval must be strictly positive");
        return NULL;
    }
    /* Python 3 truncates to whole microseconds; more than a year is
       clamped, to keep deadlines far from overflowing. */
    usec = seconds < 3.2e7 ? (PY_LONG_LONG)(seconds * 1e6) :
        (PY_LONG_LONG)32000000 * 1000000;
#if PLUS_GIL
    if (interpreter_lock) {
        pthread_mutex_lock(&plus_gil.mutex);
        plus_gil_interval = usec;
        pthread_mutex_unlock(&plus_gil.mutex);
    }
    else
#endif
    {
        plus_gil_interval = usec;
    }
    Py_RETURN_NONE;
}

PyObject *
_PyPlusSys_GetSwitchInterval(PyObject *self, PyObject *unused)
{
    return PyFloat_FromDouble(1e-6 * (double)plus_gil_interval);
}

/* thread._gil_stats(): the GIL's counters (None without POSIX threads). */
PyObject *
_PyPlus_GIL_Stats(void)
{
#if PLUS_GIL
    return Py_BuildValue("{s:k,s:k,s:k,s:k,s:k}",
                         "switches", plus_gil.switches,
                         "requests", plus_gil.requests,
                         "yields", plus_gil.yields,
                         "expiries", plus_gil.expiries,
                         "timeouts", plus_gil.timeouts);
#else
    Py_RETURN_NONE;
#endif
}
#endif /* WITH_PLUS_PRIORITY_GIL */

/* thread.atomic: the periodic check switches threads only outside it. */
#if WITH_PLUS_THREAD_ATOMIC
#define PLUS_MAY_SWITCH(tstate) ((tstate)->plus_atomic == 0)
#else
#define PLUS_MAY_SWITCH(tstate) 1
#endif
