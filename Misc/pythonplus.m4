dnl PythonPlus feature switches for configure.ac (m4_include'd there).
dnl
dnl   --with-plus=LIST   all (the default), none, or a comma-separated list
dnl                      read left to right: a feature name turns it on,
dnl                      -name turns it off, all/none set every feature.
dnl                      Examples: all,-tight-dict   none,float-reuse
dnl   --without-plus     the same as --with-plus=none: stock 2.7.18.
dnl
dnl Every feature becomes WITH_PLUS_<NAME> = 0 or 1 in pyconfig.h, so that
dnl extensions built later against the installed headers see the same
dnl struct layouts.  PLUS_FEATURES (the enabled names) is substituted into
dnl the Makefile and so reaches sysconfig.  Include/pyplus.h holds the
dnl defaults for builds without configure.
dnl
dnl A tunable is an integer macro with its own --with-plus-NAME=N option;
dnl left unset, its default comes from Include/pyplus.h.  pyconfig.h
dnl records every tunable's value either way.

dnl PLUS_FEATURE(name, MACRO, description)
AC_DEFUN([PLUS_FEATURE], [
plus_known="$plus_known $1"
if plus_selected $1; then
    plus_value=1
    PLUS_FEATURES="$PLUS_FEATURES $1"
else
    plus_value=0
fi
AC_DEFINE_UNQUOTED([$2], [$plus_value], [PythonPlus: $3 (0 or 1).])
])

dnl PLUS_TUNABLE(option-name, MACRO, description)
dnl Left unset, the tunable takes the value Include/pyplus.h gives it on
dnl this platform (computed by the compiler), so that pyconfig.h, and with
dnl it sysconfig, always carries the value the build uses.
AC_DEFUN([PLUS_TUNABLE], [
AC_ARG_WITH([$1],
    AS_HELP_STRING([--with-$1=N], [PythonPlus: $3]),
    [case $withval in
        ''|-|?*-*|*[[!0-9-]]*)
            AC_MSG_ERROR([--with-$1 takes a whole number, not '$withval']) ;;
     esac
     plus_value=$withval],
    [AC_COMPUTE_INT([plus_value], [$2], [
#define Py_LIMITED_API 1
#include "$srcdir/Include/pyplus.h"
],
        [AC_MSG_ERROR([cannot compute the default of $2 from Include/pyplus.h])])])
AC_DEFINE_UNQUOTED([$2], [$plus_value], [PythonPlus: $3])
])

dnl The feature list.  Each feature issue adds its line here, its default in
dnl Include/pyplus.h and its row in README.md.
AC_DEFUN([PLUS_CONFIGURE], [
AC_ARG_WITH([plus],
    AS_HELP_STRING([--with-plus=LIST],
        [PythonPlus features: all (default), none, or a comma-separated
         list of feature names; -name removes one (e.g. all,-tight-dict)]),
    [], [with_plus=all])
case $with_plus in
    yes) with_plus=all ;;
    no) with_plus=none ;;
esac
plus_words=`echo "$with_plus" | tr ',' ' '`
plus_selected() {
    plus_on=no
    for plus_word in $plus_words; do
        case $plus_word in
            all) plus_on=yes ;;
            none) plus_on=no ;;
            "$[]1") plus_on=yes ;;
            "-$[]1") plus_on=no ;;
        esac
    done
    test $plus_on = yes
}
plus_known=""
PLUS_FEATURES=""
PLUS_FEATURE([float-reuse], [WITH_PLUS_FLOAT_REUSE],
    [share one float object per integral value in a small range])
PLUS_FEATURE([tight-dict], [WITH_PLUS_TIGHT_DICT],
    [small dict objects, fuller tables, slower table growth])
PLUS_FEATURE([compact-dict], [WITH_PLUS_COMPACT_DICT],
    [dicts as an index plus dense entries in insertion order])
PLUS_FEATURE([shared-keys], [WITH_PLUS_SHARED_KEYS],
    [instance dicts of one class share one key table (PEP 412)])
if plus_selected shared-keys && ! plus_selected compact-dict; then
    AC_MSG_ERROR([PythonPlus feature shared-keys needs compact-dict])
fi
PLUS_FEATURE([instance-values], [WITH_PLUS_INSTANCE_VALUES],
    [instances hold a values block, no dict object until one is asked for])
if plus_selected instance-values && ! plus_selected shared-keys; then
    AC_MSG_ERROR([PythonPlus feature instance-values needs shared-keys])
fi
PLUS_FEATURE([no-zombie-frames], [WITH_PLUS_NO_ZOMBIE_FRAMES],
    [no frame cached per code object, only the bounded free list])
PLUS_FEATURE([lazy-import], [WITH_PLUS_LAZY_IMPORT],
    [the opt-in on-demand importer Lib/lazyimport.py])
PLUS_FEATURE([func-close], [WITH_PLUS_FUNC_CLOSE],
    [function.close() empties the cells of its closure])
PLUS_FEATURE([clear-weakrefs], [WITH_PLUS_CLEAR_WEAKREFS],
    [weakref.clear_weakrefs() clears the weak references to a live object])
PLUS_FEATURE([clear-frames], [WITH_PLUS_CLEAR_FRAMES],
    [frame.clear() and traceback.clear_frames()])
PLUS_FEATURE([gc-free-stdlib], [WITH_PLUS_GC_FREE_STDLIB],
    [stdlib paths (namedtuple, json) that leave no reference cycles])
PLUS_FEATURE([json-shared-keys], [WITH_PLUS_JSON_SHARED_KEYS],
    [json decoding makes one string per distinct object key])
PLUS_FEATURE([gilstate-cache], [WITH_PLUS_GILSTATE_CACHE],
    [foreign threads keep their thread state between PyGILState calls])
PLUS_FEATURE([native-locks], [WITH_PLUS_NATIVE_LOCKS],
    [locks on mutex + condvar: timeouts, interruptible, fork-safe])
PLUS_FEATURE([native-condition], [WITH_PLUS_NATIVE_CONDITION],
    [C RLock and Condition for threading, Barrier, timeouts everywhere])
if plus_selected native-condition && ! plus_selected native-locks; then
    AC_MSG_ERROR([PythonPlus feature native-condition needs native-locks])
fi
PLUS_FEATURE([priority-gil], [WITH_PLUS_PRIORITY_GIL],
    [a GIL that serves threads back from blocking calls first])
PLUS_FEATURE([thread-atomic], [WITH_PLUS_THREAD_ATOMIC],
    [thread.atomic: a per-thread level that blocks involuntary switches])
for plus_word in $plus_words; do
    case " all none $plus_known " in
        *" ${plus_word#-} "*) ;;
        *) AC_MSG_ERROR([unknown PythonPlus feature '$plus_word' in --with-plus; known:$plus_known]) ;;
    esac
done
PLUS_FEATURES=`echo $PLUS_FEATURES`
AC_MSG_CHECKING([for PythonPlus features])
AC_MSG_RESULT([${PLUS_FEATURES:-none (stock 2.7.18)}])
AC_SUBST(PLUS_FEATURES)
PLUS_TUNABLE([plus-float-reuse-min], [PLUS_FLOAT_REUSE_MIN],
    [smallest integral value shared by float-reuse (default -10)])
PLUS_TUNABLE([plus-float-reuse-max], [PLUS_FLOAT_REUSE_MAX],
    [largest integral value shared by float-reuse (default 10)])
PLUS_TUNABLE([plus-dict-minsize], [PLUS_DICT_MINSIZE],
    [tight-dict: slots kept inside a dict object, a power of 2 (default 1)])
PLUS_TUNABLE([plus-dict-load-num], [PLUS_DICT_LOAD_NUM],
    [tight-dict, compact-dict: numerator of the max load fraction (default 4)])
PLUS_TUNABLE([plus-dict-load-den], [PLUS_DICT_LOAD_DEN],
    [tight-dict, compact-dict: denominator of the max load (default 5)])
PLUS_TUNABLE([plus-dict-growth], [PLUS_DICT_GROWTH],
    [tight-dict, compact-dict: table growth, in percent of the entries (default 150)])
PLUS_TUNABLE([plus-json-share-values], [PLUS_JSON_SHARE_VALUES],
    [json-shared-keys: string values up to this length are shared too (default 0)])
PLUS_TUNABLE([plus-sem-condvar], [PLUS_SEM_CONDVAR],
    [native-locks: 1 wakes waiters with sem_t (interruptible), 0 with pthread_cond_t (default 1)])
PLUS_TUNABLE([plus-lock-spin-us], [PLUS_LOCK_SPIN_US],
    [native-locks: how long a lock waiter waits awake before it sleeps, in microseconds (default 20)])
PLUS_TUNABLE([plus-gil-interval-us], [PLUS_GIL_INTERVAL_US],
    [priority-gil: the switch interval at start-up, in microseconds (default 5000)])
PLUS_TUNABLE([plus-gil-spin-us], [PLUS_GIL_SPIN_US],
    [priority-gil: how long a waiter waits awake before it sleeps, in microseconds (default 50)])
])
