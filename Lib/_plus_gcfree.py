"""PythonPlus gc-free-stdlib: helpers for stdlib paths without cycles.

Every name here is None unless this interpreter was built with the
gc-free-stdlib feature (and what it needs), so that the stdlib modules
using them keep their stock code path otherwise:

  namedtuple_class(typename, field_names)
      the class collections.namedtuple would make by exec'ing its template,
      built from prepared code objects instead: no compiler needed, several
      times faster, and no cycle through the exec namespace (which holds the
      class and is every method's globals).  The class itself is a cycle,
      as any class is, no larger than the same class statement makes.
  closing_iterencode(iterencode, o)
      iterate over iterencode(o, 0), then close() the function: json's
      _make_iterencode closures refer to each other through their cells.
  unlink_on_death(od, root)
      a weak reference to the OrderedDict 'od' that, when od dies, empties
      the lists of its doubly-linked list (root, and every node from it),
      a cycle otherwise left for the collector by every OrderedDict
      (namedtuple._asdict, ConfigParser, json's object_pairs_hook).
      OrderedDict.clear() points the old links back to the root instead
      of to each other (a forward iteration in progress goes on as in
      stock; a reversed one stops).
  ENABLED
      whether the feature is on (ElementTree's XMLParser.close() reads it).
"""
import sys as _sys
from _weakref import ref as _ref
from operator import itemgetter as _itemgetter

_features = getattr(getattr(_sys, 'pythonplus', None), 'features', ())
ENABLED = 'gc-free-stdlib' in _features

namedtuple_class = None
closing_iterencode = None
unlink_on_death = None


# -- OrderedDict -----------------------------------------------------------

def _unlink(unlinker):
    # Called when the OrderedDict dies, its dict (and the unlinker) still
    # alive, so no iterator is left.  Each link is [prev, next, key]; an
    # emptied one ends the walk.
    link = unlinker.root
    while link:
        following = link[1]
        del link[:]
        link = following


class _Unlinker(_ref):
    __slots__ = ('root',)

    def __new__(cls, od, root):
        self = _ref.__new__(cls, od, _unlink)
        self.root = root
        return self

    def __init__(self, od, root):
        _ref.__init__(self, od, _unlink)


# -- json ------------------------------------------------------------------

def _closing_iterencode(iterencode, o):
    try:
        for chunk in iterencode(o, 0):
            yield chunk
    finally:
        iterencode.close()


# -- namedtuple ------------------------------------------------------------

# The methods of collections._class_template, written once.  A per-class
# copy of each gets its constants (docstring, field count, field names,
# repr format) swapped in place of the placeholders below, so that the
# methods behave, and read in tracebacks and help(), as the exec'd ones.
_N = 0x7e5701           # placeholder: number of fields
_F = ('\0fields',)      # placeholder: tuple of field names

def _make(cls, iterable, new=tuple.__new__, len=len):
    '\0doc'
    result = new(cls, iterable)
    if len(result) != 0x7e5701:
        raise TypeError('\0expected' % len(result))
    return result

def __repr__(self):
    'Return a nicely formatted representation string'
    return '\0repr' % self

def _asdict(self):
    'Return a new OrderedDict which maps field names to their values'
    return OrderedDict(zip(self._fields, self))

def _replace(_self, **kwds):
    '\0doc'
    result = _self._make(map(kwds.pop, ('\0fields',), _self))
    if kwds:
        raise ValueError('Got unexpected field names: %r' % kwds.keys())
    return result

def __getnewargs__(self):
    'Return self as a plain tuple.  Used by copy and pickle.'
    return tuple(self)

def __getstate__(self):
    'Exclude the OrderedDict from pickling'
    pass

def __new__(_cls):
    '\0doc'
    return _tuple.__new__(_cls, ())     # per class: see _new_method

OrderedDict = None      # collections.OrderedDict, set on first use
_tuple = tuple
_CodeType = type(_make.__code__)
_FunctionType = type(_make)


def _recode(code, consts, argcount=None, nlocals=None, stacksize=None,
            codestring=None, names=None, varnames=None, lnotab=None):
    """A copy of 'code' with other constants and, optionally, fields."""
    def pick(value, default):
        return default if value is None else value
    return _CodeType(pick(argcount, code.co_argcount),
                     pick(nlocals, code.co_nlocals),
                     pick(stacksize, code.co_stacksize), code.co_flags,
                     pick(codestring, code.co_code), consts,
                     pick(names, code.co_names),
                     pick(varnames, code.co_varnames), code.co_filename,
                     code.co_name, code.co_firstlineno,
                     pick(lnotab, code.co_lnotab), code.co_freevars,
                     code.co_cellvars)


def _method(template, module, replacements):
    """A new function of 'template''s code with constants replaced."""
    code = template.__code__
    consts = tuple([replacements.get(c, c) if type(c) in (str, int, tuple)
                    else c for c in code.co_consts])
    function = _FunctionType(_recode(code, consts), globals(),
                             template.__name__, template.__defaults__)
    function.__module__ = module        # as the exec'd template's methods
    return function


def _new_method(typename, field_names, module, doc):
    """__new__(_cls, <fields>): _tuple.__new__(_cls, (<fields>))."""
    from opcode import opmap as _opmap
    n = len(field_names)
    ops = [_opmap['LOAD_GLOBAL'], 0, 0, _opmap['LOAD_ATTR'], 1, 0]
    for i in range(n + 1):
        ops += [_opmap['LOAD_FAST'], i & 0xff, i >> 8]
    ops += [_opmap['BUILD_TUPLE'], n & 0xff, n >> 8,
            _opmap['CALL_FUNCTION'], 2, 0, _opmap['RETURN_VALUE']]
    code = _recode(__new__.__code__, (doc,), argcount=n + 1,
                   nlocals=n + 1, stacksize=n + 3,
                   codestring=''.join(map(chr, ops)),
                   names=('_tuple', '__new__'),
                   varnames=('_cls',) + field_names, lnotab='')
    function = _FunctionType(code, globals(), '__new__')
    function.__module__ = module
    return function


def _namedtuple_class(typename, field_names):
    global OrderedDict
    if OrderedDict is None:
        from collections import OrderedDict
    field_names = tuple(field_names)
    n = len(field_names)
    arg_list = repr(field_names).replace("'", "")[1:-1]
    repr_fmt = ', '.join(['%s=%%r' % name for name in field_names])
    module = 'namedtuple_%s' % typename
    namespace = {
        '__doc__': '%s(%s)' % (typename, arg_list),
        '__module__': module,
        '__slots__': (),
        '_fields': field_names,
        '__new__': _new_method(typename, field_names, module,
            'Create new instance of %s(%s)' % (typename, arg_list)),
        '_make': classmethod(_method(_make, module, {
            '\0doc': 'Make a new %s object from a sequence or iterable'
                     % typename,
            _N: n,
            '\0expected': 'Expected %d arguments, got %%d' % n})),
        '__repr__': _method(__repr__, module, {
            '\0repr': '%s(%s)' % (typename, repr_fmt)}),
        '_asdict': _method(_asdict, module, {}),
        '_replace': _method(_replace, module, {
            '\0doc': 'Return a new %s object replacing specified fields '
                     'with new values' % typename,
            _F: field_names}),
        '__getnewargs__': _method(__getnewargs__, module, {}),
        '__getstate__': _method(__getstate__, module, {}),
    }
    namespace['__dict__'] = property(namespace['_asdict'])
    for index, name in enumerate(field_names):
        namespace[name] = property(_itemgetter(index),
                                   doc='Alias for field number %d' % index)
    return type(typename, (tuple,), namespace)


if ENABLED:
    namedtuple_class = _namedtuple_class
    unlink_on_death = _Unlinker
    if hasattr(_FunctionType, 'close'):
        closing_iterencode = _closing_iterencode
