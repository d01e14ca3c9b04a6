"""The Python side of Tools/plus/embed/host.c.

host.c's worker threads are foreign threads: Python did not create them,
and each call comes through PyGILState_Ensure/Release.  With the
gilstate-cache feature a foreign thread keeps its thread state between
calls, so its threading.local data survives from one call to the next;
in stock 2.7 every call starts with an empty threading.local.  Every
check here prints one line and records a failure in ERRORS.
"""
import atexit
import sys
import thread
import threading
import time
import weakref

import host

CACHE = hasattr(sys, 'pythonplus') and \
    'gilstate-cache' in sys.pythonplus.features

ERRORS = []
_local = threading.local()
_lock = threading.Lock()
_calls = [0]
_first_thread = {}      # worker id -> threading.current_thread() at call 0
_ident = {}             # worker id -> thread.get_ident()
_kept = {}              # worker id -> calls that found the previous data
_token_refs = []        # weakrefs to every worker's thread-local token
_linger_data = []


class Token(object):
    pass


class LingerToken(object):
    def __del__(self):
        host.freed()


def check(what, got, expected):
    print 'embedhost: %s: %s (expected %s)' % (what, got, expected)
    if got != expected:
        ERRORS.append(what)


def start(workers, calls):
    global WORKERS, CALLS
    WORKERS, CALLS = workers, calls
    print 'embedhost: gilstate-cache %s' % ('on' if CACHE else 'off')
    print 'embedhost: %d workers x %d calls' % (workers, calls)
    # The host's exiting threads exit while Py_Finalize runs.
    atexit.register(host.release_exiting)


def work(worker, i):
    """One call from a worker thread (GIL held through Ensure)."""
    current = threading.current_thread()
    if i == 0:
        _first_thread[worker] = current
        _ident[worker] = thread.get_ident()
        _kept[worker] = 0
    else:
        if current is not _first_thread[worker]:
            ERRORS.append('worker %d: current_thread() changed' % worker)
        if thread.get_ident() != _ident[worker]:
            ERRORS.append('worker %d: thread ident changed' % worker)
    previous = getattr(_local, 'calls', None)
    if previous is not None:
        if previous != i - 1:
            ERRORS.append('worker %d: threading.local from another thread'
                          % worker)
        _kept[worker] += 1
    else:
        _local.token = token = Token()
        _token_refs.append(weakref.ref(token))
    _local.calls = i
    # Some work that allocates and frees.
    sum([x * 1.5 for x in range(20)])
    with _lock:
        _calls[0] += 1
    return i


def linger(which, unused):
    """The one call of a thread that exits after Py_Finalize."""
    _local.token = LingerToken()
    _local.calls = 0


def exiting(which, unused):
    """The one call of a thread that exits while Py_Finalize runs."""
    _local.data = [Token() for i in range(10)]


def main_work(total, unused):
    """The main thread runs Python while the workers call in."""
    deadline = time.time() + 300        # never reached in a correct run
    rounds = 0
    while _calls[0] < total:
        rounds += 1
        sum([x * 2 for x in range(100)])
        if rounds % 50 == 0:
            time.sleep(0.001)
        if time.time() > deadline:
            ERRORS.append('main_work: the workers stalled')
            break
    print 'embedhost: main thread ran Python while the workers called in'


def check_idle(others, unused):
    # The main thread's state, plus, with the cache, one kept state per
    # worker and per lingering or exiting thread (all alive and idle).
    expected = 1 + (WORKERS + others if CACHE else 0)
    check('thread states while the threads are idle', host.thread_states(),
          expected)
    kept = sum(_kept.values())
    check('calls that found the thread\'s threading.local data', kept,
          WORKERS * (CALLS - 1) if CACHE else 0)
    check('current_thread() and thread ident stable in each worker',
          not [e for e in ERRORS if 'changed' in e], True)


def check_joined(others, unused):
    # The states of the exited workers were handed to the main thread,
    # which deleted them (a pending call) as it started running this.
    expected = 1 + (others if CACHE else 0)
    check('thread states after the workers exited', host.thread_states(),
          expected)
    alive = [r for r in _token_refs if r() is not None]
    check('workers\' threading.local data freed after join', len(alive), 0)


def finish():
    for e in ERRORS:
        print 'embedhost: FAILED:', e
    print 'embedhost: %d failures' % len(ERRORS)
    if ERRORS:
        raise RuntimeError('embedhost: checks failed')
