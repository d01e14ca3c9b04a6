"""PythonPlus native-condition: the C RLock and Condition used by
threading, Python 3.2 timeouts (Condition.wait returning a bool, wait_for,
Semaphore.acquire(timeout)), Barrier, signals during each kind of wait,
fork, and stress tests mixing notify, notify_all and timeouts.

Deterministic: a waiter is known to be waiting once it registered under
the condition's lock (wait releases it atomically); timeouts are either
meant to expire or upper bounds that a correct run never reaches."""
import os
import signal
import sys
import time
import unittest
import Queue

from test import test_support

thread = test_support.import_module('thread')
threading = test_support.import_module('threading')
from test.test_plus_native_locks import (SignalCase, SignalSender,
                                         Interrupted, needs_signals,
                                         needs_fork)

NATIVE = hasattr(sys, 'pythonplus') and \
    'native-condition' in sys.pythonplus.features
needs_native = unittest.skipUnless(NATIVE, 'needs native-condition')


def start(target, *args):
    t = threading.Thread(target=target, args=args)
    t.daemon = True
    t.start()
    return t


def join_all(case, threads, timeout=120):
    for t in threads:
        t.join(timeout)
        case.assertFalse(t.is_alive(), 'thread hung')


class Waiters(object):
    """n threads each wait once on cond (with the given timeout) after
    registering under its lock; results[i] is what wait returned."""

    def __init__(self, cond, n, timeout=None):
        self.cond = cond
        # a second condition over the same lock, to hear of registrations
        self.reg = threading.Condition(cond._Condition__lock)
        self.registered = 0
        self.results = []
        self.threads = [start(self.run, timeout) for i in range(n)]
        with self.reg:
            self.reg.wait_for(lambda: self.registered == n, 120)
            assert self.registered == n

    def run(self, timeout):
        with self.cond:
            self.registered += 1
            self.reg.notify()
            r = self.cond.wait(timeout)
            self.results.append(r)


@needs_native
class TypesTest(unittest.TestCase):

    def test_threading_uses_c_types(self):
        self.assertIsInstance(threading.RLock(), thread.RLock)
        self.assertIsInstance(threading.Condition(), thread.Condition)
        self.assertIsInstance(threading.Condition(threading.Lock()),
                              thread.Condition)
        self.assertIsInstance(threading.Event()._Event__cond,
                              thread.Condition)
        self.assertIsInstance(Queue.Queue().not_empty, thread.Condition)
        self.assertIs(threading.TIMEOUT_MAX, thread.TIMEOUT_MAX)
        for name in ('Barrier', 'BrokenBarrierError', 'TIMEOUT_MAX'):
            self.assertIn(name, threading.__all__)

    def test_reprs(self):
        r = threading.RLock()
        self.assertEqual(repr(r), '<_RLock owner=None count=0>')
        with r:
            with r:
                self.assertEqual(repr(r),
                                 "<_RLock owner=%r count=2>" %
                                 threading.current_thread().name)
        lock = threading.Lock()
        c = threading.Condition(lock)
        self.assertEqual(repr(c), '<Condition(%s, 0)>' % (lock,))
        self.assertIs(c._Condition__lock, lock)

    def test_foreign_lock(self):
        class MyLock(object):
            def __init__(self):
                self.lock = threading.Lock()
                self.acquire = self.lock.acquire
                self.release = self.lock.release
            def __enter__(self):
                return self.lock.__enter__()
            def __exit__(self, *a):
                return self.lock.__exit__(*a)
        c = threading.Condition(MyLock())
        self.assertNotIsInstance(c, thread.Condition)
        with c:
            self.assertFalse(c.wait(0.01))
            self.assertEqual(c.wait_for(lambda: 5), 5)
            self.assertFalse(c.wait_for(lambda: 0, 0.01))
        w = Waiters(c, 3)
        with c:
            c.notify(2)
        with c:
            c.notify()
        join_all(self, w.threads)
        self.assertEqual(w.results, [True] * 3)

    def test_bad_arguments(self):
        self.assertRaises(TypeError, thread.Condition, object())
        self.assertRaises(TypeError, thread.Condition, 1, 2, 3)
        c = threading.Condition()
        self.assertRaises(RuntimeError, c.wait)
        self.assertRaises(RuntimeError, c.wait, 0)
        self.assertRaises(RuntimeError, c.wait_for, lambda: False)
        self.assertTrue(c.wait_for(lambda: True))   # no wait: as Python 3
        self.assertRaises(RuntimeError, c.notify)
        self.assertRaises(RuntimeError, c.notify_all)
        self.assertRaises(RuntimeError, c.notifyAll)
        self.assertRaises(RuntimeError, c.release)
        with c:
            self.assertRaises(TypeError, c.wait, 'x')
            self.assertRaises(ValueError, c.notify, -1)
            self.assertRaises(TypeError, c.notify, 'x')
            self.assertRaises(TypeError, c.wait_for)
            self.assertRaises(TypeError, c.wait_for, None)
            self.assertRaises(ZeroDivisionError, c.wait_for, lambda: 1 / 0)
            self.assertRaises(ValueError, c.acquire, False, 1)
        r = threading.RLock()
        self.assertRaises(RuntimeError, r.release)
        self.assertRaises(RuntimeError, r._release_save)
        self.assertRaises(ValueError, r.acquire, False, 1)
        self.assertRaises(ValueError, r.acquire, True, -3)
        self.assertRaises(OverflowError, r.acquire, True, 1e300)
        self.assertRaises(TypeError, r._acquire_restore, 'x')
        s = threading.Semaphore(0)
        self.assertRaises(ValueError, s.acquire, False, 1)
        self.assertRaises(ValueError, threading.Semaphore, -1)
        b = threading.BoundedSemaphore(1)
        self.assertRaises(ValueError, b.release)
        self.assertRaises(ValueError, threading.Barrier, 0)
        # an uninitialised Condition (subclass skipping __init__)
        class C(thread.Condition):
            def __init__(self):
                pass
        c = C()
        self.assertRaises(RuntimeError, c.acquire)
        self.assertRaises(RuntimeError, c.wait)
        self.assertRaises(RuntimeError, c.notify)
        repr(c)

    def test_condition_on_plain_lock_released_elsewhere(self):
        lock = threading.Lock()
        c = threading.Condition(lock)
        lock.acquire()
        t = start(lock.release)
        t.join(60)
        self.assertRaises(RuntimeError, c.wait, 0.01)


@needs_native
class RLockTest(unittest.TestCase):

    def test_reentrant_and_owned(self):
        r = threading.RLock()
        self.assertFalse(r._is_owned())
        self.assertTrue(r.acquire())
        self.assertTrue(r.acquire(True, 0.01))
        self.assertTrue(r._is_owned())
        out = []
        t = start(lambda: out.append((r.acquire(True, 0.01), r._is_owned())))
        t.join(60)
        self.assertEqual(out, [(False, False)])
        # release() from a thread that does not own it: the outcome is
        # collected there and checked here (a failed assertion in the
        # thread would only print a traceback).
        del out[:]

        def release_elsewhere():
            try:
                r.release()
            except RuntimeError as e:
                out.append(('RuntimeError', r._is_owned()))
            except BaseException as e:
                out.append((type(e).__name__, r._is_owned()))
            else:
                out.append(('released', r._is_owned()))
        t = start(release_elsewhere)
        t.join(60)
        self.assertFalse(t.is_alive())
        self.assertEqual(out, [('RuntimeError', False)])
        self.assertTrue(r._is_owned())      # still ours, twice
        r.release()
        self.assertTrue(r._is_owned())
        r.release()
        self.assertRaises(RuntimeError, r.release)

    def test_release_save_restore(self):
        r = threading.RLock()
        r.acquire()
        r.acquire()
        state = r._release_save()
        self.assertFalse(r._is_owned())
        r._acquire_restore(state)
        self.assertTrue(r._is_owned())
        r.release()
        r.release()
        self.assertFalse(r._is_owned())

    def test_condition_over_rlock_restores_depth(self):
        r = threading.RLock()
        c = threading.Condition(r)
        with c:
            with c:
                self.assertFalse(c.wait(0.01))
                self.assertTrue(r._is_owned())
                self.assertIn('count=2', repr(r))
        self.assertIn('count=0', repr(r))

    def test_subclass(self):
        class R(thread.RLock):
            pass
        r = R()
        with r:
            self.assertTrue(r._is_owned())
        self.assertTrue(repr(r).startswith('<R owner='))
        c = thread.Condition(r)
        with c:
            self.assertFalse(c.wait(0))


@needs_native
class ConditionTest(unittest.TestCase):

    def test_wait_returns_bool(self):
        for lock in (threading.Lock(), threading.RLock()):
            c = threading.Condition(lock)
            with c:
                self.assertIs(c.wait(0), False)
                self.assertIs(c.wait(-1), False)
                self.assertIs(c.wait(0.01), False)
            # beyond TIMEOUT_MAX is forever (stock code joins with 1e100)
            w = Waiters(c, 1, 1e100)
            with c:
                c.notify()
            join_all(self, w.threads)
            self.assertEqual(w.results, [True])

    def test_notify_n_wakes_at_most_n(self):
        c = threading.Condition(threading.Lock())
        w = Waiters(c, 6)
        with c:
            c.notify(2)
            # the two oldest are off the queue, four still wait
            self.assertTrue(repr(c).endswith(', 4)>'), repr(c))
            c.notify(0)
            self.assertTrue(repr(c).endswith(', 4)>'), repr(c))
        with c:
            c.notify(3)
            self.assertTrue(repr(c).endswith(', 1)>'), repr(c))
            c.notify(10)
            self.assertTrue(repr(c).endswith(', 0)>'), repr(c))
        join_all(self, w.threads)
        self.assertEqual(w.results, [True] * 6)

    def test_timed_out_waiter_does_not_eat_notify(self):
        # One waiter times out, one waits forever; a single notify must
        # reach the one still waiting.
        c = threading.Condition(threading.Lock())
        short = Waiters(c, 1, 0.01)
        join_all(self, short.threads)
        self.assertEqual(short.results, [False])
        w = Waiters(c, 1)
        with c:
            c.notify()
        join_all(self, w.threads)
        self.assertEqual(w.results, [True])

    def test_wait_for(self):
        c = threading.Condition()
        state = []
        with c:
            self.assertEqual(c.wait_for(lambda: 'x'), 'x')
            self.assertEqual(c.wait_for(lambda: 0, 0.01), 0)
            self.assertEqual(c.wait_for(lambda: [], -1), [])

        def producer():
            for i in range(5):
                with c:
                    state.append(i)
                    c.notify()
        with c:
            t = start(producer)
            self.assertTrue(c.wait_for(lambda: len(state) == 5, 120))
        join_all(self, [t])

    def test_reinit(self):
        c = threading.Condition()
        old = c._Condition__lock
        c.__init__(threading.Lock())
        self.assertIsNot(c._Condition__lock, old)
        with c:
            self.assertFalse(c.wait(0))

    def test_stress_mixed(self):
        self.stress_mixed(threading.Lock())

    def test_stress_mixed_rlock(self):
        self.stress_mixed(threading.RLock())

    def stress_mixed(self, lock):
        # Producers add tokens and notify one, some, or all; consumers
        # take one token each time, waiting with various timeouts.  Every
        # token is consumed (no lost wake-up), nothing hangs.
        c = threading.Condition(lock)
        state = {'tokens': 0, 'taken': 0, 'timeouts': 0}
        producers, consumers, per = 4, 8, 250
        total = producers * per

        def produce(n):
            for i in range(per):
                with c:
                    state['tokens'] += 1
                    k = (i + n) % 3
                    if k == 0:
                        c.notify()
                    elif k == 1:
                        c.notify(2)
                    else:
                        c.notify_all()

        def consume(n):
            i = 0
            while True:
                with c:
                    while state['tokens'] == 0 and state['taken'] < total:
                        timeout = (None, 0.0005, 0.05, 0)[(i + n) % 4]
                        i += 1
                        if not c.wait(timeout):
                            state['timeouts'] += 1
                    if state['taken'] >= total:
                        return
                    state['tokens'] -= 1
                    state['taken'] += 1
                    if state['taken'] == total:
                        c.notify_all()
        threads = [start(consume, n) for n in range(consumers)]
        threads += [start(produce, n) for n in range(producers)]
        join_all(self, threads)
        self.assertEqual(state['taken'], total)
        self.assertEqual(state['tokens'], 0)


@needs_native
class SemaphoreEventQueueJoinTest(unittest.TestCase):

    def test_semaphore_timeout(self):
        for cls in (threading.Semaphore, threading.BoundedSemaphore):
            s = cls(1)
            self.assertTrue(s.acquire(timeout=0.01))
            self.assertFalse(s.acquire(timeout=0.01))
            self.assertFalse(s.acquire(False))
            self.assertFalse(s.acquire(True, 0))
            t = start(s.release)
            self.assertTrue(s.acquire(True, 120))
            join_all(self, [t])
            s.release()
            with s:
                pass

    def test_semaphore_many(self):
        s = threading.Semaphore(0)
        got = []

        def taker():
            got.append(s.acquire(True, 120))
        threads = [start(taker) for i in range(10)]
        for i in range(10):
            s.release()
        join_all(self, threads)
        self.assertEqual(got, [True] * 10)

    def test_event(self):
        e = threading.Event()
        self.assertIs(e.wait(0.01), False)
        t = start(e.set)
        self.assertIs(e.wait(120), True)
        join_all(self, [t])

    def test_queue_timeouts(self):
        q = Queue.Queue(1)
        self.assertRaises(Queue.Empty, q.get, True, 0.01)
        q.put(1)
        self.assertRaises(Queue.Full, q.put, 2, True, 0.01)
        t = start(q.put, 3)
        self.assertEqual(q.get(True, 120), 1)
        self.assertEqual(q.get(True, 120), 3)
        join_all(self, [t])

    def test_join_timeout(self):
        e = threading.Event()
        t = start(e.wait, 1e100)
        t.join(0.01)
        self.assertTrue(t.is_alive())
        e.set()
        t.join(120)
        self.assertFalse(t.is_alive())

    def test_queue_stress(self):
        q = Queue.Queue(5)
        n, per = 6, 200
        out = []

        def put(k):
            for i in range(per):
                while True:
                    try:
                        q.put((k, i), True, (0.001, 60)[i % 2])
                        break
                    except Queue.Full:
                        pass

        def get():
            while True:
                try:
                    item = q.get(True, (0.001, 0.5)[len(out) % 2])
                except Queue.Empty:
                    if len(out) >= n * per:
                        return
                    continue
                if item is None:
                    return
                out.append(item)
        getters = [start(get) for i in range(3)]
        putters = [start(put, k) for k in range(n)]
        join_all(self, putters)
        for g in getters:
            q.put(None)
        join_all(self, getters)
        self.assertEqual(sorted(out), sorted((k, i) for k in range(n)
                                             for i in range(per)))


@needs_native
class BarrierTest(unittest.TestCase):

    def run_parties(self, barrier, n, func):
        out = []
        threads = [start(lambda: out.append(func(barrier)))
                   for i in range(n)]
        join_all(self, threads)
        return out

    def test_attributes(self):
        b = threading.Barrier(3)
        self.assertEqual(b.parties, 3)
        self.assertEqual(b.n_waiting, 0)
        self.assertFalse(b.broken)
        self.assertTrue(issubclass(threading.BrokenBarrierError,
                                   RuntimeError))

    def test_indices_and_cycles(self):
        n = 5
        actions = []
        b = threading.Barrier(n, action=lambda: actions.append(1))

        def several(b):
            return [b.wait() for i in range(10)]
        out = self.run_parties(b, n, several)
        for cycle in range(10):
            self.assertEqual(sorted(r[cycle] for r in out), range(n))
        self.assertEqual(len(actions), 10)
        self.assertEqual(b.n_waiting, 0)
        self.assertFalse(b.broken)

    def test_single_party(self):
        b = threading.Barrier(1)
        self.assertEqual(b.wait(), 0)
        self.assertEqual(b.wait(0), 0)

    def test_n_waiting(self):
        b = threading.Barrier(3)
        t = start(b.wait)
        while b.n_waiting < 1:
            time.sleep(0.001)
        t2 = start(b.wait)
        while b.n_waiting < 2:
            time.sleep(0.001)
        self.assertEqual(b.wait(), 2)
        join_all(self, [t, t2])
        self.assertEqual(b.n_waiting, 0)

    def test_timeout_breaks(self):
        b = threading.Barrier(2)
        self.assertRaises(threading.BrokenBarrierError, b.wait, 0.01)
        self.assertTrue(b.broken)
        self.assertEqual(b.n_waiting, 0)
        self.assertRaises(threading.BrokenBarrierError, b.wait)
        b.reset()
        self.assertFalse(b.broken)
        b2 = threading.Barrier(2, timeout=0.01)
        self.assertRaises(threading.BrokenBarrierError, b2.wait)

    def test_abort_wakes_waiters(self):
        b = threading.Barrier(3)
        errors = []

        def waiter():
            try:
                b.wait()
            except threading.BrokenBarrierError:
                errors.append(1)
        threads = [start(waiter) for i in range(2)]
        while b.n_waiting < 2:
            time.sleep(0.001)
        b.abort()
        join_all(self, threads)
        self.assertEqual(errors, [1, 1])
        self.assertTrue(b.broken)
        self.assertRaises(threading.BrokenBarrierError, b.wait)

    def test_reset_while_waiting(self):
        b = threading.Barrier(3)
        errors = []

        def waiter():
            try:
                b.wait()
            except threading.BrokenBarrierError:
                errors.append(1)
        threads = [start(waiter) for i in range(2)]
        while b.n_waiting < 2:
            time.sleep(0.001)
        b.reset()
        join_all(self, threads)
        self.assertEqual(errors, [1, 1])
        self.assertFalse(b.broken)
        out = self.run_parties(b, 3, lambda b: b.wait())
        self.assertEqual(sorted(out), [0, 1, 2])

    def test_action_raising_breaks(self):
        def action():
            raise ZeroDivisionError
        b = threading.Barrier(3, action=action)
        results = []

        def waiter():
            try:
                b.wait()
                results.append('ok')
            except threading.BrokenBarrierError:
                results.append('broken')
            except ZeroDivisionError:
                results.append('action')
        threads = [start(waiter) for i in range(3)]
        join_all(self, threads)
        self.assertEqual(sorted(results), ['action', 'broken', 'broken'])
        self.assertTrue(b.broken)


@needs_native
@needs_signals
class WaitSignalTest(SignalCase):

    def interrupted(self, wait, wake):
        """wait() must end by the signal handler's exception.  wake() is
        the watchdog's (SignalSender): it ends the wait if no signal did
        within SignalSender.DEADLINE seconds, and the test fails."""
        self.raising = True
        sender = SignalSender(watchdog=wake)
        try:
            sender.start()
            wait()
            self.fail('the wait returned')
        except Interrupted:
            pass
        finally:
            sender.stop()
        self.assertFalse(sender.fired, 'no signal interrupted the wait: '
                         'the watchdog ended it')
        self.assertGreaterEqual(self.calls, 1)

    def notifier(self, c, woken=None):
        def wake():
            if woken is not None:
                woken.append(True)
            try:
                got = c.acquire(True, 10)
            except TypeError:       # a stock lock: no timeout
                got = c.acquire()
            if got:
                c.notify_all()
                c.release()
        return wake

    def test_condition_wait(self):
        for lock in (threading.Lock(), threading.RLock()):
            c = threading.Condition(lock)
            with c:
                self.interrupted(c.wait, self.notifier(c))
                self.assertTrue(c._is_owned())
            with c:
                self.interrupted(lambda: c.wait(120), self.notifier(c))
            woken = []
            with c:
                self.interrupted(lambda: c.wait_for(lambda: woken),
                                 self.notifier(c, woken))

    def test_rlock_acquire(self):
        # held by another thread, which lets go when the watchdog fires
        r = threading.RLock()
        held = threading.Event()
        done = threading.Event()

        def hold():
            r.acquire()
            held.set()
            done.wait(120)
            r.release()
        t = start(hold)
        self.assertTrue(held.wait(60))
        try:
            self.interrupted(r.acquire, done.set)
        finally:
            done.set()
            t.join(120)

    def test_event_wait(self):
        e = threading.Event()
        self.interrupted(e.wait, e.set)

    def test_join(self):
        e = threading.Event()
        t = start(e.wait, 120)
        try:
            self.interrupted(t.join, e.set)
        finally:
            e.set()
            t.join(120)

    def test_queue_get(self):
        q = Queue.Queue()
        self.interrupted(q.get, lambda: q.put(None))
        self.interrupted(lambda: q.get(True, 120), lambda: q.put(None))

    def test_semaphore_and_barrier(self):
        s = threading.Semaphore(0)
        self.interrupted(s.acquire, s.release)
        b = threading.Barrier(2)
        self.interrupted(b.wait, b.abort)

    def test_condition_wait_resumes(self):
        c = threading.Condition()

        def notify_later():
            with c:
                c.notify()
        sender = SignalSender(until=lambda: self.calls >= 3,
                              then=notify_later)
        with c:
            sender.start()
            self.assertTrue(c.wait(120))
        sender.stop()
        self.assertGreaterEqual(self.calls, 3)

    @needs_fork
    def test_notify_while_interrupted_wait_reacquires(self):
        # The notifier holds the lock while a child process signals the
        # waiting main thread (a signal from another process interrupts
        # the thread that waits, not the sender), then notifies: the
        # notify comes while the interrupted waiter waits for the lock
        # to run the handler.  It must not be lost: wait returns True, not
        # False after its time-out.
        c = threading.Condition()
        done = []

        def notifier():
            with c:
                pid = os.fork()
                if pid == 0:
                    os.kill(os.getppid(), signal.SIGUSR1)
                    os._exit(0)
                os.waitpid(pid, 0)
                done.append(1)
                c.notify()
        for i in range(5):
            del done[:]
            with c:
                t = start(notifier)
                while not done:
                    self.assertTrue(c.wait(10), 'a notify was lost')
            t.join(60)
        self.assertGreaterEqual(self.calls, 1)


@needs_native
@needs_fork
class ForkTest(unittest.TestCase):

    def test_everything_usable_in_child(self):
        lock = threading.Lock()
        rlock = threading.RLock()
        cond = threading.Condition()
        event = threading.Event()
        barrier = threading.Barrier(2)
        q = Queue.Queue()
        w = Waiters(cond, 2)        # two threads waiting on cond
        holder_ready = threading.Event()
        holder_stop = threading.Event()

        def holder():
            with lock:
                with rlock:
                    holder_ready.set()
                    holder_stop.wait(120)
        h = start(holder)
        self.assertTrue(holder_ready.wait(120))
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                assert not lock.acquire(True, 0.01)
                assert not rlock.acquire(True, 0.01)
                with cond:
                    cond.notify_all()   # the waiters are gone
                    assert not cond.wait(0.01)
                    assert repr(cond).endswith(', 0)>')
                got = []

                def child_thread():
                    with cond:
                        got.append(cond.wait(120))
                    event.set()
                    got.append(barrier.wait(120))
                    q.put('x')
                t = threading.Thread(target=child_thread)
                t.start()
                with cond:
                    while not cond._Condition__lock._is_owned() or \
                            not repr(cond).endswith(', 1)>'):
                        cond.wait(0.001)
                    cond.notify()
                assert event.wait(120)
                barrier.wait(120)
                assert q.get(True, 120) == 'x'
                t.join(120)
                assert not t.is_alive()
                assert got[0] is True
                code = 0
            finally:
                os._exit(code)
        try:
            _, status = os.waitpid(pid, 0)
            self.assertEqual(status, 0)
        finally:
            holder_stop.set()
            with cond:
                cond.notify_all()
            join_all(self, w.threads + [h])


def test_main():
    test_support.run_unittest(TypesTest, RLockTest, ConditionTest,
                              SemaphoreEventQueueJoinTest, BarrierTest,
                              WaitSignalTest, ForkTest)


if __name__ == '__main__':
    test_main()
