"""Fake test module for tests/test_test_summary.py: passes."""
import unittest
from test import test_support


class PassTest(unittest.TestCase):
    def test_one(self):
        self.assertEqual(1 + 1, 2)

    def test_two(self):
        self.assertTrue(True)


def test_main():
    test_support.run_unittest(PassTest)
