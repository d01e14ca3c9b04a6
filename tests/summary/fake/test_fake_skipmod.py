"""Fake test module for tests/test_test_summary.py: skips as a whole."""
import unittest

raise unittest.SkipTest('the fake widget is not installed')
