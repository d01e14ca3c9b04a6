#!/usr/bin/env python
"""Memory benchmark: a stock build against PythonPlus builds, in one run.

usage: memory.py [--repeat N] [NAME=PYTHON ...]

The first interpreter is the reference (default: stock=build/none/python
and plus=build/all/python, relative to the repository); any other Python
2.7 or Python 3 may stand beside it, e.g. py3.13=/path/to/python3.13.
Every workload runs in a fresh process of each interpreter, N times
(default 3), the interpreters taking turns run by run, and the table gives
the median, the ratio of medians to the reference and the spread (lowest
to highest run):

  getsizeof    sys.getsizeof(dict((j, j) for j in range(i))), i = 0..20
  config       RSS growth of a game configuration table: 200000 rows, each a
               dict of 8 keys holding ints, short strings and floats parsed
               from text, about half of the floats integral in -10..10
  json         RSS growth of json.loads() of the config table as JSON text
               (json.dumps of the same kind of rows, made row by row
               before the measurement starts)
  instances    RSS growth of 200000 instances of a class with 5
               attributes (an int, a float, a short string, None, 0)
  functions    RSS after importing a part of the stdlib and running 20000
               distinct functions once each (frames kept per code object)
  imports      RSS after a program's start-up imports 30 stdlib modules
               and uses 3 of them; where lazyimport is available (the
               lazy-import feature) it is installed first, elsewhere the
               imports are eager as in stock (Python 3 imports the same
               modules under their Python 3 names)

Runs with Python 2 or 3, and so does the code it runs in the measured
interpreters.
"""
from __future__ import print_function

import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))

# Runs inside the measured interpreter (Python 2.7 or 3): prints one number.
CHILD = r'''
import gc, random, sys
PY3 = sys.version_info[0] >= 3
ROWS = 200000

def rss():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) * 1024

def config_rows():
    rng = random.Random(2026)
    kinds = ['sword', 'shield', 'potion', 'armor', 'ring']
    def number():
        if rng.random() < 0.5:
            return float('%d' % rng.randint(-10, 10))
        return float('%.3f' % rng.uniform(-100, 100))
    for i in range(ROWS):
        yield {'id': i, 'name': 'item%d' % i, 'kind': kinds[i % 5],
               'level': rng.randint(0, 300), 'x': number(),
               'y': number(), 'scale': number(), 'weight': number()}

def config_table():
    return list(config_rows())

def json_text():
    # One row alive at a time: the numbers' free lists stay small.
    import json
    return '[' + ', '.join([json.dumps(row) for row in config_rows()]) + ']'

class Five(object):
    def __init__(self, i):
        self.ident = i
        self.x = i * 0.5
        self.name = 'n'
        self.parent = None
        self.flags = 0

def instances():
    return [Five(i) for i in range(200000)]

STDLIB = ('json', 'decimal', 'collections', 'logging', 'urllib2',
          'xml.dom.minidom', 'email.parser', 'httplib', 'pickle', 'csv',
          'difflib', 'argparse', 'tarfile', 'zipfile', 'sqlite3', 'unittest',
          'pydoc', 'inspect', 'threading', 'SocketServer', 'cookielib',
          'smtplib', 'ftplib', 'optparse', 'ConfigParser', 'shelve',
          'fractions', 'textwrap', 'calendar', 'pdb')
if PY3:
    PY3_NAMES = {'urllib2': 'urllib.request', 'httplib': 'http.client',
                 'SocketServer': 'socketserver',
                 'cookielib': 'http.cookiejar',
                 'ConfigParser': 'configparser'}
    STDLIB = tuple(PY3_NAMES.get(name, name) for name in STDLIB)

def functions():
    for name in STDLIB:
        __import__(name)
    held = []
    for block in range(40):
        namespace = {}
        source = '\n'.join(
            'def f%d(a, b=%d):\n    x = [a, b, %d]\n    y = x * 2\n'
            '    return len(y)' % (i, i, block) for i in range(500))
        exec(compile(source, '<block%d>' % block, 'exec'), namespace)
        for i in range(500):
            namespace['f%d' % i](i)
        held.append(namespace)
    return held

def imports():
    try:
        import lazyimport
        lazyimport.install()
    except ImportError:
        pass
    namespace = {}
    exec('\n'.join('import ' + name for name in STDLIB), namespace)
    namespace['json'].dumps([1, 2])
    namespace['collections'].OrderedDict(a=1)
    namespace['textwrap'].fill('a b c')
    return namespace

# -- end of the definitions (Tools/plus/jsonbench.py runs those above) --
what = sys.argv[1]
if what == 'getsizeof':
    print(' '.join(str(sys.getsizeof(dict((j, j) for j in range(i))))
                   for i in range(21)))
elif what in ('functions', 'imports'):
    held = {'functions': functions, 'imports': imports}[what]()
    gc.collect()
    print(rss())
elif what == 'json':
    import json
    text = json_text()
    gc.collect()
    before = rss()
    data = json.loads(text)
    gc.collect()
    print(rss() - before)
else:
    gc.collect()
    before = rss()
    data = {'config': config_table, 'instances': instances}[what]()
    gc.collect()
    print(rss() - before)
'''

WORKLOADS = ('config', 'json', 'instances', 'functions', 'imports')


def run(python, what):
    out = subprocess.check_output([python, '-E', '-S', '-c', CHILD, what])
    return out.decode().split()


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def interpreters(argv, repeat):
    """[--repeat N] [NAME=PYTHON ...] -> (N, [(NAME, PYTHON), ...]), the
    defaults being `repeat` and stock and plus in the build folders; prints
    the interpreters."""
    if argv[:1] == ['--repeat']:
        repeat = int(argv[1])
        argv = argv[2:]
    pythons = [tuple(arg.split('=', 1)) for arg in argv] or [
        ('stock', os.path.join(ROOT, 'build', 'none', 'python')),
        ('plus', os.path.join(ROOT, 'build', 'all', 'python'))]
    print('interpreters: ' + ', '.join('%s=%s' % p for p in pythons))
    return repeat, pythons


def main(argv):
    repeat, pythons = interpreters(argv, 3)
    names = [name for name, path in pythons]
    ref = names[0]

    print('\nsys.getsizeof(dict((j, j) for j in range(i))), bytes')
    widths = [max(12, len(n) + 2) for n in names]
    print('%4s' % 'i' + ''.join('%*s' % (w, n) for w, n in zip(widths, names)))
    sizes = dict((name, run(path, 'getsizeof')) for name, path in pythons)
    for i in range(21):
        print('%4d' % i + ''.join('%*s' % (w, sizes[n][i])
                                  for w, n in zip(widths, names)))

    print('\nmemory, median of %d runs, MB (ratio to %s), lowest-highest run'
          % (repeat, ref))
    widths = [max(26, len(n) + 2) for n in names]
    print('%-10s' % 'workload' + ''.join('%*s' % (w, n)
                                         for w, n in zip(widths, names)))
    for what in WORKLOADS:
        runs = dict((name, []) for name in names)
        for r in range(repeat):
            for name, path in pythons:
                runs[name].append(int(run(path, what)[0]))
        medians = dict((n, median(runs[n])) for n in names)
        print('%-10s' % what + ''.join(
            '%*s' % (w, '%.1f (%.2fx) %.1f-%.1f' % (
                medians[n] / 1e6, float(medians[n]) / medians[ref],
                min(runs[n]) / 1e6, max(runs[n]) / 1e6))
            for w, n in zip(widths, names)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
