"""PythonPlus build identification and feature switches.

Checks that sys.pythonplus, sysconfig and pyconfig.h agree with each other
and with the --with-plus list this interpreter was configured with, and
that each switch really changes the interpreter's behaviour.
"""
import os
import re
import subprocess
import sys
import sysconfig
import unittest

from test import test_support

# Every known feature: its switch, and a probe that tells from behaviour
# alone whether it is compiled in.
def _float_reuse_probe():
    return float('2') is float('2')

def _tight_dict_probe():
    if 'compact-dict' in sys.pythonplus.features:
        # A compact dict of 6 keys added one by one has room for 7 with
        # tight-dict's growth (150%), for 10 with the default (200%).
        d = {}
        for i in range(6):
            d[i] = i
        return sys.getsizeof(d) - sys.getsizeof({}) < 9 * 24
    # An empty stock dict keeps 8 slots inside the object.
    return sys.getsizeof({}) < sys.getsizeof(set())

def _compact_dict_probe():
    # Insertion order: a stock or tight table keeps small ints in the
    # slot of their value, so lists them in increasing order.
    d = {}
    for k in (3, 1, 2):
        d[k] = k
    return d.keys() == [3, 1, 2]

def _shared_keys_probe():
    # The second instance's dict holds only its values: smaller than a
    # dict of the same items.
    class C(object):
        def __init__(self):
            self.a, self.b, self.c, self.d, self.e = range(5)
    C()
    d = C().__dict__
    return sys.getsizeof(d) < sys.getsizeof(dict(d))

def _instance_values_probe():
    # An instance whose __dict__ nobody asked for holds no dict object:
    # the collector sees its attribute values directly.
    import gc
    class C(object):
        pass
    c = C()
    c.a = marker = []
    return any(r is marker for r in gc.get_referents(c))

def _no_zombie_frames_probe():
    from test.test_plus_no_zombie_frames import \
        frame_is_reused_across_functions
    return frame_is_reused_across_functions()

def _lazy_import_probe():
    try:
        import lazyimport
    except ImportError:
        return False
    return True

def _func_close_probe():
    return hasattr(lambda: 0, 'close')

def _clear_weakrefs_probe():
    import weakref
    return hasattr(weakref, 'clear_weakrefs')

def _clear_frames_probe():
    return hasattr(sys._getframe(), 'clear')

def _gc_free_stdlib_probe():
    # namedtuple's methods come from prepared code, not an exec'd string.
    import collections
    return (collections.namedtuple('Probe', 'x').__new__.__code__.co_filename
            != '<string>')

def _json_shared_keys_probe():
    # Equal object keys of one document are one object.
    import json
    first, second = json.loads('[{"probe": 1}, {"probe": 2}]')
    return first.keys()[0] is second.keys()[0]

def _gilstate_cache_probe():
    # Only a thread that Python did not create shows the feature; the
    # probe starts one with a C helper compiled by test_plus_gilstate.
    # Without a C compiler there is no such thread to watch: then, and
    # only then, read the compile-time switch.
    import unittest
    try:
        from test import test_plus_gilstate     # skips without ctypes
        return test_plus_gilstate.local_kept_between_calls()
    except unittest.SkipTest:
        return bool(sysconfig.get_config_var('WITH_PLUS_GILSTATE_CACHE'))

def _native_locks_probe():
    import thread
    lock = thread.allocate_lock()
    try:
        lock.acquire(True, 0.001)
    except TypeError:
        return False
    return True

def _native_condition_probe():
    import threading
    return hasattr(threading, 'Barrier')

def _priority_gil_probe():
    # The priority GIL has Python 3's switch interval, and counts the
    # requests of threads that find it held (thread._gil_stats).
    import thread
    if not hasattr(sys, 'setswitchinterval'):
        return False
    if getattr(thread, '_gil_stats', lambda: None)() is None:
        return False
    import threading
    import time
    stop = []
    def spin():
        while not stop:
            pass
    before = thread._gil_stats()['requests']
    t = threading.Thread(target=spin)
    t.start()
    try:
        time.sleep(0.001)       # comes back to find the GIL held
    finally:
        stop.append(1)
        t.join()
    return thread._gil_stats()['requests'] > before

def _thread_atomic_probe():
    import thread
    try:
        with thread.atomic():
            return thread.get_atomic() == 1
    except AttributeError:
        return False

FEATURES = {
    'float-reuse': ('WITH_PLUS_FLOAT_REUSE', _float_reuse_probe),
    'tight-dict': ('WITH_PLUS_TIGHT_DICT', _tight_dict_probe),
    'compact-dict': ('WITH_PLUS_COMPACT_DICT', _compact_dict_probe),
    'shared-keys': ('WITH_PLUS_SHARED_KEYS', _shared_keys_probe),
    'instance-values': ('WITH_PLUS_INSTANCE_VALUES',
                        _instance_values_probe),
    'no-zombie-frames': ('WITH_PLUS_NO_ZOMBIE_FRAMES',
                         _no_zombie_frames_probe),
    'lazy-import': ('WITH_PLUS_LAZY_IMPORT', _lazy_import_probe),
    'func-close': ('WITH_PLUS_FUNC_CLOSE', _func_close_probe),
    'clear-weakrefs': ('WITH_PLUS_CLEAR_WEAKREFS', _clear_weakrefs_probe),
    'clear-frames': ('WITH_PLUS_CLEAR_FRAMES', _clear_frames_probe),
    'gc-free-stdlib': ('WITH_PLUS_GC_FREE_STDLIB', _gc_free_stdlib_probe),
    'json-shared-keys': ('WITH_PLUS_JSON_SHARED_KEYS',
                         _json_shared_keys_probe),
    'gilstate-cache': ('WITH_PLUS_GILSTATE_CACHE', _gilstate_cache_probe),
    'native-locks': ('WITH_PLUS_NATIVE_LOCKS', _native_locks_probe),
    'native-condition': ('WITH_PLUS_NATIVE_CONDITION',
                         _native_condition_probe),
    'priority-gil': ('WITH_PLUS_PRIORITY_GIL', _priority_gil_probe),
    'thread-atomic': ('WITH_PLUS_THREAD_ATOMIC', _thread_atomic_probe),
}


def configured_features():
    """The feature set that configure's --with-plus argument asks for."""
    # The last --with-plus/--without-plus wins, as in configure; tunables
    # (--with-plus-NAME=N) are not feature lists.
    found = re.findall(r"--with(out)?-plus(?:=([^'\s]*))?(?=['\s]|$)",
                       sysconfig.get_config_var('CONFIG_ARGS') or '')
    words = ['all']
    if found:
        without, value = found[-1]
        words = ['none'] if without else (value or 'all').split(',')
    selected = set()
    for word in words:
        if word in ('all', 'yes'):
            selected = set(FEATURES)
        elif word in ('none', 'no'):
            selected = set()
        elif word.startswith('-'):
            selected.discard(word[1:])
        else:
            selected.add(word)
    return selected


class PlusInfoTest(unittest.TestCase):

    def test_sys_pythonplus(self):
        info = sys.pythonplus
        self.assertEqual(info.name, 'PythonPlus')
        self.assertRegexpMatches(info.version, r'^\d+\.\d+\.\d+')
        self.assertIsInstance(info.features, tuple)
        self.assertIsInstance(info.disabled, tuple)
        self.assertEqual(set(info.features) & set(info.disabled), set())
        self.assertEqual(set(info.features) | set(info.disabled),
                         set(FEATURES))
        self.assertIsInstance(info.tunables, dict)
        for name, value in info.tunables.items():
            self.assertTrue(name.startswith('PLUS_'), name)
            self.assertIsInstance(value, int)
        self.assertEqual(info, (info.name, info.version, info.features,
                                info.disabled, info.tunables))

    def test_not_instantiable(self):
        self.assertRaises(TypeError, type(sys.pythonplus))
        with self.assertRaises((TypeError, AttributeError)):
            sys.pythonplus.version = '9'

    def test_sysconfig_agrees(self):
        enabled = set(sys.pythonplus.features)
        self.assertEqual(
            set((sysconfig.get_config_var('PLUS_FEATURES') or '').split()),
            enabled)
        for name, (macro, probe) in FEATURES.items():
            self.assertEqual(sysconfig.get_config_var(macro),
                             int(name in enabled), macro)

    def test_pyconfig_records_every_switch(self):
        with open(sysconfig.get_config_h_filename()) as f:
            pyconfig = f.read()
        for name, (macro, probe) in FEATURES.items():
            value = int(name in sys.pythonplus.features)
            self.assertIn('#define %s %d\n' % (macro, value), pyconfig)

    def test_tunables_given_to_configure_are_recorded(self):
        for option, value in re.findall(r"--with-plus-([a-z-]+)=(-?\d+)",
                                        sysconfig.get_config_var('CONFIG_ARGS')):
            name = 'PLUS_' + option.replace('-', '_').upper()
            self.assertEqual(sys.pythonplus.tunables[name], int(value))
            self.assertEqual(sysconfig.get_config_var(name), int(value))

    def test_every_tunable_reported_with_its_value(self):
        # Every tunable Include/pyplus.h defines is in sys.pythonplus, and
        # sysconfig and pyconfig.h carry the same value, given to
        # configure or not.
        header = os.path.join(sysconfig.get_path('include'), 'pyplus.h')
        with open(header) as f:
            defined = set(re.findall(r'^#ifndef (PLUS_[A-Z0-9_]+)$', f.read(),
                                     re.M))
        self.assertEqual(set(sys.pythonplus.tunables), defined)
        with open(sysconfig.get_config_h_filename()) as f:
            pyconfig = f.read()
        for name, value in sys.pythonplus.tunables.items():
            self.assertEqual(sysconfig.get_config_var(name), value, name)
            self.assertIn('#define %s %d\n' % (name, value), pyconfig)

    def test_repr_shows_every_field(self):
        text = repr(sys.pythonplus)
        self.assertTrue(text.startswith('sys.pythonplus(name='), text)
        self.assertTrue(text.endswith(')'), text)
        for field in ('version', 'features', 'disabled', 'tunables'):
            self.assertIn('%s=%r' % (field, getattr(sys.pythonplus, field)),
                          text)
        self.assertNotIn('...', text)

    def test_features_match_configure_line(self):
        self.assertEqual(set(sys.pythonplus.features), configured_features())

    def test_switches_change_behaviour(self):
        for name, (macro, probe) in FEATURES.items():
            self.assertEqual(probe(), name in sys.pythonplus.features, name)

    def test_version_option(self):
        p = subprocess.Popen([sys.executable, '-E', '-V'],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = p.communicate()[0]
        self.assertEqual(p.returncode, 0)
        self.assertTrue(out.startswith('Python %d.%d.%d (PythonPlus %s: '
                                       % (sys.version_info[:3] +
                                          (sys.pythonplus.version,))), out)
        for name in sys.pythonplus.features:
            self.assertIn(name, out)

    def test_sys_version_unchanged(self):
        # platform and other tools parse sys.version: keep stock's format.
        import platform
        self.assertEqual(platform.python_version(), '2.7.18')
        self.assertNotIn('PythonPlus', sys.version)


def test_main():
    test_support.run_unittest(PlusInfoTest)


if __name__ == '__main__':
    test_main()
