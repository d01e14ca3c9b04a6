/* PythonPlus: the GIL of Python/ceval.c (included once, from there).

   Design notes
   ------------

   With WITH_PLUS_PRIORITY_GIL (on POSIX threads) the GIL is its own
   mutex and condition variables instead of a PyThread lock.  A thread
   that wants the GIL joins one of two queues, or the resumer's place:

   - the I/O queue: every thread coming back through PyEval_RestoreThread
     (after a blocking call) or PyEval_AcquireThread/AcquireLock (a new
     thread, PyGILState_Ensure);
   - the CPU queue: a thread that gave the GIL away at the periodic check
     of PyEval_EvalFrameEx ("yielded");
   - the resumer: the one CPU-bound thread that gave the GIL to an I/O
     thread at a check, in the middle of its turn.  It waits awake (up to
     PLUS_GIL_SWITCH_WAIT) and takes the GIL back as soon as the I/O
     thread blocks again, ahead of the CPU queue: an I/O thread that
     answers a request holds the GIL for microseconds, and waking the
     CPU queue's head for that gap (and again at the I/O thread's next
     blocking call) cost more than the gap.  Its turn goes on (the checks
     count on); once the CPU queue's head takes a turn, the resumer joins
     the CPU queue.  While it waits alone, the CPU turns are its own.

   Each queue is FIFO (tickets); a waiter sleeps on the condition variable
   of its ticket (modulo PLUS_GIL_CONDS), so that waking a queue's head
   wakes no other waiter (with 8 threads in the CPU queue, a broadcast
   woke 7 for nothing).  A free GIL goes to the I/O queue first, then to
   the resumer; the CPU queue gets it only when neither waits, or when it
   is owed a turn (below).  A thread coming back from a blocking call
   that finds the GIL free and promised to nobody takes it at once, before
   queued I/O threads that were woken and are not running yet: that keeps
   a producer/consumer pair as fast as with stock 2.7, and the queued ones
   are served at the holder's next checks.

   At the periodic check the holder calls plus_gil_yield():
   - nobody waits: it keeps the GIL (no system call, no mutex);
   - an I/O thread waits awake (it does so for PLUS_GIL_SPIN_US
     microseconds when it finds the GIL held): the GIL is handed to it,
     promised ("reserved") so that nobody else takes it first, and the holder
     queues as CPU.  This costs no wake-up;
   - an I/O thread waits asleep: the holder wakes it, and hands the GIL
     over once it waits awake (a check or two later).  The GIL is not
     left unused while the I/O thread wakes up, and a holder about to
     block releases the GIL by itself in the meantime, with no forced
     switch.  After PLUS_GIL_IO_WAKE_CHECKS checks the holder hands over
     even to a thread that is not awake yet;
   - only CPU threads wait: the holder counts the check, and hands the GIL
     to the head of the CPU queue only once in PLUS_GIL_CPU_YIELD_EVERY
     checks.  Two CPU-bound threads thus switch every ~10000 ticks instead
     of fighting for the GIL every 100 (stock 2.7's thrashing).  At its
     turn the head is woken as an I/O thread is (above): the holder
     carries on until the head waits awake and only then hands over, so
     that the GIL is not left unused for the length of a wake-up (tens of
     microseconds, more in a virtual machine).

   CPU turns: the wake-up itself costs the holder a system call, and in a
   virtual machine an inter-processor interrupt on top (10-20 microseconds
   for a pthread_cond_signal to a sleeping thread on a 2-core VM,
   Tools/plus/wakecost.c), once per turn of ~100-200 microseconds.  So the
   head of the CPU queue does not wait to be woken: the holder times the
   pace of its checks over a turn, and the head sleeps on a timer until
   its turn is due by that pace (plus_gil_cpu_head_wait), then waits awake
   for the holder's next check.
   The holder wakes it only if it is later than PLUS_GIL_TIMER_LATE_US,
   and again if it went back to sleep (untimed) because the holder made no
   check while it waited awake, as it does any queue's head; and the
   holder keeps the GIL until the head waits awake, for up to
   PLUS_GIL_CPU_WAKE_US.  Handed to a head still
   asleep, the GIL stays unused until the head runs: a trace of two
   CPU-bound threads showed a third of the hand-overs made so, each
   leaving the GIL unused for about 100 microseconds, before the holder
   woke such a head and waited for it longer.
   Threads take the GIL's mutex awake too (plus_gil_lock): it is held for
   moments only, and the holder still holds it when it hands the GIL over.
   While a due turn's owner is not awake yet, an I/O thread that waits
   awake is served first rather than kept waiting for the owner's timer.

   Processor yields: the kernel may queue a thread it wakes (a lock's new
   owner, an I/O thread) on the processor of the CPU-bound GIL holder
   rather than on an idle one, and Linux (EEVDF) then lets the holder run
   to the end of its time slice first, up to a scheduler tick (4 ms
   here).  A trace of a Lock pair beside a CPU-bound thread showed the
   holder keeping the GIL for 3.5-3.8 ms with no other thread asking for
   it, and yielding the processor ended that.  So while
   I/O threads use the GIL (one came back from a blocking call and took
   it in the last PLUS_GIL_SCHED_QUIET periods), the holder calls
   sched_yield() every PLUS_GIL_SCHED_YIELD_US (timed every 16 checks):
   about 0.6 microseconds when nobody else is runnable there.  A lone
   thread never does, nor CPU-bound threads among themselves: there the
   one let run would be the next CPU thread, which can only wait for the
   holder that gave way to it.

   Lock hand-offs: a thread that drops the GIL to wait for a lock or a
   condition (Modules/plus_threadlocks.h says so first, with
   PY_PLUS_GIL_LOCK_WAIT) does not wake the CPU queue when only CPU
   threads wait: its partner, which it has just released, comes back for
   the GIL within microseconds, and a CPU-bound thread woken meanwhile
   would take the GIL and the second processor from the pair.  The waiter
   wakes the CPU queue itself if it has to sleep and the GIL is still
   free (_PyPlusGIL_LockWaitSleeps, from Python/plus_lock.h); any thread
   that takes the GIL cancels the deferred wake-up.  So a deferred wake-up
   never outlives the waiter's spin (PLUS_LOCK_SPIN_US).  A thread that
   gives way at the first check after it came back from a blocking call
   (fewer than PLUS_GIL_IO_BURST checks) queues as I/O, not CPU: it is one
   of such a pair, not a CPU-bound thread.

   No starvation: every check made while CPU threads wait (in the CPU
   queue or as the resumer) is counted, and once the count reaches
   PLUS_GIL_CPU_YIELD_EVERY the CPU queue (or the resumer waiting alone)
   comes first, even when I/O threads wait: a voluntary release promises
   it the GIL, and a check hands it over once the head waits awake, or
   in any case after PLUS_GIL_TIMER_LATE_US + PLUS_GIL_CPU_WAKE_US more
   (counted in checks at the holder's pace, and at least
   PLUS_GIL_CPU_YIELD_EVERY checks).  The head of the I/O queue is handed
   the GIL within PLUS_GIL_IO_WAKE_CHECKS + 2 checks.
   One caveat, for busy machines: the holder waits only
   PLUS_GIL_SWITCH_WAIT microseconds for the promised thread to take the
   GIL; a woken thread may not get a processor for milliseconds, and
   rather than leave the GIL unused the holder takes it back (a
   "reclaim") and carries on.  The woken thread
   then waits awake once it runs, and is handed the GIL at the holder's
   next check.  Waiting awake ("spinning", Python/plus_spin.h) lasts at
   most PLUS_GIL_SPIN_US microseconds, and only on a multi-processor
   machine.

   After fork, PyEval_ReInitThreads re-creates the structure in the child
   (the parent's waiters do not exist there).

   With the switch off (or without POSIX threads) the macros below are
   stock 2.7.18's PyThread lock calls. */

#if WITH_PLUS_PRIORITY_GIL && defined(WITH_THREAD) && defined(_POSIX_THREADS)
#define PLUS_GIL 1
#else
#define PLUS_GIL 0
#endif

#if PLUS_GIL

#if PLUS_GIL_CPU_YIELD_EVERY < 1
#error "PLUS_GIL_CPU_YIELD_EVERY must be at least 1"
#endif

#include <pthread.h>
#include <sys/time.h>
#include <errno.h>
#include "plus_spin.h"
#include "plus_thread.h"

/* How long (microseconds) a thread waits awake for the GIL before it
   sleeps on its condition: an I/O thread that finds it held, the head of
   a queue woken for a hand-over. */
#ifndef PLUS_GIL_SPIN_US
#define PLUS_GIL_SPIN_US 2
#endif

/* How long (microseconds) a holder that handed the GIL over waits for
   the other thread to take it before it carries on itself: on a busy
   machine the woken thread may not get a processor for a while. */
#ifndef PLUS_GIL_SWITCH_WAIT
#define PLUS_GIL_SWITCH_WAIT 50
#endif

/* The checks a holder waits for a woken I/O thread to wait awake before
   it hands over the GIL to it all the same. */
#ifndef PLUS_GIL_IO_WAKE_CHECKS
#define PLUS_GIL_IO_WAKE_CHECKS 20
#endif

/* The checks after which a thread back from a blocking call counts as
   CPU-bound (it queues as CPU when it gives way at a check). */
#ifndef PLUS_GIL_IO_BURST
#define PLUS_GIL_IO_BURST 2
#endif

/* How late (microseconds) the timer of a thread that sleeps until its
   turn may be before the holder wakes it itself: Linux lets timers of
   ordinary threads run late by up to 50 by default (timer slack), and a
   virtual machine adds its own wake-up time. */
#ifndef PLUS_GIL_TIMER_LATE_US
#define PLUS_GIL_TIMER_LATE_US 200
#endif

/* How long (microseconds) past its turn the head of the CPU queue may be
   still asleep before the holder hands it the GIL all the same: the GIL
   then stays unused until the head runs, and an idle processor of a
   virtual machine may take a millisecond to run a woken thread. */
#ifndef PLUS_GIL_CPU_WAKE_US
#define PLUS_GIL_CPU_WAKE_US 2000
#endif

/* How often (microseconds) a GIL holder gives its processor away, while
   I/O threads use the GIL (0: never): see "Processor yields". */
#ifndef PLUS_GIL_SCHED_YIELD_US
#define PLUS_GIL_SCHED_YIELD_US 50
#endif
/* ... that is, while a thread back from a blocking call took the GIL in
   the last PLUS_GIL_SCHED_QUIET such periods. */
#define PLUS_GIL_SCHED_QUIET 20

#define PLUS_GIL_CONDS 8        /* a power of 2 */

#define PLUS_GIL_IO 0
#define PLUS_GIL_CPU 1
#define PLUS_GIL_RESUME 2       /* a CPU thread that gave way to I/O */
#define PLUS_GIL_ANY 3          /* no reservation */

static struct {
    pthread_mutex_t mutex;
    /* the I/O and CPU queues and the resumer; a waiter sleeps on the
       condition of its ticket (modulo PLUS_GIL_CONDS), so that waking the
       head of a queue wakes no other waiter */
    pthread_cond_t cond[3][PLUS_GIL_CONDS];
    pthread_cond_t switched;    /* a yielding holder waits for the taker */
    volatile int locked;
    int reserved;               /* the class promised the GIL, or _ANY */
    /* FIFO tickets: next to hand out, and the one served next; a queue
       holds next - serve threads.  Read without the mutex only as hints. */
    volatile unsigned long next[3];
    volatile unsigned long serve[3];
    long cpu_checks;            /* checks made while CPU threads waited */
    int spin;                   /* PLUS_GIL_SPIN_US, 0 on one processor */
    volatile int head_awake[3]; /* a queue's head waits awake */
    int nudged[3];              /* its head was woken for a hand-over */
    int resume_revoked;         /* the resumer's turn is over */
    int yielder;                /* a holder waits on switched */
    unsigned long switches;     /* times the GIL was taken */
    unsigned long io_seen;      /* 1 + the I/O head seen at a check */
    long io_checks;             /* checks since, while it waited */
    long burst;                 /* checks of the holder since it took it */
    int lock_wait;              /* the holder drops it to wait for a lock */
    volatile int cpu_wake_deferred;     /* 1 + the class whose wake-up
                                           _PyPlusGIL_LockWait() defers */
    long long cpu_turn_start;   /* when cpu_checks became 1 (ns) */
    long long cpu_check_ns;     /* the pace of the last CPU turn's checks */
    int cpu_timed;              /* CPU waiters asleep on a timer of their
                                   own: plus_gil_cpu_head_wait() */
    /* statistics, for thread._gil_stats() and the tests */
    unsigned long checks, takes[3], yields[3], reclaims, deferred;
    unsigned long timer_wakes, sched_yields;
    /* plus_gil_give_processor(), for the holder only */
    unsigned long sched_io_takes;
    long long sched_io_ns, sched_yield_ns;
} plus_gil;

#define PLUS_GIL_WAITING(cls) (plus_gil.next[cls] - plus_gil.serve[cls])
#define PLUS_GIL_COND(cls, ticket) \
    (&plus_gil.cond[cls][(ticket) & (PLUS_GIL_CONDS - 1)])
#define PLUS_GIL_HEAD_COND(cls) PLUS_GIL_COND(cls, plus_gil.serve[cls])

/* CPU turns go to the CPU queue, or to the resumer when it waits alone. */
#define PLUS_GIL_CPU_WAITING() \
    (PLUS_GIL_WAITING(PLUS_GIL_CPU) || PLUS_GIL_WAITING(PLUS_GIL_RESUME))
#define PLUS_GIL_CPU_OWNER() \
    (PLUS_GIL_WAITING(PLUS_GIL_CPU) ? PLUS_GIL_CPU : PLUS_GIL_RESUME)
#define PLUS_GIL_CPU_DUE() \
    (PLUS_GIL_CPU_WAITING() && \
     plus_gil.cpu_checks >= PLUS_GIL_CPU_YIELD_EVERY)

static void
plus_gil_check(int err, const char *what)
{
    if (err) {
        Py_FatalError(what);
    }
}

/* Returns the GIL as an opaque non-NULL "lock", for interpreter_lock. */
static PyThread_type_lock
plus_gil_create(void)
{
    int cls, i;

    memset(&plus_gil, 0, sizeof(plus_gil));
    plus_gil_check(pthread_mutex_init(&plus_gil.mutex, NULL),
                   "PyEval: cannot create the GIL mutex");
    for (cls = 0; cls < 3; cls++) {
        for (i = 0; i < PLUS_GIL_CONDS; i++) {
            plus_gil_check(pthread_cond_init(&plus_gil.cond[cls][i], NULL),
                           "PyEval: cannot create the GIL condition");
        }
    }
    plus_gil_check(pthread_cond_init(&plus_gil.switched, NULL),
                   "PyEval: cannot create the GIL condition");
    plus_gil.reserved = PLUS_GIL_ANY;
    plus_gil.spin = plus_spin_allowed() ? PLUS_GIL_SPIN_US : 0;
    return (PyThread_type_lock)&plus_gil;
}

static int
plus_gil_trylock(void *unused)
{
    return pthread_mutex_trylock(&plus_gil.mutex) == 0;
}

/* Lock the mutex.  Threads hold it for a moment only, so a thread that
   finds it locked waits for it awake: asleep, it would have to be woken
   by the unlock (a system call, and tens of microseconds in a virtual
   machine).  In a trace, a holder's check took 20-50 microseconds, with
   the GIL unused, when the head of the CPU queue had just woken up and
   taken the mutex (the holder, presumably, asleep on it). */
static void
plus_gil_lock(void)
{
    if (!plus_spin_until(plus_gil_trylock, NULL, PLUS_GIL_SWITCH_WAIT)) {
        plus_gil_check(pthread_mutex_lock(&plus_gil.mutex),
                       "PyEval: cannot lock the GIL mutex");
    }
}

/* Wait awake, for up to usec microseconds, while plus_gil.locked is
   locked (1: the GIL is held; 0: it is handed to another thread that has
   not taken it yet).  Mutex held. */
static void
plus_gil_spin_while(int locked, int usec)
{
    pthread_mutex_unlock(&plus_gil.mutex);
    plus_spin_while(&plus_gil.locked, locked, usec);
    plus_gil_lock();
}

/* Called with the mutex held. */
static int
plus_gil_may_take(int cls, unsigned long ticket)
{
    if (plus_gil.locked || ticket != plus_gil.serve[cls]) {
        return 0;
    }
    if (plus_gil.reserved != PLUS_GIL_ANY) {
        return plus_gil.reserved == cls;
    }
    if (cls == PLUS_GIL_IO) {
        return 1;
    }
    if (PLUS_GIL_WAITING(PLUS_GIL_IO)) {
        return 0;
    }
    /* The resumer goes before the CPU queue, unless that one's turn is
       due. */
    if (cls == PLUS_GIL_RESUME) {
        return !PLUS_GIL_CPU_DUE() || PLUS_GIL_CPU_OWNER() == cls;
    }
    return PLUS_GIL_WAITING(PLUS_GIL_RESUME) == 0 || PLUS_GIL_CPU_DUE();
}

/* Mark the GIL taken by a thread of cls.  Mutex held. */
static void
plus_gil_taken(int cls)
{
    /* A new CPU turn, unless the resumer goes on with its own. */
    if (cls == PLUS_GIL_CPU ||
        (cls == PLUS_GIL_RESUME && plus_gil.reserved == cls)) {
        plus_gil.cpu_checks = 0;
    }
    if (cls == PLUS_GIL_CPU && PLUS_GIL_WAITING(PLUS_GIL_RESUME)) {
        /* The resumer's turn is over: it joins the CPU queue. */
        plus_gil.resume_revoked = 1;
        if (!plus_gil.head_awake[PLUS_GIL_RESUME]) {
            pthread_cond_signal(PLUS_GIL_HEAD_COND(PLUS_GIL_RESUME));
        }
    }
    else if (cls == PLUS_GIL_RESUME) {
        plus_gil.resume_revoked = 0;    /* it came back before it saw it */
    }
    plus_gil.locked = 1;
    plus_gil.reserved = PLUS_GIL_ANY;
    plus_gil.takes[cls]++;
    plus_gil.nudged[cls] = 0;
    plus_gil.switches++;
    plus_gil.cpu_wake_deferred = 0;
    /* a CPU thread counts as CPU-bound from the start */
    plus_gil.burst = cls != PLUS_GIL_IO ? PLUS_GIL_IO_BURST : 0;
    if (plus_gil.yielder) {
        pthread_cond_signal(&plus_gil.switched);
    }
}

/* The absolute time usec microseconds from now, for
   pthread_cond_timedwait (on the real-time clock, as upstream's waits). */
static void
plus_gil_deadline(long usec, struct timespec *deadline)
{
    struct timeval now;

    gettimeofday(&now, NULL);
    usec += now.tv_usec;
    deadline->tv_sec = now.tv_sec + usec / 1000000;
    deadline->tv_nsec = (usec % 1000000) * 1000;
}

/* The head of the CPU queue (or the thread right behind a head being
   handed the GIL) sleeps until its turn is due by the pace of the
   holder's checks, then waits awake for the hand-over, instead of being
   woken by the holder: see "CPU turns" in the design notes.  Returns 0
   if it should sleep until woken instead (pace unknown, not at the head,
   or no check made since its last call: *last_checks).  Mutex held. */
static int
plus_gil_cpu_head_wait(unsigned long ticket, long *last_checks)
{
    long checks;
    long long wait_ns;
    struct timespec deadline;
    int err;

    if (!plus_gil.spin || plus_gil.cpu_check_ns == 0) {
        return 0;
    }
    if (ticket == plus_gil.serve[PLUS_GIL_CPU] && plus_gil.locked) {
        checks = plus_gil.cpu_checks;
    }
    else if (ticket == plus_gil.serve[PLUS_GIL_CPU] + 1 &&
             !plus_gil.locked && plus_gil.reserved == PLUS_GIL_CPU) {
        checks = 0;             /* its turn starts when the head takes it */
    }
    else {
        return 0;
    }
    if (checks == *last_checks) {
        return 0;
    }
    *last_checks = checks;
    if (checks < PLUS_GIL_CPU_YIELD_EVERY) {
        wait_ns = (PLUS_GIL_CPU_YIELD_EVERY - checks) * plus_gil.cpu_check_ns;
        if (wait_ns > 1000000000) {
            wait_ns = 1000000000;       /* a holder stuck in a long call */
        }
        plus_gil_deadline((long)(wait_ns / 1000) + 1, &deadline);
        plus_gil.cpu_timed++;
        err = pthread_cond_timedwait(PLUS_GIL_COND(PLUS_GIL_CPU, ticket),
                                     &plus_gil.mutex, &deadline);
        plus_gil.cpu_timed--;
        if (err == ETIMEDOUT) {
            plus_gil.timer_wakes++;
        }
        else {
            plus_gil_check(err, "PyEval: cannot wait for the GIL");
        }
        return 1;
    }
    /* Due: wait awake for the holder's next check. */
    plus_gil.head_awake[PLUS_GIL_CPU] = 1;
    plus_gil_spin_while(1, PLUS_GIL_SWITCH_WAIT);
    plus_gil.head_awake[PLUS_GIL_CPU] = 0;
    return 1;
}

/* Queue as cls and wait for the GIL.  Called with the mutex held. */
static void
plus_gil_wait_locked(int cls)
{
    unsigned long ticket;
    int woken = 0;
    long last_checks = -1;

    if (cls == PLUS_GIL_IO && !plus_gil.locked &&
        plus_gil.reserved == PLUS_GIL_ANY) {
        /* A free GIL, promised to nobody: an I/O thread takes it at once
           even if others of its class were woken for it and are not
           running yet (as with stock 2.7; they are served at the
           holder's checks, so they do not starve). */
        plus_gil_taken(cls);
        return;
    }
    ticket = plus_gil.next[cls]++;
    /* An I/O thread that finds the GIL held waits awake a little first:
       a holder about to block releases it soon, and a CPU-bound holder
       hands it over at its next check when it sees it awake, with no
       wake-up in between. */
    if (cls != PLUS_GIL_CPU) {
        woken = 1;
        plus_gil.nudged[cls] = plus_gil.spin;
    }
    if (cls == PLUS_GIL_RESUME && plus_gil.spin && !plus_gil.locked) {
        /* Handed to an I/O thread that waits awake: it takes the GIL at
           once.  Then wait awake for it to block again (below). */
        plus_gil_spin_while(0, PLUS_GIL_SWITCH_WAIT);
    }
    while (!plus_gil_may_take(cls, ticket)) {
        if (cls == PLUS_GIL_RESUME && plus_gil.resume_revoked) {
            plus_gil.resume_revoked = 0;
            plus_gil.serve[cls]++;
            plus_gil_wait_locked(PLUS_GIL_CPU);
            return;
        }
        if (woken && plus_gil.nudged[cls] && plus_gil.locked &&
            ticket == plus_gil.serve[cls]) {
            /* Woken by the holder ahead of its turn (or for a hand-over
               that was taken back): wait for the hand-over awake.  A
               thread woken by a plain release that another thread beat
               to the GIL sleeps again, as with stock 2.7. */
            woken = 0;
            plus_gil.nudged[cls] = 0;
            plus_gil.head_awake[cls] = 1;
            plus_gil_spin_while(1, cls == PLUS_GIL_RESUME ?
                                PLUS_GIL_SWITCH_WAIT : plus_gil.spin);
            plus_gil.head_awake[cls] = 0;
            continue;
        }
        if (cls == PLUS_GIL_CPU &&
            plus_gil_cpu_head_wait(ticket, &last_checks)) {
            woken = 1;
            continue;
        }
        plus_gil_check(pthread_cond_wait(PLUS_GIL_COND(cls, ticket),
                                         &plus_gil.mutex),
                       "PyEval: cannot wait for the GIL");
        woken = 1;
    }
    plus_gil.serve[cls]++;
    plus_gil_taken(cls);
}

static void
plus_gil_take(void)
{
    plus_gil_lock();
    plus_gil_wait_locked(PLUS_GIL_IO);
    pthread_mutex_unlock(&plus_gil.mutex);
}

/* Make the GIL free, for cls if not PLUS_GIL_ANY.  Mutex held.  Returns
   the class whose head to wake, or -1. */
static int
plus_gil_free_locked(int cls)
{
    plus_gil.locked = 0;
    if (cls == PLUS_GIL_ANY) {
        if (PLUS_GIL_CPU_DUE()) {
            cls = PLUS_GIL_CPU_OWNER();     /* a CPU turn */
            plus_gil.reserved = cls;
        }
        else if (PLUS_GIL_WAITING(PLUS_GIL_IO)) {
            cls = PLUS_GIL_IO;
        }
        else if (PLUS_GIL_WAITING(PLUS_GIL_RESUME)) {
            cls = PLUS_GIL_RESUME;
        }
        else if (PLUS_GIL_WAITING(PLUS_GIL_CPU)) {
            cls = PLUS_GIL_CPU;
        }
        else {
            return -1;
        }
    }
    else {
        plus_gil.reserved = cls;
    }
    return cls;
}

static void
plus_gil_drop(void)
{
    pthread_cond_t *cond = NULL;
    int cls;

    plus_gil_lock();
    cls = plus_gil_free_locked(PLUS_GIL_ANY);
    if (plus_gil.lock_wait) {
        plus_gil.lock_wait = 0;
        if (cls >= 0 && cls != PLUS_GIL_IO &&
            plus_gil.reserved == PLUS_GIL_ANY && plus_gil.spin) {
            /* See _PyPlusGIL_LockWait(). */
            plus_gil.cpu_wake_deferred = 1 + cls;
            plus_gil.deferred++;
            cls = -1;
        }
    }
    if (cls >= 0) {
        cond = PLUS_GIL_HEAD_COND(cls);
    }
    pthread_mutex_unlock(&plus_gil.mutex);
    /* Wake after unlocking: the woken thread does not find the mutex
       still held and go back to sleep on it. */
    if (cond != NULL) {
        pthread_cond_broadcast(cond);
    }
}

/* After a hand-over: wait until another thread took the GIL, for up to
   PLUS_GIL_SWITCH_WAIT microseconds.  Returns 0 if nobody did (the GIL is
   still free).  Mutex held. */
static int
plus_gil_switched(unsigned long switches)
{
    struct timespec deadline;
    int err;

    plus_gil_deadline(PLUS_GIL_SWITCH_WAIT, &deadline);
    plus_gil.yielder = 1;
    while (plus_gil.switches == switches) {
        err = pthread_cond_timedwait(&plus_gil.switched, &plus_gil.mutex,
                                     &deadline);
        if (err == ETIMEDOUT) {
            break;
        }
        plus_gil_check(err, "PyEval: cannot wait for a GIL switch");
    }
    plus_gil.yielder = 0;
    return plus_gil.switches != switches;
}

/* At a check where the head of queue cls is owed the GIL, for the
   checks-th time in a row: returns cls to hand the GIL over now, or
   PLUS_GIL_ANY to keep it for now.  A head that waits awake gets it at
   once.  A sleeping one is woken first, and the holder carries on until
   it waits awake (a check or two later) rather than leave the GIL unused
   while it wakes up; a holder about to block meanwhile releases the GIL
   by itself, with no forced switch.  A woken head that went back to
   sleep (its awake wait ended before the holder's next check) is woken
   again.  If it does not come within "patience" checks, it is handed the
   GIL all the same.  Mutex held. */
static int
plus_gil_wake_head(int cls, long checks, long patience)
{
    if (plus_gil.head_awake[cls]) {
        return cls;
    }
    if (cls == PLUS_GIL_CPU && plus_gil.cpu_timed && plus_gil.spin) {
        /* It wakes itself for its turn (plus_gil_cpu_head_wait): save
           the wake-up while its timer may still be running late. */
        long late = (long)(PLUS_GIL_TIMER_LATE_US * 1000LL /
                           (plus_gil.cpu_check_ns + 1));

        if (checks < late) {
            return PLUS_GIL_ANY;
        }
        checks -= late;
    }
    if (!plus_gil.spin || checks > patience) {
        return cls;
    }
    if (checks == 0 || !plus_gil.nudged[cls]) {
        plus_gil.nudged[cls] = 1;
        pthread_cond_broadcast(PLUS_GIL_HEAD_COND(cls));
    }
    return PLUS_GIL_ANY;
}

/* Count a check made while CPU threads wait, and time the pace of a
   turn's checks, by which the head of the CPU queue sleeps until its
   turn.  Returns the count.  Mutex held. */
static long
plus_gil_count_cpu_check(void)
{
    long n = ++plus_gil.cpu_checks;

    if (n == 1) {
        plus_gil.cpu_turn_start = plus_spin_now_ns();
    }
    else if (n == PLUS_GIL_CPU_YIELD_EVERY) {
        plus_gil.cpu_check_ns = (plus_spin_now_ns() -
                                 plus_gil.cpu_turn_start) / (n - 1);
    }
    return n;
}

/* Every 16 checks of the holder: see "Processor yields" in the design
   notes. */
static void
plus_gil_give_processor(void)
{
    long long now;

    if (PLUS_GIL_SCHED_YIELD_US <= 0) {
        return;
    }
    now = plus_spin_now_ns();
    if (plus_gil.takes[PLUS_GIL_IO] != plus_gil.sched_io_takes) {
        plus_gil.sched_io_takes = plus_gil.takes[PLUS_GIL_IO];
        plus_gil.sched_io_ns = now;
    }
    if (now - plus_gil.sched_io_ns >
            PLUS_GIL_SCHED_QUIET * PLUS_GIL_SCHED_YIELD_US * 1000LL ||
        now - plus_gil.sched_yield_ns < PLUS_GIL_SCHED_YIELD_US * 1000LL) {
        return;
    }
    plus_gil.sched_yield_ns = now;
    plus_gil.sched_yields++;
    sched_yield();
}

/* The periodic check of the GIL holder. */
static void
plus_gil_yield(void)
{
    int to;

    plus_gil.burst++;
    if ((plus_gil.checks & 15) == 0) {
        plus_gil_give_processor();
    }
    if (PLUS_GIL_WAITING(PLUS_GIL_IO) == 0 && !PLUS_GIL_CPU_WAITING()) {
        plus_gil.checks++;
        return;
    }
    plus_gil_lock();
    plus_gil.checks++;
    to = PLUS_GIL_ANY;
    if (PLUS_GIL_CPU_WAITING() &&
        plus_gil_count_cpu_check() >= PLUS_GIL_CPU_YIELD_EVERY) {
        long patience = (long)(PLUS_GIL_CPU_WAKE_US * 1000LL /
                               (plus_gil.cpu_check_ns + 1));

        to = plus_gil_wake_head(PLUS_GIL_CPU_OWNER(), plus_gil.cpu_checks -
                                PLUS_GIL_CPU_YIELD_EVERY,
                                patience > PLUS_GIL_CPU_YIELD_EVERY ?
                                patience : PLUS_GIL_CPU_YIELD_EVERY);
        if (to == PLUS_GIL_ANY && plus_gil.head_awake[PLUS_GIL_IO]) {
            /* The turn's owner is not awake yet: serve an I/O thread
               that is, rather than keep it waiting for the owner. */
            to = PLUS_GIL_IO;
        }
    }
    else if (PLUS_GIL_WAITING(PLUS_GIL_IO)) {
        if (plus_gil.io_seen != plus_gil.serve[PLUS_GIL_IO] + 1) {
            plus_gil.io_seen = plus_gil.serve[PLUS_GIL_IO] + 1;
            plus_gil.io_checks = 0;
        }
        to = plus_gil_wake_head(PLUS_GIL_IO, plus_gil.io_checks++,
                                PLUS_GIL_IO_WAKE_CHECKS);
    }
    if (to != PLUS_GIL_ANY) {
        unsigned long switches = plus_gil.switches;

        /* A head waiting awake takes the GIL at once; else wait (in
           time) for the woken one to take it. */
        int awake = plus_gil.head_awake[to];

        plus_gil_free_locked(to);
        pthread_cond_broadcast(PLUS_GIL_HEAD_COND(to));
        plus_gil.nudged[to] = plus_gil.spin;
        if (awake || plus_gil_switched(switches)) {
            /* A thread back from a blocking call that gives way at its
               first check is no CPU-bound thread: it queues as I/O.  A
               CPU-bound thread that gives way to an I/O thread goes on
               with its turn once that one blocks again (the resumer). */
            int requeue = plus_gil.burst < PLUS_GIL_IO_BURST ?
                PLUS_GIL_IO : PLUS_GIL_CPU;

            if (requeue == PLUS_GIL_CPU && to == PLUS_GIL_IO &&
                PLUS_GIL_WAITING(PLUS_GIL_RESUME) == 0) {
                requeue = PLUS_GIL_RESUME;
            }

            plus_gil.yields[to]++;
            plus_gil_wait_locked(requeue);
        }
        else {
            /* Nobody came in time (a busy machine): carry on.  The
               woken thread waits awake once it runs, and is then handed
               the GIL at the next check; else try again later. */
            plus_gil.locked = 1;
            plus_gil.reserved = PLUS_GIL_ANY;
            plus_gil.reclaims++;
            if (to != PLUS_GIL_IO) {
                plus_gil.cpu_checks = 0;
            }
            else {
                plus_gil.io_checks = 0;
            }
        }
    }
    pthread_mutex_unlock(&plus_gil.mutex);
}

/* See Include/plus_thread.h. */
void
_PyPlusGIL_LockWait(void)
{
    if (interpreter_lock) {
        plus_gil.lock_wait = 1;
    }
}

void
_PyPlusGIL_LockWaitSleeps(void)
{
    pthread_cond_t *cond = NULL;
    int cls;

    if (!plus_gil.cpu_wake_deferred) {
        return;
    }
    plus_gil_lock();
    cls = plus_gil.cpu_wake_deferred - 1;
    if (cls >= 0 && !plus_gil.locked && PLUS_GIL_WAITING(cls)) {
        cond = PLUS_GIL_HEAD_COND(cls);
    }
    plus_gil.cpu_wake_deferred = 0;
    pthread_mutex_unlock(&plus_gil.mutex);
    if (cond != NULL) {
        pthread_cond_broadcast(cond);
    }
}

#define PLUS_GIL_CREATE() plus_gil_create()
#define PLUS_GIL_TAKE() plus_gil_take()
#define PLUS_GIL_DROP() plus_gil_drop()
#define PLUS_GIL_YIELD() plus_gil_yield()

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

#if WITH_PLUS_PRIORITY_GIL
/* thread._gil_stats(): a dict of the GIL's counters (None where the
   priority GIL cannot be built: no POSIX threads). */
PyObject *
_PyPlus_GIL_Stats(void)
{
#if PLUS_GIL
    return Py_BuildValue(
        "{s:k,s:k,s:k,s:k,s:k,s:k,s:k,s:k,s:k,s:k,s:i}",
        "checks", plus_gil.checks,
        "io_takes", plus_gil.takes[PLUS_GIL_IO],
        "cpu_takes", plus_gil.takes[PLUS_GIL_CPU],
        "resumes", plus_gil.takes[PLUS_GIL_RESUME],
        "io_yields", plus_gil.yields[PLUS_GIL_IO],
        "cpu_yields", plus_gil.yields[PLUS_GIL_CPU],
        "reclaims", plus_gil.reclaims,
        "deferred", plus_gil.deferred,
        "timer_wakes", plus_gil.timer_wakes,
        "sched_yields", plus_gil.sched_yields,
        "cpu_yield_every", PLUS_GIL_CPU_YIELD_EVERY);
#else
    Py_RETURN_NONE;
#endif
}
#endif

/* thread.atomic: the periodic check switches threads only outside it. */
#if WITH_PLUS_THREAD_ATOMIC
#define PLUS_MAY_SWITCH(tstate) ((tstate)->plus_atomic == 0)
#else
#define PLUS_MAY_SWITCH(tstate) 1
#endif
