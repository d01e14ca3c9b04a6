/* PythonPlus float reuse (WITH_PLUS_FLOAT_REUSE): one shared float object
   per integral value from PLUS_FLOAT_REUSE_MIN to PLUS_FLOAT_REUSE_MAX.

   Programs that hold many floats (tables of coordinates, scores, settings)
   mostly hold small whole numbers: 0.0, 1.0, -1.0.  As with the small int
   cache, one shared object per such value saves a float object for every
   copy.  Floats are immutable, so sharing shows only to "is" and
   sys.getrefcount.

   -0.0 compares equal to 0.0 but is another value (copysign, 1/x), so it
   is never folded into the shared 0.0.  NaN fails the range test.  Float
   subclasses never come through PyFloat_FromDouble.

   Included once, by Objects/floatobject.c. */

#if WITH_PLUS_FLOAT_REUSE

#if PLUS_FLOAT_REUSE_MIN > PLUS_FLOAT_REUSE_MAX
#error "PLUS_FLOAT_REUSE_MIN must not be larger than PLUS_FLOAT_REUSE_MAX"
#endif

/* Filled on first use; each slot holds one reference. */
static PyFloatObject *plus_float_cache[PLUS_FLOAT_REUSE_MAX -
                                       PLUS_FLOAT_REUSE_MIN + 1];

/* The cache slot for fval, or NULL if fval is not a shared value. */
static PyFloatObject **
plus_float_reuse_slot(double fval)
{
    long value;

    if (!(fval >= PLUS_FLOAT_REUSE_MIN && fval <= PLUS_FLOAT_REUSE_MAX))
        return NULL;                    /* out of range, or NaN */
    value = (long)fval;
    if ((double)value != fval)
        return NULL;
    if (value == 0 && copysign(1.0, fval) < 0.0)
        return NULL;                    /* -0.0 */
    return &plus_float_cache[value - PLUS_FLOAT_REUSE_MIN];
}

/* At finalisation: drop the shared objects, so that PyFloat_Fini can free
   their blocks. */
static void
plus_float_reuse_clear(void)
{
    size_t i;

    for (i = 0; i < sizeof(plus_float_cache) / sizeof(plus_float_cache[0]);
         i++) {
        Py_CLEAR(plus_float_cache[i]);
    }
}

#endif /* WITH_PLUS_FLOAT_REUSE */
