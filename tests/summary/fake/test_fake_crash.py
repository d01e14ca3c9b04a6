"""Fake test module for tests/test_test_summary.py: its process dies
(as a segfault would) in the middle of the run."""
import os
import unittest
from test import test_support


class CrashTest(unittest.TestCase):
    def test_crash(self):
        os._exit(139)


def test_main():
    test_support.run_unittest(CrashTest)
