"""PythonPlus gc-free-stdlib: common stdlib paths leave no reference cycles.

Each check runs an operation with the collector disabled and counts what
gc.collect() finds afterwards.  Tools/plus/garbage.py measures the same
operations (and more) against a stock build.
"""
import collections
import copy
import cPickle
import gc
import inspect
import json
import pickle
import StringIO
import sys
import unittest

from test import test_support

ENABLED = 'gc-free-stdlib' in sys.pythonplus.features
CLOSING_JSON = ENABLED and 'func-close' in sys.pythonplus.features


def garbage(operation, *args):
    """What gc.collect() finds after operation(*args), collector off; one
    run before warms up the caches and imports the operation may fill."""
    operation(*args)
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        operation(*args)
        return gc.collect()
    finally:
        if was_enabled:
            gc.enable()


def stock_namedtuple(*args, **kwargs):
    """collections.namedtuple as stock 2.7.18 runs it (exec'd template)."""
    saved = collections._plus_namedtuple_class
    collections._plus_namedtuple_class = None
    try:
        return collections.namedtuple(*args, **kwargs)
    finally:
        collections._plus_namedtuple_class = saved


Point = collections.namedtuple('Point', 'x y')


def method_names(cls):
    return sorted(name for name in vars(cls)
                  if name not in ('__doc__', '__module__', '__slots__'))


@unittest.skipUnless(ENABLED, 'built without gc-free-stdlib')
class NamedtupleTest(unittest.TestCase):

    shapes = [('Point', 'x y'), ('One', 'a'), ('Empty', ''),
              ('Record', 'name, count, index, size'),
              ('Renamed', ['a', 'def', '_b', 'a', '1x']),
              ('Wide', ['f%d' % i for i in range(254)])]

    def pair(self, typename, fields, **kw):
        kw.setdefault('rename', True)
        return (collections.namedtuple(typename, fields, **kw),
                stock_namedtuple(typename, fields, **kw))

    def test_not_exec(self):
        self.assertIsNotNone(collections._plus_namedtuple_class)
        self.assertIn('_plus_gcfree.py', Point.__new__.__code__.co_filename)

    def test_same_class_as_stock(self):
        for typename, fields in self.shapes:
            new, old = self.pair(typename, fields)
            self.assertEqual(new.__name__, old.__name__)
            self.assertEqual(new.__bases__, (tuple,))
            self.assertEqual(new.__module__, __name__)
            self.assertEqual(new.__module__, old.__module__)
            self.assertEqual(new._fields, old._fields)
            self.assertEqual(new.__doc__, old.__doc__)
            self.assertEqual(new.__slots__, ())
            self.assertEqual(method_names(new), method_names(old))
            for name in method_names(old):
                a, b = getattr(new, name), getattr(old, name)
                self.assertEqual(type(a), type(b), name)
                self.assertEqual(getattr(a, '__doc__', None),
                                 getattr(b, '__doc__', None), name)
                if inspect.ismethod(a) or inspect.isfunction(a):
                    self.assertEqual(inspect.getargspec(a),
                                     inspect.getargspec(b), name)
                    self.assertEqual(a.__module__, b.__module__, name)
                    self.assertEqual(a.__name__, b.__name__, name)
            self.assertEqual(inspect.getargspec(new.__new__),
                             inspect.getargspec(old.__new__))
            self.assertFalse(hasattr(new(*range(len(new._fields))),
                                     '__weakref__'))

    def test_same_instances_as_stock(self):
        for typename, fields in self.shapes:
            new, old = self.pair(typename, fields)
            n = len(new._fields)
            a, b = new(*range(n)), old(*range(n))
            self.assertEqual(a, b)
            self.assertEqual(repr(a), repr(b))
            self.assertEqual(a._asdict(), b._asdict())
            self.assertEqual(vars(a), vars(b))
            self.assertEqual(a.__dict__, b.__dict__)
            self.assertEqual(a.__getnewargs__(), b.__getnewargs__())
            self.assertIsNone(a.__getstate__())
            self.assertEqual(new._make(range(n)), a)
            self.assertEqual(new(**dict(zip(new._fields, range(n)))), a)
            for i, name in enumerate(new._fields):
                self.assertEqual(getattr(a, name), i)
                self.assertEqual(getattr(new, name).__doc__,
                                 getattr(old, name).__doc__)
                self.assertEqual(a._replace(**{name: 'r'})[i], 'r')
            self.assertEqual(copy.copy(a), a)
            self.assertEqual(copy.deepcopy(a), a)

    def test_same_errors_as_stock(self):
        new, old = self.pair('Point', 'x y')
        calls = [lambda c: c(1), lambda c: c(1, 2, 3), lambda c: c(1, z=2),
                 lambda c: c(1, x=2), lambda c: c._make([1]),
                 lambda c: c._make([1, 2, 3]), lambda c: c._make(1),
                 lambda c: c(1, 2)._replace(z=3),
                 lambda c: c(1, 2)._replace(1), lambda c: c.x.fget(()),
                 lambda c: c()]
        for call in calls:
            errors = []
            for cls in (new, old):
                try:
                    call(cls)
                except Exception as e:
                    errors.append((type(e), str(e)))
                else:
                    errors.append(None)
            self.assertIsNotNone(errors[0])
            self.assertEqual(errors[0], errors[1])

    def test_validation_unchanged(self):
        for bad in [('1abc', 'x'), ('abc', 'x 1y'), ('abc', 'x x'),
                    ('abc', '_x'), ('abc', 'for'), ('a-b', 'x'),
                    ('abc', 'x-y')]:
            self.assertRaises(ValueError, collections.namedtuple, *bad)
        self.assertRaises(TypeError, collections.namedtuple, 'abc', 1)
        self.assertRaises(TypeError, collections.namedtuple)
        # Many fields.
        fields = ['f%d' % i for i in range(300)]
        new, old = self.pair('T', fields)
        self.assertEqual(new(*range(300)), old(*range(300)))
        self.assertEqual(new(*range(300)).f299, 299)

    def test_pickle(self):
        p = Point(1, [2])
        for proto in range(pickle.HIGHEST_PROTOCOL + 1):
            for mod in (pickle, cPickle):
                q = mod.loads(mod.dumps(p, proto))
                self.assertEqual(q, p)
                self.assertIs(type(q), Point)

    def test_subclass(self):
        class Point3(Point):
            __slots__ = ()
            @property
            def norm(self):
                return abs(self.x) + abs(self.y)
        p = Point3(3, -4)
        self.assertEqual(p.norm, 7)
        self.assertEqual(repr(p), 'Point(x=3, y=-4)')
        self.assertIs(type(p._replace(x=1)), Point3)
        self.assertIs(type(Point3._make([1, 2])), Point3)

    def test_verbose(self):
        with test_support.captured_stdout() as out:
            collections.namedtuple('Point', 'x y', verbose=True)
        self.assertIn('class Point(tuple):', out.getvalue())

    def test_unicode_names(self):
        T = collections.namedtuple(u'T', [u'a', u'b'])
        self.assertEqual(T(1, 2).a, 1)
        self.assertIs(type(T.__name__), str)

    def test_class_garbage_not_above_a_class_statement(self):
        # A class statement with the same methods and properties.
        source = collections._class_template.format(
            typename='Shape', field_names=('x', 'y', 'z'), num_fields=3,
            arg_list='x, y, z', repr_fmt='x=%r, y=%r, z=%r',
            field_defs='\n'.join(collections._field_template.format(
                index=i, name=name) for i, name in enumerate('xyz')))
        namespace = dict(_itemgetter=collections._itemgetter,
                         OrderedDict=collections.OrderedDict,
                         _property=property, _tuple=tuple)
        code = compile('def make():\n' + ''.join(
            '    ' + line + '\n' for line in source.splitlines()) +
            '    return Shape\n', 'shape', 'exec')
        exec code in namespace
        plain = garbage(namespace['make'])
        made = garbage(collections.namedtuple, 'Shape', 'x y z')
        stock = garbage(stock_namedtuple, 'Shape', 'x y z')
        self.assertGreater(plain, 0)
        self.assertLessEqual(made, plain)
        self.assertGreater(stock, plain)

    def test_instances_leave_nothing(self):
        def use():
            p = Point(1, 2)
            q = p._replace(x=3)
            d = p._asdict()
            r = Point._make([d['x'], q.y])
            repr(r)
            copy.copy(r)
            pickle.loads(pickle.dumps(r, 2))
        self.assertEqual(garbage(use), 0)


@unittest.skipUnless(CLOSING_JSON, 'built without gc-free-stdlib/func-close')
class JsonTest(unittest.TestCase):

    DATA = {'name': 'x', 'list': [1, 2.5, [3, {'deep': None}]],
            'flag': True, 'nested': {'a': [], 'b': {}}, u'uni': u'\xe9'}

    def test_output_unchanged(self):
        self.assertEqual(json.dumps(self.DATA, sort_keys=True),
                         '{"flag": true, "list": [1, 2.5, [3, {"deep": null}'
                         ']], "name": "x", "nested": {"a": [], "b": {}}, '
                         '"uni": "\\u00e9"}')
        self.assertEqual(json.dumps([1, {'a': 2}], indent=1),
                         '[\n 1, \n {\n  "a": 2\n }\n]')

    def test_no_garbage(self):
        out = StringIO.StringIO()
        ops = [lambda: json.dumps(self.DATA),
               lambda: json.dumps(self.DATA, indent=2),
               lambda: json.dumps(self.DATA, sort_keys=True),
               lambda: json.dump(self.DATA, out),
               lambda: list(json.JSONEncoder().iterencode(self.DATA)),
               lambda: json.loads(json.dumps(self.DATA, indent=4))]
        for op in ops:
            self.assertEqual(garbage(op), 0)

    def test_abandoned_and_failing_iterencode(self):
        def abandoned():
            it = json.JSONEncoder(indent=2).iterencode(self.DATA)
            next(it)
            next(it)
        self.assertEqual(garbage(abandoned), 0)
        def failing():
            try:
                json.dumps([1, {'bad': object()}], indent=2)
            except TypeError:
                pass
            else:
                self.fail('no TypeError')
        self.assertEqual(garbage(failing), 0)
        def circular():
            l = []
            l.append(l)
            try:
                json.dumps(l, indent=2)
            except ValueError:
                pass
            del l[:]
        self.assertEqual(garbage(circular), 0)

    def test_repeated_iterencode(self):
        enc = json.JSONEncoder(sort_keys=True)
        self.assertEqual(list(enc.iterencode([1])), list(enc.iterencode([1])))


@unittest.skipUnless(ENABLED, 'built without gc-free-stdlib')
class OrderedDictTest(unittest.TestCase):

    def test_no_garbage(self):
        def use():
            od = collections.OrderedDict([(1, 'a'), (2, 'b'), (3, 'c')])
            od[4] = 'd'
            del od[2]
            od.popitem()
            od.popitem(last=False)
            od.update(x=1)
            list(reversed(od))
            od2 = od.copy()
            od2.clear()
            od2['y'] = 2
            pickle.loads(pickle.dumps(od, 2))
            copy.deepcopy(od)
        self.assertEqual(garbage(use), 0)
        self.assertEqual(garbage(collections.OrderedDict), 0)

    def test_subclass_and_reinit(self):
        class Sub(collections.OrderedDict):
            pass
        def use():
            s = Sub(a=1)
            s.__init__([('b', 2)])
            self.assertEqual(list(s), ['a', 'b'])
        self.assertEqual(garbage(use), 0)

    def test_behaviour_unchanged(self):
        od = collections.OrderedDict.fromkeys('abc')
        self.assertEqual(list(od), ['a', 'b', 'c'])
        self.assertEqual(od, collections.OrderedDict.fromkeys('abc'))
        self.assertNotEqual(od, collections.OrderedDict.fromkeys('cba'))
        self.assertEqual(repr(od),
                         "OrderedDict([('a', None), ('b', None), ('c', None)])")
        # The unlinker is not state: pickles are as stock's.
        self.assertEqual(len(od.__reduce__()), 2)
        od.attr = 1
        self.assertEqual(od.__reduce__()[2], {'attr': 1})
        self.assertEqual(pickle.loads(pickle.dumps(od)).attr, 1)

    def test_in_a_cycle(self):
        # The collector still frees an OrderedDict that is part of a cycle.
        def cyclic():
            od = collections.OrderedDict(a=1)
            od['self'] = od
        self.assertGreater(garbage(cyclic), 0)

    def test_stdlib_users(self):
        import ConfigParser
        def config():
            c = ConfigParser.ConfigParser()
            c.readfp(StringIO.StringIO('[s]\na = 1\nb = %(a)s\n'))
            self.assertEqual(c.get('s', 'b'), '1')
        self.assertEqual(garbage(config), 0)
        def hook():
            json.loads('{"a": [1, {"b": 2}]}',
                       object_pairs_hook=collections.OrderedDict)
        self.assertEqual(garbage(hook), 0)


@unittest.skipUnless(ENABLED, 'built without gc-free-stdlib')
class ElementTreeTest(unittest.TestCase):

    def test_no_garbage(self):
        import xml.etree.ElementTree as ET
        def use():
            root = ET.fromstring('<a><b x="1">t</b><c/></a>')
            self.assertEqual(root.find('b').get('x'), '1')
            ET.tostring(root)
            parser = ET.XMLParser()
            parser.feed('<a/>')
            parser.close()
        self.assertEqual(garbage(use), 0)


class OffTest(unittest.TestCase):

    @unittest.skipIf(ENABLED, 'built with gc-free-stdlib')
    def test_stock_paths(self):
        import _plus_gcfree
        self.assertIsNone(collections._plus_namedtuple_class)
        self.assertIsNone(_plus_gcfree.closing_iterencode)
        self.assertEqual(Point.__new__.__code__.co_filename, '<string>')


def test_main():
    test_support.run_unittest(NamedtupleTest, JsonTest, OrderedDictTest,
                              ElementTreeTest, OffTest)


if __name__ == '__main__':
    test_main()
