/* PythonPlus json-shared-keys: the C scanner of json.loads() and
   json.load() makes one string object per distinct object key within one
   decoding, as Python 3's does.  Included once by Modules/_json.c.

   Notes:

   - A memo dict lives for one call of the scanner (scanner_call, which
     decodes one JSON document): made there, passed down through
     scan_once_*, _parse_object_* and _parse_array_* as an argument, and
     dropped when the call returns, whether it succeeded or not.  It is
     never kept in the scanner object, so two threads decoding with one
     JSONDecoder (json.loads() shares one), or an object_hook that decodes
     with the same scanner, each have their own memo.

   - Every object key goes through PLUS_JSON_KEY: if the memo holds an
     equal string, that one is used and the new one is released; otherwise
     the key is entered.  A string value of at most PLUS_JSON_SHARE_VALUES
     characters goes through the same memo (PLUS_JSON_VALUE; 0 shares keys
     only).  So in json.loads('[{"a": 1}, {"a": 2}]') both dicts hold one
     u'a'.

   - The memo maps exact unicode objects to themselves (both scan_once
     functions make only those; anything else passes through untouched).
     Comparing two unicode objects cannot fail, so PyDict_GetItem, which
     would hide an error, hides none.  The memo refers to strings only:
     it is no part of a reference cycle, and what it holds is released with
     it.

   - With the switch off, memo is NULL and the macros return the string
     they are given: the scanner is stock 2.7.18's. */

#ifndef Py_PYPLUS_JSON_H
#define Py_PYPLUS_JSON_H

#if WITH_PLUS_JSON_SHARED_KEYS

/* The memo's copy of 'string' if it has one, else 'string', entered in the
   memo if it is an exact unicode of at most 'maxlen' characters.  Takes
   over the reference to 'string' (NULL passes through); returns a new
   reference, NULL with an exception set on error. */
static PyObject *
plus_json_share(PyObject *memo, PyObject *string, Py_ssize_t maxlen)
{
    PyObject *shared;

    if (string == NULL || memo == NULL || !PyUnicode_CheckExact(string) ||
        PyUnicode_GET_SIZE(string) > maxlen) {
        return string;
    }
    shared = PyDict_GetItem(memo, string);
    if (shared != NULL) {
        Py_INCREF(shared);
        Py_DECREF(string);
        return shared;
    }
    if (PyDict_SetItem(memo, string, string) < 0) {
        Py_DECREF(string);
        return NULL;
    }
    return string;
}

#define PLUS_JSON_KEY(memo, string) \
    plus_json_share((memo), (string), PY_SSIZE_T_MAX)
#define PLUS_JSON_VALUE(memo, string) (PLUS_JSON_SHARE_VALUES > 0 ? \
    plus_json_share((memo), (string), PLUS_JSON_SHARE_VALUES) : (string))

#else /* !WITH_PLUS_JSON_SHARED_KEYS */

#define PLUS_JSON_KEY(memo, string) (string)
#define PLUS_JSON_VALUE(memo, string) (string)

#endif /* WITH_PLUS_JSON_SHARED_KEYS */

#endif /* !Py_PYPLUS_JSON_H */
