/* PythonPlus key-sharing instance dicts (WITH_PLUS_SHARED_KEYS, needs
   WITH_PLUS_COMPACT_DICT), in the manner of PEP 412.

   The instance dicts of one heap type share one key table and hold only
   their values.

   The shared key table of a type is an ordinary (compact) dict, key ->
   None, kept in the type's tp_cache (a PyTypeObject field that 2.7 leaves
   unused, decrefs in type_dealloc and visits in type_traverse, "if it
   were [used], it would be a dict"): no struct changes size.  Only exact
   str keys go in, it is never deleted from, so its entries stay in
   ma_table[0 .. ma_used - 1] in insertion order and a key's position
   never changes.  It holds at most PLUS_SK_MAX_KEYS keys.

   A split dict holds the values of the first ma_used keys of its shared
   table, in that order, none missing.  Its fields:
     ma_lookup  plus_sk_lookup (that is how a split dict is recognised);
     ma_table   the split block (plus_sk_block): a reference to the key
                table, the capacity, the values;
     ma_used    as ever, len(d);
     ma_fill, ma_mask, ma_usable  0, so that a loop over ma_table sees
                nothing (all of them in dictobject.c have a hook).
   sys.getsizeof counts the dict object and its block (values and
   header), not the shared keys.

   What a split dict does itself: look up an exact str key, replace the
   value of a key it has, append the key that comes next in the shared
   table (or a new key when it holds them all and the table has room),
   iterate (PyDict_Next, _PyDict_Next, the iterators, keys(), values(),
   items()), printing, ==, clear, update from a dict, gc traversal, size, dealloc.
   Anything else turns it into an ordinary combined dict first
   (plus_sk_combine), with the same items in the same order: any
   lookup through ma_lookup (so deletion, pop, setdefault, a non-str key,
   every caller we did not hook), a key out of the shared order, a key
   table that is full, popitem, comparisons, printing.  A dict never
   becomes split again; only an empty dict made for an instance starts
   split.

   Positions: a split dict's item i is entry i of the combined dict it
   turns into, so PyDict_Next and the iterators carry on across the
   change.

   Included once, by Objects/dictobject.c, after plus_compact_dict.h. */

#ifndef Py_PYPLUS_SHARED_KEYS_H
#define Py_PYPLUS_SHARED_KEYS_H

#if !WITH_PLUS_COMPACT_DICT
#error "WITH_PLUS_SHARED_KEYS needs WITH_PLUS_COMPACT_DICT"
#endif

/* Most keys one shared table holds (Python 3's SHARED_KEYS_MAX_SIZE). */
#define PLUS_SK_MAX_KEYS 30

typedef struct {
    PyDictObject *sk_keys;      /* the shared key table, a reference */
    Py_ssize_t sk_cap;          /* room in sk_values */
    PyObject *sk_values[1];     /* the values, sk_values[0 .. ma_used-1] */
} plus_sk_block;

/* Blocks come from pymalloc, as compact-dict's tables do (a block may
   have been an instance's values block before it was a dict's,
   Objects/plus_instance_values.h). */
#define PLUS_SK_MALLOC PLUS_CD_MALLOC
#define PLUS_SK_REALLOC PyObject_REALLOC
#define PLUS_SK_FREE PLUS_CD_FREE

/* Room for the values of a block that holds n of them and must take one
   more, the shared table k holding k->ma_used keys. */
static Py_ssize_t
plus_sk_grown_cap(PyDictObject *k, Py_ssize_t n)
{
    Py_ssize_t cap = k->ma_used > n ? k->ma_used : n + n / 2 + 1;

    return cap > PLUS_SK_MAX_KEYS ? PLUS_SK_MAX_KEYS : cap;
}

#define PLUS_SK_BLOCK_BYTES(cap) \
    (sizeof(plus_sk_block) + ((size_t)(cap) - 1) * sizeof(PyObject *))

static PyDictEntry *plus_sk_lookup(PyDictObject *mp, PyObject *key,
                                   long hash);

#define PLUS_SK_IS_SPLIT(mp) \
    (((PyDictObject *)(mp))->ma_lookup == plus_sk_lookup)
#define PLUS_SK_BLOCK(mp) ((plus_sk_block *)((PyDictObject *)(mp))->ma_table)

/* Turn a split dict into a combined one, same items, same order: 0, or
   -1 with MemoryError (the dict stays split). */
static int
plus_sk_combine(PyDictObject *mp)
{
    plus_sk_block *b = PLUS_SK_BLOCK(mp);
    PyDictEntry *kt = b->sk_keys->ma_table;
    Py_ssize_t i, n = mp->ma_used;

    PLUS_CD_INIT_EMPTY(mp);
    mp->ma_fill = 0;
    mp->ma_used = 0;
    mp->ma_lookup = lookdict_string;
    if (dictresize(mp, n + 1) != 0) {
        mp->ma_table = (PyDictEntry *)b;
        mp->ma_lookup = plus_sk_lookup;
        mp->ma_used = n;
        return -1;
    }
    for (i = 0; i < n; i++) {
        Py_INCREF(kt[i].me_key);
        /* steals the key and the value */
        plus_cd_append(mp, kt[i].me_key, (long)kt[i].me_hash,
                       b->sk_values[i]);
    }
    Py_DECREF(b->sk_keys);
    PLUS_SK_FREE(b);
    return 0;
}

/* ma_lookup of a split dict: callers may write through the entry, so the
   dict becomes combined first. */
static PyDictEntry *
plus_sk_lookup(PyDictObject *mp, PyObject *key, long hash)
{
    if (plus_sk_combine(mp) != 0)
        return NULL;
    return mp->ma_lookup(mp, key, hash);
}

/* Position of an exact str key in the shared table, or -1. */
static Py_ssize_t
plus_sk_find(PyDictObject *mp, PyObject *key, long hash)
{
    PyDictObject *k = PLUS_SK_BLOCK(mp)->sk_keys;
    PyDictEntry *ep = lookdict_string(k, key, hash);

    if (ep->me_value == NULL)
        return -1;
    return ep - k->ma_table;
}

/* The value of an exact str key in a split dict, or NULL. */
#define PLUS_SK_GET(mp, key, hash, p)                                   \
    (((p) = plus_sk_find((mp), (key), (hash))) >= 0 &&                  \
     (p) < (mp)->ma_used ? PLUS_SK_BLOCK(mp)->sk_values[p] : NULL)

/* For lookups whose callers only read the entry's me_value at once:
   a split dict answers exact str keys from a scratch entry. */
static PyDictEntry plus_sk_scratch;

static PyDictEntry *
plus_sk_lookup_ro(PyDictObject *mp, PyObject *key, long hash)
{
    Py_ssize_t p;

    if (!PyString_CheckExact(key))
        return plus_sk_lookup(mp, key, hash);
    p = plus_sk_find(mp, key, hash);
    plus_sk_scratch.me_hash = hash;
    plus_sk_scratch.me_key = key;
    plus_sk_scratch.me_value =
        (p >= 0 && p < mp->ma_used) ? PLUS_SK_BLOCK(mp)->sk_values[p] : NULL;
    return &plus_sk_scratch;
}

#define PLUS_DICT_LOOKUP_RO(mp) \
    (PLUS_SK_IS_SPLIT(mp) ? plus_sk_lookup_ro : (mp)->ma_lookup)

/* Track mp if value may be (a split dict's keys are str: never). */
#define PLUS_SK_TRACK(mp, value) do {                                   \
    if (!_PyObject_GC_IS_TRACKED(mp) &&                                 \
        _PyObject_GC_MAY_BE_TRACKED(value))                             \
        _PyObject_GC_TRACK(mp);                                         \
    } while (0)

/* PyDict_SetItem on a split dict: 0 done, -1 error, 1 the dict is now
   combined and the ordinary insertion must follow. */
static int
plus_sk_setitem(PyDictObject *mp, PyObject *key, long hash, PyObject *value)
{
    plus_sk_block *b = PLUS_SK_BLOCK(mp);
    PyDictObject *k = b->sk_keys;
    Py_ssize_t p, n = mp->ma_used;
    PyObject *old;

    if (!PyString_CheckExact(key))
        return plus_sk_combine(mp) == 0 ? 1 : -1;
    p = plus_sk_find(mp, key, hash);
    if (p >= 0 && p < n) {
        old = b->sk_values[p];
        Py_INCREF(value);
        b->sk_values[p] = value;
        PLUS_SK_TRACK(mp, value);
        Py_DECREF(old); /* which can re-enter */
        return 0;
    }
    if (p == n || (p < 0 && k->ma_used == n && n < PLUS_SK_MAX_KEYS)) {
        if (n >= b->sk_cap) {
            Py_ssize_t cap = plus_sk_grown_cap(k, n);
            plus_sk_block *nb;

            nb = (plus_sk_block *)PLUS_SK_REALLOC(b, PLUS_SK_BLOCK_BYTES(cap));
            if (nb == NULL) {
                PyErr_NoMemory();
                return -1;
            }
            b = nb;
            b->sk_cap = cap;
            mp->ma_table = (PyDictEntry *)b;
        }
        if (p < 0 && PyDict_SetItem((PyObject *)k, key, Py_None) != 0)
            return -1;
        Py_INCREF(value);
        b->sk_values[n] = value;
        mp->ma_used = n + 1;
        PLUS_SK_TRACK(mp, value);
        return 0;
    }
    /* Out of the shared order, or no room: an ordinary dict. */
    return plus_sk_combine(mp) == 0 ? 1 : -1;
}

/* PyDict_Next and _PyDict_Next on a split dict. */
static int
plus_sk_next(PyDictObject *mp, Py_ssize_t *ppos, PyObject **pkey,
             PyObject **pvalue, long *phash)
{
    Py_ssize_t i = *ppos;
    PyDictEntry *kt;

    if (i < 0 || i >= mp->ma_used)
        return 0;
    *ppos = i + 1;
    kt = PLUS_SK_BLOCK(mp)->sk_keys->ma_table;
    if (pkey)
        *pkey = kt[i].me_key;
    if (pvalue)
        *pvalue = PLUS_SK_BLOCK(mp)->sk_values[i];
    if (phash)
        *phash = (long)kt[i].me_hash;
    return 1;
}

/* Make mp an empty combined dict; the caller drops what the block held
   (plus_sk_free_block), after, since the decrefs may run code. */
static plus_sk_block *
plus_sk_detach(PyDictObject *mp, Py_ssize_t *pn)
{
    plus_sk_block *b = PLUS_SK_BLOCK(mp);

    *pn = mp->ma_used;
    EMPTY_TO_MINSIZE(mp);
    mp->ma_lookup = lookdict_string;
    return b;
}

static void
plus_sk_free_block(plus_sk_block *b, Py_ssize_t n)
{
    Py_ssize_t i;

    for (i = 0; i < n; i++)
        Py_DECREF(b->sk_values[i]);
    Py_DECREF(b->sk_keys);
    PLUS_SK_FREE(b);
}

static void
plus_sk_clear(PyDictObject *mp)
{
    Py_ssize_t n;
    plus_sk_block *b = plus_sk_detach(mp, &n);

    plus_sk_free_block(b, n);
}

/* _PyDict_MaybeUntrack: 1 if some value may be tracked (keys are str). */
static int
plus_sk_may_track(PyDictObject *mp)
{
    Py_ssize_t i;

    for (i = 0; i < mp->ma_used; i++)
        if (_PyObject_GC_MAY_BE_TRACKED(PLUS_SK_BLOCK(mp)->sk_values[i]))
            return 1;
    return 0;
}

#define PLUS_SK_SIZEOF(mp) \
    ((Py_ssize_t)PLUS_SK_BLOCK_BYTES(PLUS_SK_BLOCK(mp)->sk_cap))

/* keys(), values(), items() of a split dict: which is 0, 1 or 2. */
static PyObject *
plus_sk_list(PyDictObject *mp, int which)
{
    Py_ssize_t i, n;
    PyObject *v, *item, *key, *value;

    for (;;) {
        n = mp->ma_used;
        v = PyList_New(n);
        if (v == NULL)
            return NULL;
        if (which == 2) {
            for (i = 0; i < n; i++) {
                item = PyTuple_New(2);
                if (item == NULL) {
                    Py_DECREF(v);
                    return NULL;
                }
                PyList_SET_ITEM(v, i, item);
            }
        }
        /* The allocations may run the collector, which may run code. */
        if (n == mp->ma_used && PLUS_SK_IS_SPLIT(mp))
            break;
        Py_DECREF(v);
        if (!PLUS_SK_IS_SPLIT(mp)) {
            return which == 0 ? PyDict_Keys((PyObject *)mp) :
                   which == 1 ? PyDict_Values((PyObject *)mp) :
                   PyDict_Items((PyObject *)mp);
        }
    }
    for (i = 0; i < n; i++) {
        key = PLUS_SK_BLOCK(mp)->sk_keys->ma_table[i].me_key;
        value = PLUS_SK_BLOCK(mp)->sk_values[i];
        Py_INCREF(key);
        Py_INCREF(value);
        if (which == 0) {
            Py_DECREF(value);
            PyList_SET_ITEM(v, i, key);
        }
        else if (which == 1) {
            Py_DECREF(key);
            PyList_SET_ITEM(v, i, value);
        }
        else {
            item = PyList_GET_ITEM(v, i);
            PyTuple_SET_ITEM(item, 0, key);
            PyTuple_SET_ITEM(item, 1, value);
        }
    }
    return v;
}

/* PyDict_Merge(a, b) when either is split: item by item, in b's order
   (so an update from a dict of the same shared order stays split). */
static int dict_set_item_by_hash_or_entry(PyObject *op, PyObject *key,
                                          long hash, PyDictEntry *ep,
                                          PyObject *value);

static int
plus_sk_merge(PyDictObject *mp, PyDictObject *other, int override)
{
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    long hash;
    int status;

    if (other == mp || other->ma_used == 0)
        return 0;
    /* With the stored hashes, as stock's merge (no key is hashed again) */
    while (_PyDict_Next((PyObject *)other, &pos, &key, &value, &hash)) {
        Py_INCREF(key);
        Py_INCREF(value);
        status = 0;
        if (override || PyDict_GetItem((PyObject *)mp, key) == NULL) {
            if (PLUS_SK_IS_SPLIT(mp))
                status = plus_sk_setitem(mp, key, hash, value);
            else
                status = 1;
            if (status > 0)
                status = dict_set_item_by_hash_or_entry(
                    (PyObject *)mp, key, hash, NULL, value);
        }
        Py_DECREF(key);
        Py_DECREF(value);
        if (status < 0)
            return -1;
    }
    return 0;
}

/* tp_print of a split dict: its repr (a dict's str is its repr). */
static int
plus_sk_print(PyDictObject *mp, FILE *fp)
{
    PyObject *s = PyObject_Repr((PyObject *)mp);

    if (s == NULL)
        return -1;
    Py_BEGIN_ALLOW_THREADS
    fputs(PyString_AS_STRING(s), fp);
    Py_END_ALLOW_THREADS
    Py_DECREF(s);
    return 0;
}

/* dict_equal(a, b) when either is split and both have the same length:
   1, 0, or -1 with an exception.  As stock's, in a's order; lookups in
   b that only read (a key that is not exact str combines b). */
static int
plus_sk_equal(PyDictObject *a, PyDictObject *b)
{
    Py_ssize_t pos = 0;
    PyObject *key, *aval, *bval;
    PyDictEntry *ep;
    long hash;
    int cmp;

    while (_PyDict_Next((PyObject *)a, &pos, &key, &aval, &hash)) {
        Py_INCREF(key);
        Py_INCREF(aval);
        ep = PLUS_DICT_LOOKUP_RO(b)(b, key, hash);
        bval = ep == NULL ? NULL : ep->me_value;
        Py_XINCREF(bval);
        Py_DECREF(key);
        if (bval == NULL) {
            Py_DECREF(aval);
            return ep == NULL ? -1 : 0;
        }
        cmp = PyObject_RichCompareBool(aval, bval, Py_EQ);
        Py_DECREF(aval);
        Py_DECREF(bval);
        if (cmp <= 0)
            return cmp;
    }
    return 1;
}

/* Combine a split dict, else nothing: 0, or -1 with an exception. */
#define PLUS_SK_UNSPLIT(mp) \
    (PLUS_SK_IS_SPLIT(mp) ? plus_sk_combine((PyDictObject *)(mp)) : 0)

/* A new instance dict for an instance of tp: split on the type's shared
   table for a heap type, else (or when memory is short) an ordinary
   empty dict. */
PyObject *
_PyPlusDict_NewInstanceDict(PyTypeObject *tp)
{
    PyObject *d = PyDict_New();
    PyDictObject *k;
    plus_sk_block *b;
    Py_ssize_t cap;

    if (d == NULL || !(tp->tp_flags & Py_TPFLAGS_HEAPTYPE))
        return d;
    if (tp->tp_cache == NULL) {
        tp->tp_cache = PyDict_New();
        if (tp->tp_cache == NULL) {
            PyErr_Clear();
            return d;
        }
    }
    if (!PyDict_CheckExact(tp->tp_cache) ||
        PLUS_SK_IS_SPLIT(tp->tp_cache))
        return d;
    k = (PyDictObject *)tp->tp_cache;
    cap = k->ma_used > 0 ? k->ma_used : PLUS_CD_FIRST;
    b = (plus_sk_block *)PLUS_SK_MALLOC(PLUS_SK_BLOCK_BYTES(cap));
    if (b == NULL)
        return d;
    Py_INCREF(k);
    b->sk_keys = k;
    b->sk_cap = cap;
    ((PyDictObject *)d)->ma_table = (PyDictEntry *)b;
    ((PyDictObject *)d)->ma_lookup = plus_sk_lookup;
    return d;
}

/* Whether op is a dict that shares its keys (for the tests). */
int
_PyPlusDict_IsShared(PyObject *op)
{
    return PyDict_Check(op) && PLUS_SK_IS_SPLIT(op);
}

#endif /* Py_PYPLUS_SHARED_KEYS_H */
