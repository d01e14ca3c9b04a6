"""PythonPlus json-shared-keys: json.loads() and json.load() make one
string object per distinct object key within one decoding, in the C
scanner and in the pure-Python one, and otherwise decode as stock 2.7.18
does (hooks, errors, no reference cycles)."""
import collections
import gc
import StringIO
import sys
import threading
import unittest

from test import test_support

import _plus_json

ENABLED = 'json-shared-keys' in sys.pythonplus.features

cjson = test_support.import_fresh_module('json', fresh=['_json'])
pyjson = test_support.import_fresh_module('json', blocked=['_json'])

DOC = ('[{"id": 1, "name": "a", "kind": "sword", "pos": {"x": 1, "y": 2}},'
       ' {"id": 2, "name": "b", "kind": "sword", "pos": {"x": 3, "y": 4}},'
       ' {"id": 3, "name": "c", "kind": "ring", "pos": {"x": 5, "y": 6},'
       '  "tags": [{"id": 7, "\\u00e9t\\u00e9": 1}, {"\\u00e9t\\u00e9": 2}]}]')

# (input, then stock 2.7.18's ValueError message for: the C scanner on a
# str, on a unicode, the pure-Python scanner on a str, on a unicode)
BAD = [
    ('{"a": 1,}',
     'Expecting property name: line 1 column 9 (char 8)',
     'Expecting property name enclosed in double quotes: line 1 column 9 (char 8)',
     'Expecting property name enclosed in double quotes: line 1 column 9 (char 8)',
     'Expecting property name enclosed in double quotes: line 1 column 9 (char 8)'),
    ('{"a" 1}',
     'Expecting : delimiter: line 1 column 6 (char 5)',
     "Expecting ':' delimiter: line 1 column 6 (char 5)",
     "Expecting ':' delimiter: line 1 column 6 (char 5)",
     "Expecting ':' delimiter: line 1 column 6 (char 5)"),
    ('[{"a": 1}, {"a": }]',
     'No JSON object could be decoded',
     'No JSON object could be decoded',
     'Expecting object: line 1 column 18 (char 17)',
     'Expecting object: line 1 column 18 (char 17)'),
    ('{"a": "x',
     'Unterminated string starting at: line 1 column 7 (char 6)',
     'Unterminated string starting at: line 1 column 7 (char 6)',
     'Unterminated string starting at: line 1 column 7 (char 6)',
     'Unterminated string starting at: line 1 column 7 (char 6)'),
    ('{"a": 1',
     'Expecting object: line 1 column 7 (char 6)',
     'Expecting object: line 1 column 7 (char 6)',
     "Expecting ',' delimiter: line 1 column 8 (char 7)",
     "Expecting ',' delimiter: line 1 column 8 (char 7)"),
    ('{"a": 1 "b": 2}',
     'Expecting , delimiter: line 1 column 9 (char 8)',
     "Expecting ',' delimiter: line 1 column 9 (char 8)",
     "Expecting ',' delimiter: line 1 column 9 (char 8)",
     "Expecting ',' delimiter: line 1 column 9 (char 8)"),
    ('[{"k": 1}, {"k": 2}, {"k"',
     'Expecting : delimiter: line 1 column 26 (char 25)',
     "Expecting ':' delimiter: line 1 column 26 (char 25)",
     "Expecting ':' delimiter: line 1 column 26 (char 25)",
     "Expecting ':' delimiter: line 1 column 26 (char 25)"),
    ('{"k": 1}}',
     'Extra data: line 1 column 9 - line 1 column 10 (char 8 - 9)',
     'Extra data: line 1 column 9 - line 1 column 10 (char 8 - 9)',
     'Extra data: line 1 column 9 - line 1 column 10 (char 8 - 9)',
     'Extra data: line 1 column 9 - line 1 column 10 (char 8 - 9)'),
    ('{1: 2}',
     'Expecting property name: line 1 column 2 (char 1)',
     'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)',
     'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)',
     'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'),
    ('{"a": [1, 2}',
     'Expecting , delimiter: line 1 column 12 (char 11)',
     "Expecting ',' delimiter: line 1 column 12 (char 11)",
     "Expecting ',' delimiter: line 1 column 13 (char 12)",
     "Expecting ',' delimiter: line 1 column 13 (char 12)"),
    ('',
     'No JSON object could be decoded',
     'No JSON object could be decoded',
     'No JSON object could be decoded',
     'No JSON object could be decoded'),
    ('[{"a": NaNx}]',
     'Expecting , delimiter: line 1 column 11 (char 10)',
     "Expecting ',' delimiter: line 1 column 11 (char 10)",
     "Expecting ',' delimiter: line 1 column 11 (char 10)",
     "Expecting ',' delimiter: line 1 column 11 (char 10)"),
    ('{"a": "\\ud800\\q"}',
     'Invalid \\escape: line 1 column 14 (char 13)',
     'Invalid \\escape: line 1 column 14 (char 13)',
     "Invalid \\escape: 'q': line 1 column 15 (char 14)",
     "Invalid \\escape: u'q': line 1 column 15 (char 14)"),
    ('{"a\x01": 1}',
     'Invalid control character at: line 1 column 4 (char 3)',
     'Invalid control character at: line 1 column 4 (char 3)',
     "Invalid control character '\\x01' at: line 1 column 5 (char 4)",
     "Invalid control character u'\\x01' at: line 1 column 5 (char 4)"),
]


def garbage(operation):
    """What gc.collect() finds after operation(), collector off; one run
    before warms up the caches and imports the operation may fill."""
    operation()
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        operation()
        return gc.collect()
    finally:
        if was_enabled:
            gc.enable()


def keys_of(value, found):
    """Every object key in the decoded 'value', in document order."""
    if isinstance(value, dict):
        for key, item in sorted(value.items()):
            found.append(key)
            keys_of(item, found)
    elif isinstance(value, list):
        for item in value:
            keys_of(item, found)
    return found


def stock_python_scanner(test):
    """Make _plus_json give the pure-Python scanner no memo, as in stock,
    until the test ends."""
    test.addCleanup(setattr, _plus_json, 'ENABLED', _plus_json.ENABLED)
    _plus_json.ENABLED = False


class SharedKeysMixin(object):

    def assertShared(self, keys):
        """Equal keys are one object; each an exact unicode."""
        first = {}
        for key in keys:
            self.assertIs(type(key), unicode)
            self.assertIs(first.setdefault(key, key), key, key)

    def test_keys_shared_across_rows_and_levels(self):
        for doc in (DOC, DOC.decode('ascii')):
            data = self.json.loads(doc)
            keys = keys_of(data, [])
            self.assertEqual(len(keys), 22)
            self.assertShared(keys)
            self.assertEqual(data[2]['tags'][1], {u'\xe9t\xe9': 2})

    def test_load_from_file(self):
        data = self.json.load(StringIO.StringIO(DOC))
        self.assertShared(keys_of(data, []))

    def test_result_unchanged(self):
        data = self.json.loads(DOC)
        self.assertEqual(data[0], {u'id': 1, u'name': u'a', u'kind': u'sword',
                                   u'pos': {u'x': 1, u'y': 2}})
        self.assertEqual(self.json.loads('{"a": 1, "a": 2}'), {u'a': 2})
        self.assertEqual(self.json.loads('{"": {"": ""}}'), {u'': {u'': u''}})

    def test_values(self):
        a, b = self.json.loads('[{"k": "sword"}, {"k": "sword"}]')
        self.assertEqual(a, b)
        if _plus_json.SHARE_VALUES >= 5:
            self.assertIs(a['k'], b['k'])
        else:
            self.assertIsNot(a['k'], b['k'])
        # a value long past the limit is never shared
        long_value = '"%s"' % ('v' * (_plus_json.SHARE_VALUES + 1))
        a, b = self.json.loads('[%s, %s]' % (long_value, long_value))
        self.assertIsNot(a, b)

    def test_one_memo_per_call(self):
        # Nothing is kept from one decoding to the next.
        first = self.json.loads('{"only-in-this-call": 1}').keys()[0]
        second = self.json.loads('{"only-in-this-call": 1}').keys()[0]
        self.assertIsNot(first, second)
        self.assertEqual(sys.getrefcount(first), sys.getrefcount(second))

    def test_memo_released(self):
        # The memo lets go of its keys when the call ends, whether it
        # succeeds or an object_hook raises.
        seen = []
        def hook(obj):
            seen.extend(sorted(obj))
            if 'stop' in obj:
                raise KeyError('stop')
            return obj
        data = self.json.loads('[{"kept": 1}, {"kept": 2}]', object_hook=hook)
        key = seen[0]
        self.assertIs(seen[1], key)
        # this frame, seen (twice), the two dicts, getrefcount's argument
        self.assertEqual(sys.getrefcount(key), 6)
        del data
        self.assertEqual(sys.getrefcount(key), 4)
        del seen[:]
        # (stock's C scanner keeps the object whose hook raised: look at
        # a key only the first object has)
        try:
            self.json.loads('[{"first": 1, "kept": 2}, {"kept": 3},'
                            ' {"kept": 4, "stop": 5}]', object_hook=hook)
        except KeyError:
            pass
        else:
            self.fail('no KeyError')
        sys.exc_clear()         # the traceback holds the hook's frame
        self.assertEqual(seen[:3], [u'first', u'kept', u'kept'])
        key = seen[0]
        self.assertIs(seen[2], seen[1])
        del seen[:]
        self.assertEqual(sys.getrefcount(key), 2)

    def test_object_hook(self):
        calls = []
        def hook(obj):
            calls.append(obj)
            return ('hooked', len(obj))
        data = self.json.loads(DOC, object_hook=hook)
        self.assertEqual(data, [('hooked', 4), ('hooked', 4), ('hooked', 5)])
        self.assertEqual(calls[0], {u'x': 1, u'y': 2})
        self.assertEqual(len(calls), 8)
        self.assertShared(keys_of(calls, []))

    def test_object_pairs_hook(self):
        data = self.json.loads(DOC, object_pairs_hook=collections.OrderedDict)
        self.assertEqual(data[0].keys(), [u'id', u'name', u'kind', u'pos'])
        self.assertIsInstance(data[0]['pos'], collections.OrderedDict)
        self.assertShared(keys_of(data, []))
        pairs = self.json.loads('[{"k": 1, "j": 2}, {"k": 3}]',
                                object_pairs_hook=list)
        self.assertEqual(pairs, [[(u'k', 1), (u'j', 2)], [(u'k', 3)]])
        self.assertIs(pairs[0][0][0], pairs[1][0][0])

    def test_hook_that_decodes(self):
        # An object_hook decoding with the same decoder, inside a decoding.
        def hook(obj):
            if 'inner' in obj:
                obj['inner'] = decoder.decode(obj['inner'])
            return obj
        decoder = self.json.JSONDecoder(object_hook=hook)
        doc = ('[{"a": 1, "inner": "{\\"a\\": 2, \\"b\\": 3}"}, {"a": 4},'
               ' {"b": 5}]')
        data = decoder.decode(doc)
        self.assertEqual(data, [{u'a': 1, u'inner': {u'a': 2, u'b': 3}},
                                {u'a': 4}, {u'b': 5}])

    def test_threads_sharing_a_decoder(self):
        # Four threads decoding with one decoder, switching in the middle
        # of a decoding (in the object_hook).  The C scanner's memo is per
        # call, so keys stay shared; the pure-Python scanner's is per
        # scanner (as in Python 3), emptied by whichever decoding ends, so
        # only the results are checked there.
        def hook(obj):
            if obj.get('n', 0) % 7 == 0:
                threading.Event().wait(0.0001)
            return obj
        decoder = self.json.JSONDecoder(object_hook=hook)
        docs = [self.json.dumps([{'n': n, 'k%d' % (n % 3): n}
                                 for n in range(t, t + 200)])
                for t in range(4)]
        expected = [self.json.loads(doc) for doc in docs]
        failures = []
        def work(doc, want):
            for i in range(5):
                got = decoder.decode(doc)
                if got != want:
                    failures.append((got, want))
                if self.scanner == 'c':
                    try:
                        self.assertShared(keys_of(got, []))
                    except AssertionError as e:
                        failures.append(e)
        threads = [threading.Thread(target=work, args=pair)
                   for pair in zip(docs, expected)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(failures, [])

    def test_bad_input_as_stock(self):
        for row in BAD:
            doc = row[0]
            messages = row[1:3] if self.scanner == 'c' else row[3:5]
            for text, message in zip((doc, doc.decode('ascii')), messages):
                with self.assertRaises(ValueError) as caught:
                    self.json.loads(text)
                self.assertIs(type(caught.exception), ValueError)
                self.assertEqual(str(caught.exception), message)
                with self.assertRaises(ValueError) as caught:
                    self.json.loads(text, object_pairs_hook=list)
                self.assertEqual(str(caught.exception), message)
        self.assertRaises(TypeError, self.json.loads, 5)
        self.assertRaises(TypeError, self.json.loads, '{"a": 1}',
                          object_hook=5)
        self.assertRaises(TypeError, self.json.loads, '{"a": 1}',
                          object_pairs_hook=5)

    def test_deep_nesting(self):
        # RuntimeError, as in stock, and nothing left behind.
        doc = '{"a": ' * 100000 + '1' + '}' * 100000
        self.assertRaises(RuntimeError, self.json.loads, doc)
        self.assertEqual(self.json.loads('{"a": ' * 50 + '1' + '}' * 50),
                         reduce(lambda v, i: {u'a': v}, range(50), 1))


@unittest.skipUnless(ENABLED, 'built without json-shared-keys')
@unittest.skipUnless(cjson, 'requires _json')
class CScannerTest(SharedKeysMixin, unittest.TestCase):
    json = cjson
    scanner = 'c'

    def test_is_the_c_scanner(self):
        self.assertEqual(self.json.scanner.make_scanner.__module__, '_json')

    def test_no_cycles(self):
        json = self.json
        def use():
            json.loads(DOC)
            json.loads(DOC, object_hook=dict)
            json.loads(DOC, object_pairs_hook=collections.OrderedDict)
            json.load(StringIO.StringIO(DOC))
            try:
                json.loads('[{"a": 1}, {"a": }]')
            except ValueError:
                pass
        self.assertEqual(garbage(use), 0)


@unittest.skipUnless(ENABLED, 'built without json-shared-keys')
class PyScannerTest(SharedKeysMixin, unittest.TestCase):
    json = pyjson
    scanner = 'py'

    def test_is_the_python_scanner(self):
        self.assertEqual(self.json.scanner.make_scanner.__module__,
                         'json.scanner')
        self.assertEqual(self.json.decoder.scanstring.__module__,
                         'json.decoder')

    def test_no_cycles(self):
        json = self.json
        def default_decoder():
            json.loads(DOC)
            json.load(StringIO.StringIO(DOC))
            try:
                json.loads('[{"a": 1}, {"a": }]')
            except ValueError:
                pass
        self.assertEqual(garbage(default_decoder), 0)
        # A new decoder's pure-Python scanner is a cycle in stock too
        # (_scan_once refers to itself): no more garbage than stock's.
        def new_decoders():
            json.loads(DOC, object_hook=dict)
            json.loads(DOC, object_pairs_hook=collections.OrderedDict)
        ours = garbage(new_decoders)
        stock_python_scanner(self)
        self.assertEqual(garbage(new_decoders), ours)

    def test_stock_signature_parse_object(self):
        # A decoder whose parse_object takes no memo keeps stock's scanner.
        decoder_module = self.json.decoder
        def parse_object(s_and_end, encoding, strict, scan_once, object_hook,
                         object_pairs_hook):
            return decoder_module.JSONObject(s_and_end, encoding, strict,
                                             scan_once, object_hook,
                                             object_pairs_hook)
        decoder = self.json.JSONDecoder()
        decoder.parse_object = parse_object
        decoder.scan_once = self.json.scanner.py_make_scanner(decoder)
        a, b = decoder.decode('[{"k": 1}, {"k": 2}]')
        self.assertEqual((a, b), ({u'k': 1}, {u'k': 2}))
        self.assertIsNot(a.keys()[0], b.keys()[0])

    def test_jsonobject_memo_argument(self):
        # Python 3's signature; without a memo, stock's behaviour.
        JSONObject = self.json.decoder.JSONObject
        scan = self.json.scanner.py_make_scanner(self.json.JSONDecoder())
        memo = {}
        a, end = JSONObject(('{"k": 1}', 1), None, True, scan, None, None,
                            memo)
        self.assertEqual((a, end), ({u'k': 1}, 8))
        self.assertEqual(memo, {u'k': u'k'})
        b, end = JSONObject(('{"k": 2}', 1), None, True, scan, None, None,
                            memo)
        self.assertIs(b.keys()[0], a.keys()[0])
        c, end = JSONObject(('{"k": 3}', 1), None, True, scan, None, None)
        self.assertIsNot(c.keys()[0], a.keys()[0])

    def test_memo_emptied(self):
        scan = self.json.scanner.py_make_scanner(self.json.JSONDecoder())
        memo = scan.func_closure[[c.cell_contents.__class__
                                  for c in scan.func_closure].index(dict)]
        self.assertEqual(memo.cell_contents, {})
        scan('[{"k": 1}]', 0)
        self.assertEqual(memo.cell_contents, {})
        self.assertRaises(ValueError, scan, '[{"k": 1}, {"j" 2}]', 0)
        self.assertEqual(memo.cell_contents, {})


def test_main():
    test_support.run_unittest(CScannerTest, PyScannerTest)


if __name__ == '__main__':
    test_main()
