"""PythonPlus instance values (WITH_PLUS_INSTANCE_VALUES): an instance of
a Python class holds its attributes in a values block on its class's
shared keys, with no dict object, until something asks for its __dict__
(Objects/plus_instance_values.h).  Whether an object holds a block is
read with _testcapi.plus_has_instance_values, which never makes the
dict."""
import copy
import cPickle
import gc
import pickle
import random
import sys
import unittest
import weakref

from test import test_support

ENABLED = 'instance-values' in sys.pythonplus.features
if ENABLED:
    import _testcapi
    has_values = _testcapi.plus_has_instance_values
    is_shared = _testcapi.plus_dict_is_shared
MAX_KEYS = 30                           # PLUS_SK_MAX_KEYS


class Point(object):
    def __init__(self, x=1, y=2, z=3):
        self.x = x
        self.y = y
        self.z = z


class PointSub(Point):
    pass


class Other(object):
    def __init__(self):
        self.a = 'a'
        self.b = 'b'


class Slotted(object):
    __slots__ = ('s', '__dict__', '__weakref__')


class Named(str):
    pass


class Hooked(object):
    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        return ('missing', name)

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)


# Module level, for pickle.
class Pickled(object):
    def __init__(self):
        self.p = 1
        self.q = [1, 2]


class PickledSub(Pickled):
    pass


class DiffA(object):
    pass


class DiffB(object):
    pass


def fresh_class(base=object):
    class C(base):
        pass
    return C


@unittest.skipUnless(ENABLED, 'instance-values is off')
class ValuesTest(unittest.TestCase):

    def test_no_dict_until_asked(self):
        p = Point()
        self.assertTrue(has_values(p))
        self.assertEqual((p.x, p.y, p.z), (1, 2, 3))
        p.x = 10                        # replace
        self.assertEqual(p.x, 10)
        self.assertTrue(has_values(p))
        d = p.__dict__
        self.assertFalse(has_values(p))
        self.assertTrue(is_shared(d))
        self.assertEqual(d, {'x': 10, 'y': 2, 'z': 3})
        self.assertEqual(d.keys(), ['x', 'y', 'z'])

    def test_empty_instance(self):
        p = fresh_class()()
        self.assertFalse(has_values(p))
        self.assertRaises(AttributeError, getattr, p, 'x')
        self.assertEqual(p.__dict__, {})

    def test_missing_attribute(self):
        p = Point()
        with self.assertRaises(AttributeError) as cm:
            p.nothere
        self.assertIn('nothere', str(cm.exception))
        self.assertTrue(has_values(p))
        self.assertFalse(hasattr(p, 'w'))
        self.assertEqual(getattr(p, 'w', 5), 5)
        self.assertTrue(has_values(p))

    def test_methods_and_class_attributes(self):
        class C(object):
            k = 'class'

            def m(self):
                return self.v
        c = C()
        c.v = 1
        self.assertEqual(c.m(), 1)
        self.assertEqual(c.k, 'class')
        c.k = 'inst'
        self.assertEqual(c.k, 'inst')
        self.assertEqual(C.k, 'class')
        self.assertTrue(has_values(c))

    def test_data_descriptor_wins(self):
        class C(object):
            @property
            def x(self):
                return 'prop'
        c = C()
        with self.assertRaises(AttributeError):
            c.x = 1
        c.y = 2
        self.assertEqual(c.x, 'prop')
        self.assertTrue(has_values(c))

    def test_delete_materializes(self):
        p = Point()
        del p.y
        self.assertFalse(has_values(p))
        self.assertEqual(p.__dict__, {'x': 1, 'z': 3})
        self.assertRaises(AttributeError, getattr, p, 'y')
        with self.assertRaises(AttributeError):
            del p.y
        q = Point()
        with self.assertRaises(AttributeError):
            del q.nothere
        self.assertEqual(q.__dict__, {'x': 1, 'y': 2, 'z': 3})
        r = fresh_class()()
        with self.assertRaises(AttributeError):
            del r.nothere

    def test_order_of_keys(self):
        C = fresh_class()
        a = C()
        for name in 'dcbae':
            setattr(a, name, name.upper())
        b = C()
        for name in 'dcb':
            setattr(b, name, 1)
        self.assertTrue(has_values(b))
        b.x = 2                         # out of the shared order
        self.assertFalse(has_values(b))
        self.assertEqual(b.__dict__.keys(), ['d', 'c', 'b', 'x'])
        self.assertEqual(a.__dict__.keys(), list('dcbae'))
        c = C()
        c.c = 1                         # not the first shared key
        self.assertFalse(has_values(c))
        self.assertEqual(c.__dict__, {'c': 1})

    def test_dict_identity_stays(self):
        p = Point()
        d = p.__dict__
        self.assertIs(p.__dict__, d)
        p.w = 4
        p.x = 0
        self.assertIs(p.__dict__, d)
        self.assertIs(vars(p), d)
        self.assertEqual(d, {'x': 0, 'y': 2, 'z': 3, 'w': 4})
        d['new'] = 'n'
        self.assertEqual(p.new, 'n')
        d.clear()
        self.assertRaises(AttributeError, getattr, p, 'x')
        p.x = 5
        self.assertEqual(d, {'x': 5})

    def test_vars_and_dir(self):
        p = Point()
        self.assertEqual(vars(p), {'x': 1, 'y': 2, 'z': 3})
        q = Point()
        names = dir(q)
        for name in 'xyz':
            self.assertIn(name, names)
        self.assertIn('__init__', names)

    def test_dict_assignment_and_deletion(self):
        p = Point()
        p.__dict__ = {'a': 1}
        self.assertEqual(p.a, 1)
        self.assertRaises(AttributeError, getattr, p, 'x')
        q = Point()
        del q.__dict__
        self.assertEqual(q.__dict__, {})
        q.x = 3
        self.assertEqual(q.x, 3)
        with self.assertRaises(TypeError):
            Point().__dict__ = 5

    def test_class_assignment(self):
        p = Point()
        p.__class__ = Other
        # the block was on Point's keys: p has a dict now
        self.assertFalse(has_values(p))
        self.assertEqual((p.x, p.y, p.z), (1, 2, 3))
        p.a = 'A'
        self.assertEqual(p.a, 'A')
        self.assertEqual(vars(p), {'x': 1, 'y': 2, 'z': 3, 'a': 'A'})
        o = Other()
        o.__class__ = PointSub
        self.assertEqual(o.a, 'a')
        self.assertIsInstance(o, Point)
        o.__class__ = Other
        self.assertEqual(vars(o), {'a': 'a', 'b': 'b'})
        with self.assertRaises(TypeError):
            Point().__class__ = Slotted

    def test_copy_and_deepcopy(self):
        p = Point(x=[1, 2])
        c = copy.copy(p)
        self.assertIs(c.x, p.x)
        self.assertEqual(vars(c), vars(p))
        q = Point(x=[1, 2])
        d = copy.deepcopy(q)
        self.assertEqual(d.x, [1, 2])
        self.assertIsNot(d.x, q.x)
        self.assertEqual(type(d), Point)
        self.assertEqual(vars(d), {'x': [1, 2], 'y': 2, 'z': 3})

    def test_pickle_all_protocols(self):
        for module in (pickle, cPickle):
            for proto in range(pickle.HIGHEST_PROTOCOL + 1):
                for cls in (Pickled, PickledSub):
                    obj = cls()
                    obj.extra = 'e'
                    s = module.dumps(obj, proto)
                    back = module.loads(s)
                    self.assertEqual(type(back), cls)
                    self.assertEqual(vars(back),
                                     {'p': 1, 'q': [1, 2], 'extra': 'e'})
                    back.p = 2
                    self.assertEqual(back.p, 2)

    def test_weakrefs(self):
        p = Point()
        r = weakref.ref(p)
        self.assertIs(r(), p)
        self.assertTrue(has_values(p))
        del p
        self.assertIsNone(r())
        c = Point()
        proxy = weakref.proxy(c)
        self.assertEqual(proxy.y, 2)
        proxy.y = 7
        self.assertEqual(c.y, 7)

    def test_slots_and_dict(self):
        s = Slotted()
        s.s = 'slot'
        s.d = 'dict'
        self.assertTrue(has_values(s))
        self.assertEqual((s.s, s.d), ('slot', 'dict'))
        self.assertEqual(vars(s), {'d': 'dict'})
        weakref.ref(s)

    def test_subclasses(self):
        a = PointSub()
        self.assertTrue(has_values(a))
        self.assertEqual((a.x, a.y, a.z), (1, 2, 3))
        Deep = fresh_class(fresh_class(PointSub))
        b = Deep()
        self.assertTrue(has_values(b))
        b.more = 'm'
        self.assertEqual(vars(b), {'x': 1, 'y': 2, 'z': 3, 'more': 'm'})

    def test_subclass_of_builtin(self):
        for base, args in ((int, (3,)), (str, ('s',)), (tuple, ((1,),)),
                           (long, (2,)), (list, ()), (dict, ())):
            C = fresh_class(base)
            c = C(*args)
            c.attr = base
            c.other = 'o'
            self.assertTrue(has_values(c), base)
            self.assertEqual(c.attr, base)
            self.assertEqual(vars(c), {'attr': base, 'other': 'o'})
            self.assertEqual(C(*args), base(*args))

    def test_slots_added_by_c_types_keep_their_dict(self):
        class E(Exception):
            pass
        e = E()
        e.x = 1
        self.assertFalse(has_values(e))
        self.assertEqual(e.__dict__, {'x': 1})

        def f():
            pass
        f.x = 1
        self.assertFalse(has_values(f))

    def test_getattr_setattr_overrides(self):
        h = Hooked()
        h.v = 1
        self.assertTrue(has_values(h))
        self.assertEqual(h.v, 1)
        self.assertEqual(h.nothere, ('missing', 'nothere'))
        self.assertEqual(vars(h), {'calls': [], 'v': 1})

        class G(object):
            def __getattribute__(self, name):
                if name == 'magic':
                    return 42
                return object.__getattribute__(self, name)
        g = G()
        g.a = 1
        self.assertEqual((g.magic, g.a), (42, 1))

    def test_str_subclass_and_unicode_names(self):
        p = Point()
        setattr(p, Named('x'), 'named')
        self.assertFalse(has_values(p))
        self.assertEqual(p.x, 'named')
        self.assertEqual(sorted(vars(p)), ['x', 'y', 'z'])
        U = fresh_class()
        q = U()
        q.x = 1
        setattr(q, u'w', 'u')
        self.assertTrue(has_values(q))
        self.assertEqual(q.w, 'u')
        self.assertEqual(getattr(q, u'x'), 1)
        self.assertTrue(has_values(q))
        r = Point()
        self.assertEqual(getattr(r, Named('y')), 2)
        self.assertFalse(has_values(r))
        with self.assertRaises(TypeError):
            setattr(r, 5, 1)
        with self.assertRaises(TypeError):
            getattr(Point(), 5)
        with self.assertRaises(UnicodeEncodeError):
            setattr(Point(), u'\xe9', 1)

    def test_many_attributes(self):
        C = fresh_class()
        objs = []
        for k in range(3):
            c = C()
            for i in range(MAX_KEYS + 10):
                setattr(c, 'a%d' % i, i * k)
            objs.append(c)
        for k, c in enumerate(objs):
            for i in range(MAX_KEYS + 10):
                self.assertEqual(getattr(c, 'a%d' % i), i * k)
            self.assertEqual(vars(c).keys(),
                             ['a%d' % i for i in range(MAX_KEYS + 10)])
        d = C()
        for i in range(MAX_KEYS):
            setattr(d, 'a%d' % i, i)
        self.assertTrue(has_values(d))
        d.extra = 1
        self.assertFalse(has_values(d))
        self.assertEqual(len(vars(d)), MAX_KEYS + 1)

    def test_cycle_collected(self):
        class Node(object):
            pass
        a, b = Node(), Node()
        a.other = b
        b.other = a
        a.me = a
        self.assertTrue(has_values(a))
        r = weakref.ref(a)
        del a, b
        gc.collect()
        self.assertIsNone(r())

    def test_cycle_with_finalizer_is_uncollectable_as_stock(self):
        class Fin(object):
            def __del__(self):
                pass
        a = Fin()
        a.me = a
        del a
        gc.collect()
        found = [o for o in gc.garbage if type(o) is Fin]
        self.assertEqual(len(found), 1)
        gc.garbage[:] = [o for o in gc.garbage if type(o) is not Fin]
        found[0].me = None

    def test_get_referents(self):
        p = Point(x=['x'], y=('y',))
        refs = gc.get_referents(p)
        self.assertTrue(has_values(p))
        self.assertIn(p.x, refs)
        self.assertIn(p.y, refs)
        self.assertIn(Point, refs)
        self.assertTrue(any(r is p.x for r in refs))
        d = p.__dict__
        self.assertTrue(any(r is d for r in gc.get_referents(p)))
        self.assertIn(p, gc.get_referrers(d))

    def test_deep_chain_dealloc(self):
        class Link(object):
            pass
        head = None
        for i in range(100000):
            link = Link()
            link.next = head
            head = link
        del link
        del head                        # the trashcan keeps the C stack

    def test_many_classes(self):
        classes = [fresh_class() for i in range(50)]
        objs = []
        for i, C in enumerate(classes):
            for j in range(3):
                o = C()
                o.i = i
                o.j = j
                setattr(o, 'k%d' % i, i)
                objs.append(o)
        for o in objs:
            self.assertTrue(has_values(o))
            self.assertEqual(getattr(o, 'k%d' % o.i), o.i)
            self.assertEqual(vars(o).keys(), ['i', 'j', 'k%d' % o.i])

    def test_getsizeof(self):
        p = Point()
        small = sys.getsizeof(p)
        d = p.__dict__
        size = sys.getsizeof(d)
        self.assertGreater(size, sys.getsizeof({}))
        self.assertLess(size, sys.getsizeof(dict(d)) + 200)
        self.assertEqual(sys.getsizeof(p), small)

    def test_class_outlives_and_dies(self):
        C = fresh_class()
        c = C()
        c.a = 1
        r = weakref.ref(C)
        del C
        gc.collect()
        self.assertIsNotNone(r())
        self.assertEqual(c.a, 1)
        del c
        gc.collect()
        self.assertIsNone(r())

    def test_replacing_value_runs_del_that_touches_instance(self):
        log = []

        class Victim(object):
            def __init__(self, target):
                self.target = target

            def __del__(self):
                # re-enters the instance being changed
                self.target.b = 'from del'
                self.target.c = 'c'
                log.append(vars(self.target).copy())
        C = fresh_class()
        c = C()
        c.a = Victim(c)
        c.a = 'replaced'
        self.assertEqual(log, [{'a': 'replaced', 'b': 'from del', 'c': 'c'}])
        self.assertEqual(c.a, 'replaced')

    def test_del_reads_and_writes_attributes(self):
        seen = []

        class D(object):
            def __del__(self):
                seen.append((self.a, self.b))
                self.c = 'late'
                seen.append(sorted(vars(self)))
        d = D()
        d.a, d.b = 1, 2
        del d
        self.assertEqual(seen, [(1, 2), ['a', 'b', 'c']])

    def test_collector_runs_code_while_dicts_are_made(self):
        # With a threshold of 1, making a dict object may collect; weakref
        # callbacks of the garbage then store into the instances whose
        # dict is being made.
        C = fresh_class()
        targets = [C() for i in range(50)]
        for t in targets:
            t.a = 0
        keep = []

        def callback(ref, targets=targets):
            for t in targets:
                t.a += 1
                t.b = 'cb'

        class Junk(object):
            pass
        old = gc.get_threshold()
        gc.disable()
        try:
            gc.set_threshold(1)
            gc.enable()
            for t in targets:
                j = Junk()
                j.me = j
                keep.append(weakref.ref(j, callback))
                del j
                d = t.__dict__
                self.assertIs(t.__dict__, d)
                self.assertIn('a', d)
        finally:
            gc.set_threshold(*old)
        gc.collect()
        counts = set(t.a for t in targets)
        self.assertEqual(len(counts), 1)
        for t in targets:
            self.assertFalse(has_values(t))
            self.assertEqual(sorted(vars(t)), ['a', 'b'])

    def test_threads(self):
        import threading
        C = fresh_class()
        errors = []

        def work(seed):
            rng = random.Random(seed)
            try:
                for i in range(2000):
                    o = C()
                    names = ['n%d' % rng.randrange(8) for k in range(4)]
                    for k, name in enumerate(names):
                        setattr(o, name, k)
                    expect = {}
                    for k, name in enumerate(names):
                        expect[name] = k
                    if vars(o) != expect:
                        errors.append((vars(o), expect))
            except Exception as e:
                errors.append(e)
        threads = [threading.Thread(target=work, args=(s,))
                   for s in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])


@unittest.skipUnless(ENABLED, 'instance-values is off')
class DifferentialTest(unittest.TestCase):
    """Random operations on instances, checked against a model: a plain
    dict of the attributes each instance should have."""

    NAMES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']

    def check(self, obj, model, cls):
        self.assertIs(type(obj), cls)
        for name in self.NAMES:
            if name in model:
                self.assertEqual(getattr(obj, name), model[name])
            else:
                self.assertFalse(hasattr(obj, name))

    def run_ops(self, seed, steps):
        rng = random.Random(seed)
        classes = [DiffA, DiffB]
        objs = []
        models = []
        values_seen = 0
        for step in range(steps):
            if not objs or rng.random() < 0.15:
                objs.append(rng.choice(classes)())
                models.append({})
                # a typical constructor: names in one order
                if rng.random() < 0.7:
                    for name in self.NAMES[:rng.randrange(1, 6)]:
                        setattr(objs[-1], name, step)
                        models[-1][name] = step
            i = rng.randrange(len(objs))
            obj, model = objs[i], models[i]
            name = rng.choice(self.NAMES)
            if rng.random() < 0.5:
                # most often the next name of the usual order
                for name in self.NAMES:
                    if name not in model:
                        break
            op = rng.random()
            if op < 0.45:
                value = rng.choice([step, str(step), None, [step]])
                setattr(obj, name, value)
                model[name] = value
            elif op < 0.5 and rng.random() < 0.5:
                if name in model:
                    delattr(obj, name)
                    del model[name]
                else:
                    self.assertRaises(AttributeError, delattr, obj, name)
            elif op < 0.6:
                if name in model:
                    self.assertEqual(getattr(obj, name), model[name])
                else:
                    self.assertRaises(AttributeError, getattr, obj, name)
            elif op < 0.65:
                self.assertEqual(obj.__dict__, model)
                if rng.random() < 0.5:
                    obj.__dict__[name] = step
                    model[name] = step
            elif op < 0.7:
                objs[i].__class__ = cls = rng.choice(classes)
            elif op < 0.75:
                objs[i] = copy.copy(obj)
            elif op < 0.8:
                objs[i] = copy.deepcopy(obj)
            elif op < 0.85:
                proto = rng.randrange(pickle.HIGHEST_PROTOCOL + 1)
                objs[i] = pickle.loads(pickle.dumps(obj, proto))
            elif op < 0.9:
                gc.collect()
            else:
                self.assertEqual(vars(obj), model)
            values_seen += has_values(objs[i])
            self.check(objs[i], models[i], type(objs[i]))
        for obj, model in zip(objs, models):
            self.assertEqual(vars(obj), model)
        return values_seen

    def test_mixed_operations(self):
        for seed in (11, 2026, 31337):
            seen = self.run_ops(seed, 3000)
            # The test is meant to exercise blocks, not only dicts.
            self.assertGreater(seen, 3000 // 20)


@unittest.skipIf(ENABLED, 'instance-values is on')
class DisabledTest(unittest.TestCase):

    def test_no_observer(self):
        try:
            import _testcapi
        except ImportError:
            self.skipTest('no _testcapi')
        self.assertFalse(hasattr(_testcapi, 'plus_has_instance_values'))

    def test_instances_still_work(self):
        p = Point()
        self.assertEqual(vars(p), {'x': 1, 'y': 2, 'z': 3})


def test_main():
    test_support.run_unittest(ValuesTest, DifferentialTest, DisabledTest)


if __name__ == '__main__':
    test_main()
