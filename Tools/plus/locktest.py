#!/usr/bin/env python
"""Lock and Condition benchmarks: stock 2.7.18 (build/none/python, every
feature off) against PythonPlus (build/all/python) in one run.

    python Tools/plus/locktest.py [--quick] [--repeat=N] [PYTHON ...]

Measures, in each interpreter:
  lock-rendezvous   two threads hand a token back and forth with two Locks
                    (transactions per second, higher is better)
  cond-rendezvous   the same with one Condition over a Lock and a turn flag
  wake-latency      notify() to the return of a timed Condition.wait(10),
                    median and 90th percentile in microseconds
  idle-cpu          CPU milliseconds used by 8 threads blocked 2 s in timed
                    Condition.wait(0.5) calls that are never notified
                    (getrusage: microseconds, where os.times() counts
                    10 ms ticks)
and prints PythonPlus / stock ratios.  The interpreters run in turn
(stock, PythonPlus, stock, ...), --repeat times (default 3); each
measure is the median of its runs, with their spread (min-max), and the
ratio is that of the medians.  Tools/plus/lockfloor.c measures the C
floor (plain pthreads) and the two condvar flavours of the lock code.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))

WORKER = r'''
import json, os, resource, sys, threading, time
quick = sys.argv[1] == "1"
N = 20000 if quick else 100000
out = {}

def lock_rendezvous():
    a = threading.Lock(); b = threading.Lock()
    a.acquire(); b.acquire()
    def other():
        for i in xrange(N):
            a.acquire(); b.release()
    t = threading.Thread(target=other)
    t0 = time.time(); t.start()
    for i in xrange(N):
        a.release(); b.acquire()
    t.join()
    return N / (time.time() - t0)

def cond_rendezvous():
    c = threading.Condition(threading.Lock())
    turn = [0]
    n = N // 2
    def player(me):
        for i in xrange(n):
            with c:
                while turn[0] != me:
                    c.wait()
                turn[0] = 1 - me
                c.notify()
    t = threading.Thread(target=player, args=(1,))
    t0 = time.time(); t.start()
    player(0)
    t.join()
    return 2 * n / (time.time() - t0)

def wake_latency():
    c = threading.Condition(threading.Lock())
    samples = []
    state = {"waiting": False, "t0": 0.0}
    def waiter(count):
        for i in xrange(count):
            with c:
                state["waiting"] = True
                c.notify()
                c.wait(10)
                samples.append(time.time() - state["t0"])
    count = 100 if quick else 300
    t = threading.Thread(target=waiter, args=(count,))
    t.start()
    for i in xrange(count):
        with c:
            while not state["waiting"]:
                c.wait()
            state["waiting"] = False
        time.sleep(0.002)           # let the waiter settle in wait()
        with c:
            state["t0"] = time.time()
            c.notify()
    t.join()
    samples.sort()
    return (samples[len(samples) // 2] * 1e6,
            samples[len(samples) * 9 // 10] * 1e6)

def idle_cpu():
    c = threading.Condition(threading.Lock())
    stop = time.time() + 2.0
    def waiter():
        with c:
            while time.time() < stop:
                c.wait(0.5)
    def cpu():
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime
    threads = [threading.Thread(target=waiter) for i in range(8)]
    u0 = cpu()
    for t in threads: t.start()
    for t in threads: t.join()
    return (cpu() - u0) * 1e3

out["lock-rendezvous"] = lock_rendezvous()
out["cond-rendezvous"] = cond_rendezvous()
out["wake-latency"] = wake_latency()
out["idle-cpu"] = idle_cpu()
print(json.dumps(out))
'''


def run(python, quick):
    p = subprocess.Popen([python, '-c', WORKER, '1' if quick else '0'],
                         stdout=subprocess.PIPE)
    data = p.communicate()[0]
    if p.returncode:
        raise SystemExit('%s failed' % python)
    return json.loads(data.decode('ascii'))


def main(argv):
    quick = '--quick' in argv
    pythons = [a for a in argv if not a.startswith('--')] or [
        os.path.join(TOP, 'build', 'none', 'python'),
        os.path.join(TOP, 'build', 'all', 'python')]
    repeat = 3
    for a in argv:
        if a.startswith('--repeat='):
            repeat = int(a.split('=', 1)[1])
    runs = [[] for p in pythons]
    for i in range(repeat):             # interleaved: stock, plus, stock ...
        for k, p in enumerate(pythons):
            runs[k].append(run(p, quick))
    names = [os.path.relpath(p, TOP) if p.startswith(TOP) else p
             for p in pythons]

    def median(values):
        values = sorted(values)
        n = len(values)
        return values[n // 2] if n % 2 else \
            (values[n // 2 - 1] + values[n // 2]) / 2.0

    def cells(key, fmt):
        out = []
        for r in runs:
            values = [key(x) for x in r]
            out.append((median(values), '%s (%s-%s)' % (
                fmt % median(values), fmt % min(values), fmt % max(values))))
        return out
    table = [
        ('lock-rendezvous /s', cells(lambda x: x['lock-rendezvous'], '%.0f'),
         True),
        ('cond-rendezvous /s', cells(lambda x: x['cond-rendezvous'], '%.0f'),
         True),
        ('wake-latency p50 us', cells(lambda x: x['wake-latency'][0], '%.0f'),
         False),
        ('wake-latency p90 us', cells(lambda x: x['wake-latency'][1], '%.0f'),
         False),
        ('idle-cpu ms (8x2s)', cells(lambda x: x['idle-cpu'], '%.2f'), False),
    ]
    width = max([len(n) for n in names] +
                [len(c[1]) for row in table for c in row[1]]) + 2
    print('%-22s' % 'benchmark' + ''.join('%*s' % (width, n)
                                           for n in names) + '   ratio')
    for label, values, higher_better in table:
        ratio = ''
        if len(values) == 2 and values[0][0] and values[1][0]:
            r = values[1][0] / values[0][0] if higher_better else \
                values[0][0] / values[1][0]
            ratio = '%8.2fx' % r
        print('%-22s' % label + ''.join('%*s' % (width, v[1])
                                         for v in values) + ratio)
    print('(median (min-max) of %d interleaved runs each; ratio: of the '
          'medians, the last interpreter against the first, > 1 is better)'
          % repeat)


if __name__ == '__main__':
    main(sys.argv[1:])
