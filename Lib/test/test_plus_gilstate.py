"""gilstate-cache (WITH_PLUS_GILSTATE_CACHE): foreign threads keep their
thread state between PyGILState_Ensure/Release pairs.

A "foreign" thread is one that Python did not create: thread and
threading threads are not.  The tests make real ones: a small C helper,
compiled here with the C compiler Python was built with (the tests skip
without one) and loaded with ctypes, starts pthreads that call a Python
function through PyGILState_Ensure/Release, exactly as an embedding host
does.  Tools/plus/embed/host.c, run by "make test", covers the same ground
from a host program linked with libpython.

Both builds are tested: with the switch on, a foreign thread's
threading.local data lives from one call to the next and is freed when
the thread exits; with it off (stock 2.7), every call starts afresh.
"""
import gc
import os
import shutil
import sys
import tempfile
import threading
import thread
import unittest
import weakref

from test import test_support

ctypes = test_support.import_module('ctypes')

CACHE = hasattr(sys, 'pythonplus') and \
    'gilstate-cache' in sys.pythonplus.features

# The helper declares the few functions it needs itself (no Python.h, so
# that it builds from an installed or a build tree alike); they resolve
# against the running interpreter when ctypes loads it.
HELPER_SOURCE = r'''
#include <pthread.h>
#include <stdlib.h>

typedef struct _object PyObject;
typedef enum {PyGILState_LOCKED, PyGILState_UNLOCKED} PyGILState_STATE;
extern PyGILState_STATE PyGILState_Ensure(void);
extern void PyGILState_Release(PyGILState_STATE);
extern PyObject *PyObject_CallFunction(PyObject *, char *, ...);
extern void Py_DecRef(PyObject *);
extern void PyErr_Print(void);

struct job {
    PyObject *func;
    int calls;
    int errors;
    int hold;                   /* wait for plus_release before exiting */
    pthread_t tid;
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    int done, go;
};

/* func(i) for i in range(calls), each in its own outermost pair. */
static void *
run(void *arg)
{
    struct job *job = (struct job *)arg;
    int i;

    for (i = 0; i < job->calls; i++) {
        PyGILState_STATE s = PyGILState_Ensure();
        PyObject *r = PyObject_CallFunction(job->func, "i", i);
        if (r == NULL) {
            PyErr_Print();
            job->errors++;
        }
        else {
            Py_DecRef(r);
        }
        if (s != PyGILState_UNLOCKED) {
            job->errors++;
        }
        PyGILState_Release(s);
    }
    pthread_mutex_lock(&job->mutex);
    job->done = 1;
    pthread_cond_broadcast(&job->cond);
    while (job->hold && !job->go) {
        pthread_cond_wait(&job->cond, &job->mutex);
    }
    pthread_mutex_unlock(&job->mutex);
    return NULL;
}

/* Start a foreign thread; if hold, it stays alive, idle, after its calls
   until plus_release.  Returns once its calls are done.  Called through
   ctypes.CDLL, so without the GIL. */
void *
plus_start(PyObject *func, int calls, int hold)
{
    struct job *job = (struct job *)calloc(1, sizeof(struct job));

    if (job == NULL) {
        return NULL;
    }
    job->func = func;
    job->calls = calls;
    job->hold = hold;
    pthread_mutex_init(&job->mutex, NULL);
    pthread_cond_init(&job->cond, NULL);
    if (pthread_create(&job->tid, NULL, run, job) != 0) {
        free(job);
        return NULL;
    }
    pthread_mutex_lock(&job->mutex);
    while (!job->done) {
        pthread_cond_wait(&job->cond, &job->mutex);
    }
    pthread_mutex_unlock(&job->mutex);
    return job;
}

/* Let the thread exit and join it; returns its error count. */
int
plus_release(void *arg)
{
    struct job *job = (struct job *)arg;
    int errors;

    pthread_mutex_lock(&job->mutex);
    job->go = 1;
    pthread_cond_broadcast(&job->cond);
    pthread_mutex_unlock(&job->mutex);
    pthread_join(job->tid, NULL);
    errors = job->errors;
    pthread_mutex_destroy(&job->mutex);
    pthread_cond_destroy(&job->cond);
    free(job);
    return errors;
}
'''

_helper = []


def helper(hold_gil=False):
    """The compiled helper (ctypes.CDLL: calls release the GIL; with
    hold_gil, ctypes.PyDLL: they keep it), or raise unittest.SkipTest
    without a working C compiler."""
    if _helper:
        return _helper[hold_gil]
    from distutils import ccompiler, sysconfig, errors
    tmp = tempfile.mkdtemp()
    try:
        src = os.path.join(tmp, 'plus_gilstate_helper.c')
        with open(src, 'w') as f:
            f.write(HELPER_SOURCE)
        cc = ccompiler.new_compiler()
        sysconfig.customize_compiler(cc)
        try:
            with test_support.captured_stdout():
                objs = cc.compile([src], output_dir=tmp,
                                  extra_preargs=['-fPIC'])
                lib = os.path.join(tmp, 'plus_gilstate_helper.so')
                cc.link_shared_object(objs, lib, libraries=['pthread'])
        except (errors.CCompilerError, errors.DistutilsError, OSError) as e:
            raise unittest.SkipTest('cannot build the C helper: %s' % e)
        dlls = [ctypes.CDLL(lib), ctypes.PyDLL(lib)]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for dll in dlls:
        dll.plus_start.argtypes = [ctypes.py_object, ctypes.c_int,
                                   ctypes.c_int]
        dll.plus_start.restype = ctypes.c_void_p
        dll.plus_release.argtypes = [ctypes.c_void_p]
        dll.plus_release.restype = ctypes.c_int
    _helper.extend(dlls)
    return _helper[hold_gil]


class ForeignThread(object):
    """A pthread that calls func(i) for i in range(calls), then (with
    hold) stays alive and idle until release()."""

    def __init__(self, func, calls, hold=True):
        self.job = helper().plus_start(func, calls, int(hold))
        if not self.job:
            raise MemoryError('plus_start failed')

    def release(self, hold_gil=False):
        """Let the thread exit and join it (with hold_gil, while holding
        the GIL); return the number of failed calls."""
        errors = helper(hold_gil).plus_release(self.job)
        self.job = None
        return errors


def local_kept_between_calls():
    """Does a foreign thread's threading.local data live from one
    PyGILState_Ensure/Release pair to the next?  (The probe of
    test_plus_build.)"""
    local = threading.local()
    seen = []

    def func(i):
        seen.append(getattr(local, 'value', None))
        local.value = i

    ForeignThread(func, 2, hold=False).release()
    return seen == [None, 0]


def thread_states():
    """The number of thread states of this interpreter."""
    api = ctypes.pythonapi
    api.PyThreadState_Get.restype = ctypes.c_void_p
    api.PyInterpreterState_ThreadHead.argtypes = [ctypes.c_void_p]
    api.PyInterpreterState_ThreadHead.restype = ctypes.c_void_p
    api.PyThreadState_Next.argtypes = [ctypes.c_void_p]
    api.PyThreadState_Next.restype = ctypes.c_void_p
    # PyThreadState's second field is its interpreter (Include/pystate.h).
    interp = ctypes.cast(api.PyThreadState_Get(),
                         ctypes.POINTER(ctypes.c_void_p))[1]
    n = 0
    t = api.PyInterpreterState_ThreadHead(interp)
    while t:
        n += 1
        t = api.PyThreadState_Next(t)
    return n


class Token(object):
    pass


class GILStateCacheTest(unittest.TestCase):

    def test_local_kept_between_calls(self):
        local = threading.local()
        seen = []

        def func(i):
            seen.append(getattr(local, 'count', 0))
            local.count = getattr(local, 'count', 0) + 1

        t = ForeignThread(func, 50)
        self.assertEqual(t.release(), 0)
        if CACHE:
            self.assertEqual(seen, range(50))
        else:
            self.assertEqual(seen, [0] * 50)

    def test_current_thread_and_ident_stable(self):
        seen = []

        def func(i):
            seen.append((threading.current_thread(), thread.get_ident()))

        t = ForeignThread(func, 20)
        self.assertEqual(t.release(), 0)
        self.assertEqual(len(seen), 20)
        current, ident = seen[0]
        for c, i in seen:
            self.assertIs(c, current)
            self.assertEqual(i, ident)
        self.assertNotEqual(ident, thread.get_ident())

    def test_local_freed_when_thread_exits(self):
        local = threading.local()
        refs = []

        def func(i):
            if not hasattr(local, 'token'):
                local.token = Token()
                refs.append(weakref.ref(local.token))

        t = ForeignThread(func, 10)
        # The thread is alive and idle: with the cache its data is too.
        self.assertEqual([r() is not None for r in refs],
                         [True] if CACHE else [False] * 10)
        self.assertEqual(t.release(), 0)
        # pthread_join returns after the thread's destructors ran.
        self.assertEqual([r() for r in refs if r() is not None], [])

    def test_state_freed_when_thread_exits(self):
        def func(i):
            pass

        before = thread_states()
        threads = [ForeignThread(func, 3) for n in range(4)]
        self.assertEqual(thread_states(), before + (4 if CACHE else 0))
        for t in threads:
            self.assertEqual(t.release(), 0)
        self.assertEqual(thread_states(), before)

    def test_join_holding_the_gil(self):
        # A host may join its idle foreign threads while holding the GIL,
        # as works in stock: the exiting thread must not wait for the GIL
        # to delete its kept state.  (A hang here is the failure.)
        local = threading.local()
        refs = []

        def func(i):
            if not hasattr(local, 'token'):
                local.token = Token()
                refs.append(weakref.ref(local.token))

        before = thread_states()
        threads = [ForeignThread(func, 5) for n in range(4)]
        for t in threads:
            self.assertEqual(t.release(hold_gil=True), 0)
        # The states were handed to the main thread, which deleted them
        # as it went on running Python code.
        self.assertEqual([r() for r in refs if r() is not None], [])
        self.assertEqual(thread_states(), before)

    def test_exception_in_call(self):
        # An exception does not lose the kept state or its data.
        local = threading.local()
        seen = []

        def func(i):
            seen.append(getattr(local, 'v', None))
            local.v = i
            if i % 2:
                raise ValueError(i)

        with test_support.captured_stderr() as err:
            t = ForeignThread(func, 6)
            self.assertEqual(t.release(), 3)    # three calls raised
        self.assertIn('ValueError', err.getvalue())
        self.assertEqual(seen, [None, 0, 1, 2, 3, 4] if CACHE
                         else [None] * 6)

    def test_many_threads(self):
        # Many foreign threads at once, alive together, each with its own
        # data; the main thread runs Python meanwhile.
        local = threading.local()
        lock = threading.Lock()
        mixups = []

        def func(i):
            me = thread.get_ident()
            if getattr(local, 'owner', me) != me:
                with lock:
                    mixups.append(me)
            local.owner = me
            sum(range(100))

        threads = [ForeignThread(func, 20) for n in range(16)]
        sum(range(10000))
        self.assertEqual(sum(t.release() for t in threads), 0)
        self.assertEqual(mixups, [])

    def test_thread_ident_reuse_gets_fresh_state(self):
        # A new pthread may get the ident of one that exited; it must not
        # see the old thread's data.
        local = threading.local()
        leaked = []

        def func(i):
            if i == 0 and hasattr(local, 'mark'):
                leaked.append(local.mark)
            local.mark = True

        for n in range(10):
            self.assertEqual(ForeignThread(func, 2).release(), 0)
        self.assertEqual(leaked, [])

    @unittest.skipUnless(hasattr(os, 'fork'), 'needs os.fork')
    def test_fork_with_idle_foreign_threads(self):
        # fork() while foreign threads keep states: the child, where those
        # threads do not exist, runs Python and threads normally.
        local = threading.local()

        def func(i):
            local.data = [i] * 100

        threads = [ForeignThread(func, 3) for n in range(3)]
        try:
            pid = os.fork()
            if pid == 0:
                status = 1
                try:
                    done = []
                    t = threading.Thread(target=done.append, args=(1,))
                    t.start()
                    t.join()
                    child = ForeignThread(func, 3)
                    if done == [1] and child.release() == 0:
                        status = 0
                finally:
                    os._exit(status)
            pid, status = os.waitpid(pid, 0)
            self.assertEqual(status, 0)
        finally:
            for t in threads:
                self.assertEqual(t.release(), 0)

    @unittest.skipUnless(hasattr(os, 'fork'), 'needs os.fork')
    def test_fork_from_foreign_thread(self):
        # The forking thread is a foreign one: in the child it keeps its
        # state and can go on calling Python.  Each call forks; the child
        # checks that it is the same thread to Python as the parent was
        # (the same Thread object, the thread's data) and can start a
        # thread.  The data of the previous call is there only with the
        # cache.
        local = threading.local()
        result = []

        def func(i):
            previous = getattr(local, 'value', None)
            local.value = i
            me = threading.current_thread()
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    done = []
                    t = threading.Thread(target=done.append, args=(1,))
                    t.start()
                    t.join()
                    if (threading.current_thread() is me and
                            me.ident == thread.get_ident() and
                            getattr(local, 'value', None) == i and
                            threading.enumerate() == [me] and
                            done == [1]):
                        code = 0
                finally:
                    os._exit(code)
            result.append((previous, os.waitpid(pid, 0)[1]))

        t = ForeignThread(func, 2)
        self.assertEqual(t.release(), 0)
        self.assertEqual(result, [(None, 0), (0 if CACHE else None, 0)])

    def test_probe(self):
        self.assertEqual(local_kept_between_calls(), CACHE)


def test_main():
    test_support.run_unittest(GILStateCacheTest)


if __name__ == '__main__':
    test_main()
