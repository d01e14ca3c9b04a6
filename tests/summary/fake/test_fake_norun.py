"""Fake test module for tests/test_test_summary.py: runs no tests."""
import unittest
from test import test_support


class NothingHere(unittest.TestCase):
    pass


def test_main():
    test_support.run_unittest(NothingHere)
