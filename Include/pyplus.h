#ifndef Py_PYPLUS_H
#define Py_PYPLUS_H

/* PythonPlus: the feature switches and tunables, with their defaults.

   configure (--with-plus=...) records every switch in pyconfig.h as 0 or 1;
   the defaults below apply only where no configure ran (e.g. PC/).  Test a
   switch by value: #if WITH_PLUS_FLOAT_REUSE.  With every switch 0 the
   interpreter behaves like stock CPython 2.7.18.

   Tunables are integers, settable with configure's --with-plus-NAME=N
   (recorded in pyconfig.h) or -DNAME=N. */

#define PY_PLUS_VERSION "0.1.0"

/* WITH_PLUS_FLOAT_REUSE: PyFloat_FromDouble returns a shared object for
   integral values from PLUS_FLOAT_REUSE_MIN to PLUS_FLOAT_REUSE_MAX
   (never for -0.0).  Used in Objects/floatobject.c. */
#ifndef WITH_PLUS_FLOAT_REUSE
#define WITH_PLUS_FLOAT_REUSE 1
#endif
#ifndef PLUS_FLOAT_REUSE_MIN
#define PLUS_FLOAT_REUSE_MIN (-10)
#endif
#ifndef PLUS_FLOAT_REUSE_MAX
#define PLUS_FLOAT_REUSE_MAX 10
#endif

/* The feature table behind sys.pythonplus.features: X(name, switch), in
   the order of Misc/pythonplus.m4. */
#define PY_PLUS_FEATURES(X) \
    X("float-reuse", WITH_PLUS_FLOAT_REUSE)

#ifndef Py_LIMITED_API
#ifdef __cplusplus
extern "C" {
#endif
/* Python/pyplus.c: sys.pythonplus, and the banner line of "python -V". */
PyAPI_FUNC(struct _object *) _PyPlus_GetInfo(void);
PyAPI_FUNC(void) _PyPlus_PrintBanner(FILE *fp);
#ifdef __cplusplus
}
#endif
#endif /* !Py_LIMITED_API */

#endif /* !Py_PYPLUS_H */
