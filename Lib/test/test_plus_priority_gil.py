"""PythonPlus priority-gil (WITH_PLUS_PRIORITY_GIL): threads that wait are
served at the holder's next instruction when their deadline is earlier,
CPU-bound threads take turns of one switch interval in FIFO order, and
sys.setswitchinterval()/getswitchinterval() work as in Python 3.

Deterministic: the tests count events (loop iterations, calls made, the
GIL's own counters from thread._gil_stats()), never time them; waits and
joins have upper bounds that a correct run never reaches.
"""
import os
import re
import signal
import sys
import sysconfig
import time
import unittest

from test import test_support

thread = test_support.import_module('thread')
import threading

if not sysconfig.get_config_var('WITH_PLUS_PRIORITY_GIL'):
    raise unittest.SkipTest('PythonPlus priority-gil is switched off')

CPUS = os.sysconf('SC_NPROCESSORS_ONLN') if hasattr(os, 'sysconf') else 1
JOIN = 120          # upper bound, never reached in a correct run


def stats():
    return thread._gil_stats()


def delta(before, after):
    return dict((k, after[k] - before[k]) for k in before)


def join_all(threads):
    for t in threads:
        t.join(JOIN)
    for t in threads:
        assert not t.is_alive(), 'thread hangs'


def start(target, *args):
    t = threading.Thread(target=target, args=args)
    t.daemon = True
    t.start()
    return t


class Setting(object):
    """Set an interpreter setting for a with block, e.g.
    Setting(sys.setswitchinterval, sys.getswitchinterval, 0.001)."""

    def __init__(self, setter, getter, value):
        self.setter, self.getter, self.value = setter, getter, value

    def __enter__(self):
        self.old = self.getter()
        self.setter(self.value)

    def __exit__(self, *exc):
        self.setter(self.old)


def SwitchInterval(seconds):
    return Setting(sys.setswitchinterval, sys.getswitchinterval, seconds)


def CheckInterval(n):
    return Setting(sys.setcheckinterval, sys.getcheckinterval, n)


def long_c_call():
    """One call into C that holds the GIL for milliseconds and runs no
    bytecode: a regular expression over 200 KB."""
    return len(LONG_PATTERN.findall(LONG_TEXT))

LONG_TEXT = 'abc def ' * 25000
LONG_PATTERN = re.compile(r'(\w+)\s(?=\w)')


class Spinners(object):
    """n CPU-bound threads that each count their loop iterations until
    every one of them has counted at least `target`: they can only all
    finish if none of them starves."""

    def __init__(self, n, target):
        self.counts = [0] * n
        self.target = target
        self.started = threading.Event()
        self.threads = [threading.Thread(target=self.spin, args=(i,))
                        for i in range(n)]

    def spin(self, i):
        counts = self.counts
        target = self.target
        self.started.set()
        while min(counts) < target:
            counts[i] += 1

    def __enter__(self):
        for t in self.threads:
            t.daemon = True
            t.start()
        self.started.wait(JOIN)
        return self

    def __exit__(self, *exc):
        join_all(self.threads)


class PriorityGilTest(unittest.TestCase):

    def test_stats(self):
        s = stats()
        self.assertEqual(sorted(s), ['expiries', 'requests', 'switches',
                                     'timeouts', 'yields'])
        for key, value in s.items():
            self.assertIsInstance(value, (int, long), key)
            self.assertGreaterEqual(value, 0)
        self.assertRaises(TypeError, thread._gil_stats, 1)

    def test_switch_interval(self):
        default = sys.pythonplus.tunables['PLUS_GIL_INTERVAL_US'] / 1e6
        old = sys.getswitchinterval()
        try:
            self.assertAlmostEqual(old, default)
            for seconds in (0.001, 0.25, 1, 3L, True):
                sys.setswitchinterval(seconds)
                self.assertIsInstance(sys.getswitchinterval(), float)
                self.assertAlmostEqual(sys.getswitchinterval(), seconds)
            # Python 3 keeps whole microseconds
            sys.setswitchinterval(1e-9)
            self.assertEqual(sys.getswitchinterval(), 0.0)
            sys.setswitchinterval(1e300)
            self.assertGreater(sys.getswitchinterval(), 3e7)
            for bad in (0, 0.0, -1, -1e-6, float('nan'), float('-inf')):
                self.assertRaises(ValueError, sys.setswitchinterval, bad)
            for bad in ('0.005', None, [], 1j):
                with self.assertRaises(TypeError) as cm:
                    sys.setswitchinterval(bad)
                self.assertIn('must be real number', str(cm.exception))
            self.assertRaises(TypeError, sys.setswitchinterval)
            self.assertRaises(TypeError, sys.setswitchinterval, 1, 2)
            self.assertRaises(TypeError, sys.getswitchinterval, 1)
            self.assertRaises(OverflowError, sys.setswitchinterval, 10 ** 400)
        finally:
            sys.setswitchinterval(old)
        self.assertEqual(sys.getswitchinterval(), old)

    def test_cpu_threads_do_not_starve(self):
        for n in (2, 3, 5, 12):
            with Spinners(n, 30000) as sp:
                pass
            self.assertGreaterEqual(min(sp.counts), 30000)

    def test_cpu_threads_do_not_starve_with_tiny_intervals(self):
        with SwitchInterval(1e-6):
            with CheckInterval(1):
                with Spinners(4, 5000) as sp:
                    pass
        self.assertGreaterEqual(min(sp.counts), 5000)

    def test_cpu_threads_take_turns_in_fifo_order(self):
        # Three CPU-bound threads note each turn they get (the first loop
        # after the GIL came to them): past the start, the turns repeat
        # one fixed order, each thread once a round.
        with SwitchInterval(0.001):
            turns = []
            stop = []
            ready = []
            go = threading.Event()
            def spin(i):
                # all three start together, however late the last thread
                # begins to run
                ready.append(i)
                go.wait(JOIN)
                while not stop:
                    if turns[-1:] != [i]:
                        turns.append(i)
                        if len(turns) >= 40:
                            stop.append(1)
            threads = [start(spin, i) for i in range(3)]
            while len(ready) < 3:
                time.sleep(0.001)
            go.set()
            join_all(threads)
        # The first turns even out the GIL time the threads used before
        # all three competed.  Past the 40th turn, a thread that gave way
        # inside the loop body may still note one, while one that gave
        # way at the loop's test ends silently: those entries are not
        # turns.
        rounds = turns[12:40]
        self.assertEqual(sorted(rounds[:3]), [0, 1, 2], turns)
        for k in range(3, len(rounds)):
            self.assertEqual(rounds[k], rounds[k - 3], turns)

    def test_turns_are_one_interval(self):
        # CPU-bound threads switch when a turn is over, not at every
        # check: many checks to a switch (stock 2.7 switches at each).
        with CheckInterval(10):
            before = stats()
            with Spinners(2, 200000):
                pass
            d = delta(before, stats())
        self.assertGreater(d['switches'], 0)
        self.assertGreater(d['expiries'], 0)
        # (some 2 million bytecodes: switching at every check would make
        # about 200000 switches)
        self.assertLess(d['switches'], 12000)

    def test_io_thread_served_at_next_instruction(self):
        # The holder runs long C calls (about 10 ms); a thread back from a
        # 1 ms sleep gets the GIL when the call in progress returns, not
        # one or more checks later: while it sleeps and waits, the holder
        # ends at most one call.
        calls = [0]
        stop = []
        def holder():
            while not stop:
                long_c_call()
                calls[0] += 1
        t = start(holder)
        try:
            while calls[0] < 2:
                time.sleep(0.001)
            extra = []
            for i in range(40):
                before = calls[0]
                time.sleep(0.001)
                extra.append(calls[0] - before)
        finally:
            stop.append(1)
            join_all([t])
        extra.sort()
        self.assertLessEqual(extra[len(extra) * 3 // 4], 1, extra)

    def test_cpu_threads_keep_their_share_beside_short_sleeper(self):
        # A thread that computes for a while (about 0.1 ms, then 1 ms) and
        # then calls sleep(0), forever, is served first only until it has
        # used a slice: two CPU-bound threads beside it each keep about a
        # third of the GIL.  All three count in the same loop.
        for burst in (2000, 20000):
            counts = [0, 0, 0]
            stop = []
            def spin(i):
                while not stop:
                    counts[i] += 1
            def short_sleeper():
                while not stop:
                    for k in xrange(burst):
                        counts[2] += 1
                    time.sleep(0)
            threads = [start(spin, 0), start(spin, 1), start(short_sleeper)]
            try:
                while min(counts) < 1000000:
                    time.sleep(0.01)
            finally:
                stop.append(1)
                join_all(threads)
            self.assertGreater(min(counts[0], counts[1]), counts[2] // 2,
                               (burst, counts))

    def test_io_threads_do_not_starve_cpu_threads(self):
        # Threads that block all the time (sleep(0), lock hand-offs) get
        # the GIL first, yet the CPU-bound threads still all progress.
        stop = []
        def sleeper():
            while not stop:
                time.sleep(0)
        a, b = thread.allocate_lock(), thread.allocate_lock()
        a.acquire()
        b.acquire()
        box = [False]
        def producer():
            while True:
                last = box[0] = bool(stop)
                b.release()
                a.acquire()
                if last:
                    break
        def consumer():
            while True:
                b.acquire()
                last = box[0]
                a.release()
                if last:
                    break
        io = [start(sleeper), start(sleeper), start(producer),
              start(consumer)]
        try:
            with Spinners(3, 20000) as sp:
                pass
        finally:
            stop.append(1)
            join_all(io)
        self.assertGreaterEqual(min(sp.counts), 20000)

    @unittest.skipUnless(CPUS > 1, 'the hand-off needs two processors')
    def test_lock_hand_off_bypasses_cpu_thread(self):
        # Two threads handing each other two locks beside a CPU-bound
        # thread: the GIL goes from one to the other (rule 8), not through
        # the CPU-bound thread, which would give way twice a round.
        rounds = 20000
        a, b = thread.allocate_lock(), thread.allocate_lock()
        a.acquire()
        b.acquire()
        def producer():
            for r in range(rounds):
                b.release()
                a.acquire()
        def consumer():
            for r in range(rounds):
                b.acquire()
                a.release()
        stop = []
        def spin():
            while not stop:
                pass
        cpu = start(spin)
        try:
            before = stats()
            join_all([start(producer), start(consumer)])
            yields = delta(before, stats())['yields']
        finally:
            stop.append(1)
            join_all([cpu])
        self.assertLess(yields, rounds)

    def check_lock_wait_wakes_cpu_thread(self, wait, wake):
        # Only the CPU-bound thread can end each wait, and it must get
        # the GIL from the waiter: a hand-over that is never made hangs.
        # It wakes round r only once the main thread is done with round
        # r - 1 (on a loaded machine the main thread may not run for a
        # long time, and two wake-ups of a Lock in a row would fail).
        rounds = 30
        done = []
        waited = []
        def spin_then_wake():
            for r in range(rounds):
                n = 0
                while n < 20000 or len(waited) < r:
                    n += 1
                wake()
            done.append(1)
        t = start(spin_then_wake)
        for r in range(rounds):
            self.assertTrue(wait(), 'round %d: the wait was never ended' % r)
            waited.append(r)
        join_all([t])
        self.assertEqual(done, [1])

    def test_lock_wait_wakes_cpu_thread(self):
        lock = threading.Lock()
        lock.acquire()
        self.check_lock_wait_wakes_cpu_thread(
            lambda: lock.acquire(True, JOIN), lock.release)

    def test_condition_wait_wakes_cpu_thread(self):
        for make_lock in (threading.Lock, threading.RLock):
            cond = threading.Condition(make_lock())
            items = []
            def wait():
                with cond:
                    if not cond.wait_for(lambda: items, JOIN):
                        return False
                    items.pop()
                    return True
            def wake():
                with cond:
                    items.append(1)
                    cond.notify()
            self.check_lock_wait_wakes_cpu_thread(wait, wake)

    def test_rlock_wait_wakes_cpu_thread(self):
        rlock = threading.RLock()
        go = threading.Semaphore(0)
        def holder():
            # holds the RLock while it counts, so that the main thread
            # waits for it (a contended acquire), 30 times
            for r in range(30):
                go.acquire()
                with rlock:
                    n = 0
                    while n < 20000:
                        n += 1
        t = start(holder)
        for r in range(30):
            go.release()
            self.assertTrue(rlock.acquire(True, JOIN))
            rlock.release()
        join_all([t])

    @unittest.skipUnless(hasattr(signal, 'SIGUSR1'), 'needs SIGUSR1')
    def test_signal_reaches_main_thread_beside_cpu_threads(self):
        got = []
        old = signal.signal(signal.SIGUSR1, lambda *a: got.append(a[0]))
        try:
            stop = []
            def spin():
                while not stop:
                    pass
            spinners = [start(spin), start(spin)]
            try:
                def killer():
                    os.kill(os.getpid(), signal.SIGUSR1)
                join_all([start(killer)])
                # The handler runs in the main thread at one of its checks.
                for i in xrange(10 ** 8):
                    if got:
                        break
            finally:
                stop.append(1)
                join_all(spinners)
        finally:
            signal.signal(signal.SIGUSR1, old)
        self.assertEqual(got, [signal.SIGUSR1])

    def test_pending_call_beside_cpu_threads(self):
        # Py_AddPendingCall from another thread runs in the main thread.
        _testcapi = test_support.import_module('_testcapi')
        done = []
        stop = []
        def spin():
            while not stop:
                pass
        spinners = [start(spin), start(spin)]
        try:
            for i in range(5):
                while not _testcapi._pending_threadfunc(
                        lambda: done.append(1)):
                    pass
            for i in xrange(10 ** 8):
                if len(done) == 5:
                    break
        finally:
            stop.append(1)
            join_all(spinners)
        self.assertEqual(len(done), 5)

    @unittest.skipUnless(hasattr(os, 'fork'), 'needs os.fork')
    def test_fork_with_threads_waiting_for_gil(self):
        # Fork while CPU and I/O threads queue for the GIL: the child's
        # GIL is re-created with no waiters, and threads work there.
        stop = []
        def spin():
            while not stop:
                pass
        def sleeper():
            while not stop:
                time.sleep(0)
        others = [start(spin), start(spin), start(sleeper)]
        try:
            for i in range(3):
                pid = os.fork()
                if pid == 0:
                    code = 1
                    try:
                        with Spinners(3, 5000) as sp:
                            pass
                        code = 0 if min(sp.counts) >= 5000 else 2
                    finally:
                        os._exit(code)
                pid, status = os.waitpid(pid, 0)
                self.assertEqual(status, 0)
        finally:
            stop.append(1)
            join_all(others)

    def test_many_threads_stress(self):
        # 24 threads: CPU-bound, sleeping, lock and Condition hand-offs,
        # all finish a fixed amount of work.
        done = []
        cond = threading.Condition()
        queue = []
        def cpu():
            n = 0
            for i in xrange(30000):
                n += i
            done.append('cpu')
        def sleeper():
            for i in range(50):
                time.sleep(0)
            done.append('sleep')
        def producer():
            for i in range(300):
                with cond:
                    queue.append(i)
                    cond.notify()
            done.append('prod')
        def consumer():
            got = 0
            while got < 300:
                with cond:
                    while not queue:
                        cond.wait()
                    queue.pop()
                    got += 1
            done.append('cons')
        kinds = [cpu] * 8 + [sleeper] * 8 + [producer, consumer] * 4
        with CheckInterval(10):
            threads = [start(k) for k in kinds]
            join_all(threads)
        self.assertEqual(sorted(done), sorted(
            ['cpu'] * 8 + ['sleep'] * 8 + ['prod', 'cons'] * 4))


def test_main():
    test_support.run_unittest(PriorityGilTest)


if __name__ == '__main__':
    test_main()
