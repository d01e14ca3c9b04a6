"""PythonPlus json-shared-keys: the pure-Python scanner's side.

json.loads() and json.load() make one string object per distinct object
key within one decoding, as Python 3 does.  The C scanner does it in
Modules/plus_json.h; Lib/json/scanner.py's py_make_scanner asks this module
for its memo:

  ENABLED
      whether the feature is on (read from sys.pythonplus at import).
  SHARE_VALUES
      string values of at most this many characters share the memo too
      (the PLUS_JSON_SHARE_VALUES tunable; 0 shares keys only).
  scanner_memo(context)
      a new, empty memo dict for py_make_scanner(context), or None when
      the feature is off or context.parse_object does not take a memo
      argument (a decoder whose parse_object was replaced by a function
      of stock 2.7's signature): then the scanner is stock's.

As in Python 3, the pure-Python scanner keeps one memo per scanner and
empties it when a decoding ends.  The memo only ever maps a string to an
equal string, so two decodings that overlap (two threads, an object_hook
that decodes with the same decoder) stay correct; one may just share a
little less.  The memo holds strings only, and nothing refers to it but the
scanner's closure: it adds no reference cycle.
"""
import sys as _sys

_info = getattr(_sys, 'pythonplus', None)
ENABLED = 'json-shared-keys' in getattr(_info, 'features', ())
SHARE_VALUES = 0
if ENABLED:
    SHARE_VALUES = getattr(_info, 'tunables', {}).get(
        'PLUS_JSON_SHARE_VALUES', 0)
del _info


def scanner_memo(context):
    if not ENABLED:
        return None
    code = getattr(context.parse_object, '__code__', None)
    if code is None or 'memo' not in code.co_varnames[:code.co_argcount]:
        return None
    return {}
