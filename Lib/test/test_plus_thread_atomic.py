"""PythonPlus thread-atomic: thread.atomic, get_atomic, set_atomic.

Every test is deterministic: it counts or logs events, never times them;
joins have upper bounds that a correct run never reaches.
"""
import os
import signal
import sys
import sysconfig
import unittest

from test import test_support

thread = test_support.import_module('thread')
import threading

# The switch, not the attribute: a build that claims thread-atomic but
# lacks it must fail, not skip.
ENABLED = 'thread-atomic' in getattr(getattr(sys, 'pythonplus', None),
                                     'features', ())
needs_atomic = unittest.skipUnless(ENABLED, 'built without thread-atomic')

JOIN = 120          # upper bound, never reached in a correct run


def run_threads(funcs):
    threads = [threading.Thread(target=f) for f in funcs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN)
    for t in threads:
        assert not t.is_alive(), 'thread hangs'


class CheckInterval(object):
    """Switch at every periodic check: makes races show up at once."""

    def __init__(self, n=1):
        self.n = n

    def __enter__(self):
        self.old = sys.getcheckinterval()
        sys.setcheckinterval(self.n)

    def __exit__(self, *exc):
        sys.setcheckinterval(self.old)


class AtomicSwitchTest(unittest.TestCase):
    # Runs on every build.

    def test_switch_and_api_agree(self):
        self.assertEqual(bool(sysconfig.get_config_var(
            'WITH_PLUS_THREAD_ATOMIC')), ENABLED)
        for module in (thread, threading):
            for name in ('atomic', 'get_atomic', 'set_atomic'):
                self.assertEqual(hasattr(module, name), ENABLED,
                                 '%s.%s' % (module.__name__, name))


@needs_atomic
class AtomicApiTest(unittest.TestCase):

    def setUp(self):
        self.assertEqual(thread.get_atomic(), 0)

    def tearDown(self):
        thread.set_atomic(0)

    def test_threading_exports(self):
        self.assertIs(threading.atomic, thread.atomic)
        self.assertIs(threading.get_atomic, thread.get_atomic)
        self.assertIs(threading.set_atomic, thread.set_atomic)
        for name in ('atomic', 'get_atomic', 'set_atomic'):
            self.assertIn(name, threading.__all__)

    def test_nesting(self):
        with thread.atomic() as a:
            self.assertIsInstance(a, thread.atomic)
            self.assertEqual(thread.get_atomic(), 1)
            with threading.atomic():
                self.assertEqual(thread.get_atomic(), 2)
                with a:                 # the same object again
                    self.assertEqual(thread.get_atomic(), 3)
                self.assertEqual(thread.get_atomic(), 2)
            self.assertEqual(thread.get_atomic(), 1)
        self.assertEqual(thread.get_atomic(), 0)

    def test_exception_restores(self):
        def fail():
            with thread.atomic():
                with thread.atomic():
                    raise KeyError('x')
        self.assertRaises(KeyError, fail)
        self.assertEqual(thread.get_atomic(), 0)
        with thread.atomic():
            try:
                with thread.atomic():
                    1 // 0
            except ZeroDivisionError:
                self.assertEqual(thread.get_atomic(), 1)
        self.assertEqual(thread.get_atomic(), 0)

    def test_exit_does_not_suppress(self):
        a = thread.atomic()
        a.__enter__()
        self.assertFalse(a.__exit__(ValueError, ValueError(), None))
        self.assertEqual(thread.get_atomic(), 0)

    def test_set_get(self):
        self.assertEqual(thread.set_atomic(5), 0)
        self.assertEqual(thread.get_atomic(), 5)
        self.assertEqual(thread.set_atomic(5L), 5)
        self.assertEqual(thread.set_atomic(True), 5)
        self.assertEqual(thread.set_atomic(0), 1)
        self.assertEqual(thread.get_atomic(), 0)

    def test_set_inside_block(self):
        with thread.atomic():
            thread.set_atomic(0)
        # __exit__ never goes below 0
        self.assertEqual(thread.get_atomic(), 0)

    def test_bad_input(self):
        for bad in ('1', 1.0, None, [], object()):
            self.assertRaises(TypeError, thread.set_atomic, bad)
        self.assertRaises(ValueError, thread.set_atomic, -1)
        self.assertRaises(ValueError, thread.set_atomic, -2 ** 70)
        self.assertRaises(OverflowError, thread.set_atomic, 2 ** 40)
        self.assertRaises(OverflowError, thread.set_atomic, 2 ** 70)
        self.assertRaises(TypeError, thread.set_atomic)
        self.assertRaises(TypeError, thread.set_atomic, 1, 2)
        self.assertRaises(TypeError, thread.get_atomic, 1)
        self.assertRaises(TypeError, thread.atomic, 1)
        self.assertRaises(TypeError, thread.atomic, level=1)
        self.assertEqual(thread.get_atomic(), 0)

    def test_overflow_on_enter(self):
        thread.set_atomic(2 ** 31 - 1)
        self.assertRaises(OverflowError, thread.atomic().__enter__)
        self.assertEqual(thread.get_atomic(), 2 ** 31 - 1)

    def test_per_thread(self):
        seen = []
        with thread.atomic():
            # join() blocks on a lock: a voluntary release, so the other
            # thread runs even though this one is atomic.
            run_threads([lambda: seen.append(thread.get_atomic())])
            self.assertEqual(thread.get_atomic(), 1)
        self.assertEqual(seen, [0])


@needs_atomic
class AtomicBehaviourTest(unittest.TestCase):

    def tearDown(self):
        thread.set_atomic(0)

    def test_read_modify_write_never_interleaves(self):
        # Each thread runs slow read-modify-write sequences on a shared
        # counter under atomic, with a thread switch allowed at every
        # check: no update may be lost.
        nthreads, rounds = 8, 300
        box = [0]
        def worker():
            for i in xrange(rounds):
                with thread.atomic():
                    value = box[0]
                    for j in xrange(20):
                        pass
                    box[0] = value + 1
        with CheckInterval(1):
            run_threads([worker] * nthreads)
        self.assertEqual(box[0], nthreads * rounds)

    def test_blocks_are_contiguous(self):
        # Log the steps of atomic blocks: each block's steps must be
        # adjacent in the log.
        nthreads, blocks, steps = 6, 50, 10
        log = []
        def worker(n):
            for b in xrange(blocks):
                with threading.atomic():
                    for s in xrange(steps):
                        log.append((n, b, s))
        with CheckInterval(1):
            run_threads([lambda n=n: worker(n) for n in range(nthreads)])
        self.assertEqual(len(log), nthreads * blocks * steps)
        for i in xrange(0, len(log), steps):
            chunk = log[i:i + steps]
            self.assertEqual(chunk, [(chunk[0][0], chunk[0][1], s)
                                     for s in range(steps)])

    def test_voluntary_release_inside_atomic(self):
        # A lock wait inside an atomic block lets the other thread run
        # (no deadlock), and the level survives the wait.
        lock = thread.allocate_lock()
        lock.acquire()
        ran = []
        def other():
            ran.append(thread.get_atomic())
            lock.release()
        with thread.atomic():
            thread.start_new_thread(other, ())
            lock.acquire()          # blocks until other() releases it
            self.assertEqual(thread.get_atomic(), 1)
        self.assertEqual(ran, [0])

    def test_other_threads_run_after_block(self):
        counter = [0]
        stop = []
        def spin():
            while not stop:
                counter[0] += 1
        t = threading.Thread(target=spin)
        with CheckInterval(1):
            t.start()
            try:
                # Outside atomic the spinning thread gets the GIL back.
                target = counter[0] + 1000
                for i in xrange(10 ** 8):
                    if counter[0] >= target:
                        break
                self.assertGreaterEqual(counter[0], target)
            finally:
                stop.append(1)
                t.join(JOIN)
        self.assertFalse(t.is_alive())

    @unittest.skipUnless(hasattr(signal, 'SIGUSR1'), 'needs SIGUSR1')
    def test_signal_handler_runs_inside_atomic(self):
        got = []
        old = signal.signal(signal.SIGUSR1, lambda *a: got.append(a[0]))
        try:
            with thread.atomic():
                os.kill(os.getpid(), signal.SIGUSR1)
                for i in xrange(10 ** 8):
                    if got:
                        break
                self.assertEqual(thread.get_atomic(), 1)
        finally:
            signal.signal(signal.SIGUSR1, old)
        self.assertEqual(got, [signal.SIGUSR1])

    @unittest.skipUnless(hasattr(os, 'fork'), 'needs os.fork')
    def test_fork_inside_atomic(self):
        with thread.atomic():
            pid = os.fork()
            if pid == 0:
                # The child keeps the level; threads still work there.
                code = 1
                try:
                    seen = []
                    level = thread.get_atomic()
                    thread.set_atomic(0)
                    run_threads([lambda: seen.append(1)] * 3)
                    code = 0 if (level, seen) == (1, [1, 1, 1]) else 2
                finally:
                    os._exit(code)
            pid, status = os.waitpid(pid, 0)
        self.assertEqual(status, 0)

    def test_many_threads_stress(self):
        # Atomic counters, plain counters, sleeps and lock hand-offs mixed.
        nthreads, rounds = 16, 200
        box = [0]
        lock = threading.Lock()
        def worker(n):
            for i in xrange(rounds):
                with thread.atomic():
                    value = box[0]
                    if i % 50 == 0:
                        # a voluntary release inside the block: the block
                        # is no longer atomic across it, so keep the
                        # update on one side of it.
                        box[0] = value + 1
                        with lock:
                            pass
                        continue
                    box[0] = value + 1
                if n % 4 == 0 and i % 20 == 0:
                    import time
                    time.sleep(0)
        with CheckInterval(3):
            run_threads([lambda n=n: worker(n) for n in range(nthreads)])
        self.assertEqual(box[0], nthreads * rounds)


def test_main():
    test_support.run_unittest(AtomicSwitchTest, AtomicApiTest,
                              AtomicBehaviourTest)


if __name__ == '__main__':
    test_main()
