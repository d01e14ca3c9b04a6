"""PythonPlus func-close: function.close() empties the closure's cells."""
import gc
import sys
import types
import unittest

from test import test_support

ENABLED = 'func-close' in sys.pythonplus.features


class collecting_disabled(object):
    """gc.disable() inside, the previous state restored afterwards; the
    garbage of what ran before is collected on entry."""

    def __enter__(self):
        self.was_enabled = gc.isenabled()
        gc.collect()
        gc.disable()
        return self

    def __exit__(self, *exc_info):
        if self.was_enabled:
            gc.enable()


# The motivating case: a recursive generator closure.  'listiter' is a cell
# of itertest's scope, and listiter's closure holds that cell: function ->
# closure tuple -> cell -> function.
def itertest_stock(o):
    def listiter(l):
        for x in l:
            if isinstance(x, list):
                for i in listiter(x):
                    yield i
            else:
                yield x
    for i in listiter(o):
        yield i

def itertest(o):
    def listiter(l):
        for x in l:
            if isinstance(x, list):
                for i in listiter(x):
                    yield i
            else:
                yield x
    try:
        for i in listiter(o):
            yield i
    finally:
        listiter.close()

DATA = [1, [2, [3, 4], 5], [[6]], 7]


@unittest.skipUnless(ENABLED, 'built without func-close')
class FuncCloseTest(unittest.TestCase):

    def test_cells_emptied(self):
        def outer():
            a = [1]
            b = 'b'
            def inner():
                return a, b
            return inner
        f = outer()
        self.assertEqual(f(), ([1], 'b'))
        self.assertIsNone(f.close())
        self.assertEqual([c.cell_contents for c in f.__closure__
                          if self._full(c)], [])
        with self.assertRaises(NameError) as cm:
            f()
        self.assertEqual(str(cm.exception),
                         "free variable 'a' referenced before assignment "
                         "in enclosing scope")

    @staticmethod
    def _full(cell):
        try:
            cell.cell_contents
        except ValueError:
            return False
        return True

    def test_frees_the_values_at_once(self):
        import weakref
        class Big(object):
            pass
        def outer():
            big = Big()
            def inner():
                return big
            return inner, weakref.ref(big)
        f, ref = outer()
        self.assertIsNotNone(ref())
        f.close()
        self.assertIsNone(ref())

    def test_shared_with_siblings_and_enclosing_scope(self):
        def outer():
            x = 1
            def get():
                return x
            def other():
                return x + 1
            def gen():
                yield x
                yield x
            return get, other, gen()
        get, other, g = outer()
        self.assertEqual(next(g), 1)
        get.close()
        for f in (get, other):
            self.assertRaises(NameError, f)
        # The enclosing scope's own frame (a generator here) sees the
        # variable unbound too: UnboundLocalError is a NameError.
        def owner():
            y = 'y'
            def reader():
                return y
            yield reader
            yield y
        o = owner()
        reader = next(o)
        reader.close()
        with self.assertRaises(NameError) as cm:
            next(o)
        self.assertIsInstance(cm.exception, UnboundLocalError)
        self.assertEqual(str(cm.exception),
                         "local variable 'y' referenced before assignment")

    def test_rebinding_after_close(self):
        def outer():
            box = []
            def setter(v):
                box.append(v)
            def getter():
                return box
            return setter, getter
        setter, getter = outer()
        setter(1)
        getter.close()
        self.assertRaises(NameError, getter)
        self.assertRaises(NameError, setter, 2)

    def test_repeated_and_no_closure(self):
        def plain(a=1):
            return a
        self.assertIsNone(plain.__closure__)
        for i in range(3):
            self.assertIsNone(plain.close())
        self.assertEqual(plain(), 1)
        lam = lambda: 42
        lam.close()
        self.assertEqual(lam(), 42)
        def outer():
            v = 1
            return lambda: v
        f = outer()
        for i in range(3):
            self.assertIsNone(f.close())
        self.assertRaises(NameError, f)

    def test_methods(self):
        class C(object):
            def m(self):
                return self
        c = C()
        # Bound and unbound methods reach the function's attribute.
        self.assertIsNone(c.m.close())
        self.assertIsNone(C.m.close())
        self.assertIs(c.m(), c)

    def test_builtins_and_other_callables_have_no_close(self):
        for obj in (len, [].append, object.__init__, type, object(),
                    (lambda: 0).__code__, sys._getframe()):
            self.assertFalse(hasattr(obj, 'close'), obj)

    def test_bad_input(self):
        close = types.FunctionType.close
        for bad in (None, 1, len, lambda: 0):
            if isinstance(bad, types.FunctionType):
                continue
            self.assertRaises(TypeError, close, bad)
        self.assertRaises(TypeError, close)
        self.assertRaises(TypeError, (lambda: 0).close, 1)
        self.assertRaises(TypeError, (lambda: 0).close, x=1)

    def test_del_during_close(self):
        # Emptying a cell may run __del__, which may use the function.
        log = []
        def outer():
            class D(object):
                def __del__(self):
                    log.append(f.__closure__ is not None)
                    f.close()
            d = D()
            e = D()
            def f():
                return d, e
            return f
        f = outer()
        f.close()
        self.assertEqual(log, [True, True])

    def test_motivating_case_stock_leaves_garbage(self):
        with collecting_disabled():
            self.assertEqual(list(itertest_stock(DATA)), range(1, 8))
            # The function, its closure tuple and cells.
            self.assertGreaterEqual(gc.collect(), 3)

    def test_motivating_case_with_close_leaves_nothing(self):
        with collecting_disabled():
            for i in range(3):
                self.assertEqual(list(itertest(DATA)), range(1, 8))
                self.assertEqual(gc.collect(), 0)

    def test_motivating_case_abandoned(self):
        # A generator dropped half-way runs its finally clause too.
        with collecting_disabled():
            g = itertest(DATA)
            self.assertEqual([next(g), next(g), next(g)], [1, 2, 3])
            del g
            self.assertEqual(gc.collect(), 0)


class FuncCloseOffTest(unittest.TestCase):

    @unittest.skipIf(ENABLED, 'built with func-close')
    def test_stock_functions_have_no_close(self):
        self.assertFalse(hasattr(lambda: 0, 'close'))


def test_main():
    test_support.run_unittest(FuncCloseTest, FuncCloseOffTest)


if __name__ == '__main__':
    test_main()
