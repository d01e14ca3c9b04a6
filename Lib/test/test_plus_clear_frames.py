"""PythonPlus clear-frames: frame.clear() and traceback.clear_frames()."""
import gc
import sys
import threading
import traceback
import types
import unittest
import weakref

from test import test_support

ENABLED = 'clear-frames' in sys.pythonplus.features


class Thing(object):
    pass


def raising(log):
    local = Thing()
    log.append(weakref.ref(local))
    1 // 0


def caught_traceback(log):
    try:
        raising(log)
    except ZeroDivisionError:
        return sys.exc_info()[2]


@unittest.skipUnless(ENABLED, 'built without clear-frames')
class FrameClearTest(unittest.TestCase):

    def test_finished_frame(self):
        log = []
        tb = caught_traceback(log)
        frame = tb.tb_next.tb_frame
        self.assertEqual(frame.f_code.co_name, 'raising')
        self.assertIsNotNone(log[0]())
        self.assertIsNone(frame.clear())
        self.assertIsNone(log[0]())
        self.assertEqual(frame.f_locals, {})
        # What tracebacks need stays.
        self.assertEqual(frame.f_code.co_name, 'raising')
        self.assertIn('raising', ''.join(traceback.format_tb(tb)))
        frame.clear()                       # again: nothing left to do

    def test_executing_frames(self):
        # Refused on a frame that runs, which keeps its locals: here and
        # in the caller's frame.
        marker = Thing()
        ref = weakref.ref(marker)
        f = sys._getframe()
        with self.assertRaises(RuntimeError) as cm:
            f.clear()
        self.assertEqual(str(cm.exception), 'cannot clear an executing frame')
        caller_locals = sorted(f.f_back.f_locals)
        self.assertRaises(RuntimeError, f.f_back.clear)
        self.assertEqual(sorted(f.f_back.f_locals), caller_locals)
        self.assertIs(f.f_locals['marker'], marker)
        self.assertIs(ref(), marker)
        self.assertIsInstance(marker, Thing)    # still bound, not NULL

    def test_executing_in_another_thread(self):
        started = threading.Event()
        done = threading.Event()
        frames = []
        def worker():
            frames.append(sys._getframe())
            started.set()
            done.wait(60)
        t = threading.Thread(target=worker)
        t.start()
        try:
            self.assertTrue(started.wait(60))
            self.assertRaises(RuntimeError, frames[0].clear)
        finally:
            done.set()
            t.join(60)
        self.assertFalse(t.is_alive())
        frames[0].clear()                   # finished now

    def test_suspended_generator_is_closed(self):
        log = []
        def gen():
            try:
                yield 1
                yield 2
            finally:
                log.append('finally')
        g = gen()
        self.assertEqual(next(g), 1)
        g.gi_frame.clear()
        self.assertEqual(log, ['finally'])
        self.assertRaises(StopIteration, next, g)
        g.close()
        self.assertEqual(log, ['finally'])

    def test_suspended_generator_locals_freed(self):
        def gen():
            local = Thing()
            yield weakref.ref(local)
            yield local
        g = gen()
        ref = next(g)
        g.gi_frame.clear()
        self.assertIsNone(ref())

    def test_generator_ignoring_generatorexit(self):
        def gen():
            while True:
                try:
                    yield 1
                except GeneratorExit:
                    pass
        g = gen()
        next(g)
        with test_support.captured_stderr() as err:
            g.gi_frame.clear()
        self.assertIn('generator ignored GeneratorExit', err.getvalue())
        self.assertRaises(StopIteration, next, g)

    def test_generator_failing_on_close(self):
        def gen():
            try:
                yield 1
            finally:
                raise KeyError('boom')
        g = gen()
        next(g)
        with test_support.captured_stderr() as err:
            g.gi_frame.clear()
        self.assertIn('KeyError', err.getvalue())
        self.assertRaises(StopIteration, next, g)

    def test_generator_resuming_itself_while_closing(self):
        def gen():
            try:
                yield 1
            finally:
                log.append(list(g))         # refused: it is running
        log = []
        g = gen()
        next(g)
        g.gi_frame.clear()
        self.assertEqual(log, [[]])

    def test_unstarted_generator(self):
        log = []
        def gen():
            log.append('ran')
            yield 1
        g = gen()
        g.gi_frame.clear()
        self.assertRaises(StopIteration, next, g)
        self.assertEqual(log, [])

    def test_running_generator(self):
        def gen():
            me = yield
            try:
                me.gi_frame.clear()
            except RuntimeError as e:
                yield str(e)
        g = gen()
        next(g)
        self.assertEqual(g.send(g), 'cannot clear an executing frame')

    def test_clear_keeps_exception_state(self):
        def gen():
            yield 1
        g = gen()
        next(g)
        try:
            raise KeyError('outer')
        except KeyError:
            g.gi_frame.clear()
            self.assertIs(sys.exc_info()[0], KeyError)

    def test_cycle_through_traceback_broken(self):
        # The classic cycle: a frame holding its own traceback.
        def keep_own_traceback(log):
            local = Thing()
            log.append(weakref.ref(local))
            try:
                1 // 0
            except ZeroDivisionError:
                tb = sys.exc_info()[2]
            return tb
        gc.collect()
        gc.disable()
        try:
            log = []
            tb = keep_own_traceback(log)
            traceback.clear_frames(tb)
            del tb
            self.assertIsNone(log[0]())
            self.assertEqual(gc.collect(), 0)
        finally:
            gc.enable()

    def test_from_a_tracer(self):
        # While a line tracer runs, the traced frame has its value stack
        # published (f_stacktop set): it is executing all the same.
        seen = []
        def tracer(frame, event, arg):
            if frame.f_code is traced.__code__ and event == 'line':
                try:
                    frame.clear()
                except RuntimeError as e:
                    seen.append(str(e))
                else:
                    seen.append('cleared')
            return tracer
        def traced():
            a = [1, 2]
            return sum(x for x in a) + len(a)
        old = sys.gettrace()
        sys.settrace(tracer)
        try:
            result = traced()
        finally:
            sys.settrace(old)
        self.assertEqual(result, 5)
        self.assertTrue(seen)
        self.assertEqual(set(seen), set(['cannot clear an executing frame']))

    def test_threads_stress(self):
        # Threads clearing their own tracebacks and each other's frames.
        frames = []
        errors = []
        stop = threading.Event()
        def worker():
            try:
                me = sys._getframe()
                frames.append(me)
                for i in range(200):
                    log = []
                    tb = caught_traceback(log)
                    traceback.clear_frames(tb)
                    if log[0]() is not None:
                        errors.append('not cleared')
                    for f in list(frames):
                        try:
                            f.clear()
                        except RuntimeError:
                            pass
                        else:
                            if f is me:
                                errors.append('cleared my own frame')
                frames.remove(me)
            except Exception as e:
                errors.append(e)
        threads = [threading.Thread(target=worker) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertFalse(any(t.is_alive() for t in threads))
        self.assertEqual(errors, [])

    def test_bad_arguments(self):
        f = caught_traceback([]).tb_frame
        self.assertRaises(TypeError, f.clear, 1)
        self.assertRaises(TypeError, types.FrameType.clear, 1)
        self.assertRaises(TypeError, types.FrameType.clear)


@unittest.skipUnless(ENABLED, 'built without clear-frames')
class ClearFramesTest(unittest.TestCase):

    def test_clear_frames(self):
        log = []
        tb = caught_traceback(log)
        traceback.clear_frames(tb)
        self.assertIsNone(log[0]())
        self.assertEqual(tb.tb_frame.f_locals, {})
        traceback.clear_frames(tb)          # repeated

    def test_skips_executing_frames(self):
        marker = Thing()
        try:
            1 // 0
        except ZeroDivisionError:
            tb = sys.exc_info()[2]
        self.assertIs(tb.tb_frame, sys._getframe())
        traceback.clear_frames(tb)
        self.assertIsInstance(marker, Thing)
        del tb

    def test_none_and_bad_input(self):
        self.assertIsNone(traceback.clear_frames(None))
        self.assertRaises(AttributeError, traceback.clear_frames, 1)
        self.assertIn('clear_frames', traceback.__all__)

    def test_exc_clear_kept(self):
        try:
            raise KeyError
        except KeyError:
            sys.exc_clear()
            self.assertEqual(sys.exc_info(), (None, None, None))


class ClearFramesOffTest(unittest.TestCase):

    @unittest.skipIf(ENABLED, 'built with clear-frames')
    def test_absent(self):
        self.assertFalse(hasattr(types.FrameType, 'clear'))
        self.assertFalse(hasattr(traceback, 'clear_frames'))
        self.assertNotIn('clear_frames', traceback.__all__)


def test_main():
    test_support.run_unittest(FrameClearTest, ClearFramesTest,
                              ClearFramesOffTest)


if __name__ == '__main__':
    test_main()
