/* PythonPlus compact dict (WITH_PLUS_COMPACT_DICT): a dict is a small
   index table plus a dense array of entries, in insertion order.

   Layout.  ma_table points to a dense array of ma_usable PyDictEntry
   (hash, key, value); ma_fill of them are in use, in insertion order.
   Right after them, in the same block of memory, lies the index: ma_mask + 1
   (a power of 2) slots of 1, 2, 4 or 8 bytes, as the size needs, each the
   position of an entry in ma_table, or PLUS_CD_EMPTY (never used: ends a
   search) or PLUS_CD_DUMMY (an entry that popitem() took off the end).
   The index is probed as stock 2.7 probes its table (i = 5*i + perturb + 1).
   An empty dict has no block: ma_table points to a static empty index
   (ma_usable 0, ma_mask 0).

   Meaning of the fields, as stock where it can be:
     ma_used   active entries (len(d)), as stock;
     ma_fill   entries in use in ma_table, active or deleted; it is also
               the number of index slots in use (stock: Active + Dummy);
     ma_mask   index size - 1 (stock: table size - 1);
     ma_lookup returns a pointer to the entry of the key or, for a missing
               key, to a static entry whose me_value is NULL (Python/ceval.c
               reads me_value only);
     ma_usable capacity of ma_table (replaces stock's ma_smalltable, so
               the object is smaller than stock's: an extension built
               against stock headers that embeds a PyDictObject still
               fits).
   A deleted entry keeps its hash, its key becomes the dummy object with
   a reference (as stock marks deleted slots), its value NULL; its index
   slot keeps pointing at it and a search goes on past it.  So all code
   that walks ma_table[0 .. ma_fill - 1] skipping NULL values sees the
   items in insertion order (PLUS_DICT_LAST_SLOT in Objects/plus_dict.h).

   Growth.  A new entry goes at ma_table[ma_fill].  When ma_table is full
   and at most half of it is active, the deleted entries are dropped in
   place (the same table and index, nothing allocated); else the dict is
   rebuilt, deleted
   entries dropped, with room for
   PLUS_CD_GROWTH percent of the active entries (at least one more, and
   at least PLUS_CD_FIRST); the index is the smallest power of 2 of which
   PLUS_CD_LOAD_NUM / PLUS_CD_LOAD_DEN holds the capacity (below 1, so
   a failing search always meets an empty slot).  Where the
   final count is known (copies, update() from a dict, dict.fromkeys,
   presized dicts such as BUILD_MAP's) the capacity is that count.  The
   array is not rounded to a power of 2.  popitem() takes the last item
   (as Python 3.7 does) and trims deleted entries off the end.

   Included once, by Objects/dictobject.c, after the dummy key's
   declaration; it defines the table routines that stock 2.7 has there
   (lookdict, lookdict_string, insertdict_by_entry, insertdict_clean,
   dictresize) and the helpers the thin hooks use. */

#ifndef Py_PYPLUS_COMPACT_DICT_H
#define Py_PYPLUS_COMPACT_DICT_H

/* How full the index may be, and how much room a full dict makes, in
   percent of its entries: the tight-dict tunables when tight-dict is on,
   else stock 2.7's load (2/3) and a doubling. */
#if WITH_PLUS_TIGHT_DICT
#define PLUS_CD_LOAD_NUM PLUS_DICT_LOAD_NUM
#define PLUS_CD_LOAD_DEN PLUS_DICT_LOAD_DEN
#define PLUS_CD_GROWTH PLUS_DICT_GROWTH
#else
#define PLUS_CD_LOAD_NUM 2
#define PLUS_CD_LOAD_DEN 3
#define PLUS_CD_GROWTH 200
#endif

#define PLUS_CD_EMPTY (-1)
#define PLUS_CD_DUMMY (-2)
/* Capacity of the first block of a dict that grows one key at a time. */
#define PLUS_CD_FIRST 5

/* The empty dict's index: one slot, PLUS_CD_EMPTY in any width. */
static Py_ssize_t plus_cd_empty_index[1] = {-1};
#define PLUS_CD_EMPTY_TABLE ((PyDictEntry *)plus_cd_empty_index)

/* What a lookup returns for a missing key: never written. */
static PyDictEntry plus_cd_miss = {0, NULL, NULL};

#define PLUS_CD_INDEX(mp) ((char *)((mp)->ma_table + (mp)->ma_usable))

/* Bytes of an index of mask + 1 slots, a multiple of 8. */
static size_t
plus_cd_index_bytes(size_t mask)
{
    size_t width;

    if (mask < 0x80)
        width = 1;
    else if (mask < 0x8000)
        width = 2;
    else if (mask < 0x80000000UL)
        width = 4;
    else
        width = 8;
    return ((mask + 1) * width + 7) & ~(size_t)7;
}

static Py_ssize_t
plus_cd_get(const char *index, size_t mask, size_t i)
{
    if (mask < 0x80)
        return ((const signed char *)index)[i];
    if (mask < 0x8000)
        return ((const short *)index)[i];
    if (mask < 0x80000000UL)
        return ((const int *)index)[i];
    return ((const Py_ssize_t *)index)[i];
}

static void
plus_cd_set(char *index, size_t mask, size_t i, Py_ssize_t ix)
{
    if (mask < 0x80)
        ((signed char *)index)[i] = (signed char)ix;
    else if (mask < 0x8000)
        ((short *)index)[i] = (short)ix;
    else if (mask < 0x80000000UL)
        ((int *)index)[i] = (int)ix;
    else
        ((Py_ssize_t *)index)[i] = ix;
}

#define PLUS_CD_NEXT(i, perturb, mask) \
    ((i) = (((i) << 2) + (i) + (perturb) + 1) & (mask), \
     (perturb) >>= PERTURB_SHIFT)

/* Set an empty dict's fields (the object may hold garbage). */
#define PLUS_CD_INIT_EMPTY(mp) do {                                     \
    (mp)->ma_table = PLUS_CD_EMPTY_TABLE;                               \
    (mp)->ma_mask = 0;                                                  \
    (mp)->ma_usable = 0;                                                \
    } while (0)

#define INIT_NONZERO_DICT_SLOTS(mp) PLUS_CD_INIT_EMPTY(mp)
#define EMPTY_TO_MINSIZE(mp) do {                                       \
    (mp)->ma_used = (mp)->ma_fill = 0;                                  \
    PLUS_CD_INIT_EMPTY(mp);                                             \
    } while (0)

/* Tables come from pymalloc, as Python 3's dict keys do: most are small,
   and every dict operation runs with the GIL held. */
#define PLUS_CD_MALLOC PyObject_MALLOC
#define PLUS_CD_FREE PyObject_FREE

#define PLUS_CD_FREE_TABLE(mp) do {                                     \
    if ((mp)->ma_table != PLUS_CD_EMPTY_TABLE)                          \
        PLUS_CD_FREE((mp)->ma_table);                                   \
    } while (0)

/* Bytes outside the object: the entries and the index. */
#define PLUS_CD_TABLE_BYTES(mp)                                         \
    ((mp)->ma_table == PLUS_CD_EMPTY_TABLE ? 0 :                        \
     (Py_ssize_t)((mp)->ma_usable * sizeof(PyDictEntry) +               \
                  plus_cd_index_bytes((size_t)(mp)->ma_mask)))

static PyDictEntry *lookdict(PyDictObject *mp, PyObject *key, long hash);
static PyDictEntry *lookdict_string(PyDictObject *mp, PyObject *key,
                                    long hash);

/* The general lookup, for any key: the entry, &plus_cd_miss, or NULL
   when a comparison raised. */
static PyDictEntry *
lookdict(PyDictObject *mp, PyObject *key, register long hash)
{
    register size_t i;
    register size_t perturb;
    register size_t mask = (size_t)mp->ma_mask;
    PyDictEntry *ep0 = mp->ma_table;
    const char *index = PLUS_CD_INDEX(mp);
    register PyDictEntry *ep;
    register Py_ssize_t ix;
    int cmp;
    PyObject *startkey;

    i = (size_t)hash & mask;
    for (perturb = hash; ; PLUS_CD_NEXT(i, perturb, mask)) {
        ix = plus_cd_get(index, mask, i);
        if (ix == PLUS_CD_EMPTY)
            return &plus_cd_miss;
        if (ix < 0)
            continue;
        ep = &ep0[ix];
        startkey = ep->me_key;
        if (startkey == key)
            return ep;
        if (ep->me_hash == hash && startkey != dummy) {
            Py_INCREF(startkey);
            cmp = PyObject_RichCompareBool(startkey, key, Py_EQ);
            Py_DECREF(startkey);
            if (cmp < 0)
                return NULL;
            if (ep0 == mp->ma_table && (size_t)mp->ma_mask == mask &&
                ep->me_key == startkey) {
                if (cmp > 0)
                    return ep;
            }
            else {
                /* The comparison changed the dict: start over, as
                   stock does. */
                return lookdict(mp, key, hash);
            }
        }
    }
}

/* The lookup for dicts whose keys are all exact str: no comparison can
   raise or change the dict. */
static PyDictEntry *
lookdict_string(PyDictObject *mp, PyObject *key, register long hash)
{
    register size_t i;
    register size_t perturb;
    register size_t mask = (size_t)mp->ma_mask;
    PyDictEntry *ep0 = mp->ma_table;
    const char *index = PLUS_CD_INDEX(mp);
    register PyDictEntry *ep;
    register Py_ssize_t ix;

    if (!PyString_CheckExact(key)) {
        mp->ma_lookup = lookdict;
        return lookdict(mp, key, hash);
    }
    i = (size_t)hash & mask;
    for (perturb = hash; ; PLUS_CD_NEXT(i, perturb, mask)) {
        ix = plus_cd_get(index, mask, i);
        if (ix == PLUS_CD_EMPTY)
            return &plus_cd_miss;
        if (ix < 0)
            continue;
        ep = &ep0[ix];
        if (ep->me_key == key ||
            (ep->me_hash == hash && ep->me_key != dummy &&
             _PyString_Eq(ep->me_key, key)))
            return ep;
    }
}

/* The index slot where an entry of this hash may go: the first one on
   its probe sequence that is empty, a popped slot, or a deleted entry's. */
static size_t
plus_cd_free_slot(PyDictObject *mp, long hash)
{
    size_t i, perturb, mask = (size_t)mp->ma_mask;
    const char *index = PLUS_CD_INDEX(mp);
    Py_ssize_t ix;

    i = (size_t)hash & mask;
    for (perturb = hash; ; PLUS_CD_NEXT(i, perturb, mask)) {
        ix = plus_cd_get(index, mask, i);
        if (ix < 0 || mp->ma_table[ix].me_key == dummy)
            return i;
    }
}

static void
plus_cd_track(PyDictObject *mp, PyObject *key, PyObject *value)
{
    if (!_PyObject_GC_IS_TRACKED(mp) &&
        (_PyObject_GC_MAY_BE_TRACKED(key) ||
         _PyObject_GC_MAY_BE_TRACKED(value))) {
        _PyObject_GC_TRACK(mp);
#ifdef SHOW_TRACK_COUNT
        count_tracked++;
        count_untracked--;
#endif
    }
}

/* Append a new entry; ma_fill < ma_usable.  Steals the references. */
static void
plus_cd_append(PyDictObject *mp, PyObject *key, long hash, PyObject *value)
{
    PyDictEntry *ep = &mp->ma_table[mp->ma_fill];

    plus_cd_set(PLUS_CD_INDEX(mp), (size_t)mp->ma_mask,
                plus_cd_free_slot(mp, hash), mp->ma_fill);
    ep->me_hash = (Py_ssize_t)hash;
    ep->me_key = key;
    ep->me_value = value;
    mp->ma_fill++;
    mp->ma_used++;
}

/* Capacity to rebuild to when ma_table is full with `used` active. */
static Py_ssize_t
plus_cd_grown(Py_ssize_t used)
{
    Py_ssize_t grown;

    if (used > PY_SSIZE_T_MAX / PLUS_CD_GROWTH)
        return PY_SSIZE_T_MAX;
    grown = used * PLUS_CD_GROWTH / 100;
    if (grown <= used)
        grown = used + 1;
    return grown < PLUS_CD_FIRST ? PLUS_CD_FIRST : grown;
}

/* Fill the index afresh from the ma_fill entries, none deleted. */
static void
plus_cd_reindex(PyDictObject *mp)
{
    size_t mask = (size_t)mp->ma_mask, slot, perturb;
    char *index = PLUS_CD_INDEX(mp);
    Py_ssize_t i;

    memset(index, 0xff, plus_cd_index_bytes(mask));
    for (i = 0; i < mp->ma_fill; i++) {
        slot = (size_t)mp->ma_table[i].me_hash & mask;
        for (perturb = (size_t)mp->ma_table[i].me_hash;
             plus_cd_get(index, mask, slot) != PLUS_CD_EMPTY;
             PLUS_CD_NEXT(slot, perturb, mask))
            ;
        plus_cd_set(index, mask, slot, i);
    }
}

/* Move the active entries of from[0 .. n-1] to the start of `to`, in
   order (to may be from), and drop the deleted ones; returns how many
   were moved.  Refcount-neutral for the active entries. */
static Py_ssize_t
plus_cd_move_active(PyDictEntry *to, PyDictEntry *from, Py_ssize_t n)
{
    Py_ssize_t i, j;

    for (i = 0, j = 0; i < n; i++) {
        if (from[i].me_value != NULL)
            to[j++] = from[i];
        else {
            assert(from[i].me_key == dummy);
            Py_DECREF(from[i].me_key);
        }
    }
    return j;
}

/* ma_table is full, but at most half of it active: drop the deleted
   entries in place, keeping the capacity. */
static void
plus_cd_compact(PyDictObject *mp)
{
    PyDictEntry *table = mp->ma_table;
    Py_ssize_t j, n = mp->ma_fill;

    j = plus_cd_move_active(table, table, n);
    assert(j == mp->ma_used);
    memset(&table[j], 0, (size_t)(n - j) * sizeof(PyDictEntry));
    mp->ma_fill = j;
    plus_cd_reindex(mp);
}

/* Rebuild mp with room for at least `minused` entries (and its active
   ones), in order, without the deleted ones.  Refcount-neutral for the
   active entries. */
static int
dictresize(PyDictObject *mp, Py_ssize_t minused)
{
    Py_ssize_t cap, j;
    size_t size, mask, ibytes;
    PyDictEntry *oldtable, *newtable;

    cap = minused > mp->ma_used ? minused : mp->ma_used;
    if (cap < 1)
        cap = 1;
    if (cap > (PY_SSIZE_T_MAX / (Py_ssize_t)sizeof(PyDictEntry)) / 2 ||
        cap > PY_SSIZE_T_MAX / PLUS_CD_LOAD_DEN) {
        PyErr_NoMemory();
        return -1;
    }
    for (size = 2; (Py_ssize_t)(size / PLUS_CD_LOAD_DEN * PLUS_CD_LOAD_NUM
                    + size % PLUS_CD_LOAD_DEN * PLUS_CD_LOAD_NUM
                    / PLUS_CD_LOAD_DEN) < cap; size <<= 1)
        ;
    mask = size - 1;
    ibytes = plus_cd_index_bytes(mask);
    newtable = (PyDictEntry *)PLUS_CD_MALLOC(cap * sizeof(PyDictEntry) +
                                           ibytes);
    if (newtable == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    oldtable = mp->ma_table;
    j = plus_cd_move_active(newtable, oldtable, mp->ma_fill);
    assert(j == mp->ma_used);
    mp->ma_table = newtable;
    mp->ma_mask = (Py_ssize_t)mask;
    mp->ma_usable = cap;
    mp->ma_fill = j;
    plus_cd_reindex(mp);
    if (oldtable != PLUS_CD_EMPTY_TABLE)
        PLUS_CD_FREE(oldtable);
    return 0;
}

/* Store value under key, given the lookup's result ep: replace the value
   of the entry found, or append a new entry (growing first if ma_table is
   full).  Eats a reference to key and one to value. */
static int
insertdict_by_entry(register PyDictObject *mp, PyObject *key, long hash,
                    PyDictEntry *ep, PyObject *value)
{
    PyObject *old_value;

    plus_cd_track(mp, key, value);
    if (ep->me_value != NULL) {
        old_value = ep->me_value;
        ep->me_value = value;
        Py_DECREF(old_value); /* which **CAN** re-enter */
        Py_DECREF(key);
        return 0;
    }
    if (mp->ma_fill >= mp->ma_usable && mp->ma_usable > 0 &&
        mp->ma_used <= mp->ma_usable / 2)
        plus_cd_compact(mp);
    else if (mp->ma_fill >= mp->ma_usable &&
             dictresize(mp, plus_cd_grown(mp->ma_used)) != 0) {
        Py_DECREF(key);
        Py_DECREF(value);
        return -1;
    }
    plus_cd_append(mp, key, hash, value);
    return 0;
}

/* Take off the end the deleted entries (after popitem()), so that the
   next popitem() finds the last item at once. */
static void
plus_cd_trim(PyDictObject *mp)
{
    PyDictEntry *ep;
    char *index = PLUS_CD_INDEX(mp);
    size_t i, perturb, mask = (size_t)mp->ma_mask;
    Py_ssize_t ix;

    while (mp->ma_fill > 0 &&
           (ep = &mp->ma_table[mp->ma_fill - 1])->me_value == NULL) {
        i = (size_t)ep->me_hash & mask;
        for (perturb = (size_t)ep->me_hash; ; PLUS_CD_NEXT(i, perturb, mask)) {
            ix = plus_cd_get(index, mask, i);
            if (ix == PLUS_CD_EMPTY)
                break;
            if (ix == mp->ma_fill - 1) {
                plus_cd_set(index, mask, i, PLUS_CD_DUMMY);
                break;
            }
        }
        mp->ma_fill--;
        assert(ep->me_key == dummy);
        ep->me_key = NULL;
        Py_DECREF(dummy);
    }
}

/* The last active entry (ma_used > 0). */
static PyDictEntry *
plus_cd_last(PyDictObject *mp)
{
    Py_ssize_t i = mp->ma_fill - 1;

    while (mp->ma_table[i].me_value == NULL)
        i--;
    return &mp->ma_table[i];
}

/* PyDict_Clear: make mp empty first, then drop what it held (the
   decrefs may run code that uses mp). */
static void
plus_cd_clear(PyDictObject *mp)
{
    PyDictEntry *table = mp->ma_table, *ep;
    Py_ssize_t fill = mp->ma_fill;

    EMPTY_TO_MINSIZE(mp);
    for (ep = table; fill > 0; ++ep, --fill) {
        Py_DECREF(ep->me_key);
        Py_XDECREF(ep->me_value);
    }
    if (table != PLUS_CD_EMPTY_TABLE)
        PLUS_CD_FREE(table);
}

#endif /* Py_PYPLUS_COMPACT_DICT_H */
