#!/usr/bin/env python
"""json.loads speed: a stock build against PythonPlus builds, in one run.

usage: jsonbench.py [--repeat N] [NAME=PYTHON ...]

The first interpreter is the reference (default: stock=build/none/python
and plus=build/all/python); others may be Python 2.7 or 3.  The text is
memory.py's config table as JSON (json.dumps of 200000 rows of 8 keys).
Each run is a fresh process that decodes it 3 times and reports the
fastest, in CPU time of the process (less disturbed than wall time by
other work on the machine), for two scanners:

  c        json.loads(text): the C scanner (_json)
  py       the pure-Python scanner (json.scanner.py_make_scanner) on the
           first 20000 rows, string literals still read by _json's
           scanstring, as in stock when the C scanner is not used

Runs take turns between interpreters; the table gives the median of N
runs (default 5), the ratio to the reference and every run, in seconds.
Runs with Python 2 or 3, and so does the code it runs in the interpreters.
"""
from __future__ import print_function

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from memory import CHILD as MEMORY_CHILD, interpreters, median  # noqa: E402

MARKER = '\n# -- end of the definitions'
CHILD = MEMORY_CHILD[:MEMORY_CHILD.index(MARKER)] + r'''
import json, time
scanner = sys.argv[1]
if scanner == 'py':
    ROWS = 20000
text = json_text()
if scanner == 'py':
    import json.scanner
    decoder = json.JSONDecoder()
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    loads = decoder.decode
else:
    loads = json.loads
clock = getattr(time, 'process_time', None) or time.clock
best = None
for i in range(3):
    start = clock()
    data = loads(text)
    elapsed = clock() - start
    del data
    if best is None or elapsed < best:
        best = elapsed
print(best)
'''

SCANNERS = ('c', 'py')


def run(python, scanner):
    out = subprocess.check_output([python, '-E', '-S', '-c', CHILD, scanner])
    return float(out.decode().split()[0])


def main(argv):
    repeat, pythons = interpreters(argv, 5)
    names = [name for name, path in pythons]
    ref = names[0]
    print('json.loads, CPU seconds, median of %d runs (ratio to %s); every run'
          % (repeat, ref))
    for scanner in SCANNERS:
        runs = dict((name, []) for name in names)
        for r in range(repeat):
            for name, path in pythons:
                runs[name].append(run(path, scanner))
        medians = dict((n, median(runs[n])) for n in names)
        width = max(len(n) for n in names)
        for n in names:
            print('%-4s %-*s %.3f (%.2fx)  %s' % (
                scanner, width, n, medians[n], medians[n] / medians[ref],
                ' '.join('%.3f' % t for t in runs[n])))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
