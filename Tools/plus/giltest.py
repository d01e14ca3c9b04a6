#!/usr/bin/env python
"""GIL benchmark: stock 2.7 against PythonPlus (and any other Python), in
one run.

usage: giltest.py [--repeat N] [--quick] [--only PREFIX]...
                  [NAME=PYTHON | NAME@USus=PYTHON | PYTHON ...]

The interpreters measured default to stock=build/none/python and
plus=build/all/python (relative to the repository); more may be given,
e.g. py3.13=~/.pyenv/versions/3.13.0/bin/python3, or an earlier
PythonPlus build (old=PATH).  An interpreter named NAME@USus (Python 3 or
PythonPlus) runs with sys.setswitchinterval(US microseconds), e.g.
py3.13@1000us=....  The
first one is the reference of the ratio column.  Every measurement runs
in a fresh process of each interpreter, N times (default 5); the table
gives medians.  --only measures the rows whose name starts with PREFIX.

  cpu e             CPU efficiency: the time of one thread doing two
                    counting jobs one after the other, divided by the time
                    of two threads doing one job each at once (1.0: no
                    cost for threads; stock 2.7 thrashes on 2+ cores);
                    the median ratio of 11 adjacent pairs of runs in one
                    process
  cpu N threads     throughput of N CPU-bound threads against one: the
                    time of one thread doing N jobs one after the other,
                    divided by that of N threads doing one each (N = 3, 4),
                    the median of 11 alternations
  cpu beside sleeper
                    the share of their rate that two CPU-bound threads keep
                    beside a thread that computes about 1 ms, then calls
                    time.sleep(0), forever (a fair share is 0.67), the
                    median of 11 alternations
  lock pair         transactions/s of a producer/consumer pair handing
                    each other two threading.Lock objects (ping-pong)
  cond pair         transactions/s of a producer/consumer pair passing one
                    item at a time through a threading.Condition
  ... +1 cpu        the same with one CPU-bound thread running beside
  rtt N cpu         median round trip (microseconds) of a one-byte ping
                    from this driver process to a thread of the measured
                    process that echoes it over a TCP loopback socket,
                    with N CPU-bound threads running there (N = 0..3)
  rtt N ccall       the same beside N threads that loop over one long C
                    call each (a regular expression over 200 KB that holds
                    the GIL for about 10 ms), in calls: the median round
                    trip divided by the call's median length, which the
                    worker measures first (N = 1, 2)

The driver runs under Python 2.7 or 3; so do the measured interpreters.
Machine load matters: the driver prints os.getloadavg() before and after.
"""
from __future__ import print_function

import json
import os
import socket
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
HERE = os.path.abspath(__file__)

timer = getattr(time, 'perf_counter', time.time)


# ---------------------------------------------------------------------------
# Workers: run inside the measured interpreter ("giltest.py --worker ...")
# and print one JSON value.

LONG_TEXT = 'abc def ' * 25000


def long_c_call(pattern=[]):
    """About 10 ms in one C call that holds the GIL (no bytecode runs)."""
    if not pattern:
        import re
        pattern.append(re.compile(r'(\w+)\s(?=\w)'))
    return len(pattern[0].findall(LONG_TEXT))


def busy_threads(n, c_calls=False):
    import threading
    stop = []

    def spin():
        while not stop:
            pass

    def call():
        while not stop:
            long_c_call()
    threads = [threading.Thread(target=call if c_calls else spin)
               for i in range(n)]
    for t in threads:
        t.daemon = True
        t.start()

    def stopper():
        stop.append(1)
        for t in threads:
            t.join()
    return stopper


def count(n):
    while n:
        n -= 1


def run_threads(n, size):
    """Seconds for n threads counting down from size each, at once."""
    import threading
    threads = [threading.Thread(target=count, args=(size,))
               for i in range(n)]
    t0 = timer()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return timer() - t0


def worker_cpu(size, n=2, rounds=11):
    """The median, over `rounds` alternations, of the time of the
    one-thread run (n jobs) divided by that of the n-thread run right after
    it: the speed of this (virtual) machine drifts by more than the effect
    measured, and a ratio of adjacent runs cancels most of the drift."""
    ratios = []
    for r in range(rounds):
        t0 = timer()
        for i in range(n):
            count(size)
        one = timer() - t0
        ratios.append(one / run_threads(n, size))
    return median(ratios)


def worker_sleeper(size, rounds=11):
    """The median, over `rounds` alternations, of the time of two counting
    threads alone divided by their time beside a thread that counts about
    1 ms and then calls time.sleep(0), forever."""
    import threading
    t0 = timer()
    count(10000)
    burst = max(1000, int(10000 * 0.001 / (timer() - t0)))  # about 1 ms
    ratios = []
    for r in range(rounds):
        alone = run_threads(2, size)
        stop = []

        def sleeper():
            while not stop:
                count(burst)
                time.sleep(0)
        t = threading.Thread(target=sleeper)
        t.start()
        beside = run_threads(2, size)
        stop.append(1)
        t.join()
        ratios.append(alone / beside)
    return median(ratios)


def worker_lock(duration, busy):
    import threading
    a, b = threading.Lock(), threading.Lock()
    a.acquire()
    b.acquire()
    stop = [False]
    done = [0]

    def producer():
        end = timer() + duration
        n = 0
        while True:
            if timer() >= end:
                stop[0] = True
            b.release()
            a.acquire()
            n += 1
            if stop[0]:
                break
        done[0] = n

    def consumer():
        while True:
            b.acquire()
            last = stop[0]
            a.release()
            if last:
                break
    return pair(producer, consumer, done, busy)


def worker_cond(duration, busy):
    import threading
    cond = threading.Condition()
    box = [None]
    done = [0]

    def producer():
        end = timer() + duration
        n = 0
        while True:
            item = 'stop' if timer() >= end else 'item'
            with cond:
                while box[0] is not None:
                    cond.wait()
                box[0] = item
                cond.notify()
            n += 1
            if item == 'stop':
                break
        done[0] = n

    def consumer():
        with cond:
            while True:
                while box[0] is None:
                    cond.wait()
                item = box[0]
                box[0] = None
                cond.notify()
                if item == 'stop':
                    break
    return pair(producer, consumer, done, busy)


def pair(producer, consumer, done, busy):
    import threading
    stopper = busy_threads(busy)
    threads = [threading.Thread(target=f) for f in (producer, consumer)]
    t0 = timer()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = timer() - t0
    stopper()
    return done[0] / elapsed


def worker_echo(busy, c_calls=False):
    """Serve pings on a loopback port.  The first line on stdout gives the
    port and the median length of a long C call (microseconds)."""
    import threading
    lengths = []
    for i in range(5 if c_calls else 0):
        t0 = timer()
        long_c_call()
        lengths.append(timer() - t0)
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(('127.0.0.1', 0))
    server.listen(1)
    sys.stdout.write('%d %f\n' % (server.getsockname()[1],
                                   median(lengths or [0]) * 1e6))
    sys.stdout.flush()
    conn, addr = server.accept()
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    stopper = busy_threads(busy, c_calls)

    def echo():
        while True:
            data = conn.recv(1)
            if not data or data == b'q':
                break
            conn.sendall(data)
    t = threading.Thread(target=echo)
    t.start()
    t.join()
    stopper()
    conn.close()
    return None


def run_worker(args):
    interval = os.environ.get('GILTEST_SWITCH_INTERVAL')
    if interval:
        if not hasattr(sys, 'setswitchinterval'):
            raise SystemExit('this Python has no switch interval')
        sys.setswitchinterval(float(interval))
    kind = args[0]
    if kind == 'cpu':
        result = worker_cpu(int(args[1]), int(args[2]))
    elif kind == 'sleeper':
        result = worker_sleeper(int(args[1]))
    elif kind == 'lock':
        result = worker_lock(float(args[1]), int(args[2]))
    elif kind == 'cond':
        result = worker_cond(float(args[1]), int(args[2]))
    elif kind == 'echo':
        worker_echo(int(args[1]), args[2:] == ['ccall'])
        return
    else:
        raise SystemExit('unknown worker %r' % kind)
    sys.stdout.write(json.dumps(result) + '\n')


# ---------------------------------------------------------------------------
# Driver

def start(python, args):
    """Run python, a (path, extra environment) pair, with args; its
    output goes to a pipe."""
    path, extra = python
    env = dict(os.environ)
    env.update(extra)
    return subprocess.Popen([path] + args, env=env, stdout=subprocess.PIPE)


def measure(python, args):
    proc = start(python, [HERE, '--worker'] + args)
    out = proc.communicate()[0]
    if proc.returncode:
        raise SystemExit('%s: worker %s failed' % (python[0], args))
    return json.loads(out.decode().strip().splitlines()[-1])


def ping_rtt(python, busy, pings, limit, c_calls=False):
    """Median round trip in microseconds; with c_calls, in calls."""
    args = [HERE, '--worker', 'echo', str(busy)] + (['ccall'] * c_calls)
    proc = start(python, args)
    try:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit('%s: echo worker failed' % python[0])
        port, call_us = line.split()
        port = int(port)
        sock = socket.create_connection(('127.0.0.1', port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        time.sleep(0.05)            # let the CPU-bound threads start
        rtts = []
        end = timer() + limit
        while len(rtts) < pings and (len(rtts) < 10 or timer() < end):
            t0 = timer()
            sock.sendall(b'p')
            if sock.recv(1) != b'p':
                raise RuntimeError('echo worker failed')
            rtts.append(timer() - t0)
            # the echo thread blocks again; with long C calls, a gap of
            # its own so that pings arrive at any point of a call
            time.sleep(0.013 if c_calls else 0.001)
        sock.sendall(b'q')
        sock.close()
    finally:
        proc.wait()
    if c_calls:
        return median(rtts) * 1e6 / float(call_us)
    return median(rtts) * 1e6


def median(values):
    values = sorted(values)
    n = len(values)
    if n % 2:
        return values[n // 2]
    return (values[n // 2 - 1] + values[n // 2]) / 2.0


def benchmarks(quick):
    duration = 0.3 if quick else 0.6
    size = 400000 if quick else 1000000
    pings = 100 if quick else 300
    rows = [('cpu e', 'higher',
             lambda py: measure(py, ['cpu', str(size), '2']))]
    for n in (3, 4):
        rows.append(('cpu %d threads' % n, 'higher',
                     lambda py, n=n: measure(py, ['cpu', str(size), str(n)])))
    rows.append(('cpu beside sleeper', 'higher',
                 lambda py: measure(py, ['sleeper', str(size)])))
    for kind in ('lock', 'cond'):
        for busy in (0, 1):
            name = '%s pair%s (tps)' % (kind, ' +1 cpu' if busy else '')
            rows.append((name, 'higher',
                         lambda py, k=kind, b=busy:
                         measure(py, [k, str(duration), str(b)])))
    for busy in (0, 1, 2, 3):
        rows.append(('rtt %d cpu (us)' % busy, 'lower',
                     lambda py, b=busy: ping_rtt(py, b, pings, 2.0)))
    for busy in (1, 2):
        rows.append(('rtt %d ccall (calls)' % busy, 'lower',
                     lambda py, b=busy: ping_rtt(py, b, pings // 5, 4.0,
                                                 c_calls=True)))
    return rows


def fmt(value):
    if value >= 100:
        return '%.0f' % value
    if value >= 10:
        return '%.1f' % value
    return '%.3f' % value


def interpreter(arg):
    """NAME=PYTHON, NAME@USus=PYTHON or PYTHON (named after its folder)
    -> (name, path, extra environment)."""
    name, sep, path = arg.rpartition('=')
    if not sep:
        name = os.path.basename(os.path.dirname(path)) or path
    extra = {}
    at, interval = name.rpartition('@')[1:]
    if at:
        try:
            seconds = float(interval[:-2]) / 1e6
        except ValueError:
            seconds = 0
        if not interval.endswith('us') or seconds <= 0:
            raise SystemExit('%s: give the interval in microseconds, '
                             'e.g. py3.13@250us=PYTHON' % arg)
        extra['GILTEST_SWITCH_INTERVAL'] = repr(seconds)
    return name, os.path.expanduser(path), extra


def with_defaults(pythons):
    """stock and plus (this repository's builds) first, then pythons."""
    pythons = [('stock', os.path.join(ROOT, 'build', 'none', 'python'), {}),
               ('plus', os.path.join(ROOT, 'build', 'all', 'python'), {})
               ] + pythons
    for name, path, extra in pythons:
        if not os.path.exists(path):
            raise SystemExit('%s: %s not found (build it: make PLUS=none, '
                             'make)' % (name, path))
    return pythons


def load():
    return ' '.join('%.2f' % x for x in os.getloadavg())


def main(argv):
    repeat = 5
    quick = False
    only = []
    pythons = []
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == '--worker':
            return run_worker(args)
        elif arg == '--repeat':
            repeat = int(args.pop(0))
        elif arg == '--quick':
            quick = True
        elif arg == '--only':
            only.append(args.pop(0))
        elif arg in ('-h', '--help'):
            print(__doc__)
            return
        else:
            pythons.append(interpreter(arg))
    pythons = with_defaults(pythons)
    print('giltest: %d runs each, load before: %s' % (repeat, load()))
    rows = [row for row in benchmarks(quick)
            if not only or any(row[0].startswith(p) for p in only)]
    if not rows:
        raise SystemExit('--only: no measure starts with %s'
                         % ' or '.join(only))
    results = {}
    for r in range(repeat):
        # Interleave interpreters so that load changes hit all alike.
        for name, path, extra in pythons:
            for label, better, func in rows:
                results.setdefault((label, name), []).append(
                    func((path, extra)))
    names = [name for name, path, extra in pythons]
    header = ['%-22s' % 'measure'] + ['%10s' % n for n in names]
    header += ['%10s' % ('%s/%s' % (n, names[0])) for n in names[1:]]
    print(' '.join(header))
    for label, better, func in rows:
        meds = [median(results[(label, n)]) for n in names]
        line = ['%-22s' % label] + ['%10s' % fmt(m) for m in meds]
        line += ['%10s' % ('%.2fx' % (m / meds[0]) if meds[0] else '-')
                 for m in meds[1:]]
        print(' '.join(line))
    print('load after: %s' % load())


if __name__ == '__main__':
    main(sys.argv[1:])
