"""PythonPlus tight dict (WITH_PLUS_TIGHT_DICT): small dict objects, fuller
tables and slower growth, with unchanged semantics."""
import gc
import random
import struct
import sys
import unittest

from test import test_support

ENABLED = 'tight-dict' in sys.pythonplus.features
# Under compact-dict the table is an index and a dense array of entries
# (test_plus_compact_dict checks its sizes); these models are of the
# stock and tight tables.
COMPACT = 'compact-dict' in sys.pythonplus.features
TUNABLES = sys.pythonplus.tunables
ENTRY = struct.calcsize('l2P')          # PyDictEntry: hash, key, value


def model_table_size(n):
    """Table size after inserting n distinct keys one by one, following
    Objects/plus_dict.h (tight) or stock 2.7.18."""
    if ENABLED:
        minsize = TUNABLES['PLUS_DICT_MINSIZE']
        num, den = TUNABLES['PLUS_DICT_LOAD_NUM'], TUNABLES['PLUS_DICT_LOAD_DEN']
        growth = lambda used: max(used * TUNABLES['PLUS_DICT_GROWTH'] // 100,
                                  used * den // num)
    else:
        minsize, num, den = 8, 2, 3
        growth = lambda used: (2 if used > 50000 else 4) * used
    size = minsize
    for used in range(1, n + 1):
        if used * den >= size * num:
            minused = growth(used)
            size = minsize
            while size <= minused:
                size <<= 1
    return size


@unittest.skipIf(COMPACT, 'compact-dict has its own table')
class SizeTest(unittest.TestCase):

    def expected_sizeof(self, size):
        minsize = TUNABLES['PLUS_DICT_MINSIZE'] if ENABLED else 8
        base = sys.getsizeof({})
        return base + (size * ENTRY if size > minsize else 0)

    def test_getsizeof_follows_the_rules(self):
        for n in range(200):
            d = {}
            for j in range(n):
                d[j] = j
            self.assertEqual(sys.getsizeof(d),
                             self.expected_sizeof(model_table_size(n)), n)

    def test_sizeof_matches_getsizeof(self):
        gc_head = sys.getsizeof({}) - {}.__sizeof__()
        for n in (0, 1, 2, 5, 6, 21, 22, 1000):
            d = dict.fromkeys(range(n))
            self.assertEqual(sys.getsizeof(d), d.__sizeof__() + gc_head)

    @unittest.skipUnless(ENABLED, 'tight-dict is compiled out')
    def test_tight_is_smaller(self):
        # Stock 64-bit: 280 bytes up to 5 entries, 1048 from 6 to 21.  Tight
        # dicts of 4 or 5 entries need a separate table of 8 (304 bytes);
        # empty dicts and the common 6 to 21 entries are much smaller.
        stock_base = sys.getsizeof({}) + (8 - TUNABLES['PLUS_DICT_MINSIZE']) * ENTRY
        stock = lambda n: stock_base + (0 if n <= 5 else 32 * ENTRY)
        sizes = [sys.getsizeof(dict((j, j) for j in range(n)))
                 for n in range(22)]
        self.assertLess(sizes[0], stock(0))
        self.assertLess(sizes[8], stock(8))
        self.assertLess(sum(sizes), sum(stock(n) for n in range(22)))

    @unittest.skipUnless(ENABLED, 'tight-dict is compiled out')
    def test_presized_paths_stay_under_the_load_limit(self):
        num, den = TUNABLES['PLUS_DICT_LOAD_NUM'], TUNABLES['PLUS_DICT_LOAD_DEN']
        def table_size(d):
            extra = sys.getsizeof(d) - sys.getsizeof({})
            return extra // ENTRY or TUNABLES['PLUS_DICT_MINSIZE']
        def kwargs(**kw):
            return kw
        class Instance(object):
            pass
        for n in range(0, 300, 7):
            source = dict((j, j) for j in range(n))
            inst = Instance()
            for j in range(n):
                setattr(inst, 'a%d' % j, j)
            for d in (source.copy(), dict(source), dict.fromkeys(source),
                      dict.fromkeys(set(source)), dict.fromkeys(range(n)),
                      kwargs(**dict(('k%d' % j, j) for j in range(n))),
                      inst.__dict__, eval('{%s}' % ','.join(
                          '%d: %d' % (j, j) for j in range(n)))):
                self.assertEqual(len(d), n)
                self.assertLess(len(d) * den, table_size(d) * num + den,
                                (n, table_size(d)))


class Colliding(object):
    """Keys that all hash alike: every lookup walks the probe chain."""
    def __init__(self, value):
        self.value = value
    def __hash__(self):
        return 42
    def __eq__(self, other):
        return isinstance(other, Colliding) and self.value == other.value
    def __ne__(self, other):
        return not self == other
    def __lt__(self, other):
        return self.value < other.value
    def __repr__(self):
        return 'Colliding(%r)' % self.value


class SemanticsTest(unittest.TestCase):

    def check_against_model(self, make_key, steps, seed):
        rng = random.Random(seed)
        d, model = {}, []
        for step in range(steps):
            k = make_key(rng.randrange(60))
            op = rng.random()
            if op < 0.5:
                d[k] = step
                model = [(mk, mv) for (mk, mv) in model if mk != k]
                model.append((k, step))
            elif op < 0.8:
                present = any(mk == k for mk, mv in model)
                if present:
                    del d[k]
                    model = [(mk, mv) for (mk, mv) in model if mk != k]
                else:
                    self.assertRaises(KeyError, d.__delitem__, k)
            elif op < 0.9 and model:
                key, value = d.popitem()
                self.assertIn((key, value), model)
                model.remove((key, value))
            else:
                d.setdefault(k, -1)
                if not any(mk == k for mk, mv in model):
                    model.append((k, -1))
            self.assertEqual(len(d), len(model))
        self.assertEqual(sorted(d.items()), sorted(model))
        for mk, mv in model:
            self.assertEqual(d[mk], mv)
        self.assertNotIn(make_key(1000), d)

    def test_random_operations(self):
        for seed in range(20):
            self.check_against_model(lambda i: i, 400, seed)
            self.check_against_model(lambda i: 'k%d' % i, 400, seed)

    def test_colliding_keys(self):
        for seed in range(5):
            self.check_against_model(Colliding, 300, seed)

    def test_grow_and_shrink_to_empty(self):
        d = {}
        for rounds in range(5):
            for j in range(100):
                d[j] = j
            for j in range(100):
                del d[j]
            self.assertEqual(d, {})
            self.assertNotIn(5, d)
            self.assertRaises(KeyError, d.popitem)
        d[1] = 2
        self.assertEqual(d.items(), [(1, 2)])

    def test_one_entry_dicts(self):
        for key in (0, 1, -1, 'a', None, (), Colliding(3)):
            d = {key: 'v'}
            self.assertEqual(d[key], 'v')
            self.assertNotIn('missing', d)
            self.assertEqual(d.popitem(), (key, 'v'))
            self.assertEqual(len(d), 0)
            self.assertNotIn(key, d)

    def test_copies_and_views(self):
        for n in (0, 1, 2, 3, 4, 5, 8, 13, 100):
            d = dict(('k%d' % j, j) for j in range(n))
            for other in (d.copy(), dict(d), dict(d.items()),
                          dict(**d), dict.fromkeys(d, 0)):
                self.assertEqual(sorted(other), sorted(d))
            merged = {}
            merged.update(d)
            merged.update(d)
            self.assertEqual(merged, d)

    def test_bad_keys_raise(self):
        class Unhashable(object):
            __hash__ = None
        class BadHash(object):
            def __hash__(self):
                raise ValueError('no hash')
        for d in ({}, {1: 1}, dict.fromkeys(range(10))):
            self.assertRaises(TypeError, d.__setitem__, [], 1)
            self.assertRaises(TypeError, d.__getitem__, Unhashable())
            self.assertRaises(ValueError, d.__setitem__, BadHash(), 1)
            self.assertRaises(ValueError, d.get, BadHash())

    def test_gc_sees_every_value(self):
        class Node(object):
            pass
        for n in (1, 2, 3, 7, 50):
            d = dict((j, Node()) for j in range(n))
            referents = gc.get_referents(d)
            for value in d.values():
                self.assertIn(value, referents)
        cycle = {}
        cycle['self'] = cycle
        del cycle
        self.assertGreaterEqual(gc.collect(), 1)


def test_main():
    test_support.run_unittest(SizeTest, SemanticsTest)


if __name__ == '__main__':
    test_main()
