"""PythonPlus native-locks: Lock.acquire(blocking, timeout) as in Python
3.2, waits interrupted by signals, locks usable after fork().

Deterministic: timeouts are either expected to expire (a held lock) or
upper bounds that a correct run never reaches."""
import os
import signal
import sys
import time
import unittest

from test import test_support

thread = test_support.import_module('thread')
threading = test_support.import_module('threading')

NATIVE = 'native-locks' in getattr(sys, 'pythonplus', None).features \
    if hasattr(sys, 'pythonplus') else False
SEM = NATIVE and sys.pythonplus.tunables.get('PLUS_SEM_CONDVAR', 1) == 1
needs_native = unittest.skipUnless(NATIVE, 'needs native-locks')
needs_signals = unittest.skipUnless(
    SEM and hasattr(signal, 'SIGUSR1') and hasattr(os, 'kill'),
    'interruptible waits need PLUS_SEM_CONDVAR=1 and POSIX signals')
needs_fork = unittest.skipUnless(hasattr(os, 'fork'), 'needs os.fork')


class Interrupted(Exception):
    pass


class SignalSender(object):
    """A thread that sends SIGUSR1 to this process every few milliseconds
    until stop() or until until() is true, then calls then().

    It is also the watchdog of an untimed wait that the signals should
    interrupt: if neither happened within DEADLINE seconds, it sets
    "fired" and calls watchdog(), which must end the wait (release the
    lock, notify ...), so that a wait that signals no longer interrupt
    fails the test instead of hanging it."""

    DEADLINE = 30

    def __init__(self, until=lambda: False, then=lambda: None,
                 watchdog=lambda: None):
        self.until = until
        self.then = then
        self.watchdog = watchdog
        self.stopped = False
        self.fired = False
        self.thread = threading.Thread(target=self.run)
        self.thread.daemon = True

    def run(self):
        deadline = time.time() + self.DEADLINE
        while not self.stopped:
            if time.time() >= deadline:
                self.fired = True
                self.watchdog()
                break
            time.sleep(0.02)
            if self.until():
                break
            os.kill(os.getpid(), signal.SIGUSR1)
        self.then()

    def start(self):
        self.thread.start()

    def stop(self):
        self.stopped = True
        self.thread.join(60)


class SignalCase(unittest.TestCase):

    def setUp(self):
        self.calls = 0
        self.handler_hook = lambda: None
        self.old = signal.signal(signal.SIGUSR1, self.handler)
        self.raising = False

    def tearDown(self):
        signal.signal(signal.SIGUSR1, self.old)

    def handler(self, signum, frame):
        self.calls += 1
        self.handler_hook()
        if self.raising:
            self.raising = False        # once: later signals only count
            raise Interrupted


@needs_native
class LockTimeoutTest(unittest.TestCase):

    def test_timeout_on_held_lock(self):
        lock = thread.allocate_lock()
        lock.acquire()
        self.assertFalse(lock.acquire(True, 0.01))
        self.assertFalse(lock.acquire(timeout=0.01))
        self.assertFalse(lock.acquire(blocking=True, timeout=0))
        self.assertFalse(lock.acquire(False))
        lock.release()
        self.assertTrue(lock.acquire(True, 0.01))
        lock.release()
        self.assertTrue(lock.acquire(timeout=60))
        self.assertTrue(lock.locked())
        lock.release()

    def test_timeout_acquires_when_released(self):
        lock = thread.allocate_lock()
        lock.acquire()
        got = []
        t = threading.Thread(target=lambda: got.append(lock.acquire(True,
                                                                    60)))
        t.start()
        lock.release()
        t.join(60)
        self.assertFalse(t.is_alive())
        self.assertEqual(got, [True])
        self.assertTrue(lock.locked())
        lock.release()

    def test_bad_arguments(self):
        lock = thread.allocate_lock()
        self.assertRaises(ValueError, lock.acquire, False, 1)
        self.assertRaises(ValueError, lock.acquire, 0, 0)
        self.assertRaises(ValueError, lock.acquire, True, -2)
        self.assertRaises(ValueError, lock.acquire, timeout=-0.5)
        self.assertRaises(ValueError, lock.acquire, timeout=float('nan'))
        self.assertRaises(OverflowError, lock.acquire, True,
                          thread.TIMEOUT_MAX * 2)
        self.assertRaises(OverflowError, lock.acquire, True, 1e300)
        self.assertRaises(TypeError, lock.acquire, True, 'x')
        self.assertRaises(TypeError, lock.acquire, True, 1, 2)
        self.assertRaises(TypeError, lock.acquire, nonsense=1)
        self.assertFalse(lock.locked())
        # TIMEOUT_MAX itself is accepted
        self.assertTrue(lock.acquire(True, thread.TIMEOUT_MAX))
        lock.release()

    def test_release_unlocked_is_runtime_error(self):
        lock = thread.allocate_lock()
        self.assertTrue(issubclass(thread.error, RuntimeError))
        self.assertRaises(thread.error, lock.release)
        self.assertRaises(RuntimeError, lock.release)

    def test_timeout_max(self):
        self.assertIsInstance(thread.TIMEOUT_MAX, float)
        self.assertGreater(thread.TIMEOUT_MAX, 1e6)
        # the largest timeout accepted (test_bad_arguments), and no more
        # than a C wait can take: nanoseconds in a signed 64-bit integer
        self.assertLessEqual(thread.TIMEOUT_MAX, 2 ** 63 / 1e9)
        self.assertRaises(OverflowError, thread.allocate_lock().acquire,
                          True, thread.TIMEOUT_MAX * 1.01)

    def test_monotonic(self):
        # Seconds of a clock that never goes back: it advances with
        # time.sleep, at the rate of the wall clock, and is not the wall
        # clock (CLOCK_MONOTONIC counts from boot, not from 1970).
        a = thread._monotonic()
        self.assertIsInstance(a, float)
        values = [thread._monotonic() for i in range(1000)]
        self.assertEqual(values, sorted(values))
        self.assertLessEqual(a, values[0])
        wall = time.time()
        time.sleep(0.2)
        b = thread._monotonic()
        wall = time.time() - wall
        self.assertGreaterEqual(b - a, 0.2 - 0.001)
        self.assertLess(abs((b - a) - wall), 0.1)
        self.assertGreater(abs(a - time.time()), 3600)

    def test_many_threads_with_timeouts(self):
        # Threads hammer one lock with short and long timeouts; the
        # counter proves mutual exclusion, the join proves no lost wake-up.
        lock = thread.allocate_lock()
        state = {'inside': 0, 'max': 0, 'done': 0, 'timeouts': 0}

        def worker(n):
            for i in range(300):
                timeout = (0.0001, 60, -1)[(i + n) % 3]
                if lock.acquire(True, timeout):
                    state['inside'] += 1
                    state['max'] = max(state['max'], state['inside'])
                    state['done'] += 1
                    state['inside'] -= 1
                    lock.release()
                else:
                    state['timeouts'] += 1
        threads = [threading.Thread(target=worker, args=(n,))
                   for n in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
            self.assertFalse(t.is_alive())
        self.assertEqual(state['max'], 1)
        self.assertEqual(state['done'] + state['timeouts'], 12 * 300)
        self.assertFalse(lock.locked())

    def test_hand_offs_between_running_threads(self):
        # Two threads pass a token back and forth through two locks: most
        # waits end while the waiter still waits awake (Python/plus_spin.h),
        # some after it fell asleep; no hand-off may be lost.
        a = thread.allocate_lock()
        b = thread.allocate_lock()
        a.acquire()
        b.acquire()
        n = 20000
        failures = []
        passes = [0]

        def other():
            for i in xrange(n):
                if not a.acquire(True, 60):
                    failures.append(('other', i))
                    return
                passes[0] += 1
                b.release()
        t = threading.Thread(target=other)
        t.start()
        for i in xrange(n):
            a.release()
            if not b.acquire(True, 60):
                failures.append(('main', i))
                break
        t.join(120)
        self.assertFalse(t.is_alive())
        self.assertEqual(failures, [])
        self.assertEqual(passes[0], n)
        # each ends taken by its last acquirer
        self.assertTrue(a.locked())
        self.assertTrue(b.locked())


@needs_native
@needs_signals
class LockSignalTest(SignalCase):

    def test_handler_raising_interrupts_acquire(self):
        lock = thread.allocate_lock()
        lock.acquire()
        self.raising = True
        # The watchdog releases the lock if no signal interrupted the wait
        # (a stock lock runs the handler only once acquire returned).
        sender = SignalSender(watchdog=lock.release)
        try:
            sender.start()
            lock.acquire()
            self.fail('acquire returned on a held lock')
        except Interrupted:
            pass
        finally:
            sender.stop()
        self.assertFalse(sender.fired, 'no signal interrupted the wait: '
                         'the watchdog ended it')
        self.assertGreaterEqual(self.calls, 1)
        self.assertTrue(lock.locked())
        lock.release()

    def test_handler_raising_interrupts_timed_acquire(self):
        lock = thread.allocate_lock()
        lock.acquire()
        self.raising = True
        sender = SignalSender()
        try:
            sender.start()
            lock.acquire(True, 120)
            self.fail('acquire returned on a held lock')
        except Interrupted:
            pass
        finally:
            sender.stop()
        self.assertGreaterEqual(self.calls, 1)
        lock.release()

    def test_wait_resumes_after_handler(self):
        # The handlers must run while the main thread waits: the sender
        # releases the lock only once it saw three calls (or after 30 s,
        # which the assertion then catches).
        lock = thread.allocate_lock()
        lock.acquire()
        sender = SignalSender(until=lambda: self.calls >= 3,
                              then=lock.release)
        sender.start()
        self.assertTrue(lock.acquire(True, 120))
        sender.stop()
        self.assertGreaterEqual(self.calls, 3)
        lock.release()

    def test_timed_wait_resumes_and_times_out(self):
        # Handlers run during the timed wait (not all at its end), which
        # goes on after each and still times out after its 0.3 s.
        lock = thread.allocate_lock()
        lock.acquire()
        calls_at = []
        self.handler_hook = lambda: calls_at.append(time.time())
        sender = SignalSender()
        sender.start()
        try:
            start = time.time()
            self.assertFalse(lock.acquire(True, 0.3))
            end = time.time()
        finally:
            sender.stop()
        self.assertGreaterEqual(end - start, 0.3 - 0.01)
        during = [t for t in calls_at if t < end - 0.05]
        self.assertGreaterEqual(len(during), 2, (calls_at, start, end))
        lock.release()


@needs_native
@needs_fork
class LockForkTest(unittest.TestCase):

    def run_in_child(self, func):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                func()
                code = 0
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        self.assertEqual(status, 0)

    def test_lock_held_by_other_thread(self):
        held = thread.allocate_lock()
        free = thread.allocate_lock()
        ready = thread.allocate_lock()
        stop = thread.allocate_lock()
        ready.acquire()
        stop.acquire()

        def holder():
            held.acquire()
            ready.release()
            stop.acquire()      # stays here, with "held" held
            held.release()
        t = threading.Thread(target=holder)
        t.start()
        ready.acquire()

        def child():
            assert held.locked()
            assert not held.acquire(False)
            assert not held.acquire(True, 0.01)
            held.release()      # its owner is gone; anyone may release
            assert held.acquire(True, 60)
            assert free.acquire(True, 60)
            results = []

            def worker():
                results.append(free.acquire(True, 60))
            w = threading.Thread(target=worker)
            w.start()
            free.release()
            w.join(60)
            assert results == [True]
        try:
            self.run_in_child(child)
        finally:
            stop.release()
            t.join(60)


    def test_fork_while_lock_is_busy(self):
        # Threads hammer a lock (its internal mutex is often held) while
        # the main thread forks; each child must be able to use the lock
        # at once.  A child that hangs is killed and fails the test.
        lock = thread.allocate_lock()
        stop = []

        def hammer():
            while not stop:
                if lock.acquire(True, 0.001):
                    lock.release()
        threads = [threading.Thread(target=hammer) for i in range(3)]
        for t in threads:
            t.start()
        try:
            for i in range(20):
                pid = os.fork()
                if pid == 0:
                    code = 1
                    try:
                        if not lock.acquire(True, 0.01):
                            lock.release()  # its holder is gone
                        else:
                            lock.release()
                        assert lock.acquire(True, 1)
                        code = 0
                    finally:
                        os._exit(code)
                deadline = time.time() + 60
                while True:
                    done, status = os.waitpid(pid, os.WNOHANG)
                    if done:
                        break
                    if time.time() > deadline:
                        os.kill(pid, signal.SIGKILL)
                        os.waitpid(pid, 0)
                        self.fail('the child hung on a lock')
                    time.sleep(0.005)
                self.assertEqual(status, 0)
        finally:
            stop.append(1)
            for t in threads:
                t.join(60)


class StockCompatTest(unittest.TestCase):
    # Holds on every build.

    def test_release_unlocked(self):
        lock = thread.allocate_lock()
        self.assertRaises(thread.error, lock.release)

    def test_acquire_flag(self):
        lock = thread.allocate_lock()
        self.assertTrue(lock.acquire(0))
        self.assertFalse(lock.acquire(0))
        lock.release()
        with lock:
            self.assertTrue(lock.locked())
        self.assertFalse(lock.locked())


def test_main():
    test_support.run_unittest(LockTimeoutTest, LockSignalTest, LockForkTest,
                              StockCompatTest)


if __name__ == '__main__':
    test_main()
