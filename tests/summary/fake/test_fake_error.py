"""Fake test module for tests/test_test_summary.py: fails on import."""
import no_such_module_for_the_summary_tests
