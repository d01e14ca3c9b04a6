"""Fake test module for tests/test_test_summary.py: hangs (for the
TEST_TIMEOUT watchdog of regrtest -j), with a child process that would
keep a pipe to the runner open.  The child's pid goes to the file named
by FAKE_HANG_PIDFILE, if set."""
import os
import subprocess
import sys
import time
import unittest
from test import test_support


class HangTest(unittest.TestCase):
    def test_hang(self):
        child = subprocess.Popen([sys.executable, '-c',
                                  'import time; time.sleep(3600)'])
        pidfile = os.environ.get('FAKE_HANG_PIDFILE')
        if pidfile:
            with open(pidfile, 'w') as f:
                f.write('%d\n' % child.pid)
        while True:
            time.sleep(60)


def test_main():
    test_support.run_unittest(HangTest)
