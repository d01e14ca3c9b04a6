/* PythonPlus: bounded busy-waiting ("spinning"), for the priority GIL
   (Python/plus_gil.h) and the native locks (Python/plus_lock.h).

   A thread that will be woken within microseconds (its partner in a
   hand-off is running on another processor) wastes far more time in a
   sleep and a wake-up (a system call each, and tens of microseconds for
   the scheduler to run it again, more in a virtual machine) than in
   waiting awake.  It waits awake only for a bounded time, measured on the
   monotonic clock, then sleeps as before; on a single processor it never
   spins (the thread it waits for cannot run meanwhile).  CPython 3.13's
   PyMutex spins the same way (yielding between rounds) before it parks,
   though only in free-threaded builds; here the waiters spin without the
   GIL, and Tools/plus/locktest.py measures the gain. */

#ifndef Py_PYPLUS_SPIN_H
#define Py_PYPLUS_SPIN_H

#include <sched.h>
#include <time.h>
#include <unistd.h>

#if defined(__GNUC__) && (defined(__i386__) || defined(__x86_64__))
#define PLUS_SPIN_PAUSE() __asm__ __volatile__("pause" ::: "memory")
#elif defined(__GNUC__) && defined(__aarch64__)
#define PLUS_SPIN_PAUSE() __asm__ __volatile__("yield" ::: "memory")
#elif defined(__GNUC__)
#define PLUS_SPIN_PAUSE() __asm__ __volatile__("" ::: "memory")
#else
#define PLUS_SPIN_PAUSE() ((void)0)
#endif

/* 1 on a multi-processor machine, 0 on one processor; computed once (a
   race between threads only computes it twice). */
static int
plus_spin_allowed(void)
{
    static int allowed = -1;

    if (allowed < 0) {
#ifdef _SC_NPROCESSORS_ONLN
        allowed = sysconf(_SC_NPROCESSORS_ONLN) > 1;
#else
        allowed = 0;
#endif
    }
    return allowed;
}

static long long
plus_spin_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Wait awake until ready(arg) returns non-zero, for at most usec
   microseconds.  Returns 1 if it did, 0 on time-out (or when spinning is
   not allowed; ready() is then asked once).  Every 64 rounds it yields
   the processor and reads the clock: the thread it waits for may have
   been woken onto this very processor (the scheduler favours the
   waker's), and must not wait for the spin to end before it runs. */
static int
plus_spin_until(int (*ready)(void *), void *arg, long usec)
{
    long long deadline;
    int i;

    if (usec <= 0 || !plus_spin_allowed()) {
        return ready(arg);
    }
    deadline = plus_spin_now_ns() + (long long)usec * 1000;
    for (;;) {
        for (i = 0; i < 64; i++) {
            if (ready(arg)) {
                return 1;
            }
            PLUS_SPIN_PAUSE();
        }
        sched_yield();
        if (plus_spin_now_ns() >= deadline) {
            return ready(arg);
        }
    }
}

struct plus_spin_flag {
    volatile int *flag;
    int value;
};

static int
plus_spin_flag_changed(void *arg)
{
    struct plus_spin_flag *f = (struct plus_spin_flag *)arg;

    return *f->flag != f->value;
}

/* Wait awake while *flag == value, for at most usec microseconds.
   Returns 1 if *flag changed, 0 on time-out. */
static int
plus_spin_while(volatile int *flag, int value, long usec)
{
    struct plus_spin_flag f;

    f.flag = flag;
    f.value = value;
    return plus_spin_until(plus_spin_flag_changed, &f, usec);
}

#endif /* !Py_PYPLUS_SPIN_H */
