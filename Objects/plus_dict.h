/* PythonPlus tight dict (WITH_PLUS_TIGHT_DICT): when dict tables grow.

   Stock 2.7 keeps 8 slots inside every dict object (PyDict_MINSIZE), grows
   a table once it is 2/3 full, and then to 4 times the entries (2 times
   above 50000 entries).  That favours speed over memory: a dict of 6 to
   21 entries takes 1048 bytes on 64-bit.  Tight mode keeps
   PLUS_DICT_MINSIZE slots inside the object (default 1, so an empty dict
   is small), lets the table fill to PLUS_DICT_LOAD_NUM/PLUS_DICT_LOAD_DEN
   (default 4/5) and grows it to PLUS_DICT_GROWTH percent of the entries
   (default 150).  Where the final size is known (copies, update() from a
   dict, dict.fromkeys, presized dicts such as BUILD_MAP's), the table is
   sized once for that count under the same load limit.

   A failing lookup needs one never-used slot to stop, so the load limit
   stays below 1 and growth above 100%; every insertion that reaches the
   limit resizes at once (as in stock), so no table stays full.

   With the switch off, the macros below are stock 2.7.18's expressions.
   Under WITH_PLUS_COMPACT_DICT they count entries of the dense array
   instead (Objects/plus_compact_dict.h), which takes the load and growth
   tunables when tight-dict is on too.  Included once, by Objects/dictobject.c.

   PLUS_DICT_LAST_SLOT(mp)  the last position of mp->ma_table that loops
                            over the items visit (they skip NULL values);
   PLUS_DICT_GROW_AFTER_INSERT(mp)  true when an insertion left the table
                            too full, so that it grows at once;
   PLUS_DICT_MERGE_NO_ROOM(mp, n)  true when n more entries would not fit
                            without growing. */

#if WITH_PLUS_TIGHT_DICT
#if (PLUS_DICT_MINSIZE) < 1 || ((PLUS_DICT_MINSIZE) & ((PLUS_DICT_MINSIZE) - 1))
#error "PLUS_DICT_MINSIZE must be a power of 2 (1 is allowed)"
#endif
#if (PLUS_DICT_LOAD_NUM) < 1 || (PLUS_DICT_LOAD_NUM) >= (PLUS_DICT_LOAD_DEN)
#error "PLUS_DICT_LOAD_NUM/PLUS_DICT_LOAD_DEN must be a fraction below 1"
#endif
#if (PLUS_DICT_GROWTH) <= 100
#error "PLUS_DICT_GROWTH is a percentage and must be above 100"
#endif
#endif

#if WITH_PLUS_COMPACT_DICT

/* A compact dict grows when an insertion finds its entries full
   (plus_cd_grown), so nothing happens after one; the sizes are counts of
   entries. */
#define PLUS_DICT_LAST_SLOT(mp) (((PyDictObject *)(mp))->ma_fill - 1)
#define PLUS_DICT_GROW_AFTER_INSERT(mp) 0
#define PLUS_DICT_MERGE_NO_ROOM(mp, n) \
    ((mp)->ma_fill + (n) > (mp)->ma_usable)
#define PLUS_DICT_GROWN(used) plus_cd_grown(used)
#define PLUS_DICT_SIZED_FOR(n) (n)
#define PLUS_DICT_MERGE_SIZED_FOR(n) (n)
#define PLUS_DICT_PRESIZED(n) (n)
#define PLUS_DICT_PRESIZE_FROM 0

#elif WITH_PLUS_TIGHT_DICT

/* The smallest "minused" for dictresize() (which picks the smallest power
   of 2 above it) whose table holds n entries under the load limit. */
static Py_ssize_t
plus_dict_minused_for(Py_ssize_t n)
{
    if (n > PY_SSIZE_T_MAX / PLUS_DICT_LOAD_DEN)
        return PY_SSIZE_T_MAX;          /* dictresize reports the error */
    return n * PLUS_DICT_LOAD_DEN / PLUS_DICT_LOAD_NUM;
}

/* Table to grow to once `used` entries reached the load limit: growth
   percent of the entries, and at least what keeps under the limit. */
static Py_ssize_t
plus_dict_grown(Py_ssize_t used)
{
    Py_ssize_t grown, needed;

    if (used > PY_SSIZE_T_MAX / PLUS_DICT_GROWTH)
        return PY_SSIZE_T_MAX;
    grown = used * PLUS_DICT_GROWTH / 100;
    needed = plus_dict_minused_for(used);
    return grown > needed ? grown : needed;
}

#define PLUS_DICT_OVER_LOAD(fill, size) \
    ((fill) * PLUS_DICT_LOAD_DEN >= (size) * PLUS_DICT_LOAD_NUM)
#define PLUS_DICT_GROWN(used) plus_dict_grown(used)
#define PLUS_DICT_SIZED_FOR(n) plus_dict_minused_for(n)
#define PLUS_DICT_MERGE_SIZED_FOR(n) plus_dict_minused_for(n)
#define PLUS_DICT_PRESIZED(n) plus_dict_minused_for(n)
#define PLUS_DICT_PRESIZE_FROM 0

#else /* stock 2.7.18 */

#define PLUS_DICT_OVER_LOAD(fill, size) ((fill) * 3 >= (size) * 2)
#define PLUS_DICT_GROWN(used) (((used) > 50000 ? 2 : 4) * (used))
#define PLUS_DICT_SIZED_FOR(n) ((n) / 2 * 3)
#define PLUS_DICT_MERGE_SIZED_FOR(n) ((n) * 2)
#define PLUS_DICT_PRESIZED(n) (n)
#define PLUS_DICT_PRESIZE_FROM 5

#endif /* WITH_PLUS_COMPACT_DICT, WITH_PLUS_TIGHT_DICT */

#if !WITH_PLUS_COMPACT_DICT
#define PLUS_DICT_LAST_SLOT(mp) (((PyDictObject *)(mp))->ma_mask)
#define PLUS_DICT_GROW_AFTER_INSERT(mp) \
    PLUS_DICT_OVER_LOAD((mp)->ma_fill, (mp)->ma_mask + 1)
#define PLUS_DICT_MERGE_NO_ROOM(mp, n) \
    PLUS_DICT_OVER_LOAD((mp)->ma_fill + (n), (mp)->ma_mask + 1)
#endif
