#!/usr/bin/env python
"""Cyclic garbage benchmark: a stock build against PythonPlus builds.

usage: garbage.py [NAME=PYTHON ...]

The first interpreter is the reference (default: stock=build/none/python
and plus=build/all/python, relative to the repository).  Each operation
below runs in a fresh process of each interpreter: twice to warm up
(imports, caches), then once more with gc.disable(); the table gives what
gc.collect() then finds, i.e. the objects that only the cyclic collector
would have freed.  0 means the operation's memory went back at once.

  json round-trip     json.loads(json.dumps(data)), default arguments
  json indent         json.dumps(data, indent=2, sort_keys=True)
  json dump           json.dump(data, file) (JSONEncoder.iterencode)
  namedtuple class    collections.namedtuple('Row', 'a b c d')
  class statement     the same class written as a class statement (what a
                      class costs: a class is always self-referential)
  namedtuple use      make, _replace, _asdict, repr, pickle instances
  re.compile          a pattern not in re's cache
  logging record      logger.info() through a StreamHandler
  exception logged    an exception caught and logger.exception()'d
  thread start/join   threading.Thread(target=f).start(), .join()
  urlparse            urlparse, urlsplit, urljoin, parse_qs
  SocketServer        one request to a TCPServer over loopback
  minidom             xml.dom.minidom.parseString(), then unlink()
  ElementTree         xml.etree.ElementTree.fromstring(), tostring()
  OrderedDict         an OrderedDict of 3 items, used and dropped
  ConfigParser        ConfigParser.readfp() of a small file, get()

A second table times collections.namedtuple('Row', 'a b c d'), which
gc-free-stdlib makes without exec: microseconds per call, the median
(and min-max) of 3 rounds of fresh processes run in turn (stock, plus,
stock, ...), each timing 5 runs of 200 calls; ratio of the medians to the
reference.

Runs with Python 2 or 3; the interpreters measured must be Python 2.7.
"""
from __future__ import print_function

import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))

# Runs inside the measured interpreter: prints "name count" lines.
CHILD = r'''
import gc, sys

DATA = {'name': 'item', 'tags': ['a', 'b'], 'pos': [1.5, -2.0, 3],
        'nested': {'level': 3, 'items': [{'id': i} for i in range(5)]},
        'ok': True, 'none': None}

def json_round_trip():
    import json
    json.loads(json.dumps(DATA))

def json_indent():
    import json
    json.dumps(DATA, indent=2, sort_keys=True)

def json_dump():
    import json, StringIO
    json.dump(DATA, StringIO.StringIO())

def namedtuple_class():
    import collections
    collections.namedtuple('Row', 'a b c d')

CLASS_STATEMENT = None

def class_statement():
    global CLASS_STATEMENT
    if CLASS_STATEMENT is None:
        import collections
        source = collections._class_template.format(
            typename='Row', field_names=('a', 'b', 'c', 'd'), num_fields=4,
            arg_list='a, b, c, d', repr_fmt='a=%r, b=%r, c=%r, d=%r',
            field_defs='\n'.join(collections._field_template.format(
                index=i, name=name) for i, name in enumerate('abcd')))
        namespace = dict(_itemgetter=collections._itemgetter,
                         OrderedDict=collections.OrderedDict,
                         _property=property, _tuple=tuple)
        exec(compile('def make():\n' + ''.join(
            '    ' + line + '\n' for line in source.splitlines()) +
            '    return Row\n', 'row', 'exec'), namespace)
        CLASS_STATEMENT = namespace['make']
    CLASS_STATEMENT()

ROW = None

def namedtuple_use():
    global ROW
    import collections, pickle
    if ROW is None:
        ROW = collections.namedtuple('Row', 'a b c d')
        globals()['Row'] = ROW          # for pickle
        ROW.__module__ = __name__
    r = ROW(1, 2, 3, 4)
    s = r._replace(a=5)
    ROW._make(s._asdict().values())
    repr(s)
    pickle.loads(pickle.dumps(s, 2))

PATTERNS = iter(range(1000))

def re_compile():
    import re
    re.compile(r'(?P<word>\w+)-%d\s+(\d{2,4})|[a-f]+$' % next(PATTERNS))

LOGGER = None

def logger():
    global LOGGER
    if LOGGER is None:
        import logging, StringIO
        LOGGER = logging.getLogger('garbage')
        LOGGER.propagate = False
        handler = logging.StreamHandler(StringIO.StringIO())
        handler.setFormatter(logging.Formatter(
            '%(asctime)s %(levelname)s %(name)s %(message)s'))
        LOGGER.addHandler(handler)
        LOGGER.setLevel(logging.INFO)
    return LOGGER

def logging_record():
    logger().info('record %d %s', 42, 'text')

def exception_logged():
    log = logger()
    try:
        {}['missing']
    except KeyError:
        log.exception('lookup failed')

def thread_start_join():
    import threading
    t = threading.Thread(target=len, args=((),))
    t.start()
    t.join()

def urlparse_op():
    import urlparse
    url = 'http://user@example.com:8080/a/b;p?q=1&r=2#frag'
    urlparse.urlparse(url)
    urlparse.urlsplit(url)
    urlparse.urljoin(url, '../c?d=1')
    urlparse.parse_qs('q=1&r=2&r=3')

SERVER = None

def socketserver():
    global SERVER
    import SocketServer, socket
    if SERVER is None:
        class Handler(SocketServer.StreamRequestHandler):
            def handle(self):
                self.wfile.write(self.rfile.readline().upper())
        SERVER = SocketServer.TCPServer(('127.0.0.1', 0), Handler)
    client = socket.create_connection(SERVER.server_address)
    client.sendall('ping\n')
    SERVER.handle_request()
    reply = client.recv(100)
    client.close()
    assert reply == 'PING\n', reply

def minidom():
    import xml.dom.minidom
    doc = xml.dom.minidom.parseString(
        '<root a="1"><item id="x">text</item><item/><!-- c --></root>')
    doc.documentElement.getElementsByTagName('item')
    doc.toxml()
    doc.unlink()

def elementtree():
    import xml.etree.ElementTree as ET
    ET.tostring(ET.fromstring('<a><b x="1">t</b><c/></a>'))

def ordereddict():
    import collections
    od = collections.OrderedDict([(1, 'a'), (2, 'b'), (3, 'c')])
    od[4] = 'd'
    del od[1]

def configparser():
    import ConfigParser, StringIO
    c = ConfigParser.ConfigParser()
    c.readfp(StringIO.StringIO('[s]\na = 1\nb = %(a)s\n'))
    c.get('s', 'b')

OPERATIONS = [
    ('json round-trip', json_round_trip), ('json indent', json_indent),
    ('json dump', json_dump), ('namedtuple class', namedtuple_class),
    ('class statement', class_statement), ('namedtuple use', namedtuple_use),
    ('re.compile', re_compile), ('logging record', logging_record),
    ('exception logged', exception_logged),
    ('thread start/join', thread_start_join), ('urlparse', urlparse_op),
    ('SocketServer', socketserver), ('minidom', minidom),
    ('ElementTree', elementtree), ('OrderedDict', ordereddict),
    ('ConfigParser', configparser)]

if sys.argv[1:] == ['namedtuple-time']:
    import collections, timeit
    for t in timeit.repeat(lambda: collections.namedtuple('Row', 'a b c d'),
                           repeat=5, number=200):
        print('%.2f' % (t / 200 * 1e6))
    sys.exit(0)

for name, operation in OPERATIONS:
    operation()
    operation()
    gc.collect()
    gc.disable()
    operation()
    found = gc.collect()
    gc.enable()
    print('%s|%d' % (name, found))
'''


ROUNDS = 3


def median(values):
    values = sorted(values)
    n = len(values)
    return values[n // 2] if n % 2 else \
        (values[n // 2 - 1] + values[n // 2]) / 2.0


def run(python, *args):
    out = subprocess.check_output([python, '-E', '-c', CHILD] + list(args))
    return [line.split('|') for line in out.decode().splitlines()]


def main(argv):
    pythons = [tuple(arg.split('=', 1)) for arg in argv] or [
        ('stock', os.path.join(ROOT, 'build', 'none', 'python')),
        ('plus', os.path.join(ROOT, 'build', 'all', 'python'))]
    names = [name for name, path in pythons]
    print('interpreters: ' + ', '.join('%s=%s' % p for p in pythons))
    results = dict((name, run(path)) for name, path in pythons)
    print('\nobjects left for the cyclic collector by one operation')
    print('%-20s' % 'operation' + ''.join('%10s' % n for n in names))
    for i, (operation, count) in enumerate(results[names[0]]):
        print('%-20s' % operation +
              ''.join('%10s' % results[n][i][1] for n in names))
    samples = dict((name, []) for name in names)
    for i in range(ROUNDS):             # interleaved: stock, plus, stock ...
        for name, path in pythons:
            samples[name].extend(float(line[0]) for line in
                                 run(path, 'namedtuple-time'))
    medians = dict((n, median(samples[n])) for n in names)
    print('\nnamedtuple creation, microseconds per call: median (min-max) '
          'of %d runs, ratio of the medians to %s'
          % (len(samples[names[0]]), names[0]))
    print('%-20s' % '' + ''.join('%24s' % n for n in names))
    print('%-20s' % "namedtuple('Row')" + ''.join(
        '%24s' % ('%.0f (%.0f-%.0f) %.2fx' % (
            medians[n], min(samples[n]), max(samples[n]),
            medians[n] / medians[names[0]]))
        for n in names))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
