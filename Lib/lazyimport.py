"""On-demand ("lazy") imports for PythonPlus.

Nothing changes until install() is called::

    import lazyimport
    lazyimport.install()           # or install(bypass=('mypkg',))
    import json                    # binds a stand-in; json.py has not run
    json.dumps([1, 2])             # first use runs json.py for real
    lazyimport.uninstall()         # later imports are eager again

install() puts a PEP 302 finder at the front of sys.meta_path.  When a
plain ``import x`` or ``import a.b`` statement asks for a module that is
not in sys.modules yet, the finder checks that the module can be found and
returns a LazyModule proxy instead of running it.  The first attribute
get, set or delete on the proxy, or dir() of it, imports the real module
through the normal import machinery (so zip files, packages and other
PEP 302 importers work as usual) and then puts the real module in place
of the proxy in sys.modules, in the namespace that ran the import
statement and in the parent package's attribute.  The proxy itself stays
usable: afterwards it forwards every attribute access to the real module.

What is imported lazily, and what is not:

* Only the leaf of a plain import statement is lazy.  ``from x import y``
  (a non-empty fromlist) is eager, because the names are read at once and
  a proxy would only be loaded immediately anyway; so is every package
  named on the way to the leaf of ``import a.b.c`` (a and a.b), because
  finding a submodule needs the package's real __path__.  Whether an
  import comes from an import statement is read from the bytecode of the
  frame running it, so __import__(), importlib.import_module(), reload()
  and imports made by C code are always eager.
* Modules already in sys.modules are never touched (import never asks a
  finder about them).
* DEFAULT_BYPASS (sys, __builtin__, __main__, __future__, warnings, the
  encodings package and lazyimport itself), C modules built into the
  interpreter, frozen modules, and the names given in install(bypass=...)
  are always eager.  A package name covers all of its submodules.
* A module that cannot be found makes the import statement itself raise
  ImportError, so ``try: import x / except ImportError:`` keeps working.

Loading: an error raised while the real module runs (ImportError or any
other exception) propagates from the attribute access that triggered the
load, with the traceback of the real failure.  Like a failed import it
leaves nothing in sys.modules, and the next use of the proxy tries again.
Loads hold the interpreter's import lock, so concurrent first uses from
several threads run the module once.

reload() and imp.reload() accept proxies while lazyimport is installed:
a pending proxy is loaded and then reloaded (the module runs twice, as
``import x; reload(x)`` does without lazyimport); a loaded proxy reloads
its real module.

report() tells what was proxied, loaded, bypassed and failed, and, with
install(memory=func), how much memory each load cost: func() is called
before and after each real load and the difference is recorded (it
includes whatever that module imported eagerly).  format_report() gives
the same as text.

Caveats:

* isinstance(mod, types.ModuleType) is true for a proxy, but type(mod) is
  LazyModule until the name has been rebound to the real module.
* Code that checks ``sys.modules[name] is mod`` or keeps references to
  modules sees the proxy before first use.  For example
  ``import pkg.mod; doctest.DocTestSuite(pkg.mod)`` hands doctest the
  proxy, and doctest's identity checks then find no tests: bypass such
  modules or pass lazyimport.force(pkg.mod).  After the load only
  sys.modules, the importing namespace (module globals, class bodies,
  exec namespaces; not function locals) and the parent package attribute
  are rebound; other references keep the proxy, which forwards to the
  real module.
* __name__, __class__ and, for packages, __path__ are answered without
  loading; __path__ is then the finder's guess and the real one may
  differ (e.g. pkgutil.extend_path).  repr() does not load either.
* A SyntaxError in a lazily imported module, like any other error,
  appears at first use, not at the import statement.
* hasattr() hides load errors, as it hides all errors in Python 2.
* Code that walks sys.modules reading attributes (inspect.getmodule,
  pickle.whichmodule) loads every pending proxy it meets; done with
  itervalues() or iteritems() this can fail with "dictionary changed
  size during iteration", as those loads add modules.  C code that reads
  a module's dict directly sees the proxy's nearly empty dict.
* A module imported for its side effects (registering codecs, plugins,
  atexit handlers) does nothing until first use: bypass it.
* The memory function runs with the import lock held; it should not
  import modules itself.
"""

import __builtin__
import imp
import opcode
import os
import sys
import types

if (hasattr(sys, 'pythonplus')
        and 'lazy-import' not in sys.pythonplus.features):
    raise ImportError('lazyimport: the lazy-import feature is compiled out '
                      'of this PythonPlus build')

__all__ = ['LazyModule', 'DEFAULT_BYPASS', 'install', 'uninstall',
           'installed', 'is_lazy', 'force', 'report', 'format_report']

# Names (and, for packages, their submodules) that are never proxied.
DEFAULT_BYPASS = ('sys', '__builtin__', '__main__', '__future__',
                  'warnings', 'encodings', 'lazyimport')

# Reasons recorded in report()['bypassed'], explained by format_report().
_REASONS = {
    'default': 'default bypass list',
    'builtin': 'built-in or frozen module',
    'bypass': 'install(bypass=...)',
    'fromlist': 'from-import',
    'indirect': 'not an import statement',
    'parent': 'package of a dotted import',
    'loader': 'importer cannot tell if it is a package',
}

_IMPORT_NAME = opcode.opmap['IMPORT_NAME']
_LOAD_CONST = opcode.opmap['LOAD_CONST']
_CO_OPTIMIZED = 0x0001

# The proxy overrides attribute access; these reach its own storage.
_base_getattr = types.ModuleType.__getattribute__
_base_setattr = types.ModuleType.__setattr__

# Answered by a pending proxy without loading the module.
_LAZY_SAFE = frozenset(['__name__', '__class__', '__path__'])

_OWN_GLOBALS = globals()

_finder = None          # the installed finder, or the last one (report())
_loading = set()        # names being imported for real; never proxied
_restore = []           # (owner, attribute, original, replacement)


class LazyModule(types.ModuleType):
    """Stand-in for a module that has been found but has not run yet.

    Attribute get/set/delete and dir() load the real module and are then
    forwarded to it.  See the module docstring for what stays lazy.
    """

    __slots__ = ('_lazy_real', '_lazy_finder', '_lazy_spaces')

    def __init__(self, name, finder, package_path=None, spaces=()):
        types.ModuleType.__init__(self, name)
        _base_setattr(self, '_lazy_real', None)
        _base_setattr(self, '_lazy_finder', finder)
        _base_setattr(self, '_lazy_spaces', list(spaces))
        if package_path is not None:
            # import.c reads __path__ before it looks for a submodule and
            # hides any error from that read; answering here lets the
            # finder load the package itself and report errors properly.
            _base_getattr(self, '__dict__')['__path__'] = package_path

    def __getattribute__(self, name):
        real = _base_getattr(self, '_lazy_real')
        if real is None:
            if name in _LAZY_SAFE:
                return _base_getattr(self, name)
            real = _load(self)
        elif _base_getattr(self, '_lazy_spaces'):
            # A name bound after the load (e.g. "pkg" in "import pkg.sub"
            # when pkg was pending) still holds the proxy: one more pass.
            _rebind(self, real, keep=False)
        return getattr(real, name)

    def __setattr__(self, name, value):
        setattr(_load(self), name, value)

    def __delattr__(self, name):
        delattr(_load(self), name)

    def __dir__(self):
        return dir(_load(self))

    def __repr__(self):
        real = _base_getattr(self, '_lazy_real')
        if real is None:
            return '<lazy module %r (not loaded)>' % _name_of(self)
        return repr(real)


def _name_of(proxy):
    return _base_getattr(proxy, '__dict__')['__name__']


def is_lazy(obj):
    """Return True if obj is a proxy whose module has not been loaded."""
    return (isinstance(obj, LazyModule)
            and _base_getattr(obj, '_lazy_real') is None)


def force(module):
    """Return the real module behind a proxy, loading it if needed.

    Anything that is not a proxy is returned unchanged.
    """
    if isinstance(module, LazyModule):
        return _load(module)
    return module


def _real_import(name):
    """Import name through the normal machinery and return the module."""
    # The finder declines names in _loading, so the import below reaches
    # the other finders, the path hooks (zipimport) and the built-in ones.
    _loading.add(name)
    try:
        __import__(name)
    finally:
        _loading.discard(name)
    module = sys.modules.get(name)
    if module is None:
        raise ImportError('lazyimport: importing %s left nothing in '
                          'sys.modules' % name)
    return module


def _load(proxy):
    """Run the module behind proxy once and return the real module."""
    real = _base_getattr(proxy, '_lazy_real')
    if real is not None:
        return real
    name = _name_of(proxy)
    finder = _base_getattr(proxy, '_lazy_finder')
    # The import lock, not a lock of our own: the real import takes it
    # anyway, and a second lock could deadlock against it.
    imp.acquire_lock()
    try:
        real = _base_getattr(proxy, '_lazy_real')
        if real is not None:
            return real             # another thread loaded it meanwhile
        if name in _loading:
            # The module reached its own proxy while it runs: a circular
            # import, which gets the partly run module as usual.
            partial = sys.modules.get(name)
            if partial is None or partial is proxy:
                raise ImportError('lazyimport: circular import of %s' % name)
            return partial
        memory = finder.memory
        before = memory() if memory is not None else None
        # Otherwise the import would find the proxy in sys.modules.
        if sys.modules.get(name) is proxy:
            del sys.modules[name]
        try:
            real = _real_import(name)
        except:                     # anything, even old-style: re-raised
            exc_type, exc, tb = sys.exc_info()
            finder.note_failure(name, exc_type, exc)
            raise exc_type, exc, tb
        _base_setattr(proxy, '_lazy_real', real)
        finder.note_loaded(name)
        _rebind(proxy, real, keep=True)
        # Last, so that a faulty memory function leaves the module loaded.
        if memory is not None:
            finder.note_memory(name, memory() - before)
        return real
    finally:
        imp.release_lock()


def _rebind(proxy, real, keep):
    """Replace proxy by real where the import left it bound.

    With keep, the importing namespaces are remembered for one later pass
    (see LazyModule.__getattribute__).
    """
    spaces = _base_getattr(proxy, '_lazy_spaces')
    if not keep:
        _base_setattr(proxy, '_lazy_spaces', [])
    for space in spaces:
        for key, value in space.items():
            if value is proxy:
                space[key] = real
    name = _name_of(proxy)
    if sys.modules.get(name) is proxy:
        sys.modules[name] = real
    parent_name, _, subname = name.rpartition('.')
    parent = _real_parent(parent_name)
    if parent is not None and parent.__dict__.get(subname) is proxy:
        parent.__dict__[subname] = real


def _real_parent(parent_name):
    """The loaded parent package module, or None."""
    if not parent_name:
        return None
    parent = sys.modules.get(parent_name)
    if isinstance(parent, LazyModule):
        parent = _base_getattr(parent, '_lazy_real')
    if isinstance(parent, types.ModuleType):
        return parent
    return None


def _namespaces(frame):
    """The dicts an import statement run by frame binds names in."""
    spaces = [frame.f_globals]
    # Function locals live in fast slots that cannot be rebound; reading
    # f_locals of such a frame would only make a copy.
    if not frame.f_code.co_flags & _CO_OPTIMIZED:
        local = frame.f_locals
        if local is not frame.f_globals and isinstance(local, dict):
            spaces.append(local)
    return spaces


def _import_statement():
    """Return (name, fromlist, namespaces) of the import statement that
    caused the current import, or None if it did not come from one."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals is _OWN_GLOBALS:
        frame = frame.f_back
    if frame is None:
        return None
    code = frame.f_code
    raw = code.co_code
    i = frame.f_lasti
    # The compiler emits LOAD_CONST level, LOAD_CONST fromlist,
    # IMPORT_NAME name for every import statement.  Anything else (a call
    # of __import__, C code, EXTENDED_ARG) is not recognised, so eager.
    if (i < 6 or i + 2 >= len(raw) or ord(raw[i]) != _IMPORT_NAME
            or ord(raw[i - 3]) != _LOAD_CONST
            or ord(raw[i - 6]) != _LOAD_CONST):
        return None
    name = code.co_names[ord(raw[i + 1]) | ord(raw[i + 2]) << 8]
    fromlist = code.co_consts[ord(raw[i - 2]) | ord(raw[i - 1]) << 8]
    return name, fromlist, _namespaces(frame)


def _covered(name, prefixes):
    for prefix in prefixes:
        if name == prefix or name.startswith(prefix + '.'):
            return True
    return False


def _path_importer(entry):
    """The PEP 302 importer for a path entry, or None for the built-in
    file system import (mirrors import.c's get_path_importer)."""
    cache = sys.path_importer_cache
    try:
        return cache[entry]
    except KeyError:
        pass
    cache[entry] = None             # as import.c does, against recursion
    importer = None
    for hook in sys.path_hooks:
        try:
            importer = hook(entry)
            break
        except ImportError:
            pass
    else:
        try:
            importer = imp.NullImporter(entry)
        except ImportError:
            return None
    cache[entry] = importer
    return importer


class _LazyFinder(object):
    """The sys.meta_path entry that install() adds."""

    def __init__(self, bypass, memory):
        self.bypass = bypass
        self.memory = memory
        self.pending = {}           # fullname -> what load_module does
        self.proxied = []
        self.loaded = []
        self.bypassed = {}
        self.failed = {}
        self.memory_used = {}

    def __repr__(self):
        return '<lazyimport finder>'

    # -- bookkeeping, always under the import lock --

    def note_loaded(self, name):
        if name not in self.loaded:
            self.loaded.append(name)
        self.failed.pop(name, None)

    def note_failure(self, name, exc_type, exc):
        # Called while the real error is pending: must not raise itself.
        try:
            text = str(exc)
        except Exception:
            text = repr(exc)
        self.failed[name] = '%s: %s' % (getattr(exc_type, '__name__',
                                                exc_type), text)

    def note_memory(self, name, used):
        self.memory_used[name] = used

    # -- PEP 302 --

    def find_module(self, fullname, path=None):
        if fullname in _loading:
            return None
        current = sys.modules.get(fullname)
        if current is not None:
            # Only reload() asks about a module that is already imported.
            # A pending proxy is loaded first; declining then lets reload()
            # find the module and run it again in the real module.
            if is_lazy(current):
                try:
                    _load(current)
                except:
                    self.pending[fullname] = ('error', sys.exc_info())
                    return self
            return None
        statement = _import_statement()
        parent_name = fullname.rpartition('.')[0]
        parent = sys.modules.get(parent_name) if parent_name else None
        take_over = is_lazy(parent)
        if take_over:
            # A submodule of a pending package: the package must run
            # first, and its real __path__ replaces the guess import.c
            # passed in.  From here on this finder does the import, so
            # that the submodule also lands on the real package.
            try:
                real_parent = _load(parent)
            except:
                self.pending[fullname] = ('error', sys.exc_info())
                return self
            if statement is not None:
                # "import pkg.sub" binds the proxy of pkg after this point.
                _base_getattr(parent, '_lazy_spaces').extend(statement[2])
            path = getattr(real_parent, '__path__', None)
            if path is None or fullname in sys.modules:
                # Not a package after all, or its __init__ imported the
                # submodule already: let the normal import sort it out.
                self.pending[fullname] = ('eager',)
                return self
        reason = self._bypass_reason(fullname, statement)
        if reason is None:
            kind, package_path = self._locate(fullname, path)
            if kind == 'missing':
                return None         # the import fails as it would anyway
            if kind == 'opaque':
                reason = 'loader'
        if reason is not None:
            self.bypassed[fullname] = reason
            if take_over:
                self.pending[fullname] = ('eager',)
                return self
            return None
        self.pending[fullname] = ('lazy', package_path, statement[2])
        return self

    def load_module(self, fullname):
        action = self.pending.pop(fullname, ('eager',))
        if action[0] == 'error':
            exc_type, exc, tb = action[1]
            raise exc_type, exc, tb
        if action[0] == 'eager':
            module = _real_import(fullname)
        else:
            module = LazyModule(fullname, self, action[1], action[2])
            sys.modules[fullname] = module
            if fullname not in self.proxied:
                self.proxied.append(fullname)
        # import.c attaches a submodule to the parent object it started
        # from, which may be a proxy loaded meanwhile; the real package
        # needs the attribute too.
        parent_name, _, subname = fullname.rpartition('.')
        parent = _real_parent(parent_name)
        if parent is not None:
            parent.__dict__[subname] = module
        return module

    # -- helpers --

    def _bypass_reason(self, fullname, statement):
        """Why fullname must be imported eagerly, or None."""
        if _covered(fullname, DEFAULT_BYPASS):
            return 'default'
        if '.' not in fullname and (imp.is_builtin(fullname)
                                    or imp.is_frozen(fullname)):
            return 'builtin'
        if _covered(fullname, self.bypass):
            return 'bypass'
        if statement is None:
            return 'indirect'
        name, fromlist = statement[:2]
        if fromlist:
            return 'fromlist'
        if fullname != name and not fullname.endswith('.' + name):
            return 'parent'
        return None

    def _locate(self, fullname, path):
        """Find fullname the way import would, without loading it.

        Returns (kind, package_path): kind is 'missing', 'module',
        'package' (package_path is the guessed __path__) or 'opaque' (a
        loader that cannot say whether it is a package).
        """
        for finder in list(sys.meta_path):
            if finder is self:
                continue
            loader = finder.find_module(fullname, path)
            if loader is not None:
                return self._describe(loader, fullname)
        if path is None:
            path = sys.path
        elif isinstance(path, basestring):
            return 'opaque', None   # frozen package: leave it to import.c
        subname = fullname.rpartition('.')[2]
        for entry in list(path):
            if not isinstance(entry, basestring):
                continue
            importer = _path_importer(entry)
            if importer is not None:
                loader = importer.find_module(fullname)
                if loader is not None:
                    return self._describe(loader, fullname)
                continue
            try:
                found, filename, description = imp.find_module(subname,
                                                               [entry])
            except ImportError:
                continue
            if found is not None:
                found.close()
            if description[2] == imp.PKG_DIRECTORY:
                return 'package', [filename]
            return 'module', None
        return 'missing', None

    @staticmethod
    def _describe(loader, fullname):
        try:
            package = loader.is_package(fullname)
        except Exception:
            return 'opaque', None
        if not package:
            return 'module', None
        try:
            return 'package', [os.path.dirname(loader.get_filename(fullname))]
        except Exception:
            return 'package', []


def _make_reload(original):
    def reload(module):
        if isinstance(module, LazyModule):
            module = _load(module)
        return original(module)
    reload.__doc__ = original.__doc__
    return reload


def installed():
    """Return True if the lazy import finder is in sys.meta_path."""
    return _finder is not None and any(entry is _finder
                                       for entry in sys.meta_path)


def install(bypass=(), memory=None):
    """Make plain import statements lazy from now on.

    bypass: module or package names to import eagerly, in addition to
    DEFAULT_BYPASS.  memory: None, or a callable returning the current
    memory use in bytes, called before and after each real load.

    Raises RuntimeError if already installed (call uninstall() first) and
    TypeError for arguments of the wrong type.  Starts a fresh report().
    """
    global _finder
    if isinstance(bypass, basestring):
        raise TypeError('install(): bypass must be an iterable of module '
                        'names, not a single string %r' % (bypass,))
    try:
        names = list(bypass)
    except TypeError:
        raise TypeError('install(): bypass must be an iterable of module '
                        'names, not %s' % type(bypass).__name__)
    for name in names:
        if not isinstance(name, str):
            raise TypeError('install(): bypass entries must be module names '
                            '(str), not %s' % type(name).__name__)
    if memory is not None and not callable(memory):
        raise TypeError('install(): memory must be a callable returning a '
                        'byte count, or None, not %s' % type(memory).__name__)
    imp.acquire_lock()
    try:
        if installed():
            raise RuntimeError('lazyimport is already installed; call '
                               'lazyimport.uninstall() first')
        finder = _LazyFinder(tuple(names), memory)
        sys.meta_path.insert(0, finder)
        # The C reload() wants sys.modules[name] to be the very object it
        # gets, which a loaded proxy no longer is.
        for owner in (__builtin__, imp):
            original = owner.reload
            replacement = _make_reload(original)
            owner.reload = replacement
            _restore.append((owner, 'reload', original, replacement))
        _finder = finder
    finally:
        imp.release_lock()


def uninstall():
    """Stop making imports lazy.  Return False if it was not installed.

    Existing proxies keep working and still load on first use.
    """
    imp.acquire_lock()
    try:
        removed = False
        for entry in list(sys.meta_path):
            if entry is _finder:
                sys.meta_path.remove(entry)
                removed = True
        while _restore:
            owner, attribute, original, replacement = _restore.pop()
            if getattr(owner, attribute, None) is replacement:
                setattr(owner, attribute, original)
        return removed
    finally:
        imp.release_lock()


def report():
    """Return what the current (or last) installation did, as a dict:

    'proxied'   names that got a proxy, in import order
    'loaded'    the proxied names that were loaded, in load order
    'pending'   the proxied names not loaded (yet)
    'bypassed'  {name: reason} for imports the finder let through eagerly
                that did happen (reasons are the keys of _REASONS)
    'failed'    {name: 'Type: message'} for loads that raised and have
                not succeeded since
    'memory'    {name: bytes} per loaded module, with install(memory=...)
    """
    imp.acquire_lock()
    try:
        finder = _finder
        if finder is None:
            return {'proxied': [], 'loaded': [], 'pending': [],
                    'bypassed': {}, 'failed': {}, 'memory': {}}
        bypassed = dict((name, reason)
                        for name, reason in finder.bypassed.items()
                        if sys.modules.get(name) is not None)
        return {
            'proxied': list(finder.proxied),
            'loaded': list(finder.loaded),
            'pending': [name for name in finder.proxied
                        if name not in finder.loaded],
            'bypassed': bypassed,
            'failed': dict(finder.failed),
            'memory': dict(finder.memory_used),
        }
    finally:
        imp.release_lock()


def format_report():
    """Return report() as readable text."""
    data = report()
    lines = ['lazyimport: %d proxied, %d loaded, %d pending, %d bypassed, '
             '%d failed' % (len(data['proxied']), len(data['loaded']),
                            len(data['pending']), len(data['bypassed']),
                            len(data['failed']))]
    if data['loaded']:
        lines.append('loaded:')
        for name in data['loaded']:
            if name in data['memory']:
                lines.append('  %-40s %s bytes' % (name,
                                                  data['memory'][name]))
            else:
                lines.append('  %s' % name)
    if data['pending']:
        lines.append('pending (never used):')
        lines.extend('  %s' % name for name in data['pending'])
    if data['bypassed']:
        lines.append('bypassed:')
        for name in sorted(data['bypassed']):
            reason = data['bypassed'][name]
            lines.append('  %-40s %s' % (name, _REASONS.get(reason, reason)))
    if data['failed']:
        lines.append('failed:')
        for name in sorted(data['failed']):
            lines.append('  %-40s %s' % (name, data['failed'][name]))
    return '\n'.join(lines)
