/* The cost of calling into Python from a foreign thread: nanoseconds per
   PyGILState_Ensure/Release pair, and per Ensure + call of a trivial
   Python function + Release, from one pthread that Python did not create
   (the main thread waits in pthread_join, without the GIL); and the cost
   of an uncontended drop and retake of the GIL (PyEval_SaveThread +
   PyEval_RestoreThread, by the main thread, with no other thread around).
   Run by Tools/plus/embedbench.sh against a stock and a PythonPlus build.

   usage: embedbench [-n PAIRS] [-r ROUNDS]
   prints: pair_ns=N call_ns=N drop_ns=N (the best of ROUNDS rounds of
   PAIRS each) */

#include <Python.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long n_pairs = 200000;
static int n_rounds = 5;
static PyObject *trivial;               /* def f(): pass */
static double best_pair = -1.0, best_call = -1.0, best_drop = -1.0;
static int failed = 0;

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void
keep_best(double *best, double t0, double t1)
{
    double ns = (t1 - t0) / n_pairs;

    if (*best < 0 || ns < *best) {
        *best = ns;
    }
}

static void *
foreign(void *unused)
{
    int r;
    long i;
    double t0;

    for (r = 0; r < n_rounds; r++) {
        t0 = now();
        for (i = 0; i < n_pairs; i++) {
            PyGILState_STATE s = PyGILState_Ensure();
            PyGILState_Release(s);
        }
        keep_best(&best_pair, t0, now());

        t0 = now();
        for (i = 0; i < n_pairs; i++) {
            PyGILState_STATE s = PyGILState_Ensure();
            PyObject *res = PyObject_CallObject(trivial, NULL);
            if (res == NULL) {
                PyErr_Print();
                failed = 1;
            }
            Py_XDECREF(res);
            PyGILState_Release(s);
        }
        keep_best(&best_call, t0, now());
    }
    return NULL;
}

int
main(int argc, char **argv)
{
    PyThreadState *main_state;
    PyObject *globals;
    pthread_t tid;
    int opt, r;

    while ((opt = getopt(argc, argv, "n:r:")) != -1) {
        switch (opt) {
        case 'n': n_pairs = atol(optarg); break;
        case 'r': n_rounds = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: %s [-n PAIRS] [-r ROUNDS]\n", argv[0]);
            return 2;
        }
    }
    if (n_pairs < 1 || n_rounds < 1) {
        fprintf(stderr, "embedbench: PAIRS and ROUNDS must be positive\n");
        return 2;
    }
    Py_SetProgramName(argv[0]);
    Py_InitializeEx(0);
    PyEval_InitThreads();
    if (PyRun_SimpleString("def f():\n    pass\n") != 0) {
        return 1;
    }
    globals = PyModule_GetDict(PyImport_AddModule("__main__"));
    trivial = PyDict_GetItemString(globals, "f");
    Py_INCREF(trivial);

    for (r = 0; r < n_rounds; r++) {
        long i;
        double t0 = now();
        for (i = 0; i < n_pairs; i++) {
            PyEval_RestoreThread(PyEval_SaveThread());
        }
        keep_best(&best_drop, t0, now());
    }

    main_state = PyEval_SaveThread();
    if (pthread_create(&tid, NULL, foreign, NULL) != 0) {
        fprintf(stderr, "embedbench: pthread_create failed\n");
        return 1;
    }
    pthread_join(tid, NULL);
    PyEval_RestoreThread(main_state);

    Py_DECREF(trivial);
    Py_Finalize();
    printf("pair_ns=%.1f call_ns=%.1f drop_ns=%.1f\n",
           best_pair, best_call, best_drop);
    return failed;
}
