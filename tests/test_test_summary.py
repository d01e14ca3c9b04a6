"""Tests of scripts/test-summary.py and of regrtest's TEST_TIMEOUT watchdog.

Run with python3 or a built python2.7, from anywhere:

    python3 tests/test_test_summary.py
    build/all/python -E tests/test_test_summary.py

("make test" runs it with the built interpreter and counts it as
"test-summary".)  The logs in tests/summary/logs/ are real regrtest -j
output, made with the fake test modules of tests/summary/fake/ (see
tests/summary/README): one log per case.  The watchdog test runs
regrtest -j on a fake module that hangs; it needs a python2.7 whose
Lib/test/regrtest.py carries 9050-tests-regrtest-timeout.patch: this
interpreter if it is one, else build/all/python.
"""
from __future__ import print_function

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(TOP, 'scripts', 'test-summary.py')
LOGS = os.path.join(TOP, 'tests', 'summary', 'logs')
FAKE = os.path.join(TOP, 'tests', 'summary', 'fake')
COUNTS = re.compile(r'^(\d+) passed, (\d+) failed, (\d+) skipped$')


class Summary(object):
    def __init__(self, code, out, results):
        self.code = code
        self.out = out
        self.results = results          # name -> (result, reason)
        self.counts = None
        last = out.strip().splitlines()[-1] if out.strip() else ''
        m = COUNTS.match(last)
        if m:
            self.counts = tuple(int(n) for n in m.groups())


class SummaryCase(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='test-summary-')
        self.exclusions = os.path.join(self.tmp, 'exclusions.txt')
        self.write(self.exclusions, '')

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write(self, path, text):
        with open(path, 'w') as f:
            f.write(text)

    def summarise(self, log=None, text=None, args=(), exclusions=None):
        """Run the script on a fixture log (or on text) in a temporary
        folder; return a Summary."""
        path = os.path.join(self.tmp, 'test.log')
        if log is not None:
            shutil.copy(os.path.join(LOGS, log), path)
        elif text is not None:
            self.write(path, text)
        if exclusions is not None:
            self.write(self.exclusions, exclusions)
        proc = subprocess.Popen([sys.executable, SCRIPT, path,
                                 self.exclusions] + list(args),
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT,
                                universal_newlines=True)
        out = proc.communicate()[0]
        results = {}
        listing = os.path.join(self.tmp, 'test-results.txt')
        if os.path.exists(listing):
            with open(listing) as f:
                for line in f:
                    result, name = line.split(None, 2)[:2]
                    reason = line.rstrip('\n').partition(' -- ')[2]
                    results[name] = (result, reason)
            os.remove(listing)
        return Summary(proc.returncode, out, results)

    def assertSummary(self, s, code, counts, results):
        """results: name -> result (the kind before the first '-' is
        enough, e.g. 'FAIL' matches 'FAIL-CRASHED') or (result, reason
        substring)."""
        self.assertEqual(s.code, code, s.out)
        self.assertEqual(s.counts, counts, s.out)
        self.assertEqual(sorted(s.results), sorted(results), s.out)
        for name, want in results.items():
            if not isinstance(want, tuple):
                want = (want, '')
            got = s.results[name]
            self.assertTrue(got[0] == want[0] or
                            got[0].startswith(want[0] + '-'),
                            '%s: %r, not %r' % (name, got, want))
            self.assertIn(want[1], got[1], '%s: %r' % (name, got))


class FixtureTest(SummaryCase):

    def test_clean_run(self):
        s = self.summarise('clean.log')
        self.assertSummary(s, 0, (1, 0, 0), {'test_fake_pass': 'PASS'})

    def test_failed(self):
        s = self.summarise('failed.log')
        self.assertSummary(s, 1, (1, 1, 0), {
            'test_fake_pass': 'PASS',
            'test_fake_fail': ('FAIL', 'AssertionError: 2 != 3')})

    def test_crashed(self):
        s = self.summarise('crashed.log')
        self.assertSummary(s, 1, (1, 1, 0), {
            'test_fake_pass': 'PASS',
            'test_fake_crash': ('FAIL-CRASHED', 'crashed')})

    def test_import_error(self):
        s = self.summarise('error.log')
        self.assertSummary(s, 1, (1, 1, 0), {
            'test_fake_pass': 'PASS',
            'test_fake_error': ('FAIL', 'ImportError')})

    def test_killed_mid_run(self):
        # The runner was killed while test_fake_hang ran: no report.
        s = self.summarise('killed.log')
        self.assertSummary(s, 1, (1, 1, 0), {
            'test_fake_pass': 'PASS',
            'regrtest': ('FAIL', 'no closing report')})
        self.assertIn('1 of the 2 tests never reported',
                      s.results['regrtest'][1])

    def test_killed_sequential_run(self):
        # Without -j a progress line comes before its test runs: cut after
        # it, the test has no result at all.
        with open(os.path.join(LOGS, 'sequential.log')) as f:
            lines = f.readlines()
        cut = [i for i, line in enumerate(lines)
               if '] test_fake_skipmod' in line][0]
        s = self.summarise(text=''.join(lines[:cut + 1]))
        self.assertSummary(s, 1, (0, 4, 0), {
            'test_fake_pass': ('FAIL-NO-RESULT', 'no result'),
            'test_fake_fail': ('FAIL', 'AssertionError'),
            'test_fake_skipmod': ('FAIL-NO-RESULT', 'no result'),
            'regrtest': ('FAIL', 'no closing report')})

    def test_hung_test_in_killed_run(self):
        # regrtest -j says which tests run for long; a run killed then
        # names them.
        text = ('Run tests in parallel using 2 child processes\n'
                '0:00:00 load avg: 1.00 [1/2] test_fake_pass passed\n'
                'running: test_fake_hang (30 sec)\n')
        s = self.summarise(text=text)
        self.assertSummary(s, 1, (1, 2, 0), {
            'test_fake_pass': 'PASS',
            'test_fake_hang': ('FAIL-HUNG', 'still running'),
            'regrtest': ('FAIL', 'no closing report')})

    def test_empty_log(self):
        s = self.summarise(text='')
        self.assertSummary(s, 1, (0, 1, 0),
                           {'regrtest': ('FAIL', 'empty log')})

    def test_missing_log(self):
        s = self.summarise()
        self.assertSummary(s, 1, (0, 1, 0), {'regrtest': ('FAIL', 'no log')})

    def test_all_skipped_module(self):
        s = self.summarise('skipped.log')
        self.assertSummary(s, 0, (1, 0, 1), {
            'test_fake_pass': 'PASS',
            'test_fake_skipmod': ('SKIP', 'the fake widget is not installed')})

    def test_module_that_runs_no_tests(self):
        # regrtest calls this SUCCESS; a module that tests nothing fails.
        s = self.summarise('norun.log')
        self.assertSummary(s, 1, (1, 1, 0), {
            'test_fake_pass': 'PASS',
            'test_fake_norun': ('FAIL-NO-TESTS', 'ran no tests')})

    def test_timed_out(self):
        s = self.summarise('timeout.log')
        self.assertSummary(s, 1, (1, 1, 0), {
            'test_fake_pass': 'PASS',
            'test_fake_hang': ('FAIL-TIMED-OUT', 'timed out')})

    def test_excluded_module(self):
        s = self.summarise('failed.log', exclusions='# known\ntest_fake_fail\n'
                           'test_never_ran  # also excluded\n')
        self.assertSummary(s, 0, (1, 0, 2), {
            'test_fake_pass': 'PASS',
            'test_fake_fail': 'EXCLUDED',
            'test_never_ran': 'EXCLUDED'})
        self.assertIn('2 tests excluded', s.out)

    def test_no_exclusions(self):
        s = self.summarise('failed.log', exclusions='test_fake_fail\n',
                           args=['--no-exclusions'])
        self.assertSummary(s, 1, (1, 1, 0), {
            'test_fake_pass': 'PASS', 'test_fake_fail': 'FAIL'})

    def test_sequential_run(self):
        s = self.summarise('sequential.log')
        self.assertSummary(s, 1, (1, 1, 1), {
            'test_fake_pass': 'PASS',
            'test_fake_fail': ('FAIL', 'AssertionError'),
            'test_fake_skipmod': ('SKIP', 'fake widget')})

    def test_mixed(self):
        s = self.summarise('mixed.log')
        self.assertSummary(s, 1, (1, 5, 1), {
            'test_fake_pass': 'PASS',
            'test_fake_fail': 'FAIL',
            'test_fake_crash': 'FAIL-CRASHED',
            'test_fake_error': 'FAIL',
            'test_fake_norun': 'FAIL-NO-TESTS',
            'test_fake_skipmod': 'SKIP',
            'test_fake_hang': 'FAIL-TIMED-OUT'})

    def test_report_count_must_match(self):
        # A sequential run's passes come from "N tests OK."; a report
        # that counts fewer than the log shows is not believed.
        with open(os.path.join(LOGS, 'sequential.log')) as f:
            text = f.read()
        s = self.summarise(text=text.replace('1 test OK.', '0 tests OK.'))
        self.assertEqual(s.code, 1)
        self.assertIn('the report counts 0 tests OK, the log shows 1',
                      s.results['regrtest'][1])

    def test_line_and_report_disagree(self):
        with open(os.path.join(LOGS, 'failed.log')) as f:
            text = f.read()
        text = text.replace('1 test failed:\n    test_fake_fail\n',
                            '1 test skipped:\n    test_fake_fail\n')
        s = self.summarise(text=text)
        self.assertEqual(s.code, 1)
        self.assertEqual(s.results['test_fake_fail'][0], 'FAIL-INCONSISTENT')

    def test_result_option(self):
        s = self.summarise('clean.log', args=['--result', 'embed-host=PASS',
                                              '--result', 'other=FAIL'])
        self.assertSummary(s, 1, (2, 1, 0), {
            'test_fake_pass': 'PASS', 'embed-host': 'PASS', 'other': 'FAIL'})
        s = self.summarise('clean.log', args=['--result', 'x=MAYBE'])
        self.assertEqual(s.code, 2)

    def test_no_suite(self):
        # TESTS=embed-host: regrtest does not run, the log stays empty.
        s = self.summarise(text='', args=['--no-suite', '--result',
                                              'embed-host=PASS'])
        self.assertSummary(s, 0, (1, 0, 0), {'embed-host': 'PASS'})
        s = self.summarise(text='', args=['--no-suite'])
        self.assertSummary(s, 1, (0, 0, 0), {})


class OurModulesTest(unittest.TestCase):
    """regrtest 2.7 reports "run no tests" only for a module whose
    test_main calls test_support.run_unittest; a module without test_main
    is merely imported, and passes whatever it holds."""

    def test_plus_modules_use_run_unittest(self):
        folder = os.path.join(TOP, 'Lib', 'test')
        names = sorted(n for n in os.listdir(folder)
                       if n.startswith('test_plus_') and n.endswith('.py'))
        self.assertTrue(names)
        for name in names:
            with open(os.path.join(folder, name)) as f:
                source = f.read()
            self.assertTrue(re.search(r'^def test_main\(\):\n'
                                      r'(?:    .*\n|\n)*?'
                                      r'    test_support\.run_unittest\(',
                                      source, re.M), name)


def find_python2():
    if sys.version_info[0] == 2:
        return sys.executable
    for path in (os.environ.get('TEST_SUMMARY_PYTHON2'),
                 os.path.join(TOP, 'build', 'all', 'python')):
        if path and os.path.exists(path):
            return path
    return None


def process_gone(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            stat = f.read()
    except (IOError, OSError):
        return True
    return stat[stat.rfind(')') + 2:].split()[0] in ('Z', 'X')


class WatchdogTest(SummaryCase):
    """regrtest -j kills a test module that runs over TEST_TIMEOUT, with
    the processes it started, reports it "timed out" and goes on."""

    def test_hanging_module_is_killed(self):
        python = find_python2()
        if python is None:
            self.fail('no python2.7 to run regrtest with (set '
                      'TEST_SUMMARY_PYTHON2, or build build/all)')
        regrtest = subprocess.check_output(
            [python, '-c', 'import test.regrtest as r; print(r.__file__)'],
            universal_newlines=True).strip()
        regrtest = re.sub(r'\.py[co]$', '.py', regrtest)
        pidfile = os.path.join(self.tmp, 'child.pid')
        env = dict(os.environ, TEST_TIMEOUT='3', FAKE_HANG_PIDFILE=pidfile)
        log = os.path.join(self.tmp, 'test.log')
        start = time.time()
        with open(log, 'w') as f:
            # In a session of its own, so that a regrtest without the
            # watchdog, which would wait for ever, can be killed whole.
            proc = subprocess.Popen(
                [python, regrtest, '-j2', '--testdir', FAKE,
                 'test_fake_hang', 'test_fake_pass'],
                stdout=f, stderr=subprocess.STDOUT, cwd=self.tmp, env=env,
                preexec_fn=os.setsid)
            while proc.poll() is None and time.time() < start + 60:
                time.sleep(0.1)
            if proc.poll() is None:
                os.killpg(proc.pid, 9)
                proc.wait()
                self.fail('regrtest -j did not stop a test running over '
                          'TEST_TIMEOUT=3 within 60 s')
        with open(log) as f:
            text = f.read()
        self.assertNotEqual(proc.returncode, 0, text)
        self.assertIn('test_fake_hang timed out', text)
        with open(pidfile) as f:
            child = int(f.read())
        deadline = time.time() + 10
        while not process_gone(child) and time.time() < deadline:
            time.sleep(0.1)
        if not process_gone(child):
            os.kill(child, 9)
            self.fail('the hanging test\'s child process was left running')
        s = self.summarise(args=[])
        self.assertSummary(s, 1, (1, 1, 0), {
            'test_fake_pass': 'PASS',
            'test_fake_hang': ('FAIL-TIMED-OUT', 'TEST_TIMEOUT=3')})

    def test_bad_timeout(self):
        python = find_python2()
        if python is None:
            self.fail('no python2.7 to run regrtest with')
        env = dict(os.environ, TEST_TIMEOUT='soon')
        proc = subprocess.Popen(
            [python, '-m', 'test.regrtest', '-j1', '--testdir', FAKE,
             'test_fake_pass'], stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, cwd=self.tmp, env=env,
            universal_newlines=True)
        out = proc.communicate()[0]
        self.assertEqual(proc.returncode, 2, out)
        self.assertIn('TEST_TIMEOUT must be a number of seconds', out)


if __name__ == '__main__':
    unittest.main()
