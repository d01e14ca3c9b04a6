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
   Included once, by Objects/dictobject.c. */

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

#endif /* WITH_PLUS_TIGHT_DICT */
