#!/usr/bin/env python
"""Threaded web server benchmark: stock 2.7 against PythonPlus, with ab.

usage: testserver.py [--repeat N] [--requests N] [--work N]
                     [NAME=PYTHON | PYTHON ...]
       testserver.py --serve [--threads N] [--work N]   (the server alone)

The server is SocketServer's TCPServer with a fixed pool of worker threads
(default 8) taking accepted connections from a queue; each request renders
a small page in Python (a loop of --work iterations, default 3000, about
half a millisecond: a template-like CPU load).  It listens on 127.0.0.1
only.  The driver starts it under each interpreter (default
stock=build/none/python, plus=build/all/python; more may be given), loads
it with ApacheBench at 1 and at 10 parallel requests (--requests each,
default 2000; bounded) N times (default 3), and prints the median requests
per second and the ratio to the first interpreter.

Needs ab, from Debian's apache2-utils:  sudo apt-get install apache2-utils
The driver and the server run under Python 2.7 or 3.
"""
from __future__ import print_function

import os
import re
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.abspath(__file__)

sys.path.insert(0, os.path.dirname(HERE))
sys.dont_write_bytecode = True
from giltest import median, interpreter, with_defaults, load, start

try:
    import SocketServer as socketserver
    from BaseHTTPServer import BaseHTTPRequestHandler
    import Queue as queue
except ImportError:
    import socketserver
    from http.server import BaseHTTPRequestHandler
    import queue


# ---------------------------------------------------------------------------
# The server

class PoolMixIn:
    """Hand each accepted connection to one of a fixed pool of threads."""

    pool_size = 8

    def start_pool(self):
        self.requests = queue.Queue()
        for i in range(self.pool_size):
            t = threading.Thread(target=self.pool_worker)
            t.daemon = True
            t.start()

    def pool_worker(self):
        while True:
            request, client_address = self.requests.get()
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            self.shutdown_request(request)

    def process_request(self, request, client_address):
        self.requests.put((request, client_address))


class PoolServer(PoolMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    request_queue_size = 128


class PageHandler(BaseHTTPRequestHandler):
    work = 3000

    def do_GET(self):
        rows = []
        total = 0
        for i in range(self.work):
            total += i * i % 7
            if i % 100 == 0:
                rows.append('<tr><td>%d</td><td>%d</td></tr>' % (i, total))
        body = ('<html><body><table>%s</table></body></html>'
                % ''.join(rows)).encode('ascii')
        self.send_response(200)
        self.send_header('Content-Type', 'text/html')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(threads, work):
    PoolServer.pool_size = threads
    PageHandler.work = work
    server = PoolServer(('127.0.0.1', 0), PageHandler)
    server.start_pool()
    sys.stdout.write('%d\n' % server.server_address[1])
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


# ---------------------------------------------------------------------------
# The driver

def ab_path():
    for folder in os.environ.get('PATH', '').split(os.pathsep):
        path = os.path.join(folder, 'ab')
        if os.access(path, os.X_OK):
            return path
    raise SystemExit('testserver: ab (ApacheBench) not found; install it '
                     'with: sudo apt-get install apache2-utils')


def run_ab(ab, port, requests, concurrency):
    out = subprocess.check_output(
        [ab, '-q', '-n', str(requests), '-c', str(concurrency),
         'http://127.0.0.1:%d/page' % port], stderr=subprocess.STDOUT)
    out = out.decode('ascii', 'replace')
    failed = re.search(r'Failed requests:\s+(\d+)', out)
    if failed is None or int(failed.group(1)):
        raise RuntimeError('ab reported failures:\n' + out)
    return float(re.search(r'Requests per second:\s+([\d.]+)', out)
                 .group(1))


def start_server(python, threads, work):
    proc = start(python, [HERE, '--serve', '--threads', str(threads),
                          '--work', str(work)])
    port = int(proc.stdout.readline())
    for i in range(100):        # wait until it accepts
        try:
            socket.create_connection(('127.0.0.1', port)).close()
            break
        except socket.error:
            time.sleep(0.05)
    return proc, port


def main(argv):
    repeat, requests, work, threads = 3, 2000, 3000, 8
    serving = False
    pythons = []
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == '--serve':
            serving = True
        elif arg == '--threads':
            threads = int(args.pop(0))
        elif arg == '--work':
            work = int(args.pop(0))
        elif arg == '--repeat':
            repeat = int(args.pop(0))
        elif arg == '--requests':
            requests = int(args.pop(0))
        elif arg in ('-h', '--help'):
            print(__doc__)
            return
        else:
            pythons.append(interpreter(arg))
    if serving:
        return serve(threads, work)
    if requests < 1 or requests > 100000:
        raise SystemExit('--requests must be 1..100000')
    ab = ab_path()
    pythons = with_defaults(pythons)
    print('testserver: %d threads, work %d, %d requests, %d runs; '
          'load before: %s' % (threads, work, requests, repeat, load()))
    levels = (1, 10)
    results = {}
    for r in range(repeat):
        for name, path, extra in pythons:
            proc, port = start_server((path, extra), threads, work)
            try:
                run_ab(ab, port, min(requests, 100), 1)     # warm up
                for c in levels:
                    results.setdefault((c, name), []).append(
                        run_ab(ab, port, requests, c))
            finally:
                proc.terminate()
                proc.wait()
    names = [name for name, path, extra in pythons]
    header = ['%-16s' % 'requests/s'] + ['%10s' % n for n in names]
    header += ['%10s' % ('%s/%s' % (n, names[0])) for n in names[1:]]
    print(' '.join(header))
    for c in levels:
        meds = [median(results[(c, n)]) for n in names]
        line = ['%-16s' % ('-c %d' % c)] + ['%10.0f' % m for m in meds]
        line += ['%9.2fx' % (m / meds[0]) for m in meds[1:]]
        print(' '.join(line))
    print('load after: %s' % load())


if __name__ == '__main__':
    main(sys.argv[1:])
