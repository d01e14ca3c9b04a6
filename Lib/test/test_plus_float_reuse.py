"""PythonPlus float reuse (WITH_PLUS_FLOAT_REUSE): integral floats from
PLUS_FLOAT_REUSE_MIN to PLUS_FLOAT_REUSE_MAX are shared objects."""
import gc
import json
import marshal
import math
import pickle
import struct
import sys
import unittest

from test import test_support

ENABLED = 'float-reuse' in sys.pythonplus.features
LOW = sys.pythonplus.tunables['PLUS_FLOAT_REUSE_MIN']
HIGH = sys.pythonplus.tunables['PLUS_FLOAT_REUSE_MAX']


def makers(value):
    """The same float value made by many independent paths."""
    text = repr(float(value))
    return [
        float(text),
        float(int(value)),
        int(value) * 1.0,
        (value * 2.0) / 2.0,
        struct.unpack('<d', struct.pack('<d', value))[0],
        marshal.loads(marshal.dumps(value)),
        pickle.loads(pickle.dumps(value, 0)),
        pickle.loads(pickle.dumps(value, 2)),
        json.loads(text),
        math.floor(value + 0.25),
        eval(text),
    ]


@unittest.skipUnless(ENABLED, 'float-reuse is compiled out')
class FloatReuseTest(unittest.TestCase):

    def test_shared_in_range(self):
        for value in range(LOW, HIGH + 1):
            objects = makers(float(value))
            for obj in objects:
                self.assertIs(type(obj), float)
                self.assertEqual(obj, value)
                self.assertIs(obj, objects[0], (value, objects))

    def test_not_shared_out_of_range(self):
        for value in (LOW - 1, HIGH + 1, 0.5, -0.5, HIGH + 0.5, 1e300):
            self.assertIsNot(float(repr(float(value))),
                             float(repr(float(value))), value)

    def test_negative_zero_stays_distinct(self):
        negative = float('-0.0')
        self.assertIsNot(negative, float('0.0'))
        self.assertEqual(math.copysign(1, negative), -1.0)
        self.assertEqual(math.copysign(1, -0.0), -1.0)
        self.assertEqual(math.copysign(1, 0.0 * -1), -1.0)
        self.assertEqual(repr(-0.0), '-0.0')
        self.assertEqual(repr(float('0') * -1.0), '-0.0')
        self.assertRaises(ZeroDivisionError, lambda: 1 / -0.0)
        self.assertEqual(math.copysign(1, float('0.0')), 1.0)

    def test_nan_and_infinity_not_shared(self):
        nan = float('nan')
        self.assertIsNot(nan, float('nan'))
        self.assertTrue(math.isnan(nan))
        self.assertIsNot(float('inf'), float('inf'))

    def test_subclasses_untouched(self):
        class F(float):
            pass
        a, b = F(1.0), F(1.0)
        self.assertIs(type(a), F)
        self.assertIsNot(a, b)
        a.attribute = 'own'
        self.assertFalse(hasattr(b, 'attribute'))

    def test_refcount_balanced(self):
        one = float('1')
        before = sys.getrefcount(one)
        values = [float('1') for i in range(100)]
        self.assertEqual(sys.getrefcount(one), before + 100)
        del values
        gc.collect()
        self.assertEqual(sys.getrefcount(one), before)

    def test_sizes_unchanged(self):
        self.assertEqual(sys.getsizeof(1.0), sys.getsizeof(1.5))
        self.assertFalse(gc.is_tracked(1.0))


@unittest.skipIf(ENABLED, 'float-reuse is compiled in')
class FloatReuseOffTest(unittest.TestCase):

    def test_not_shared(self):
        self.assertIsNot(float('1'), float('1'))


def test_main():
    test_support.run_unittest(FloatReuseTest, FloatReuseOffTest)


if __name__ == '__main__':
    test_main()
