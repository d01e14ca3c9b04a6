/* PythonPlus instance values (WITH_PLUS_INSTANCE_VALUES, needs
   WITH_PLUS_SHARED_KEYS): an instance without a dict object.

   Which instances.  Those of a Python class (heap type) whose __dict__
   slot a Python class added: the nearest base of the type that is not a
   heap type has no dict slot (tp_dictoffset 0).  Then subtype_traverse,
   subtype_clear and subtype_dealloc own the slot; a slot that a C type
   made (BaseException, function, module...) is read by that type's own
   code, so it never holds anything but a dict.

   The slot.  It holds NULL, a dict, or a values block: the address of
   a plus_iv_block with its low bit set (_PyPlusIV_IsValues).  The block
   holds its capacity, its count and the values of the first iv_used
   keys of the type's shared key table (Objects/plus_shared_keys.h, in
   tp_cache), in that order, as a split dict does.  The keys are the
   type's, not the block's: __class__ assignment gives the instance its
   dict first.  The type outlives the block (subtype_dealloc empties the
   slot before it drops the type) and never changes its tp_cache.

   Life of a slot.  The first attribute stored through
   PyObject_GenericSetAttr (an exact str name) makes a block
   (_PyPlusIV_Store).  After that, a lookup of an exact str name reads it
   (_PyPlusIV_Lookup), a store replaces a value or appends the next key
   of the shared order, as a split dict would.  Anything else -- deletion,
   a name that is not exact str, a key out of the shared order, a full
   key table -- and every reader that wants the dict (__dict__,
   _PyObject_GetDictPtr, so vars(), dir(), copy, pickle...) first makes
   the block a split dict (_PyPlusIV_Materialize): a dict object whose
   ma_table is that same block, grown by the split block's header (the
   reference to the key table; one realloc, the values moved up by one
   pointer, no value touched).  The slot then holds the dict for good;
   it never goes back to a block.

   What a block costs: two ints and the values (48 bytes for 5),
   against a split dict's 96-byte dict object (its GC header included)
   and a block of two pointers and the values.

   Collection.  The instance is a GC object (its type added a slot, so
   has GC); subtype_traverse visits the block's values (so
   gc.get_referents(obj) lists them), subtype_clear and subtype_dealloc
   empty the slot first, then drop the values.  The shared key table is
   not visited (str keys, None values, as type_traverse leaves tp_cache
   alone).

   Re-entrancy.  Making a dict object may run the collector, hence
   finalizers, hence code that stores into the same slot: the slot is
   read again after every allocation of an object.  Decrefs come last.

   When memory is short.  _PyPlusIV_Materialize fails with MemoryError
   and leaves the block in place; _PyObject_GetDictPtr then returns NULL
   with MemoryError set (as for an object with no slot).

   Included once, by Objects/dictobject.c, after plus_shared_keys.h. */

#ifndef Py_PYPLUS_INSTANCE_VALUES_H
#define Py_PYPLUS_INSTANCE_VALUES_H

#if !WITH_PLUS_SHARED_KEYS
#error "WITH_PLUS_INSTANCE_VALUES needs WITH_PLUS_SHARED_KEYS"
#endif

/* A values block: room for iv_cap values, the first iv_used of them
   held (the values of the first iv_used keys of the type's shared key
   table, in that order). */
typedef struct {
    int iv_cap;
    int iv_used;
    PyObject *iv_values[1];
} plus_iv_block;

#define PLUS_IV_BLOCK_BYTES(cap) \
    (sizeof(plus_iv_block) + ((size_t)(cap) - 1) * sizeof(PyObject *))
#define PLUS_IV_BLOCK(op) \
    ((plus_iv_block *)((Py_uintptr_t)(op) & ~(Py_uintptr_t)1))
#define PLUS_IV_TAG(b) ((PyObject *)((Py_uintptr_t)(b) | 1))
/* The key table of obj's values block. */
#define PLUS_IV_KEYS(obj) ((PyDictObject *)Py_TYPE(obj)->tp_cache)

/* Whether instances of tp may hold a values block in their slot. */
static int
plus_iv_eligible(PyTypeObject *tp)
{
    PyTypeObject *t = tp;

    if (tp->tp_dictoffset == 0)
        return 0;
    while (t != NULL && (t->tp_flags & Py_TPFLAGS_HEAPTYPE))
        t = t->tp_base;
    return t != NULL && t->tp_dictoffset == 0;
}

/* The type's shared key table (made if need be), or NULL. */
static PyDictObject *
plus_iv_keys(PyTypeObject *tp)
{
    if (tp->tp_cache == NULL) {
        tp->tp_cache = PyDict_New();
        if (tp->tp_cache == NULL) {
            PyErr_Clear();
            return NULL;
        }
    }
    if (!PyDict_CheckExact(tp->tp_cache) || PLUS_SK_IS_SPLIT(tp->tp_cache))
        return NULL;
    return (PyDictObject *)tp->tp_cache;
}

/* Position of an exact str key in a shared table, or -1. */
static Py_ssize_t
plus_iv_find(PyDictObject *k, PyObject *key)
{
    PyDictEntry *ep;
    long hash = ((PyStringObject *)key)->ob_shash;

    if (hash == -1)
        hash = PyObject_Hash(key);      /* a str's: never fails */
    ep = lookdict_string(k, key, hash);
    if (ep->me_value == NULL)
        return -1;
    return ep - k->ma_table;
}

int
_PyPlusIV_Materialize(PyObject *obj, PyObject **slot)
{
    PyObject *d;
    PyDictObject *mp, *k;
    plus_iv_block *b;
    plus_sk_block *sb;
    int used, cap;

    if (slot == NULL || !_PyPlusIV_IsValues(*slot))
        return 0;
    d = PyDict_New();
    if (d == NULL)
        return -1;
    if (!_PyPlusIV_IsValues(*slot)) {
        /* the collector ran code that did it */
        Py_DECREF(d);
        return 0;
    }
    b = PLUS_IV_BLOCK(*slot);
    used = b->iv_used;
    cap = b->iv_cap;
    /* The block gains the split block's header: a key reference. */
    sb = (plus_sk_block *)PLUS_SK_REALLOC(b, PLUS_SK_BLOCK_BYTES(cap));
    if (sb == NULL) {
        Py_DECREF(d);
        PyErr_NoMemory();
        return -1;
    }
    memmove(sb->sk_values, ((plus_iv_block *)sb)->iv_values,
            (size_t)used * sizeof(PyObject *));
    k = PLUS_IV_KEYS(obj);
    Py_INCREF(k);
    sb->sk_keys = k;
    sb->sk_cap = cap;
    mp = (PyDictObject *)d;
    mp->ma_table = (PyDictEntry *)sb;
    mp->ma_lookup = plus_sk_lookup;
    mp->ma_used = used;
    if (!_PyObject_GC_IS_TRACKED(mp) && plus_sk_may_track(mp))
        _PyObject_GC_TRACK(mp);
    *slot = d;
    return 0;
}

int
_PyPlusIV_Lookup(PyObject *obj, PyObject **slot, PyObject *name,
                 PyObject **pres, PyObject **pdict)
{
    plus_iv_block *b = PLUS_IV_BLOCK(*slot);
    Py_ssize_t p;

    *pres = NULL;
    *pdict = NULL;
    if (PyString_CheckExact(name)) {
        p = plus_iv_find(PLUS_IV_KEYS(obj), name);
        if (p >= 0 && p < b->iv_used) {
            *pres = b->iv_values[p];
            return 1;
        }
        return 0;
    }
    if (_PyPlusIV_Materialize(obj, slot) < 0)
        return -1;
    *pdict = *slot;
    return 0;
}

int
_PyPlusIV_Store(PyObject *obj, PyObject **slot, PyObject *name,
                PyObject *value)
{
    plus_iv_block *b;
    PyDictObject *k;
    Py_ssize_t p, n;
    PyObject *old;

    if (*slot == NULL) {
        Py_ssize_t cap;

        if (value == NULL || !PyString_CheckExact(name) ||
            !plus_iv_eligible(Py_TYPE(obj)))
            return 1;
        k = plus_iv_keys(Py_TYPE(obj));    /* may run the collector */
        if (k == NULL)
            return 1;
        if (*slot != NULL)
            return _PyPlusIV_IsValues(*slot) ?
                _PyPlusIV_Store(obj, slot, name, value) : 1;
        cap = k->ma_used > 0 ? k->ma_used : PLUS_CD_FIRST;
        b = (plus_iv_block *)PLUS_SK_MALLOC(PLUS_IV_BLOCK_BYTES(cap));
        if (b == NULL)
            return 1;                   /* the ordinary path may cope */
        b->iv_cap = (int)cap;
        b->iv_used = 0;
        *slot = PLUS_IV_TAG(b);
    }
    b = PLUS_IV_BLOCK(*slot);
    if (value == NULL || !PyString_CheckExact(name))
        goto materialize;
    k = PLUS_IV_KEYS(obj);
    n = b->iv_used;
    p = plus_iv_find(k, name);
    if (p >= 0 && p < n) {
        old = b->iv_values[p];
        Py_INCREF(value);
        b->iv_values[p] = value;
        Py_DECREF(old);                 /* which can re-enter */
        return 0;
    }
    if (p == n || (p < 0 && k->ma_used == n && n < PLUS_SK_MAX_KEYS)) {
        if (n >= b->iv_cap) {
            Py_ssize_t cap = plus_sk_grown_cap(k, n);
            plus_iv_block *nb;

            nb = (plus_iv_block *)PLUS_SK_REALLOC(b,
                                                  PLUS_IV_BLOCK_BYTES(cap));
            if (nb == NULL) {
                PyErr_NoMemory();
                return -1;
            }
            b = nb;
            b->iv_cap = (int)cap;
            *slot = PLUS_IV_TAG(b);
        }
        if (p < 0 && PyDict_SetItem((PyObject *)k, name, Py_None) != 0)
            return -1;
        Py_INCREF(value);
        b->iv_values[n] = value;
        b->iv_used = (int)n + 1;
        return 0;
    }
  materialize:
    /* out of the shared order, no room, deletion, an unusual name */
    return _PyPlusIV_Materialize(obj, slot) < 0 ? -1 : 1;
}

int
_PyPlusIV_TraverseSlot(PyObject *obj, visitproc visit, void *arg)
{
    PyObject **slot = _PyPlusObject_DictSlot(obj);
    plus_iv_block *b;
    int i;

    if (slot == NULL || *slot == NULL)
        return 0;
    if (!_PyPlusIV_IsValues(*slot)) {
        Py_VISIT(*slot);
        return 0;
    }
    b = PLUS_IV_BLOCK(*slot);
    for (i = 0; i < b->iv_used; i++)
        Py_VISIT(b->iv_values[i]);
    return 0;
}

void
_PyPlusIV_Drop(PyObject *op)
{
    plus_iv_block *b;
    int i;

    if (!_PyPlusIV_IsValues(op)) {
        Py_XDECREF(op);
        return;
    }
    b = PLUS_IV_BLOCK(op);
    for (i = 0; i < b->iv_used; i++)
        Py_DECREF(b->iv_values[i]);
    PLUS_SK_FREE(b);
}

void
_PyPlusIV_ClearSlot(PyObject *obj)
{
    PyObject **slot = _PyPlusObject_DictSlot(obj);
    PyObject *tmp;

    if (slot == NULL || *slot == NULL)
        return;
    tmp = *slot;
    *slot = NULL;
    _PyPlusIV_Drop(tmp);
}

int
_PyPlusIV_HasValues(PyObject *obj)
{
    PyObject **slot = _PyPlusObject_DictSlot(obj);

    return slot != NULL && _PyPlusIV_IsValues(*slot);
}

#endif /* Py_PYPLUS_INSTANCE_VALUES_H */
