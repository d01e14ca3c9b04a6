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
  idle-cpu          CPU seconds used by 8 threads blocked 2 s in timed
                    Condition.wait(0.5) calls that are never notified
and prints PythonPlus / stock ratios.  The interpreters run in turn,
--repeat times (default 3), and each keeps its best value of each
measure, which filters out the noise of a busy machine.  Tools/plus/lockfloor.c measures the
C floor (plain pthreads) and the two condvar flavours of the lock code.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))

WORKER = r'''
import json, os, sys, threading, time
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
    threads = [threading.Thread(target=waiter) for i in range(8)]
    u0 = os.times()
    for t in threads: t.start()
    for t in threads: t.join()
    u1 = os.times()
    return (u1[0] - u0[0]) + (u1[1] - u0[1])

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
    results = [None] * len(pythons)
    for i in range(repeat):
        for k, p in enumerate(pythons):
            r = run(p, quick)
            if results[k] is None:
                results[k] = r
                continue
            best = results[k]
            for key in ('lock-rendezvous', 'cond-rendezvous'):
                best[key] = max(best[key], r[key])
            best['wake-latency'] = min(best['wake-latency'],
                                       r['wake-latency'])
            best['idle-cpu'] = min(best['idle-cpu'], r['idle-cpu'])
    names = [os.path.relpath(p, TOP) if p.startswith(TOP) else p
             for p in pythons]
    width = max(len(n) for n in names) + 2
    print('%-22s' % 'benchmark' + ''.join('%*s' % (width, n)
                                           for n in names) + '   ratio')
    def row(label, values, fmt, higher_better=True):
        ratio = ''
        if len(values) == 2 and values[0] and values[1]:
            r = values[1] / values[0] if higher_better else \
                values[0] / values[1]
            ratio = '%8.2fx' % r
        print('%-22s' % label + ''.join('%*s' % (width, fmt % v)
                                         for v in values) + ratio)
    row('lock-rendezvous /s', [r['lock-rendezvous'] for r in results], '%.0f')
    row('cond-rendezvous /s', [r['cond-rendezvous'] for r in results], '%.0f')
    row('wake-latency p50 us', [r['wake-latency'][0] for r in results],
        '%.0f', False)
    row('wake-latency p90 us', [r['wake-latency'][1] for r in results],
        '%.0f', False)
    row('idle-cpu s (8x2s)', [r['idle-cpu'] for r in results], '%.3f', False)
    print('(best of %d runs each; ratio: the last interpreter against the '
          'first, > 1 is better)' % repeat)


if __name__ == '__main__':
    main(sys.argv[1:])
