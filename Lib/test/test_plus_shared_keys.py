"""PythonPlus key-sharing instance dicts (WITH_PLUS_SHARED_KEYS): the
instance dicts of one class share one key table and hold only their
values; any unusual use turns a dict into an ordinary one
(Objects/plus_shared_keys.h).  Whether a dict shares its keys is read
with _testcapi.plus_dict_is_shared."""
import collections
import copy
import cPickle
import gc
import pickle
import random
import struct
import sys
import threading
import unittest
import weakref

from test import test_support

ENABLED = 'shared-keys' in sys.pythonplus.features
if ENABLED:
    import _testcapi
    is_shared = _testcapi.plus_dict_is_shared
POINTER = struct.calcsize('P')
BLOCK_HEADER = struct.calcsize('2P')    # plus_sk_block: keys, capacity
MAX_KEYS = 30                           # PLUS_SK_MAX_KEYS


def make_class(base=object):
    class C(base):
        def __init__(self, n=5, start=0):
            for i in range(start, start + n):
                setattr(self, 'a%d' % i, i)
    return C


class Old:
    pass


# Module level, for pickle.
class Pickled(object):
    pass


class Sub(Pickled):
    pass


@unittest.skipUnless(ENABLED, 'shared-keys is off')
class SharingTest(unittest.TestCase):

    def test_second_instance_shares(self):
        C = make_class()
        first, second = C(), C()
        self.assertTrue(is_shared(first.__dict__))
        self.assertTrue(is_shared(second.__dict__))
        d = second.__dict__
        self.assertEqual(d.keys(), ['a0', 'a1', 'a2', 'a3', 'a4'])
        self.assertEqual(d.values(), range(5))
        self.assertEqual(d.items(), zip(d.keys(), range(5)))
        self.assertIs(type(d), dict)
        self.assertEqual(d, dict(d))
        self.assertLess(sys.getsizeof(d), sys.getsizeof(dict(d)))

    def test_getsizeof_counts_the_values_only(self):
        C = make_class()
        C()
        d = C().__dict__
        self.assertEqual(sys.getsizeof(d),
                         sys.getsizeof({}) + BLOCK_HEADER + 5 * POINTER)

    def test_dict_api_on_a_shared_dict(self):
        C = make_class()
        C()
        o = C()
        d = o.__dict__
        self.assertEqual(len(d), 5)
        self.assertEqual(d['a1'], 1)
        self.assertEqual(d.get('a2'), 2)
        self.assertEqual(d.get('zz', 'no'), 'no')
        self.assertIn('a3', d)
        self.assertNotIn('zz', d)
        self.assertTrue(d.has_key('a4'))
        self.assertRaises(KeyError, d.__getitem__, 'zz')
        self.assertEqual(list(d), d.keys())
        self.assertEqual(list(d.itervalues()), range(5))
        self.assertEqual(list(d.iteritems()), d.items())
        self.assertEqual(list(d.viewkeys()), d.keys())
        self.assertEqual(repr(d), repr(dict(d)))
        self.assertEqual(str(d), str(dict(d)))
        self.assertEqual(vars(o), d)
        self.assertEqual(d.copy(), dict(d))
        self.assertEqual(getattr(o, 'a3'), 3)
        self.assertTrue(hasattr(o, 'a4'))
        self.assertFalse(hasattr(o, 'zz'))
        # Everything above reads: the dict still shares.
        self.assertTrue(is_shared(d))
        # A value replaced while iterating: allowed, still shares.
        for k in d:
            d[k] = -1
        self.assertEqual(d.values(), [-1] * 5)
        self.assertTrue(is_shared(d))

    def test_c_consumers(self):
        import json
        import marshal
        import string
        C = make_class()
        C(3)

        def f(**kw):
            return sorted(kw.items())
        pairs = [('a0', 0), ('a1', 1), ('a2', 2)]
        o = C(3)
        d = o.__dict__
        self.assertEqual(json.dumps(d), '{"a0": 0, "a1": 1, "a2": 2}')
        self.assertEqual(json.dumps(d, indent=0).count('"a'), 3)
        self.assertEqual(marshal.loads(marshal.dumps(d)), dict(pairs))
        self.assertEqual(cPickle.loads(cPickle.dumps(d, 2)), dict(pairs))
        self.assertEqual(f(**d), pairs)
        self.assertEqual('%(a1)s' % d, '1')
        self.assertEqual('{a2}'.format(**vars(o)), '2')
        self.assertEqual(string.Template('$a0').substitute(d), '0')
        self.assertEqual(set(d.viewitems()) & set(pairs), set(pairs))
        self.assertEqual(collections.OrderedDict(d).items(), pairs)
        self.assertEqual(len(gc.get_referents(d)), 6)
        self.assertTrue(is_shared(d))
        # eval adds __builtins__: an ordinary dict from then on
        self.assertEqual(eval('a0 + a2', d), 2)
        self.assertEqual(eval('a0 + a1', {}, C(3).__dict__), 1)

    def test_next_key_in_order_keeps_sharing(self):
        C = make_class()
        C(7)
        o = C(3)
        vars(o)['a3'] = 3
        o.a4 = 4
        self.assertTrue(is_shared(o.__dict__))
        self.assertEqual(o.__dict__.keys(), ['a0', 'a1', 'a2', 'a3', 'a4'])

    def test_new_keys_extend_the_table(self):
        C = make_class()
        a = C(2)
        b = C(2)
        a.x = 1          # extends the shared table
        b.x = 2          # the next key in order
        self.assertTrue(is_shared(a.__dict__))
        self.assertTrue(is_shared(b.__dict__))
        self.assertEqual((a.x, b.x), (1, 2))

    def test_old_style_classes_unaffected(self):
        o = Old()
        o.a = 1
        self.assertFalse(is_shared(o.__dict__))
        self.assertEqual(o.__dict__, {'a': 1})

    def test_builtin_types_unaffected(self):
        def f():
            pass
        f.x = 1
        self.assertFalse(is_shared(f.__dict__))

    def test_subclass_instances_share_their_own_table(self):
        C = make_class()
        D = make_class(C)
        c1, c2 = C(3), C(3)
        d1 = D(2, start=10)
        d2 = D(2, start=10)
        for o in (c1, c2, d1, d2):
            self.assertTrue(is_shared(o.__dict__))
        self.assertEqual(d2.__dict__.keys(), ['a10', 'a11'])
        self.assertEqual(c2.__dict__.keys(), ['a0', 'a1', 'a2'])

    def test_slots_and_dict(self):
        class S(object):
            __slots__ = ('s', '__dict__')
        S().x = 0
        o = S()
        o.s = 1
        o.x = 2
        o.y = 3
        self.assertEqual(o.__dict__, {'x': 2, 'y': 3})
        self.assertEqual((o.s, o.x, o.y), (1, 2, 3))
        self.assertTrue(is_shared(o.__dict__))

    def test_class_attribute_changes(self):
        C = make_class()
        C()
        o = C()
        C.a0 = 'class'
        C.z = 'class z'
        self.assertEqual(o.a0, 0)
        self.assertEqual(o.z, 'class z')
        del o.a0
        self.assertEqual(o.a0, 'class')
        del C.a0
        self.assertRaises(AttributeError, getattr, o, 'a0')
        p = C()
        self.assertEqual(p.a0, 0)

    def test_class_assignment(self):
        C = make_class()
        D = make_class()
        C()
        o = C()
        o.__class__ = D
        o.a5 = 5
        self.assertEqual(o.__dict__.keys(), ['a%d' % i for i in range(6)])
        self.assertEqual(D().a4, 4)

    def test_exec_in_instance_dict(self):
        C = make_class()
        C()
        o = C()
        exec "b = a1 + a2" in o.__dict__
        self.assertEqual(o.b, 3)
        self.assertEqual(o.a4, 4)

    def test_gc_and_weakrefs(self):
        C = make_class()
        C()
        gone = []
        objs = [C() for i in range(50)]
        for o in objs:
            o.me = o
        ref = weakref.ref(objs[0], lambda r: gone.append(1))
        self.assertIn(objs[0], gc.get_referents(objs[0].__dict__))
        del objs, o
        gc.collect()
        self.assertIsNone(ref())
        self.assertEqual(gone, [1])

    def test_shared_keys_are_not_handed_out(self):
        C = make_class()
        C()
        shared = [r for r in gc.get_referents(C)
                  if type(r) is dict and 'a0' in r and '__init__' not in r]
        self.assertEqual(shared, [])

    def test_dict_outlives_type(self):
        C = make_class()
        C()
        d = C().__dict__
        del C
        gc.collect()
        self.assertEqual(d['a4'], 4)
        d['a5'] = 5
        self.assertEqual(d.keys()[-1], 'a5')


@unittest.skipUnless(ENABLED, 'shared-keys is off')
class FallbackTest(unittest.TestCase):

    def setUp(self):
        self.C = make_class()
        self.C()
        self.o = self.C()
        self.d = self.o.__dict__
        self.assertTrue(is_shared(self.d))

    def check(self, pairs, shared=False):
        self.assertEqual(self.o.__dict__.items(), pairs)
        self.assertEqual(is_shared(self.o.__dict__), shared)
        for k, v in pairs:
            if isinstance(k, str):
                self.assertEqual(getattr(self.o, k), v)

    def pairs(self, n=5):
        return [('a%d' % i, i) for i in range(n)]

    def test_different_order(self):
        o = self.C(0)
        o.a1 = 1
        o.a0 = 0
        self.assertFalse(is_shared(o.__dict__))
        self.assertEqual(o.__dict__.items(), [('a1', 1), ('a0', 0)])
        self.check(self.pairs(), True)

    def test_deletion(self):
        del self.o.a2
        self.check([p for p in self.pairs() if p[0] != 'a2'])
        self.assertRaises(AttributeError, getattr, self.o, 'a2')
        self.o.a2 = 2
        self.assertEqual(self.d.keys()[-1], 'a2')

    def test_non_str_key(self):
        self.d[1] = 'one'
        self.check(self.pairs() + [(1, 'one')])
        self.assertEqual(self.d[1], 'one')

    def test_unicode_and_str_subclass_lookup(self):
        class S(str):
            pass
        self.assertEqual(self.d[u'a1'], 1)
        self.assertEqual(self.d[S('a2')], 2)
        self.check(self.pairs())

    def test_setdefault(self):
        self.assertEqual(self.d.setdefault('a0', 'x'), 0)
        self.assertEqual(self.d.setdefault('n', 'x'), 'x')
        self.check(self.pairs() + [('n', 'x')])

    def test_update(self):
        self.d.update({'a1': 'one'})
        self.d.update(z=26)
        self.assertEqual(self.d['a1'], 'one')
        self.assertEqual(self.d.keys()[-1], 'z')

    def test_update_from_shared_in_order(self):
        o = self.C(0)
        o.__dict__.update(self.d)
        self.assertTrue(is_shared(o.__dict__))
        self.assertEqual(o.__dict__, self.d)

    def test_pop_popitem_clear(self):
        self.assertEqual(self.d.pop('a4'), 4)
        self.assertEqual(self.d.popitem(), ('a3', 3))
        self.check(self.pairs(3))
        self.d.clear()
        self.check([])
        self.o.q = 1
        self.check([('q', 1)])

    def test_popitem_and_clear_on_shared(self):
        self.assertEqual(self.d.popitem(), ('a4', 4))
        self.check(self.pairs(4))
        o = self.C()
        o.__dict__.clear()
        self.assertEqual(o.__dict__, {})
        o.a0 = 1
        self.assertEqual(o.__dict__, {'a0': 1})

    def test_many_keys(self):
        o = self.C(40, start=5)
        self.assertEqual(len(o.__dict__), 40)
        self.assertFalse(is_shared(o.__dict__))
        self.assertEqual(o.__dict__.keys(), ['a%d' % i for i in
                                             range(5, 45)])
        p = self.C(MAX_KEYS)
        self.assertTrue(is_shared(p.__dict__))
        p.extra = 1
        self.assertFalse(is_shared(p.__dict__))
        self.assertEqual(p.extra, 1)

    def test_dict_assignment(self):
        self.o.__dict__ = {'x': 1}
        self.assertEqual(self.o.x, 1)
        self.assertRaises(AttributeError, getattr, self.o, 'a0')
        self.assertEqual(self.d.items(), self.pairs())
        self.assertRaises(TypeError, setattr, self.o, '__dict__', [])

    def test_vars_item_assignment(self):
        vars(self.o)['a1'] = 'x'
        self.assertTrue(is_shared(self.d))
        vars(self.o)['zz'] = 'y'
        self.assertEqual(self.o.zz, 'y')
        self.assertEqual(self.o.a1, 'x')

    def test_comparisons(self):
        other = self.C()
        self.assertEqual(self.d, other.__dict__)
        self.assertEqual(cmp(self.d, other.__dict__), 0)
        other.a4 = 5
        self.assertNotEqual(self.d, other.__dict__)
        self.assertLess(self.d, other.__dict__)
        self.check(self.pairs())

    def test_copy(self):
        c = copy.copy(self.o)
        self.assertEqual(c.__dict__.items(), self.pairs())
        self.assertTrue(is_shared(c.__dict__))
        self.o.lst = [1]
        d = copy.deepcopy(self.o)
        self.assertEqual(d.__dict__.items(), self.d.items())
        self.assertIsNot(d.lst, self.o.lst)

    def test_pickle_round_trip(self):
        for proto in range(3):
            for mod in (pickle, cPickle):
                for cls in (Pickled, Sub):
                    o = cls()
                    o.a, o.b, o.c = 1, 'two', [3]
                    p = mod.loads(mod.dumps(o, proto))
                    self.assertIs(type(p), cls)
                    self.assertEqual(p.__dict__.items(), o.__dict__.items())

    def test_iteration_that_adds_a_key(self):
        with self.assertRaises(RuntimeError):
            for k in self.d:
                self.d['new' + k] = 1

    def test_fromkeys_and_dict_subclass(self):
        class D(dict):
            pass
        self.assertEqual(D.fromkeys(self.d), dict.fromkeys(self.d.keys()))
        self.assertEqual(D(self.d), self.d)
        self.check(self.pairs(), True)

    def test_threads_mutating(self):
        C = self.C
        objs = [C() for i in range(20)]
        errors = []

        def work(seed):
            rng = random.Random(seed)
            try:
                for i in range(2000):
                    o = rng.choice(objs)
                    k = 'a%d' % rng.randrange(8)
                    r = rng.random()
                    if r < 0.6:
                        setattr(o, k, i)
                    elif r < 0.8:
                        try:
                            delattr(o, k)
                        except AttributeError:
                            pass
                    else:
                        getattr(o, k, None)
                        len(o.__dict__.items())
            except Exception as e:
                errors.append(e)
        threads = [threading.Thread(target=work, args=(s,))
                   for s in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        for o in objs:
            d = o.__dict__
            self.assertEqual(len(d), len(d.keys()))
            for k, v in d.items():
                self.assertEqual(getattr(o, k), v)


@unittest.skipUnless(ENABLED, 'shared-keys is off')
class DifferentialTest(unittest.TestCase):
    """Mixed operations on instances, each checked against a model: an
    OrderedDict (a compact dict is in insertion order; replacing keeps
    the place, a key deleted and set again goes to the end)."""

    KEYS = ['k%d' % i for i in range(12)]

    def run_ops(self, seed, steps):
        rng = random.Random(seed)
        classes = [make_class() for i in range(3)]
        objs, models = [], []
        for i in range(12):
            cls = rng.choice(classes)
            o = cls(0)
            objs.append(o)
            models.append(collections.OrderedDict())
        shared_seen = 0
        for step in range(steps):
            i = rng.randrange(len(objs))
            o, m = objs[i], models[i]
            d = o.__dict__
            # Mostly the same order, so that many dicts keep sharing.
            k = (self.KEYS[len(m)] if rng.random() < 0.9 and
                 len(m) < len(self.KEYS) else rng.choice(self.KEYS))
            v = rng.randrange(1000)
            op = rng.randrange(22)
            # The operations that turn a dict into an ordinary one, less
            # often, so that many steps run on shared dicts.
            if op in (6, 10, 11, 17) and rng.random() < 0.7:
                op = rng.choice((0, 7, 9, 14, 18, 20, 21))
            if op < 6:
                setattr(o, k, v)
                m[k] = v
            elif op == 6:
                if k in m:
                    delattr(o, k)
                    del m[k]
                else:
                    self.assertRaises(AttributeError, delattr, o, k)
            elif op == 7:
                self.assertEqual(getattr(o, k, None), m.get(k))
            elif op == 8:
                vars(o)[k] = v
                m[k] = v
            elif op == 9:
                self.assertEqual(d.get(k), m.get(k))
                self.assertEqual(k in d, k in m)
            elif op == 10:
                self.assertEqual(d.pop(k, None), m.pop(k, None))
            elif op == 11:
                self.assertEqual(d.setdefault(k, v), m.setdefault(k, v))
            elif op == 12:
                j = rng.randrange(len(objs))
                if j != i:
                    d.update(objs[j].__dict__)
                    m.update(models[j])
            elif op == 13 and rng.random() < 0.1:
                d.clear()
                m.clear()
            elif op == 14:
                c = copy.copy(o)
                self.assertEqual(c.__dict__.items(), m.items())
                objs[i] = c
            elif op == 15:
                mod = rng.choice((pickle, cPickle))
                cls = o.__class__
                o.__class__ = Pickled
                p = mod.loads(mod.dumps(o, rng.randrange(3)))
                self.assertEqual(p.__dict__.items(), m.items())
                o.__class__ = (cls if rng.random() < 0.9 else
                               rng.choice(classes))
            elif op == 16 and rng.random() < 0.1:
                o.__dict__ = dict(m)
                m = models[i] = collections.OrderedDict(
                    o.__dict__.items())
            elif op == 17:
                if m:
                    self.assertEqual(d.popitem(), m.popitem())
                else:
                    self.assertRaises(KeyError, d.popitem)
            elif op == 18:
                self.assertEqual(d, dict(m))
                other = objs[rng.randrange(len(objs))].__dict__
                self.assertEqual(d == other,
                                 dict(m) == dict(other.items()))
            elif op == 19 and rng.random() < 0.05:
                d[7] = v
                self.assertEqual(d[7], v)
                del d[7]
            elif op == 20:
                self.assertEqual(list(d.iteritems()), m.items())
                self.assertEqual(d.values(), m.values())
            else:
                # A fresh instance: attributes set one by one, or an
                # update() from the model.
                objs[i] = type(o)(0)
                if rng.random() < 0.5:
                    objs[i].__dict__.update(m)
                else:
                    for key, value in m.items():
                        setattr(objs[i], key, value)
                self.assertEqual(objs[i].__dict__.items(), m.items())
            d = objs[i].__dict__
            self.assertEqual(d.items(), models[i].items())
            self.assertEqual(len(d), len(models[i]))
            for key, value in models[i].items():
                self.assertEqual(getattr(objs[i], key), value)
            shared_seen += is_shared(d)
        return shared_seen

    def test_mixed_operations(self):
        for seed in (18, 412, 2024):
            shared = self.run_ops(seed, 4000)
            # The test is meant to exercise shared dicts, not only the
            # fallbacks.
            self.assertGreater(shared, 4000 // 20)


@unittest.skipIf(ENABLED, 'shared-keys is on')
class DisabledTest(unittest.TestCase):

    def test_no_observer(self):
        import _testcapi
        self.assertFalse(hasattr(_testcapi, 'plus_dict_is_shared'))


def test_main():
    test_support.run_unittest(SharingTest, FallbackTest, DifferentialTest,
                              DisabledTest)


if __name__ == '__main__':
    test_main()
