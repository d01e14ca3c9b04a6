"""PythonPlus clear-weakrefs: weakref.clear_weakrefs(obj) on live objects."""
import gc
import sys
import unittest
import weakref

from test import test_support

ENABLED = 'clear-weakrefs' in sys.pythonplus.features


class Obj(object):
    def __init__(self, name='obj'):
        self.name = name

    def __call__(self):
        return self.name

    def __hash__(self):
        return hash(self.name)

    def __eq__(self, other):
        return self is other


class Classic:
    pass


class Pool(object):
    """An object pool that recycles instead of re-creating: release()
    makes the object forget every weak reference of its previous life."""

    def __init__(self):
        self.free = []

    def acquire(self, name):
        if self.free:
            obj = self.free.pop()
            obj.__init__(name)
        else:
            obj = Obj(name)
        return obj

    def release(self, obj):
        weakref.clear_weakrefs(obj)
        self.free.append(obj)


@unittest.skipUnless(ENABLED, 'built without clear-weakrefs')
class ClearWeakrefsTest(unittest.TestCase):

    def test_refs_and_proxies(self):
        o = Obj()
        r1 = weakref.ref(o)
        r2 = weakref.ref(o, lambda r: None)
        p1 = weakref.proxy(o)
        p2 = weakref.proxy(o, lambda r: None)
        self.assertEqual(p1(), 'obj')
        self.assertEqual(weakref.clear_weakrefs(o), 4)
        self.assertIsNone(r1())
        self.assertIsNone(r2())
        with self.assertRaises(ReferenceError):
            p1.name
        with self.assertRaises(ReferenceError):
            p2()
        self.assertEqual(weakref.getweakrefcount(o), 0)
        self.assertEqual(weakref.getweakrefs(o), [])
        # The object itself is untouched.
        self.assertEqual(o.name, 'obj')

    def test_new_references_afterwards(self):
        o = Obj()
        old = weakref.ref(o)
        weakref.clear_weakrefs(o)
        new = weakref.ref(o)
        self.assertIsNot(new, old)
        self.assertIs(new(), o)
        self.assertIsNone(old())
        self.assertEqual(weakref.getweakrefcount(o), 1)
        self.assertEqual(weakref.clear_weakrefs(o), 1)
        self.assertIsNone(new())

    def test_callbacks_run_with_the_dead_reference(self):
        o = Obj()
        calls = []
        def callback(ref):
            calls.append(ref)
            if type(ref) is weakref.ref:
                calls.append(ref())
        r = weakref.ref(o, callback)
        p = weakref.proxy(o, callback)
        self.assertEqual(weakref.clear_weakrefs(o), 2)
        self.assertEqual(len(calls), 3)
        self.assertIn(None, calls)          # r() inside its callback
        self.assertEqual(sorted(id(c) for c in calls if c is not None),
                         sorted([id(r), id(p)]))
        self.assertEqual(weakref.clear_weakrefs(o), 0)
        self.assertEqual(len(calls), 3)

    def test_weak_containers_drop_entries(self):
        o = Obj('key')
        other = Obj('other')
        values = weakref.WeakValueDictionary({1: o, 2: other})
        keys = weakref.WeakKeyDictionary({o: 1, other: 2})
        members = weakref.WeakSet([o, other])
        weakref.clear_weakrefs(o)
        self.assertEqual(values.keys(), [2])
        self.assertEqual(keys.keys(), [other])
        self.assertEqual(list(members), [other])
        self.assertNotIn(o, members)
        # And they take the object back.
        values[3] = o
        keys[o] = 3
        members.add(o)
        self.assertIs(values[3], o)
        self.assertEqual(keys[o], 3)
        self.assertIn(o, members)

    def test_recycled_object(self):
        pool = Pool()
        a = pool.acquire('first')
        by_id = weakref.WeakValueDictionary({'first': a})
        watcher = weakref.proxy(a)
        pool.release(a)
        self.assertNotIn('first', by_id)
        self.assertRaises(ReferenceError, getattr, watcher, 'name')
        b = pool.acquire('second')
        self.assertIs(b, a)                 # the same object, re-initialised
        by_id['second'] = b
        self.assertEqual(by_id.keys(), ['second'])
        self.assertEqual(b.name, 'second')

    def test_callback_making_new_references(self):
        o = Obj()
        made = []
        def callback(ref):
            made.append(weakref.ref(o))
        weakref.ref(o, callback)
        keep = weakref.ref(o, callback)
        self.assertEqual(weakref.clear_weakrefs(o), 1)
        self.assertEqual(len(made), 1)
        self.assertIs(made[0](), o)         # made after the clearing
        self.assertIsNone(keep())
        self.assertEqual(weakref.clear_weakrefs(o), 1)

    def test_reentrant_callback(self):
        o = Obj()
        counts = []
        def callback(ref):
            fresh = weakref.ref(o)
            counts.append(weakref.clear_weakrefs(o))
            self.assertIsNone(fresh())
        refs = [weakref.ref(o, callback) for i in range(3)]
        self.assertEqual(weakref.clear_weakrefs(o), 3)
        self.assertEqual(counts, [1, 1, 1])
        self.assertEqual(weakref.getweakrefcount(o), 0)

    def test_failing_callback(self):
        o = Obj()
        calls = []
        def bad(ref):
            calls.append('bad')
            raise ZeroDivisionError('in callback')
        def good(ref):
            calls.append('good')
        refs = [weakref.ref(o, bad), weakref.ref(o, good)]
        with test_support.captured_stderr() as err:
            self.assertEqual(weakref.clear_weakrefs(o), 2)
        self.assertEqual(sorted(calls), ['bad', 'good'])
        self.assertIn('ZeroDivisionError', err.getvalue())
        self.assertEqual([r() for r in refs], [None, None])

    def test_no_references(self):
        o = Obj()
        self.assertEqual(weakref.clear_weakrefs(o), 0)
        self.assertEqual(weakref.clear_weakrefs(o), 0)

    def test_other_weakrefable_types(self):
        def func():
            pass
        # Not types: their subclasses are weak references too (see the
        # caveat in whatsnew.txt).
        objs = [Classic(), func, set(), frozenset([1]), weakref.WeakSet()]
        for o in objs:
            r = weakref.ref(o)
            self.assertEqual(weakref.clear_weakrefs(o), 1, o)
            self.assertIsNone(r())
            self.assertIs(weakref.ref(o)(), o)

    def test_ref_subclasses(self):
        class MyRef(weakref.ref):
            pass
        o = Obj()
        r = MyRef(o)
        k = weakref.KeyedRef(o, None, 'k')
        self.assertEqual(weakref.clear_weakrefs(o), 2)
        self.assertIsNone(r())
        self.assertIsNone(k())
        self.assertEqual(k.key, 'k')

    def test_hash_of_cleared_reference(self):
        o = Obj('h')
        hashed = weakref.ref(o)
        h = hash(hashed)
        unhashed = weakref.ref(o, lambda r: None)
        weakref.clear_weakrefs(o)
        self.assertEqual(hash(hashed), h)       # cached while alive
        self.assertRaises(TypeError, hash, unhashed)

    def test_many_references(self):
        o = Obj()
        seen = []
        refs = [weakref.ref(o, seen.append) for i in range(1000)]
        self.assertEqual(weakref.clear_weakrefs(o), 1000)
        self.assertEqual(len(seen), 1000)
        self.assertTrue(all(r() is None for r in refs))

    def test_object_dies_later_normally(self):
        o = Obj()
        calls = []
        weakref.ref(o, calls.append)
        r = weakref.ref(o, calls.append)
        weakref.clear_weakrefs(o)
        r2 = weakref.ref(o, calls.append)
        del o
        gc.collect()
        self.assertIsNone(r2())
        self.assertEqual(len(calls), 2)     # r on clearing, r2 on death

    def test_unsupported_objects(self):
        for obj in (1, 'str', None, (), [], {}, 1.5, object(),
                    weakref.ref(Obj())):
            with self.assertRaises(TypeError) as cm:
                weakref.clear_weakrefs(obj)
            self.assertIn('cannot create weak reference to', str(cm.exception))

    def test_dead_referent(self):
        o = Obj()
        r = weakref.ref(o)
        del o
        self.assertIsNone(r())
        # What a dead reference gives back (None) has no weak references.
        self.assertRaises(TypeError, weakref.clear_weakrefs, r())

    def test_bad_arguments(self):
        self.assertRaises(TypeError, weakref.clear_weakrefs)
        self.assertRaises(TypeError, weakref.clear_weakrefs, Obj(), Obj())
        self.assertRaises(TypeError, weakref.clear_weakrefs, obj=Obj())

    def test_exported(self):
        import _weakref
        self.assertIs(weakref.clear_weakrefs, _weakref.clear_weakrefs)
        self.assertIn('clear_weakrefs', weakref.__all__)


class ClearWeakrefsOffTest(unittest.TestCase):

    @unittest.skipIf(ENABLED, 'built with clear-weakrefs')
    def test_absent(self):
        import _weakref
        self.assertFalse(hasattr(weakref, 'clear_weakrefs'))
        self.assertFalse(hasattr(_weakref, 'clear_weakrefs'))
        self.assertNotIn('clear_weakrefs', weakref.__all__)


def test_main():
    test_support.run_unittest(ClearWeakrefsTest, ClearWeakrefsOffTest)


if __name__ == '__main__':
    test_main()
