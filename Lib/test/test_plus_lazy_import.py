"""Tests for lazyimport, PythonPlus's opt-in on-demand importer."""
import __builtin__
import imp
import importlib
import os
import shutil
import sys
import tempfile
import textwrap
import threading
import traceback
import types
import unittest
import zipfile
import zipimport

from test import test_support

try:
    import lazyimport
except ImportError:
    # Compiled out of this PythonPlus build: only FeatureSwitchTest runs.
    if not (hasattr(sys, 'pythonplus')
            and 'lazy-import' not in sys.pythonplus.features):
        raise
    lazyimport = None

needs_lazy = unittest.skipIf(lazyimport is None,
                             'the lazy-import feature is compiled out')

# Every module the tests create starts with this prefix, so tearDown can
# drop them all from sys.modules.
PREFIX = 'lzt_'


class LazyTestCase(unittest.TestCase):
    """Gives each test a temp dir on sys.path and a clean lazyimport."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='lazyimport_')
        sys.path.insert(0, self.dir)
        self.addCleanup(self._remove_path, self.dir)
        # Sources are rewritten within the same second for reload(); a
        # .pyc with the same mtime would hide the change.
        self.addCleanup(setattr, sys, 'dont_write_bytecode',
                        sys.dont_write_bytecode)
        sys.dont_write_bytecode = True
        self.meta_path = list(sys.meta_path)
        self.write('lzt_log.py', 'events = []\n')
        self.log = __import__('lzt_log').events

    def tearDown(self):
        if lazyimport is not None:
            lazyimport.uninstall()
        self.assertEqual(sys.meta_path, self.meta_path)
        for name in list(sys.modules):
            if name.startswith(PREFIX):
                del sys.modules[name]
        for entry in list(sys.path_importer_cache):
            if entry.startswith(self.dir):
                del sys.path_importer_cache[entry]
        for entry in list(zipimport._zip_directory_cache):
            if entry.startswith(self.dir):
                del zipimport._zip_directory_cache[entry]
        shutil.rmtree(self.dir)

    def _remove_path(self, entry):
        while entry in sys.path:
            sys.path.remove(entry)

    def write(self, relpath, source):
        """Create relpath (a/b.py) under the temp dir; return its path."""
        path = os.path.join(self.dir, *relpath.split('/'))
        if not os.path.isdir(os.path.dirname(path)):
            os.makedirs(os.path.dirname(path))
        with open(path, 'w') as f:
            f.write(textwrap.dedent(source))
        return path

    def module(self, relpath, body='VALUE = 42\n'):
        """A module that logs its own execution in lzt_log.events."""
        return self.write(relpath, 'import lzt_log\n'
                          'lzt_log.events.append(__name__)\n' +
                          textwrap.dedent(body))

    def execute(self, source):
        """Run source as module-level code in a fresh namespace."""
        namespace = {'__name__': 'lzt_importer'}
        exec textwrap.dedent(source) in namespace
        return namespace


@needs_lazy
class ProxyTest(LazyTestCase):

    def test_proxy_until_first_use(self):
        self.module('lzt_plain.py')
        lazyimport.install()
        ns = self.execute('import lzt_plain')
        proxy = ns['lzt_plain']
        self.assertIs(sys.modules['lzt_plain'], proxy)
        self.assertIsInstance(proxy, lazyimport.LazyModule)
        self.assertIsInstance(proxy, types.ModuleType)
        self.assertTrue(lazyimport.is_lazy(proxy))
        # None of these run the module.
        self.assertEqual(proxy.__name__, 'lzt_plain')
        self.assertIs(proxy.__class__, lazyimport.LazyModule)
        self.assertIn('not loaded', repr(proxy))
        self.assertRaises(AttributeError, getattr, proxy, '__path__')
        self.assertEqual(self.log, [])

        self.assertEqual(proxy.VALUE, 42)
        self.assertEqual(self.log, ['lzt_plain'])
        real = sys.modules['lzt_plain']
        self.assertIs(type(real), types.ModuleType)
        self.assertIsNot(real, proxy)
        self.assertIs(ns['lzt_plain'], real)
        self.assertFalse(lazyimport.is_lazy(proxy))
        self.assertIs(lazyimport.force(proxy), real)
        # The old proxy keeps forwarding to the real module.
        self.assertEqual(proxy.VALUE, 42)
        self.assertEqual(proxy.__file__, real.__file__)
        self.assertEqual(repr(proxy), repr(real))
        self.assertEqual(self.log, ['lzt_plain'])

    def test_setattr_delattr_dir_load(self):
        for name in ('lzt_set', 'lzt_del', 'lzt_dir'):
            self.module(name + '.py')
        lazyimport.install()
        ns = self.execute('import lzt_set, lzt_del, lzt_dir')
        ns['lzt_set'].NEW = 1
        self.assertEqual(sys.modules['lzt_set'].NEW, 1)
        del ns['lzt_del'].VALUE
        self.assertFalse(hasattr(sys.modules['lzt_del'], 'VALUE'))
        self.assertIn('VALUE', dir(ns['lzt_dir']))
        self.assertEqual(self.log, ['lzt_set', 'lzt_del', 'lzt_dir'])
        for name in ('lzt_set', 'lzt_del', 'lzt_dir'):
            self.assertIs(type(ns[name]), types.ModuleType)

    def test_import_as_and_function_locals(self):
        self.module('lzt_alias.py')
        lazyimport.install()
        ns = self.execute('''\
            import lzt_alias as other
            def use():
                import lzt_alias
                return lzt_alias
            ''')
        held = ns['use']()
        self.assertIs(held, ns['other'])
        self.assertEqual(held.VALUE, 42)
        self.assertIs(ns['other'], sys.modules['lzt_alias'])
        # A function local cannot be rebound; it still forwards.
        self.assertIsInstance(held, lazyimport.LazyModule)
        self.assertEqual(held.VALUE, 42)
        self.assertIs(ns['use'](), sys.modules['lzt_alias'])

    def test_class_body_namespace_rebound(self):
        self.module('lzt_inclass.py')
        lazyimport.install()
        ns = self.execute('''\
            class Holder(object):
                import lzt_inclass
                proxy = lzt_inclass
                value = lzt_inclass.VALUE
            ''')
        self.assertEqual(ns['Holder'].value, 42)
        self.assertIs(ns['Holder'].lzt_inclass, sys.modules['lzt_inclass'])


@needs_lazy
class PackageTest(LazyTestCase):

    def make_package(self, name, init_body=''):
        self.module(name + '/__init__.py', init_body)
        self.module(name + '/sub.py', 'X = 1\n')

    def test_submodule_of_eager_package(self):
        self.make_package('lzt_pkg')
        lazyimport.install()
        ns = self.execute('import lzt_pkg.sub')
        pkg = ns['lzt_pkg']
        # The package had to run to find sub; only the leaf is lazy.
        self.assertIs(type(pkg), types.ModuleType)
        self.assertEqual(self.log, ['lzt_pkg'])
        proxy = pkg.sub
        self.assertTrue(lazyimport.is_lazy(proxy))
        self.assertIs(sys.modules['lzt_pkg.sub'], proxy)
        self.assertEqual(proxy.X, 1)
        self.assertEqual(self.log, ['lzt_pkg', 'lzt_pkg.sub'])
        self.assertIs(pkg.sub, sys.modules['lzt_pkg.sub'])
        self.assertIs(type(pkg.sub), types.ModuleType)
        report = lazyimport.report()
        self.assertEqual(report['bypassed'].get('lzt_pkg'), 'parent')
        self.assertEqual(report['proxied'], ['lzt_pkg.sub'])

    def test_submodule_of_lazy_package(self):
        self.make_package('lzt_pkg')
        lazyimport.install()
        ns = self.execute('import lzt_pkg')
        proxy = ns['lzt_pkg']
        self.assertTrue(lazyimport.is_lazy(proxy))
        self.assertEqual(proxy.__path__,
                         [os.path.join(self.dir, 'lzt_pkg')])
        self.assertEqual(self.log, [])
        ns2 = self.execute('import lzt_pkg.sub')
        # Importing the submodule runs the package, not the submodule.
        self.assertEqual(self.log, ['lzt_pkg'])
        real_pkg = sys.modules['lzt_pkg']
        self.assertIs(type(real_pkg), types.ModuleType)
        self.assertIs(ns['lzt_pkg'], real_pkg)
        self.assertTrue(lazyimport.is_lazy(real_pkg.sub))
        self.assertEqual(ns2['lzt_pkg'].sub.X, 1)
        self.assertEqual(self.log, ['lzt_pkg', 'lzt_pkg.sub'])
        self.assertIs(real_pkg.sub, sys.modules['lzt_pkg.sub'])
        # ns2 got the package proxy after it had loaded; the first use
        # rebinds it too.
        self.assertIs(ns2['lzt_pkg'], real_pkg)

    def test_package_importing_its_own_submodule(self):
        self.make_package('lzt_pkg', 'from lzt_pkg import sub\n')
        lazyimport.install()
        self.execute('import lzt_pkg')
        ns = self.execute('import lzt_pkg.sub')
        self.assertEqual(ns['lzt_pkg'].sub.X, 1)
        self.assertEqual(self.log, ['lzt_pkg', 'lzt_pkg.sub'])
        self.assertIs(type(sys.modules['lzt_pkg.sub']), types.ModuleType)

    def test_import_submodule_as(self):
        self.make_package('lzt_pkg')
        lazyimport.install()
        ns = self.execute('import lzt_pkg.sub as sub')
        self.assertTrue(lazyimport.is_lazy(ns['sub']))
        self.assertEqual(ns['sub'].X, 1)
        self.assertIs(ns['sub'], sys.modules['lzt_pkg.sub'])

    def test_from_import_is_eager(self):
        self.make_package('lzt_pkg')
        self.module('lzt_mod.py')
        lazyimport.install()
        ns = self.execute('''\
            from lzt_pkg import sub
            from lzt_mod import VALUE
            ''')
        self.assertIs(type(ns['sub']), types.ModuleType)
        self.assertEqual(ns['VALUE'], 42)
        self.assertIs(type(sys.modules['lzt_mod']), types.ModuleType)
        self.assertEqual(self.log, ['lzt_pkg', 'lzt_pkg.sub', 'lzt_mod'])
        report = lazyimport.report()
        self.assertEqual(report['proxied'], [])
        self.assertEqual(report['bypassed']['lzt_mod'], 'fromlist')
        self.assertEqual(report['bypassed']['lzt_pkg'], 'fromlist')

    def test_from_import_of_pending_proxy(self):
        self.module('lzt_mod.py')
        lazyimport.install()
        self.execute('import lzt_mod')
        ns = self.execute('from lzt_mod import VALUE')
        self.assertEqual(ns['VALUE'], 42)
        self.assertIs(type(sys.modules['lzt_mod']), types.ModuleType)


@needs_lazy
class ZipImportTest(LazyTestCase):

    def make_zip(self):
        path = os.path.join(self.dir, test_support.TESTFN + '.zip')
        log = 'import lzt_log\nlzt_log.events.append(__name__)\n'
        with zipfile.ZipFile(path, 'w') as archive:
            archive.writestr('lzt_zmod.py', log + 'VALUE = 7\n')
            archive.writestr('lzt_zpkg/__init__.py', log)
            archive.writestr('lzt_zpkg/inner.py', log + 'VALUE = 8\n')
        sys.path.insert(0, path)
        self.addCleanup(self._remove_path, path)
        return path

    def test_zip_module(self):
        archive = self.make_zip()
        lazyimport.install()
        ns = self.execute('import lzt_zmod')
        self.assertTrue(lazyimport.is_lazy(ns['lzt_zmod']))
        self.assertEqual(self.log, [])
        self.assertEqual(ns['lzt_zmod'].VALUE, 7)
        real = sys.modules['lzt_zmod']
        self.assertIs(ns['lzt_zmod'], real)
        self.assertIsInstance(real.__loader__, zipimport.zipimporter)
        self.assertTrue(real.__file__.startswith(archive))
        self.assertEqual(self.log, ['lzt_zmod'])

    def test_zip_package(self):
        archive = self.make_zip()
        lazyimport.install()
        ns = self.execute('import lzt_zpkg')
        proxy = ns['lzt_zpkg']
        self.assertTrue(lazyimport.is_lazy(proxy))
        self.assertEqual(proxy.__path__, [os.path.join(archive, 'lzt_zpkg')])
        ns = self.execute('import lzt_zpkg.inner')
        self.assertEqual(self.log, ['lzt_zpkg'])
        self.assertEqual(ns['lzt_zpkg'].inner.VALUE, 8)
        self.assertEqual(self.log, ['lzt_zpkg', 'lzt_zpkg.inner'])
        self.assertEqual(sys.modules['lzt_zpkg'].__path__,
                         [os.path.join(archive, 'lzt_zpkg')])
        self.assertIsInstance(sys.modules['lzt_zpkg.inner'].__loader__,
                              zipimport.zipimporter)

    def test_zip_missing_module(self):
        self.make_zip()
        lazyimport.install()
        self.assertRaises(ImportError, self.execute, 'import lzt_zmissing')
        self.assertRaises(ImportError, self.execute,
                          'import lzt_zpkg.missing')


@needs_lazy
class ReloadTest(LazyTestCase):

    def test_reload_pending_proxy(self):
        path = self.module('lzt_rel.py', 'VALUE = 1\n')
        lazyimport.install()
        ns = self.execute('import lzt_rel')
        proxy = ns['lzt_rel']
        self.module('lzt_rel.py', 'VALUE = 2\n')
        result = reload(proxy)
        real = sys.modules['lzt_rel']
        self.assertIs(result, real)
        self.assertIs(type(real), types.ModuleType)
        self.assertEqual(real.VALUE, 2)
        self.assertEqual(proxy.VALUE, 2)
        self.assertIs(ns['lzt_rel'], real)
        # Loaded, then reloaded: it runs twice, as without lazyimport.
        self.assertEqual(self.log, ['lzt_rel', 'lzt_rel'])
        self.assertEqual(real.__file__, path)

    def test_reload_loaded_proxy(self):
        self.module('lzt_rel.py', 'VALUE = 1\n')
        lazyimport.install()
        proxy = self.execute('import lzt_rel')['lzt_rel']
        self.assertEqual(proxy.VALUE, 1)
        real = sys.modules['lzt_rel']
        self.module('lzt_rel.py', 'VALUE = 3\n')
        self.assertIs(reload(proxy), real)
        self.assertIs(imp.reload(proxy), real)
        self.assertEqual(real.VALUE, 3)
        self.assertEqual(self.log, ['lzt_rel'] * 3)

    def test_reload_without_wrapper(self):
        # The C reload() reaches the finder through sys.meta_path.
        original = imp.reload
        self.module('lzt_rel.py', 'VALUE = 1\n')
        lazyimport.install()
        self.assertIsNot(imp.reload, original)
        proxy = self.execute('import lzt_rel')['lzt_rel']
        self.module('lzt_rel.py', 'VALUE = 4\n')
        real = original(proxy)
        self.assertIs(real, sys.modules['lzt_rel'])
        self.assertEqual(real.VALUE, 4)
        self.assertEqual(self.log, ['lzt_rel', 'lzt_rel'])

    def test_reload_of_zip_module(self):
        archive = os.path.join(self.dir, test_support.TESTFN + '.zip')
        with zipfile.ZipFile(archive, 'w') as f:
            f.writestr('lzt_zrel.py', 'import lzt_log\n'
                       'lzt_log.events.append(__name__)\n')
        sys.path.insert(0, archive)
        self.addCleanup(self._remove_path, archive)
        lazyimport.install()
        proxy = self.execute('import lzt_zrel')['lzt_zrel']
        self.assertIs(reload(proxy), sys.modules['lzt_zrel'])
        self.assertEqual(self.log, ['lzt_zrel', 'lzt_zrel'])

    def test_reload_of_failing_module_keeps_proxy(self):
        self.module('lzt_rel.py', 'raise ValueError("boom")\n')
        lazyimport.install()
        proxy = self.execute('import lzt_rel')['lzt_rel']
        self.assertRaises(ValueError, imp.reload, proxy)
        self.assertTrue(lazyimport.is_lazy(proxy))
        self.module('lzt_rel.py', 'VALUE = 5\n')
        self.assertEqual(proxy.VALUE, 5)


@needs_lazy
class BypassTest(LazyTestCase):

    def test_explicit_bypass(self):
        self.module('lzt_by.py')
        self.module('lzt_bypkg/__init__.py')
        self.module('lzt_bypkg/sub.py')
        self.module('lzt_other.py')
        lazyimport.install(bypass=['lzt_by', 'lzt_bypkg'])
        ns = self.execute('''\
            import lzt_by
            import lzt_bypkg.sub
            import lzt_other
            ''')
        self.assertIs(type(ns['lzt_by']), types.ModuleType)
        self.assertIs(type(ns['lzt_bypkg'].sub), types.ModuleType)
        self.assertTrue(lazyimport.is_lazy(ns['lzt_other']))
        self.assertEqual(self.log, ['lzt_by', 'lzt_bypkg', 'lzt_bypkg.sub'])
        bypassed = lazyimport.report()['bypassed']
        self.assertEqual(bypassed['lzt_by'], 'bypass')
        self.assertEqual(bypassed['lzt_bypkg.sub'], 'bypass')

    def test_default_bypass_list(self):
        for name in ('sys', '__builtin__', '__main__', '__future__',
                     'warnings', 'encodings', 'lazyimport'):
            self.assertIn(name, lazyimport.DEFAULT_BYPASS)

    def test_default_bypass_module(self):
        saved = sys.modules.pop('__future__')
        self.addCleanup(sys.modules.__setitem__, '__future__', saved)
        lazyimport.install()
        ns = self.execute('import __future__')
        self.assertIs(type(ns['__future__']), types.ModuleType)
        self.assertEqual(lazyimport.report()['bypassed']['__future__'],
                         'default')

    def test_default_bypass_package_covers_submodules(self):
        import encodings
        for name in ('rot_13', 'hex_codec', 'quopri_codec', 'uu_codec',
                     'punycode'):
            if 'encodings.' + name not in sys.modules:
                break
        else:
            self.skipTest('every candidate codec is already imported')
        full = 'encodings.' + name

        def cleanup():
            sys.modules.pop(full, None)
            encodings.__dict__.pop(name, None)
        self.addCleanup(cleanup)
        lazyimport.install()
        ns = self.execute('import %s' % full)
        self.assertIs(type(sys.modules[full]), types.ModuleType)
        self.assertIs(getattr(ns['encodings'], name), sys.modules[full])
        self.assertEqual(lazyimport.report()['bypassed'][full], 'default')

    def test_builtin_module(self):
        for name in sys.builtin_module_names:
            if name not in sys.modules:
                break
        else:
            self.skipTest('every built-in module is already imported')
        self.addCleanup(sys.modules.pop, name, None)
        lazyimport.install()
        ns = self.execute('import %s' % name)
        self.assertIs(type(ns[name]), types.ModuleType)
        self.assertEqual(lazyimport.report()['bypassed'][name], 'builtin')

    def test_already_imported(self):
        self.module('lzt_pre.py')
        real = __import__('lzt_pre')
        lazyimport.install()
        ns = self.execute('import lzt_pre')
        self.assertIs(ns['lzt_pre'], real)
        self.assertEqual(self.log, ['lzt_pre'])
        self.assertNotIn('lzt_pre', lazyimport.report()['proxied'])

    def test_indirect_imports_are_eager(self):
        self.module('lzt_ind1.py')
        self.module('lzt_ind2.py')
        lazyimport.install()
        self.assertIs(type(__import__('lzt_ind1')), types.ModuleType)
        self.assertIs(type(importlib.import_module('lzt_ind2')),
                      types.ModuleType)
        self.assertEqual(self.log, ['lzt_ind1', 'lzt_ind2'])
        bypassed = lazyimport.report()['bypassed']
        self.assertEqual(bypassed['lzt_ind1'], 'indirect')
        self.assertEqual(bypassed['lzt_ind2'], 'indirect')


@needs_lazy
class ReportTest(LazyTestCase):

    def test_report_contents(self):
        self.module('lzt_used.py')
        self.module('lzt_unused.py')
        self.module('lzt_eager.py')
        self.module('lzt_broken.py', 'raise KeyError("nope")\n')
        lazyimport.install(bypass=('lzt_eager',))
        ns = self.execute('''\
            import lzt_used, lzt_unused, lzt_eager, lzt_broken
            ''')
        self.assertEqual(ns['lzt_used'].VALUE, 42)
        self.assertRaises(KeyError, getattr, ns['lzt_broken'], 'VALUE')
        report = lazyimport.report()
        self.assertEqual(report['proxied'],
                         ['lzt_used', 'lzt_unused', 'lzt_broken'])
        self.assertEqual(report['loaded'], ['lzt_used'])
        self.assertEqual(report['pending'], ['lzt_unused', 'lzt_broken'])
        self.assertEqual(report['bypassed']['lzt_eager'], 'bypass')
        self.assertEqual(report['failed'], {'lzt_broken': "KeyError: 'nope'"})
        self.assertEqual(report['memory'], {})
        text = lazyimport.format_report()
        self.assertIn('3 proxied, 1 loaded, 2 pending', text)
        self.assertIn('lzt_unused', text)
        self.assertIn('install(bypass=...)', text)
        self.assertIn("KeyError: 'nope'", text)
        # The report outlives uninstall(); install() starts afresh.
        lazyimport.uninstall()
        self.assertEqual(lazyimport.report()['loaded'], ['lzt_used'])
        lazyimport.install()
        self.assertEqual(lazyimport.report()['proxied'], [])

    def test_memory_query(self):
        self.module('lzt_mem1.py')
        self.module('lzt_mem2.py')
        self.module('lzt_mem3.py')
        readings = iter([1000, 1600, 5000, 5250])
        calls = []

        def memory():
            calls.append(1)
            return next(readings)
        lazyimport.install(memory=memory)
        ns = self.execute('import lzt_mem1, lzt_mem2, lzt_mem3')
        self.assertEqual(calls, [])
        ns['lzt_mem1'].VALUE
        ns['lzt_mem2'].VALUE
        ns['lzt_mem1'].VALUE
        self.assertEqual(len(calls), 4)
        report = lazyimport.report()
        self.assertEqual(report['memory'], {'lzt_mem1': 600, 'lzt_mem2': 250})
        self.assertRegexpMatches(lazyimport.format_report(),
                                 r'lzt_mem1 +600 bytes')

    def test_failing_memory_query(self):
        self.module('lzt_mem.py')
        readings = [100]

        def memory():
            if readings:
                return readings.pop()
            raise OSError('probe broke')
        lazyimport.install(memory=memory)
        proxy = self.execute('import lzt_mem')['lzt_mem']
        self.assertRaises(OSError, getattr, proxy, 'VALUE')
        # The probe's error surfaces, but the module itself is loaded.
        self.assertFalse(lazyimport.is_lazy(proxy))
        self.assertEqual(proxy.VALUE, 42)
        self.assertEqual(self.log, ['lzt_mem'])


@needs_lazy
class ErrorTest(LazyTestCase):

    def assertFailsAt(self, exc_type, proxy, path, line):
        try:
            proxy.VALUE
        except exc_type:
            entries = traceback.extract_tb(sys.exc_info()[2])
        else:
            self.fail('%s not raised' % exc_type.__name__)
        self.assertEqual(entries[-1][:3], (path, line, '<module>'))

    def test_error_at_first_use(self):
        path = self.module('lzt_err.py', '''\
            VALUE = 1
            raise ValueError('boom')
            ''')
        lazyimport.install()
        ns = self.execute('import lzt_err')     # no error yet
        proxy = ns['lzt_err']
        self.assertFailsAt(ValueError, proxy, path, 4)
        # Like a failed import: nothing left in sys.modules, and the next
        # use tries again.
        self.assertNotIn('lzt_err', sys.modules)
        self.assertTrue(lazyimport.is_lazy(proxy))
        self.assertFailsAt(ValueError, proxy, path, 4)
        self.assertEqual(self.log, ['lzt_err', 'lzt_err'])
        self.assertEqual(lazyimport.report()['failed'],
                         {'lzt_err': 'ValueError: boom'})

    def test_error_message_that_str_cannot_encode(self):
        path = self.module('lzt_err.py', "raise ValueError(u'caf\\xe9')\n")
        lazyimport.install()
        proxy = self.execute('import lzt_err')['lzt_err']
        self.assertFailsAt(ValueError, proxy, path, 3)
        self.assertIn('lzt_err', lazyimport.report()['failed'])

    def test_import_error_inside_module(self):
        path = self.module('lzt_err.py', 'import lzt_no_such_module_at_all\n')
        lazyimport.install()
        proxy = self.execute('import lzt_err')['lzt_err']
        self.assertFailsAt(ImportError, proxy, path, 3)

    def test_syntax_error_at_first_use(self):
        path = self.write('lzt_err.py', 'def broken(:\n')
        lazyimport.install()
        proxy = self.execute('import lzt_err')['lzt_err']
        with self.assertRaises(SyntaxError) as cm:
            proxy.anything
        self.assertEqual(cm.exception.filename, path)

    def test_error_in_pending_package_when_importing_submodule(self):
        path = self.module('lzt_bad/__init__.py', 'raise ValueError(1)\n')
        self.module('lzt_bad/sub.py')
        lazyimport.install()
        self.execute('import lzt_bad')
        try:
            self.execute('import lzt_bad.sub')
        except ValueError:
            entries = traceback.extract_tb(sys.exc_info()[2])
        else:
            self.fail('ValueError not raised')
        self.assertEqual(entries[-1][:3], (path, 3, '<module>'))

    def test_missing_module_fails_at_import(self):
        self.module('lzt_pkg/__init__.py')
        lazyimport.install()
        self.assertRaises(ImportError, self.execute, 'import lzt_missing')
        ns = self.execute('''\
            try:
                import lzt_missing
            except ImportError:
                lzt_missing = None
            ''')
        self.assertIsNone(ns['lzt_missing'])
        self.assertRaises(ImportError, self.execute,
                          'import lzt_pkg.lzt_missing')
        self.assertNotIn('lzt_missing', sys.modules)
        self.assertEqual(lazyimport.report()['proxied'], [])


@needs_lazy
class InstallTest(LazyTestCase):

    def test_uninstall_restores(self):
        meta_path = sys.meta_path
        before = list(meta_path)
        builtin_reload, imp_reload = __builtin__.reload, imp.reload
        self.module('lzt_u1.py')
        self.module('lzt_u2.py')
        self.assertFalse(lazyimport.installed())
        lazyimport.install()
        self.assertTrue(lazyimport.installed())
        self.assertEqual(len(sys.meta_path), len(before) + 1)
        self.assertIsNot(__builtin__.reload, builtin_reload)
        proxy = self.execute('import lzt_u1')['lzt_u1']
        self.assertTrue(lazyimport.uninstall())
        self.assertFalse(lazyimport.installed())
        self.assertIs(sys.meta_path, meta_path)
        self.assertEqual(sys.meta_path, before)
        self.assertIs(__builtin__.reload, builtin_reload)
        self.assertIs(imp.reload, imp_reload)
        self.assertFalse(lazyimport.uninstall())
        # Imports are eager again; existing proxies still load.
        ns = self.execute('import lzt_u2')
        self.assertIs(type(ns['lzt_u2']), types.ModuleType)
        self.assertEqual(proxy.VALUE, 42)
        self.assertIs(type(sys.modules['lzt_u1']), types.ModuleType)

    def test_install_twice(self):
        lazyimport.install()
        before = list(sys.meta_path)
        with self.assertRaises(RuntimeError) as cm:
            lazyimport.install()
        self.assertIn('already installed', str(cm.exception))
        self.assertEqual(sys.meta_path, before)
        self.assertTrue(lazyimport.uninstall())
        lazyimport.install()
        self.assertTrue(lazyimport.installed())

    def test_bad_arguments(self):
        before = list(sys.meta_path)
        for kwargs in ({'bypass': 'os'}, {'bypass': 5},
                       {'bypass': ['os', 3]}, {'bypass': [None]},
                       {'memory': 5}, {'memory': 'psutil'},
                       {'unknown': 1}):
            self.assertRaises(TypeError, lazyimport.install, **kwargs)
        with self.assertRaises(TypeError) as cm:
            lazyimport.install(bypass='os')
        self.assertIn('iterable of module names', str(cm.exception))
        with self.assertRaises(TypeError) as cm:
            lazyimport.install(memory=5)
        self.assertIn('callable', str(cm.exception))
        self.assertEqual(sys.meta_path, before)
        self.assertFalse(lazyimport.installed())
        # Any iterable of names is accepted.
        lazyimport.install(bypass=(name for name in ['os']), memory=len)
        self.assertTrue(lazyimport.installed())

    def test_force_and_is_lazy_on_other_objects(self):
        self.assertIs(lazyimport.force(os), os)
        self.assertIs(lazyimport.force(3), 3)
        self.assertFalse(lazyimport.is_lazy(os))
        self.assertFalse(lazyimport.is_lazy(None))


@needs_lazy
class ThreadTest(LazyTestCase):

    @test_support.reap_threads
    def test_concurrent_first_use_loads_once(self):
        self.module('lzt_thr.py', '''\
            import time
            time.sleep(0.05)    # widen the window for the other threads
            VALUE = object()
            ''')
        lazyimport.install()
        proxy = self.execute('import lzt_thr')['lzt_thr']
        start = threading.Event()
        results = []
        errors = []

        def worker():
            start.wait()
            try:
                results.append(proxy.VALUE)
            except Exception as exc:
                errors.append(exc)
        threads = [threading.Thread(target=worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        start.set()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        self.assertEqual(self.log, ['lzt_thr'])
        self.assertEqual(len(results), 8)
        self.assertEqual(set(map(id, results)),
                         set([id(sys.modules['lzt_thr'].VALUE)]))
        self.assertEqual(lazyimport.report()['loaded'], ['lzt_thr'])


class FeatureSwitchTest(unittest.TestCase):
    """lazyimport refuses to import when PythonPlus compiled it out."""

    def source(self):
        if lazyimport is not None:
            path = lazyimport.__file__
        else:
            found, path, _ = imp.find_module('lazyimport')
            if found is not None:
                found.close()
        if path.endswith(('.pyc', '.pyo')):
            path = path[:-1]
        return path

    def load_copy(self, features):
        """Import a copy of lazyimport as if sys.pythonplus had features."""
        class Info(object):
            pass
        info = Info()
        info.features = features
        missing = object()
        saved = getattr(sys, 'pythonplus', missing)
        sys.pythonplus = info
        try:
            return imp.load_source('lzt_switch_copy', self.source())
        finally:
            sys.modules.pop('lzt_switch_copy', None)
            if saved is missing:
                del sys.pythonplus
            else:
                sys.pythonplus = saved

    def test_compiled_out(self):
        with self.assertRaises(ImportError) as cm:
            self.load_copy(('float-reuse',))
        self.assertEqual(str(cm.exception),
                         'lazyimport: the lazy-import feature is compiled '
                         'out of this PythonPlus build')

    def test_compiled_in(self):
        module = self.load_copy(('float-reuse', 'lazy-import'))
        self.assertTrue(callable(module.install))

    def test_this_interpreter(self):
        info = getattr(sys, 'pythonplus', None)
        if info is None or 'lazy-import' in info.features:
            self.assertIsNotNone(lazyimport)
        else:
            self.assertIsNone(lazyimport)
            self.assertRaises(ImportError, __import__, 'lazyimport')


def test_main():
    test_support.run_unittest(ProxyTest, PackageTest, ZipImportTest,
                              ReloadTest, BypassTest, ReportTest, ErrorTest,
                              InstallTest, ThreadTest, FeatureSwitchTest)


if __name__ == '__main__':
    test_main()
