/* A host application that embeds libpython: it calls into Python from a
   pool of its own pthreads with PyGILState_Ensure/Release while its main
   thread runs Python too, then shuts down cleanly.  Built and run by
   "make test" against the installed variant (scripts/build.sh); see
   README.md, "Embedding libpython".

   usage: host [-p MODULE_DIR] [-w WORKERS] [-n CALLS] [-l LINGERING]
               [-x EXITING]

   WORKERS threads each make CALLS Ensure/work()/Release rounds, then wait,
   alive and idle, while the main thread counts the interpreter's thread
   states, and exit; LINGERING threads make one round and exit only after
   Py_Finalize; EXITING threads make one round and are told to exit by an
   atexit function, so that they exit while Py_Finalize runs.
   embedhost.py checks what Python sees; the last line is "embed-host: ok"
   when every check passed (exit status 0). */

#include <Python.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_THREADS 256

static int n_workers = 4;
static int n_calls = 200;
static int n_linger = 2;
static int n_exiting = 2;
static PyObject *embedhost;             /* the module */
static int failures = 0;                /* changed with the GIL held */
static long lingering_freed = 0;        /* changed with the GIL held */

static pthread_barrier_t calls_done;    /* workers + main */
static pthread_barrier_t may_exit;      /* workers + main */
/* Threads that make one call, then wait for "go" to exit. */
struct group {
    const char *func;           /* embedhost.FUNC(id, 0) */
    pthread_barrier_t ready;    /* the group + main: all made their call */
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    int go;
};
static struct group lingering = {"linger"};     /* exit after Py_Finalize */
static struct group exiting = {"exiting"};      /* exit during it */

/* The interpreter's thread states; the caller holds the GIL. */
static long
count_thread_states(void)
{
    PyThreadState *t;
    long n = 0;

    t = PyInterpreterState_ThreadHead(PyThreadState_Get()->interp);
    for (; t != NULL; t = PyThreadState_Next(t)) {
        n++;
    }
    return n;
}

/* host.thread_states(): the interpreter's thread states.  States of
   threads that exited are deleted by the next holder of the GIL: the main
   thread deletes them as it runs Python, before this is called. */
static PyObject *
host_thread_states(PyObject *self, PyObject *unused)
{
    return PyInt_FromLong(count_thread_states());
}

/* host.freed(): called by the __del__ of a lingering thread's data. */
static PyObject *
host_freed(PyObject *self, PyObject *unused)
{
    lingering_freed++;
    Py_RETURN_NONE;
}

static void
let_go(struct group *g)
{
    pthread_mutex_lock(&g->mutex);
    g->go = 1;
    pthread_cond_broadcast(&g->cond);
    pthread_mutex_unlock(&g->mutex);
}

/* host.release_exiting(): an atexit function; the exiting threads then
   race with the rest of Py_Finalize. */
static PyObject *
host_release_exiting(PyObject *self, PyObject *unused)
{
    let_go(&exiting);
    Py_RETURN_NONE;
}

static PyMethodDef host_methods[] = {
    {"freed", host_freed, METH_NOARGS, "count one freed object"},
    {"thread_states", host_thread_states, METH_NOARGS,
     "the number of thread states"},
    {"release_exiting", host_release_exiting, METH_NOARGS,
     "let the exiting threads exit"},
    {NULL, NULL, 0, NULL}
};

/* Call embedhost.NAME(FORMAT...); count a failure on an exception.  The
   caller holds the GIL. */
static long
call(const char *name, const char *format, long a, long b)
{
    PyObject *r;
    long value = -1;

    if (format == NULL) {
        r = PyObject_CallMethod(embedhost, (char *)name, NULL);
    }
    else {
        r = PyObject_CallMethod(embedhost, (char *)name, (char *)format,
                                a, b);
    }
    if (r == NULL) {
        PyErr_Print();
        failures++;
        return -1;
    }
    if (PyInt_Check(r)) {
        value = PyInt_AsLong(r);
    }
    Py_DECREF(r);
    return value;
}

static void *
worker(void *arg)
{
    long id = (long)arg;
    int i;

    for (i = 0; i < n_calls; i++) {
        PyGILState_STATE outer = PyGILState_Ensure();
        PyGILState_STATE inner;

        if (outer != PyGILState_UNLOCKED) {
            fprintf(stderr, "worker %ld: outermost Ensure said LOCKED\n", id);
            failures++;
        }
        call("work", "ll", id, i);
        /* Ensure on a thread that holds the GIL nests. */
        inner = PyGILState_Ensure();
        if (inner != PyGILState_LOCKED) {
            fprintf(stderr, "worker %ld: nested Ensure said UNLOCKED\n", id);
            failures++;
        }
        PyGILState_Release(inner);
        PyGILState_Release(outer);
    }
    pthread_barrier_wait(&calls_done);
    pthread_barrier_wait(&may_exit);
    return NULL;
}

static void
one_call_then_wait(struct group *g, long id)
{
    PyGILState_STATE s = PyGILState_Ensure();

    call(g->func, "ll", id, 0);
    PyGILState_Release(s);
    pthread_barrier_wait(&g->ready);
    pthread_mutex_lock(&g->mutex);
    while (!g->go) {
        pthread_cond_wait(&g->cond, &g->mutex);
    }
    pthread_mutex_unlock(&g->mutex);
}

static void *
lingering_thread(void *arg)
{
    one_call_then_wait(&lingering, (long)arg);
    return NULL;
}

static void *
exiting_thread(void *arg)
{
    one_call_then_wait(&exiting, (long)arg);
    return NULL;
}

static int
start(pthread_t *tid, void *(*func)(void *), long id)
{
    int err = pthread_create(tid, NULL, func, (void *)id);

    if (err != 0) {
        fprintf(stderr, "host: pthread_create: %s\n", strerror(err));
        exit(2);
    }
    return 0;
}

int
main(int argc, char **argv)
{
    pthread_t workers[MAX_THREADS], lingerers[MAX_THREADS];
    pthread_t exiters[MAX_THREADS];
    const char *module_dir = NULL;
    PyThreadState *main_state;
    PyObject *path, *dir;
    long i;
    int opt;

    pthread_mutex_init(&lingering.mutex, NULL);
    pthread_cond_init(&lingering.cond, NULL);
    pthread_mutex_init(&exiting.mutex, NULL);
    pthread_cond_init(&exiting.cond, NULL);
    while ((opt = getopt(argc, argv, "p:w:n:l:x:")) != -1) {
        switch (opt) {
        case 'p': module_dir = optarg; break;
        case 'w': n_workers = atoi(optarg); break;
        case 'n': n_calls = atoi(optarg); break;
        case 'l': n_linger = atoi(optarg); break;
        case 'x': n_exiting = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: %s [-p MODULE_DIR] [-w WORKERS] "
                    "[-n CALLS] [-l LINGERING] [-x EXITING]\n", argv[0]);
            return 2;
        }
    }
    if (n_workers < 1 || n_workers > MAX_THREADS || n_calls < 1 ||
        n_linger < 0 || n_linger > MAX_THREADS ||
        n_exiting < 0 || n_exiting > MAX_THREADS) {
        fprintf(stderr, "host: bad thread or call count\n");
        return 2;
    }

    Py_SetProgramName(argv[0]);
    Py_InitializeEx(0);
    PyEval_InitThreads();
    Py_InitModule("host", host_methods);
    if (module_dir != NULL) {
        path = PySys_GetObject("path");
        dir = PyString_FromString(module_dir);
        if (path == NULL || dir == NULL || PyList_Insert(path, 0, dir) < 0) {
            PyErr_Print();
            return 1;
        }
        Py_DECREF(dir);
    }
    embedhost = PyImport_ImportModule("embedhost");
    if (embedhost == NULL) {
        PyErr_Print();
        return 1;
    }
    call("start", "ll", n_workers, n_calls);

    pthread_barrier_init(&calls_done, NULL, n_workers + 1);
    pthread_barrier_init(&may_exit, NULL, n_workers + 1);
    pthread_barrier_init(&lingering.ready, NULL, n_linger + 1);
    pthread_barrier_init(&exiting.ready, NULL, n_exiting + 1);
    main_state = PyEval_SaveThread();
    for (i = 0; i < n_linger; i++) {
        start(&lingerers[i], lingering_thread, i);
    }
    pthread_barrier_wait(&lingering.ready);
    for (i = 0; i < n_exiting; i++) {
        start(&exiters[i], exiting_thread, i);
    }
    pthread_barrier_wait(&exiting.ready);
    for (i = 0; i < n_workers; i++) {
        start(&workers[i], worker, i);
    }
    PyEval_RestoreThread(main_state);

    /* The main thread runs Python while the workers call in. */
    call("main_work", "ll", (long)n_workers * n_calls, 0);

    main_state = PyEval_SaveThread();
    pthread_barrier_wait(&calls_done);
    PyEval_RestoreThread(main_state);
    call("check_idle", "ll", n_linger + n_exiting, 0);

    /* Joined while the main thread holds the GIL: this works in stock
       2.7, where an idle thread holds no state, and must go on working
       when it keeps one. */
    pthread_barrier_wait(&may_exit);
    for (i = 0; i < n_workers; i++) {
        pthread_join(workers[i], NULL);
    }
    call("check_joined", "ll", n_linger + n_exiting, 0);
    call("finish", NULL, 0, 0);
    Py_DECREF(embedhost);
    embedhost = NULL;

    /* The lingering threads are alive, idle, and exit after this; the
       exiting threads exit while it runs. */
    Py_Finalize();
    printf("host: lingering threads' data freed by the end of Py_Finalize:"
           " %ld of %d\n", lingering_freed, n_linger);
    if (lingering_freed != n_linger) {
        failures++;
    }
    let_go(&lingering);
    for (i = 0; i < n_linger; i++) {
        pthread_join(lingerers[i], NULL);
    }
    for (i = 0; i < n_exiting; i++) {
        pthread_join(exiters[i], NULL);
    }
    printf("host: all threads joined after Py_Finalize\n");
    printf("embed-host: %s\n", failures ? "FAILED" : "ok");
    fflush(stdout);
    return failures ? 1 : 0;
}
