/* What a wake-up costs on this machine, the numbers behind the "CPU
   turns" and "Processor yields" designs of Python/plus_gil.h:
     signal    the time pthread_cond_signal takes its caller when the
               waiter sleeps (on another processor, idle meanwhile)
     latency   from that call until the woken thread runs
     timer     how late a 150 us pthread_cond_timedwait returns
     yield     a sched_yield() with no other thread waiting to run
     work      a fixed loop of about 100 us on an otherwise idle machine:
               its mean (and p90) above its median is time the (virtual)
               machine took away, which every benchmark here pays too
   Build and run (from the top):

     gcc -O2 -pthread Tools/plus/wakecost.c -o build/wakecost && build/wakecost
*/
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

#define N 2000

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static unsigned long generation, seen;     /* under mutex */
static int stop;                            /* under mutex */
static volatile long long woken_at;
static volatile unsigned long seen_hint;

static long long
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *
sleeper(void *unused)
{
    pthread_mutex_lock(&mutex);
    while (!stop) {
        if (seen == generation) {
            pthread_cond_wait(&cond, &mutex);
            continue;
        }
        woken_at = now_ns();
        seen = generation;
        seen_hint = seen;
    }
    pthread_mutex_unlock(&mutex);
    return NULL;
}

static int
compare(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;

    return x < y ? -1 : x > y;
}

static void
report(const char *what, long long *ns)
{
    double sum = 0;
    int i;

    for (i = 0; i < N; i++) {
        sum += ns[i];
    }
    qsort(ns, N, sizeof(*ns), compare);
    printf("%-8s median %7.1f us  p90 %7.1f us  mean %7.1f us\n", what,
           ns[N / 2] / 1e3, ns[N * 9 / 10] / 1e3, sum / N / 1e3);
}

int
main(void)
{
    static long long signal_ns[N], latency_ns[N], late_ns[N], yield_ns[N];
    static long long work_ns[N];
    volatile long k;
    pthread_t thread;
    long long t0, t1, until;
    struct timeval tv;
    struct timespec deadline;
    long usec;
    int i;

    pthread_create(&thread, NULL, sleeper, NULL);
    for (i = 0; i < N; i++) {
        until = now_ns() + 200000;      /* let the sleeper fall asleep */
        while (now_ns() < until) {
        }
        pthread_mutex_lock(&mutex);
        generation++;
        pthread_mutex_unlock(&mutex);
        t0 = now_ns();
        pthread_cond_signal(&cond);
        t1 = now_ns();
        while (seen_hint != (unsigned long)i + 1) {
        }
        signal_ns[i] = t1 - t0;
        latency_ns[i] = woken_at - t0;
    }
    pthread_mutex_lock(&mutex);
    stop = 1;
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&mutex);
    pthread_join(thread, NULL);

    pthread_mutex_lock(&mutex);
    for (i = 0; i < N; i++) {
        gettimeofday(&tv, NULL);
        usec = tv.tv_usec + 150;
        deadline.tv_sec = tv.tv_sec + usec / 1000000;
        deadline.tv_nsec = (usec % 1000000) * 1000;
        t0 = now_ns();
        pthread_cond_timedwait(&cond, &mutex, &deadline);
        late_ns[i] = now_ns() - t0 - 150000;
    }
    pthread_mutex_unlock(&mutex);

    for (i = 0; i < N; i++) {
        t0 = now_ns();
        sched_yield();
        yield_ns[i] = now_ns() - t0;
    }

    for (i = 0; i < N; i++) {
        t0 = now_ns();
        for (k = 0; k < 150000; k++) {
        }
        work_ns[i] = now_ns() - t0;
    }

    report("signal", signal_ns);
    report("latency", latency_ns);
    report("timer", late_ns);
    report("yield", yield_ns);
    report("work", work_ns);
    return 0;
}
