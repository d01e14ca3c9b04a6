"""PythonPlus compact dict (WITH_PLUS_COMPACT_DICT): an index table and a
dense array of entries, in insertion order (Objects/plus_compact_dict.h)."""
import cPickle
import copy
import gc
import pickle
import random
import struct
import sys
import unittest
import weakref

from test import test_support

ENABLED = 'compact-dict' in sys.pythonplus.features
TIGHT = 'tight-dict' in sys.pythonplus.features
TUNABLES = sys.pythonplus.tunables
ENTRY = struct.calcsize('l2P')          # PyDictEntry: hash, key, value
FIRST = 5                               # PLUS_CD_FIRST

if TIGHT:
    NUM, DEN = TUNABLES['PLUS_DICT_LOAD_NUM'], TUNABLES['PLUS_DICT_LOAD_DEN']
    GROWTH = TUNABLES['PLUS_DICT_GROWTH']
else:
    NUM, DEN, GROWTH = 2, 3, 200


def index_bytes(cap):
    size = 2
    while size * NUM // DEN < cap:
        size *= 2
    for width, limit in ((1, 1 << 7), (2, 1 << 15), (4, 1 << 31)):
        if size <= limit:
            break
    else:
        width = 8
    return (size * width + 7) // 8 * 8


def model_sizeof(cap):
    return sys.getsizeof({}) + (cap * ENTRY + index_bytes(cap) if cap else 0)


def grown(used):
    return max(used * GROWTH // 100, used + 1, FIRST)


def capacity_after_inserts(n):
    cap = 0
    for used in range(n):
        if used >= cap:
            cap = grown(used)
    return cap


class Colliding(object):
    """Keys that all hash alike: every lookup walks the probe chain."""
    def __init__(self, value):
        self.value = value
    def __hash__(self):
        return 7
    def __eq__(self, other):
        return isinstance(other, Colliding) and self.value == other.value
    def __ne__(self, other):
        return not self == other
    def __repr__(self):
        return 'Colliding(%r)' % self.value


class Obj(object):
    pass


class Old:
    pass


@unittest.skipUnless(ENABLED, 'compact-dict is compiled out')
class OrderTest(unittest.TestCase):

    def test_insertion_order(self):
        keys = ['z', 3, 'a', (1, 2), -7, u'u', 2.5, None]
        d = {}
        for k in keys:
            d[k] = repr(k)
        self.assertEqual(d.keys(), keys)
        self.assertEqual(list(d), keys)
        self.assertEqual(d.values(), [repr(k) for k in keys])
        self.assertEqual(d.items(), [(k, repr(k)) for k in keys])
        self.assertEqual(list(d.iteritems()), d.items())
        self.assertEqual(list(d.viewkeys()), keys)
        self.assertEqual(list(d.viewvalues()), d.values())
        self.assertEqual(list(d.viewitems()), d.items())
        self.assertEqual(repr(d), '{%s}' % ', '.join(
            '%r: %r' % (k, repr(k)) for k in keys))

    def test_replace_keeps_place_delete_moves_to_end(self):
        d = dict.fromkeys('abcde', 0)
        d['c'] = 1
        self.assertEqual(''.join(d), 'abcde')
        del d['b']
        d['b'] = 2
        self.assertEqual(''.join(d), 'acdeb')
        self.assertEqual(d.pop('a'), 0)
        self.assertEqual(''.join(d), 'cdeb')
        d.setdefault('a', 3)
        self.assertEqual(''.join(d), 'cdeba')

    def test_popitem_takes_the_last(self):
        d = dict((i, -i) for i in range(10))
        del d[9]
        del d[8]
        self.assertEqual(d.popitem(), (7, -7))
        d[100] = 0
        self.assertEqual(d.popitem(), (100, 0))
        self.assertEqual([d.popitem()[0] for i in range(7)],
                         [6, 5, 4, 3, 2, 1, 0])
        self.assertRaises(KeyError, d.popitem)
        d['x'] = 1
        self.assertEqual(d, {'x': 1})

    def test_constructors_keep_order(self):
        pairs = [('k%d' % i, i) for i in range(30, 0, -1)]
        d = dict(pairs)
        self.assertEqual(d.items(), pairs)
        for other in (d.copy(), dict(d), copy.copy(d), copy.deepcopy(d),
                      pickle.loads(pickle.dumps(d, 0)),
                      pickle.loads(pickle.dumps(d, 2)),
                      cPickle.loads(cPickle.dumps(d, 2)),
                      eval(repr(d))):
            self.assertEqual(other.items(), pairs)
        self.assertEqual(dict.fromkeys(d).keys(), d.keys())
        u = {}
        u.update(d)
        self.assertEqual(u.items(), pairs)
        self.assertEqual(dict(d.iteritems()).items(), pairs)
        self.assertEqual(eval('{%s}' % ', '.join(
            '%r: %r' % p for p in pairs)).items(), pairs)

    def test_instance_dict_order(self):
        class C(object):
            pass
        c = C()
        c.b = 1
        c.a = 2
        c.c = 3
        del c.a
        c.a = 4
        self.assertEqual(vars(c).items(), [('b', 1), ('c', 3), ('a', 4)])

    def test_kwargs_order_follows_call(self):
        def f(**kw):
            return kw.items()
        self.assertEqual(f(**dict([('y', 1), ('x', 2)])),
                         [('y', 1), ('x', 2)])


@unittest.skipUnless(ENABLED, 'compact-dict is compiled out')
class SizeTest(unittest.TestCase):

    def test_empty_dict_is_small(self):
        self.assertLess(sys.getsizeof({}), sys.getsizeof(set()))
        self.assertEqual(sys.getsizeof({}), model_sizeof(0))

    def test_getsizeof_follows_the_rules(self):
        for n in range(300):
            d = {}
            for j in range(n):
                d[j] = j
            self.assertEqual(sys.getsizeof(d),
                             model_sizeof(capacity_after_inserts(n)), n)

    def test_presized_paths_are_exact(self):
        class Instance(object):
            pass
        for n in list(range(1, 40)) + [100, 1000, 40000]:
            source = dict((j, j) for j in range(n))
            for d in (source.copy(), dict(source), dict.fromkeys(source),
                      dict.fromkeys(set(source)), copy.copy(source)):
                self.assertEqual(sys.getsizeof(d), model_sizeof(n), n)
            if n < 100:
                display = eval('{%s}' % ','.join(
                    '%d: %d' % (j, j) for j in range(n)))
                self.assertEqual(sys.getsizeof(display), model_sizeof(n))

    def test_sum_of_small_dicts(self):
        # Python 3.13 on 64-bit: 9264 bytes for these 21 dicts.
        total = sum(sys.getsizeof(dict((j, j) for j in range(i)))
                    for i in range(21))
        self.assertEqual(total, sum(model_sizeof(capacity_after_inserts(i))
                                    for i in range(21)))
        if struct.calcsize('P') == 8 and TIGHT:
            self.assertLessEqual(total, 9264)

    def test_index_widths(self):
        # 1-byte slots up to 128, 2-byte up to 32768, then 4 bytes.
        for n in (100, 102, 103, 200, 26000, 26300):
            d = dict.fromkeys(set(range(n)))
            self.assertEqual(sys.getsizeof(d), model_sizeof(n), n)
            self.assertEqual(len(d), n)
            self.assertIn(n - 1, d)
            self.assertNotIn(n, d)

    def test_deleted_entries_go_at_the_next_rebuild(self):
        d = {}
        for i in range(1000):
            d[i] = i
            del d[i]
        self.assertEqual(len(d), 0)
        self.assertLessEqual(sys.getsizeof(d), model_sizeof(grown(0)))

    def test_key_churn_keeps_order(self):
        # Deleting keys and adding them back, over and over, drops the
        # deleted entries in place or in a rebuild once the table is full:
        # the items stay in insertion order either way.
        rng = random.Random(1202)
        for n in range(1, 25):
            d = {}
            for k in range(n):
                d[k] = k
            model = list(range(n))
            for r in range(60):
                gone = rng.sample(model, (n + 1) // 2)
                for k in gone:
                    del d[k]
                    model.remove(k)
                for k in gone:
                    d[k] = r
                    model.append(k)
                self.assertEqual(d.keys(), model, (n, r))
                self.assertEqual(d.values(), [d[k] for k in model])
            self.assertEqual(sorted(d), list(range(n)))


class SemanticsTest(unittest.TestCase):
    """Runs in every variant: the dict behaves as a mapping should."""

    def test_mutation_during_iteration(self):
        for make in (dict.iterkeys, dict.itervalues, dict.iteritems,
                     lambda d: iter(d.viewitems())):
            d = dict.fromkeys(range(10))
            it = make(d)
            next(it)
            d[100] = 1
            self.assertRaises(RuntimeError, next, it)
            d = dict.fromkeys(range(10))
            it = make(d)
            next(it)
            del d[5]
            self.assertRaises(RuntimeError, list, it)

    def test_values_may_change_during_iteration(self):
        d = dict.fromkeys(range(50), 0)
        for k in d:
            d[k] = k
        self.assertEqual(sorted(d.items()), [(k, k) for k in range(50)])

    def test_comparison_that_mutates(self):
        class Evil(object):
            def __init__(self, d, h):
                self.d, self.h = d, h
            def __hash__(self):
                return self.h
            def __eq__(self, other):
                self.d.clear()
                return False
        d = {}
        for i in range(20):
            d[Evil(d, 1)] = i
            d[Evil(d, 1)] = i
        self.assertLessEqual(len(d), 1)

    def test_comparison_that_raises(self):
        class Bad(object):
            def __hash__(self):
                return 1
            def __eq__(self, other):
                raise ZeroDivisionError
        d = {Bad(): 1}
        self.assertRaises(ZeroDivisionError, d.__getitem__, Bad())
        self.assertRaises(ZeroDivisionError, d.__setitem__, Bad(), 2)
        self.assertRaises(ZeroDivisionError, d.__contains__, Bad())
        self.assertEqual(len(d), 1)

    def test_bad_keys(self):
        d = {1: 2}
        self.assertRaises(TypeError, d.__setitem__, [], 1)
        self.assertRaises(TypeError, d.__getitem__, {})
        self.assertRaises(KeyError, d.__delitem__, 3)
        self.assertRaises(KeyError, d.pop, 3)
        self.assertRaises(TypeError, dict, [1])
        self.assertRaises(ValueError, dict, [(1, 2, 3)])
        self.assertRaises(TypeError, dict.fromkeys, 1)

    def test_ordering_comparisons(self):
        # 2.7's dict_compare: length first, then the smallest differing key
        a = {1: 1, 2: 2}
        b = {2: 2, 1: 1}
        self.assertEqual(cmp(a, b), 0)
        self.assertTrue({1: 1} < {1: 2})
        self.assertTrue({1: 2} > {1: 1})
        self.assertTrue({9: 0} < {1: 1, 2: 2})
        self.assertEqual(cmp({1: 0, 2: 5}, {2: 5, 1: 1}), -1)

    def test_weakref_and_gc(self):
        class V(object):
            pass
        d = {}
        v = V()
        d['v'] = v
        r = weakref.ref(v)
        del v
        self.assertIsNotNone(r())
        d.clear()
        self.assertIsNone(r())
        cycle = {}
        cycle[1] = cycle
        del cycle
        self.assertGreaterEqual(gc.collect(), 1)
        e = dict((i, V()) for i in range(8))
        del e[3]
        self.assertEqual(len([o for o in gc.get_referents(e)
                              if isinstance(o, V)]), 7)

    def test_big_dicts(self):
        d = {}
        for i in range(70000):
            d[i] = i
        for i in range(0, 70000, 2):
            del d[i]
        self.assertEqual(len(d), 35000)
        self.assertEqual(sum(d), sum(range(1, 70000, 2)))
        self.assertEqual(d[69999], 69999)
        self.assertNotIn(0, d)


class DifferentialTest(unittest.TestCase):
    """Many mixed operations on dicts (and instance dicts) checked against
    a plain model, a list of (key, value) pairs.  The order is checked only
    where compact-dict promises one."""

    KEYS = ([i for i in range(40)] + ['s%d' % i for i in range(40)] +
            [u'u%d' % i for i in range(5)] + [(i, 'x') for i in range(5)] +
            [Colliding(i) for i in range(8)] + [2.5, -1.5, None, True])

    def check(self, d, model):
        self.assertEqual(len(d), len(model))
        if ENABLED:
            self.assertEqual(d.items(), model)
            self.assertEqual(d.keys(), [k for k, v in model])
            self.assertEqual(d.values(), [v for k, v in model])
            self.assertEqual(list(d.iteritems()), model)
        else:
            self.assertEqual(sorted(d.items(), key=repr),
                             sorted(model, key=repr))
        self.assertEqual(d.keys(), [k for k, v in d.items()])
        self.assertEqual(d.values(), [v for k, v in d.items()])
        for k, v in model:
            self.assertIn(k, d)
            self.assertEqual(d[k], v)

    def find(self, model, key):
        for i, (k, v) in enumerate(model):
            if k == key:
                return i
        return -1

    def run_ops(self, seed, steps):
        rng = random.Random(seed)
        d, model = {}, []
        for step in range(steps):
            key = rng.choice(self.KEYS)
            op = rng.randrange(16)
            at = self.find(model, key)
            if op <= 4:
                d[key] = step
                if at >= 0:
                    model[at] = (model[at][0], step)
                else:
                    model.append((key, step))
            elif op <= 6:
                if at >= 0:
                    del d[key]
                    del model[at]
                else:
                    self.assertRaises(KeyError, d.__delitem__, key)
            elif op == 7:
                self.assertEqual(d.pop(key, 'none'),
                                 model.pop(at)[1] if at >= 0 else 'none')
            elif op == 8:
                if model:
                    item = d.popitem()
                    if ENABLED:
                        self.assertEqual(item, model.pop())
                    else:
                        model.remove(item)
                else:
                    self.assertRaises(KeyError, d.popitem)
            elif op == 9:
                self.assertEqual(d.setdefault(key, -step),
                                 model[at][1] if at >= 0 else -step)
                if at < 0:
                    model.append((key, -step))
            elif op == 10:
                other = [(rng.choice(self.KEYS), step) for i in
                         range(rng.randrange(6))]
                if rng.random() < 0.5:
                    d.update(other)
                else:
                    d.update(dict(other))
                    # dict(other) keeps the first place, the last value
                    merged = []
                    for k, v in other:
                        j = self.find(merged, k)
                        if j >= 0:
                            merged[j] = (merged[j][0], v)
                        else:
                            merged.append((k, v))
                    other = merged
                for k, v in other:
                    j = self.find(model, k)
                    if j >= 0:
                        model[j] = (model[j][0], v)
                    else:
                        model.append((k, v))
            elif op == 11:
                c = rng.choice((dict.copy, dict, copy.copy))(d)
                self.assertEqual(c, d)
                self.check(c, model)
                if model:
                    c[model[0][0]] = 'changed'
                    self.assertNotEqual(c, d)
                    changed = dict(model + [(model[0][0], 'changed')])
                    self.assertEqual(c, changed)
                    self.assertEqual(cmp(c, d), cmp(changed, dict(model)))
                    self.assertEqual(c < d, changed < dict(model))
            elif op == 12:
                p = rng.choice((pickle, cPickle)).loads(
                    pickle.dumps(d, rng.randrange(3)))
                self.check(p, model)
            elif op == 13:
                if rng.random() < 0.05:
                    d.clear()
                    del model[:]
                else:
                    self.assertEqual(d.get(key, 'no'),
                                     model[at][1] if at >= 0 else 'no')
                    self.assertEqual(key in d, at >= 0)
                    self.assertEqual(d.has_key(key), at >= 0)
            elif op == 14:
                self.assertEqual(d, dict(model))
                self.assertEqual(set(d.viewkeys()), set(k for k, v in model))
                self.assertEqual(len(d.viewitems() & set(model)), len(model))
            else:
                self.check(d, model)
        self.check(d, model)

    def test_mixed_operations(self):
        for seed in range(12):
            self.run_ops(seed, 1500)

    def test_instance_dicts(self):
        rng = random.Random(18)
        names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
        for cls in (Obj, Old):
            objs = [cls() for i in range(20)]
            models = [[] for o in objs]
            for step in range(6000):
                i = rng.randrange(len(objs))
                o, model = objs[i], models[i]
                name = rng.choice(names)
                at = self.find(model, name)
                op = rng.randrange(10)
                if op <= 3:
                    setattr(o, name, step)
                    if at >= 0:
                        model[at] = (name, step)
                    else:
                        model.append((name, step))
                elif op <= 5:
                    if at >= 0:
                        delattr(o, name)
                        del model[at]
                    else:
                        self.assertRaises(AttributeError, delattr, o, name)
                elif op == 6:
                    # non-str keys and vars()
                    key = rng.choice([1, (2,), u'uni', 'x y'])
                    vars(o)[key] = step
                    j = self.find(model, key)
                    if j >= 0:
                        model[j] = (key, step)
                    else:
                        model.append((key, step))
                elif op == 7 and rng.random() < 0.2:
                    new = dict(rng.sample(model, len(model) // 2))
                    o.__dict__ = new
                    models[i] = model = new.items()
                    self.assertIs(type(o.__dict__), dict)
                elif op == 8:
                    c = copy.copy(o)
                    self.check(c.__dict__, model)
                    p = pickle.loads(pickle.dumps(o, 2)) if cls is Obj \
                        else None
                    if p is not None:
                        self.check(p.__dict__, model)
                else:
                    self.assertIs(type(o.__dict__), dict)
                    self.check(o.__dict__, model)
                    for name2 in names:
                        j = self.find(model, name2)
                        self.assertEqual(getattr(o, name2, 'unset'),
                                         model[j][1] if j >= 0 else 'unset')
            for o, model in zip(objs, models):
                self.check(vars(o), model)


def test_main():
    test_support.run_unittest(OrderTest, SizeTest, SemanticsTest,
                              DifferentialTest)


if __name__ == '__main__':
    test_main()
