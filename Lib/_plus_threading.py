"""PythonPlus (native-condition): what threading.py adds when the thread
module has the C types RLock and Condition (WITH_PLUS_NATIVE_CONDITION).

threading.py calls _install(globals()) before it creates any object, so
that every Condition it makes (Thread.join, Event, Semaphore, Queue's
conditions through threading.Condition) is the C one, whose timed wait
blocks in the kernel instead of polling.  Added, with the Python 3.2 API:
Condition.wait returning a bool and Condition.wait_for, also for
Conditions over a lock of another type; Semaphore.acquire(blocking,
timeout) and BoundedSemaphore; Barrier and BrokenBarrierError;
threading.TIMEOUT_MAX; threading's internal deadlines on the monotonic
clock.
"""

import thread as _thread

_CRLock = _thread.RLock
_CCondition = _thread.Condition
_LockType = _thread.LockType
_monotonic = _thread._monotonic


def _install(g):
    """Replace threading's factories and add the new names (g: threading's
    globals)."""
    Lock = g['Lock']
    _Condition = g['_Condition']
    _Semaphore = g['_Semaphore']

    def RLock(*args, **kwargs):
        """Return a new reentrant lock (the C thread.RLock)."""
        return _CRLock(*args, **kwargs)

    def Condition(*args, **kwargs):
        """Return a new condition variable: the C thread.Condition over a
        Lock or RLock (the default), a Python one over another lock."""
        if args:
            lock = args[0]
        else:
            lock = kwargs.get('lock')
        if lock is None or type(lock) is _LockType or isinstance(lock,
                                                                 _CRLock):
            return _CCondition(*args, **kwargs)
        return _PyCondition(*args, **kwargs)

    class _PyCondition(_Condition):
        """threading's Python Condition for foreign locks, with wait() on a
        timed acquire of the waiter lock, returning a bool, and wait_for."""

        def wait(self, timeout=None):
            if not self._is_owned():
                raise RuntimeError("cannot wait on un-acquired lock")
            waiter = _thread.allocate_lock()
            waiter.acquire()
            self._Condition__waiters.append(waiter)
            saved = self._release_save()
            gotit = False
            try:
                if timeout is None or timeout > _thread.TIMEOUT_MAX:
                    gotit = waiter.acquire()
                elif timeout > 0:
                    gotit = waiter.acquire(True, timeout)
                else:
                    gotit = waiter.acquire(False)
                return gotit
            finally:
                self._acquire_restore(saved)
                if not gotit:
                    try:
                        self._Condition__waiters.remove(waiter)
                    except ValueError:
                        pass

        def wait_for(self, predicate, timeout=None):
            return _wait_for(self, predicate, timeout)

    class _PlusSemaphore(_Semaphore):
        """Semaphore with Python 3's acquire(blocking=True, timeout=None)."""

        def acquire(self, blocking=True, timeout=None):
            if not blocking and timeout is not None:
                raise ValueError("can't specify timeout for non-blocking "
                                 "acquire")
            cond = self._Semaphore__cond
            with cond:
                if self._Semaphore__value == 0:
                    if not blocking:
                        return False
                    if not cond.wait_for(self._available, timeout):
                        return False
                self._Semaphore__value -= 1
                return True

        __enter__ = acquire

        def _available(self):
            return self._Semaphore__value > 0

    class _PlusBoundedSemaphore(_PlusSemaphore):
        """A Semaphore that refuses to be released above its initial
        value."""

        def __init__(self, value=1, verbose=None):
            _PlusSemaphore.__init__(self, value, verbose)
            self._initial_value = value

        def release(self):
            cond = self._Semaphore__cond
            with cond:
                if self._Semaphore__value >= self._initial_value:
                    raise ValueError("Semaphore released too many times")
                self._Semaphore__value += 1
                cond.notify()

    def Semaphore(*args, **kwargs):
        """Return a new semaphore (acquire takes a timeout)."""
        return _PlusSemaphore(*args, **kwargs)

    def BoundedSemaphore(*args, **kwargs):
        """Return a new bounded semaphore (acquire takes a timeout)."""
        return _PlusBoundedSemaphore(*args, **kwargs)

    class Barrier(_Barrier):
        __doc__ = _Barrier.__doc__

        def __init__(self, parties, action=None, timeout=None):
            _Barrier.__init__(self, parties, action, timeout,
                              Condition(Lock()))

    for name, value in [('RLock', RLock), ('Condition', Condition),
                        ('_PyCondition', _PyCondition),
                        ('_PlusSemaphore', _PlusSemaphore),
                        ('_PlusBoundedSemaphore', _PlusBoundedSemaphore),
                        ('Semaphore', Semaphore),
                        ('BoundedSemaphore', BoundedSemaphore),
                        ('Barrier', Barrier),
                        ('BrokenBarrierError', BrokenBarrierError),
                        ('TIMEOUT_MAX', _thread.TIMEOUT_MAX),
                        ('_time', _monotonic)]:
        g[name] = value
    g['__all__'].extend(['Barrier', 'BrokenBarrierError', 'TIMEOUT_MAX'])


def _wait_for(cond, predicate, timeout):
    """Condition.wait_for for the Python Condition."""
    result = predicate()
    if result:
        return result
    if timeout is not None:
        deadline = _monotonic() + timeout
    while not result:
        if timeout is None:
            cond.wait()
        else:
            left = deadline - _monotonic()
            if left <= 0:
                break
            cond.wait(left)
        result = predicate()
    return result


class BrokenBarrierError(RuntimeError):
    """Raised by Barrier.wait when the barrier is broken or reset while
    the thread waits, or was broken before."""


class _Cycle(object):
    """One filling of a Barrier: it either passes or breaks.  Each waiter
    keeps the cycle it joined, so a new cycle may fill while the threads of
    the old one are still waking up."""
    __slots__ = ('passed', 'broken')

    def __init__(self):
        self.passed = False
        self.broken = False

    def over(self):
        return self.passed or self.broken


class _Barrier(object):
    """A Barrier for a fixed number of threads (parties): each calls
    wait(), which returns, to all of them at once, when the last one
    arrives; each gets its arrival index (0 to parties - 1).  The last to
    arrive first calls action() if given.  A wait that times out (timeout,
    or the barrier's default timeout), an action that raises, or abort()
    breaks the barrier: every waiter, and every later wait() until reset(),
    raises BrokenBarrierError."""

    def __init__(self, parties, action, timeout, cond):
        if parties < 1:
            raise ValueError("parties must be > 0")
        self._cond = cond
        self._parties = parties
        self._action = action
        self._timeout = timeout
        self._cycle = _Cycle()
        self._arrived = 0

    def wait(self, timeout=None):
        """Wait for the barrier; return this thread's arrival index."""
        if timeout is None:
            timeout = self._timeout
        with self._cond:
            cycle = self._cycle
            if cycle.broken:
                raise BrokenBarrierError
            index = self._arrived
            self._arrived += 1
            if self._arrived == self._parties:
                try:
                    if self._action is not None:
                        self._action()
                except:
                    self._break()
                    raise
                cycle.passed = True
                self._cycle = _Cycle()
                self._arrived = 0
                self._cond.notify_all()
                return index
            if not self._cond.wait_for(cycle.over, timeout):
                self._break()
            if cycle.passed:
                return index
            raise BrokenBarrierError

    def _break(self):
        # with the lock held
        self._cycle.broken = True
        self._arrived = 0
        self._cond.notify_all()

    def reset(self):
        """Return the barrier to its empty state; threads waiting on it
        get BrokenBarrierError."""
        with self._cond:
            if self._arrived > 0:
                self._cycle.broken = True
                self._cond.notify_all()
            self._cycle = _Cycle()
            self._arrived = 0

    def abort(self):
        """Break the barrier: waiting threads, and every later wait()
        until reset(), get BrokenBarrierError."""
        with self._cond:
            self._break()

    @property
    def parties(self):
        """The number of threads the barrier waits for."""
        return self._parties

    @property
    def n_waiting(self):
        """The number of threads waiting in the current cycle."""
        with self._cond:
            if self._cycle.broken:
                return 0
            return self._arrived

    @property
    def broken(self):
        """Whether the barrier is broken."""
        return self._cycle.broken
