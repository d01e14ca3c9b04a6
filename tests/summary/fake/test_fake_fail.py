"""Fake test module for tests/test_test_summary.py: one test fails."""
import unittest
from test import test_support


class FailTest(unittest.TestCase):
    def test_fails(self):
        self.assertEqual(1 + 1, 3)


def test_main():
    test_support.run_unittest(FailTest)
