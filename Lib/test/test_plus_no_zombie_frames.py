"""PythonPlus no-zombie-frames (WITH_PLUS_NO_ZOMBIE_FRAMES): code objects
keep no cached frame; frames come from the bounded free list."""
import gc
import sys
import unittest
import weakref

from test import test_support

ENABLED = 'no-zombie-frames' in sys.pythonplus.features


def frame_id_first():
    return id(sys._getframe())


def frame_id_second():
    return id(sys._getframe())


def frame_is_reused_across_functions():
    """True when a frame freed by one function is reused by another: the
    free list hands it on.  Stock keeps it as the first function's zombie."""
    frame_id_first()             # the first call may still allocate
    first = frame_id_first()
    second = frame_id_second()
    return first == second


class NoZombieFramesTest(unittest.TestCase):

    def test_probe_matches_switch(self):
        self.assertEqual(frame_is_reused_across_functions(), ENABLED)

    def test_many_distinct_functions(self):
        # Compile and run many distinct functions once, then drop them.
        namespace = {}
        source = '\n'.join('def f%d(a, b=%d):\n    x = [a, b]\n    return x'
                           % (i, i) for i in range(500))
        exec compile(source, '<many>', 'exec') in namespace
        total = 0
        for i in range(500):
            total += sum(namespace['f%d' % i](1))
        self.assertEqual(total, 500 + sum(range(500)))
        namespace.clear()
        gc.collect()

    def test_deep_recursion_beyond_the_free_list(self):
        def depth(n):
            return 0 if n == 0 else 1 + depth(n - 1)
        for n in (10, 199, 200, 201, 900):
            self.assertEqual(depth(n), n)

    def test_frames_and_generators_keep_their_state(self):
        # Suspended generators keep their frames while other frames come
        # and go through the free list: each sees its own locals and the
        # same frame at every step.
        def gen(n):
            local = range(n)
            frame = sys._getframe()
            for item in local:
                here = sys._getframe()
                yield item, (here is frame and
                             here.f_locals['local'] is local and
                             here.f_locals['n'] == n)
        generators = [gen(k) for k in range(1, 50)]
        items = [[] for g in generators]
        same = [[] for g in generators]
        live = list(enumerate(generators))
        while live:                 # one step of each in turn
            for k, g in live[:]:
                try:
                    item, ok = next(g)
                except StopIteration:
                    live.remove((k, g))
                    continue
                items[k].append(item)
                same[k].append(ok)
                frame_id_first()    # a frame freed between the steps
        for k in range(len(generators)):
            self.assertEqual(items[k], range(k + 1))
            self.assertEqual(same[k], [True] * (k + 1))

    def test_traceback_frames_survive(self):
        def fail(token):
            raise ValueError(token)
        for token in range(50):
            try:
                fail(token)
            except ValueError:
                tb = sys.exc_info()[2]
            while tb.tb_next:
                tb = tb.tb_next
            self.assertEqual(tb.tb_frame.f_locals['token'], token)
            del tb

    def test_code_objects_are_freed(self):
        namespace = {}
        exec 'def dynamic():\n    return 1\n' in namespace
        self.assertEqual(namespace['dynamic'](), 1)
        code = weakref.ref(namespace['dynamic'].__code__)
        namespace.clear()
        gc.collect()
        self.assertIsNone(code())


def test_main():
    test_support.run_unittest(NoZombieFramesTest)


if __name__ == '__main__':
    test_main()
