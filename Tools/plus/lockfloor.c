/* The C floor for Tools/plus/locktest.py: two threads hand a token back
   and forth, N times each way,
     pthread   with a plain pthread mutex + pthread_cond_t (the floor),
     plus      with the PythonPlus lock and condition of Python/plus_lock.h
               (Condition.wait / notify without the interpreter around),
   and, for Lock objects, two locks handed over (lock-rendezvous) with the
   PythonPlus lock and with the stock 2.7 lock (a bare sem_t).
   Build and run both condvar flavours of plus_lock.h (from the top):

     for s in 1 0; do gcc -O2 -pthread -DPLUS_SEM_CONDVAR=$s \
         -Ibuild/all/Include -Ibuild/all -IPython \
         Tools/plus/lockfloor.c -o build/lockfloor$s && build/lockfloor$s; done
*/
#include "Python.h"
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* What plus_lock.h expects from thread_pthread.h. */
static int initialized = 1;
void PyThread_init_thread(void) { }
#include "plus_lock.h"

#define N 200000

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* plain pthreads */
static pthread_mutex_t pm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pc = PTHREAD_COND_INITIALIZER;
static int pturn;

static void *
pplayer(void *arg)
{
    int me = (int)(long)arg, i;
    for (i = 0; i < N; i++) {
        pthread_mutex_lock(&pm);
        while (pturn != me) {
            pthread_cond_wait(&pc, &pm);
        }
        pturn = 1 - me;
        pthread_cond_signal(&pc);
        pthread_mutex_unlock(&pm);
    }
    return NULL;
}

/* plus_lock.h */
static PyThread_type_lock plock;
static _PyPlusCond pcv;
static int plturn;

static void *
plplayer(void *arg)
{
    int me = (int)(long)arg, i;
    for (i = 0; i < N; i++) {
        PyThread_acquire_lock(plock, 1);
        while (plturn != me) {
            _PyPlusCond_Wait(&pcv, plock, -1, 0);
        }
        plturn = 1 - me;
        _PyPlusCond_Notify(&pcv, plock, 1);
        PyThread_release_lock(plock);
    }
    return NULL;
}

/* plus_lock.h, locks only: a and b handed over as in lock-rendezvous */
static PyThread_type_lock la, lb;

static void *
lockplayer(void *arg)
{
    int i;
    for (i = 0; i < N; i++) {
        PyThread_acquire_lock(la, 1);
        PyThread_release_lock(lb);
    }
    return NULL;
}

/* the stock lock: a sem_t */
static sem_t sa, sb;

static void *
semplayer(void *arg)
{
    int i;
    for (i = 0; i < N; i++) {
        sem_wait(&sa);
        sem_post(&sb);
    }
    return NULL;
}

static double
run(void *(*f)(void *))
{
    pthread_t t;
    double t0 = now();
    pthread_create(&t, NULL, f, (void *)1L);
    f((void *)0L);
    pthread_join(t, NULL);
    return 2.0 * N / (now() - t0);
}

int
main(void)
{
    pthread_t t;
    double t0, pt, pl, ll, sl;
    int i;

    pt = run(pplayer);
    plock = PyThread_allocate_lock();
    pl = run(plplayer);
    la = PyThread_allocate_lock();
    lb = PyThread_allocate_lock();
    PyThread_acquire_lock(la, 1);
    PyThread_acquire_lock(lb, 1);
    t0 = now();
    pthread_create(&t, NULL, lockplayer, NULL);
    for (i = 0; i < N; i++) {
        PyThread_release_lock(la);
        PyThread_acquire_lock(lb, 1);
    }
    pthread_join(t, NULL);
    ll = N / (now() - t0);
    sem_init(&sa, 0, 0);
    sem_init(&sb, 0, 0);
    t0 = now();
    pthread_create(&t, NULL, semplayer, NULL);
    for (i = 0; i < N; i++) {
        sem_post(&sa);
        sem_wait(&sb);
    }
    pthread_join(t, NULL);
    sl = N / (now() - t0);
    printf("PLUS_SEM_CONDVAR=%d\n", PLUS_SEM_CONDVAR);
    printf("  pthread mutex+cond rendezvous   %10.0f /s (the floor)\n", pt);
    printf("  plus lock+cond rendezvous       %10.0f /s (%.2f of floor)\n",
           pl, pl / pt);
    printf("  plus lock-only rendezvous       %10.0f /s (%.2f of stock)\n",
           ll, ll / sl);
    printf("  stock sem_t lock rendezvous     %10.0f /s\n", sl);
    return 0;
}
