/* PythonPlus: a limit on the number of digits in int/long <-> str
   conversions (CVE-2020-10735), as in Python 3: parsing a string of
   digits in a base that is not a power of two, and formatting in base
   10, take time quadratic in the number of digits.

   The limit is 0 (no limit, as stock 2.7) unless the environment
   variable PYTHONINTMAXSTRDIGITS or sys.set_int_max_str_digits() sets
   it; a non-zero limit is at least _PY_LONG_MAX_STR_DIGITS_THRESHOLD.
   Implemented in Objects/plus_int_digits.h (built into longobject.c). */

#ifndef Py_PYPLUS_STR_DIGITS_H
#define Py_PYPLUS_STR_DIGITS_H
#ifdef __cplusplus
extern "C" {
#endif

/* The smallest non-zero limit: shorter strings are never checked. */
#define _PY_LONG_MAX_STR_DIGITS_THRESHOLD 640

/* The limit in force, 0 for none. */
PyAPI_DATA(int) _Py_IntMaxStrDigits;

/* PYTHONINTMAXSTRDIGITS as read at startup, -1 if it was not set
   (sys.flags.int_max_str_digits). */
PyAPI_DATA(int) _Py_IntMaxStrDigitsFlag;

/* 0, or -1 with ValueError set if ndigits digits in base are more
   than the limit allows. */
PyAPI_FUNC(int) _PyLong_CheckStrDigits(Py_ssize_t ndigits, int base);

/* The same for the run of base digits that ends at end and does not
   start before start (PyInt_FromString; base 0 as in PyOS_strtol). */
PyAPI_FUNC(int) _PyLong_CheckStrDigitsBefore(const char *start,
                                             const char *end, int base);

/* For _PySys_Init: reads PYTHONINTMAXSTRDIGITS (exits with status 1
   on an invalid value, as Python 3 does) and puts
   set_int_max_str_digits() and get_int_max_str_digits() in sysdict. */
PyAPI_FUNC(int) _PySys_InitIntMaxStrDigits(PyObject *sysdict);

#ifdef __cplusplus
}
#endif
#endif /* !Py_PYPLUS_STR_DIGITS_H */
