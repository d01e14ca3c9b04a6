/* PythonPlus gilstate cache (WITH_PLUS_GILSTATE_CACHE): a thread that
   Python did not create keeps the thread state that its outermost
   PyGILState_Ensure() made, between Ensure/Release pairs.

   Design notes
   ------------

   Stock 2.7 gives such a "foreign" thread (a host's worker, a system
   thread pool) a new PyThreadState at every outermost Ensure and destroys
   it at the matching Release: malloc, the head lock, two trips through
   the lock-protected TLS list of Python/thread.c, clearing and freeing.
   Its threading.local data is lost at every Release.

   Here the outermost Ensure on a thread with no thread state creates one
   as before and "adopts" it: a small record (struct plus_gscache), owned
   by the thread, is stored under a pthread key whose destructor runs when
   the thread exits.  The outermost Release then only releases the GIL
   (gilstate_counter drops to 0 and the state stays in the interpreter's
   list); the next Ensure finds the record with one pthread_getspecific()
   and takes the GIL.  So threading.local data and current_thread() stay
   the same for the life of the thread.

   The record outlives its thread state: while the thread lives, it is
   freed only by the thread's destructor (or, after fork(), by the child
   for threads that are gone), so a record pointer read from the key is
   always valid; record->tstate is NULL once the state is gone
   ("detached").  The lists of records are protected by cache_mutex, which
   is never held while taking the GIL or running Python code.

   Deleting a state needs the GIL and runs Python code (PyThreadState_Clear
   frees its dict: threading.local data), so:

   - Thread exit: the destructor runs without the GIL, and must not wait
     for it: a host may well join its idle threads while holding the GIL
     (that works in stock 2.7, where an idle thread holds no state), and
     after Py_Finalize nobody releases the GIL again.  So it only removes
     its thread's PyGILState mapping (safe without the GIL), moves its
     record, with the state, to cache_dead and asks the main thread for a
     pending call.  The next holder of the GIL among the main thread
     running Python (the pending call), any PyGILState_Ensure() and
     Py_Finalize clears and deletes the states of cache_dead ("reaping").
   - Py_Finalize calls _PyGILState_PlusFinalizing() after the exit
     functions, while the interpreter still works: it sets cache_finalizing
     (from then on destructors leave states to Py_Finalize), reaps, detaches
     every record and clears the idle states, so that their threading.local
     data dies with a working interpreter.  The states themselves are freed
     by PyInterpreterState_Delete with all others.  A thread alive after
     Py_Finalize keeps only its (detached) record, freed when it exits; a
     new Py_Initialize gives it a new state at its next Ensure.
   - PyThreadState_Delete of an adopted state by anyone else (e.g. a host
     deleting PyGILState_GetThisThreadState()) detaches its record.
   - fork(): a pthread_atfork handler holds cache_mutex across the fork; the
     child frees the records of the threads that did not survive.  Their
     states stay in the interpreter's list, as stock 2.7 leaves the states
     of dead Python threads.
   - Sub-interpreters: PyGILState only ever works with the main
     interpreter (autoInterpreterState), and so does the cache.

   The key and the atfork handlers are created once per process and never
   removed: libpython must not be unloaded (dlclose) while threads that
   called PyGILState_Ensure still run.  Only POSIX threads have the thread
   exit hook; elsewhere the switch has no effect.

   Included once, by Python/pystate.c. */

#if WITH_PLUS_GILSTATE_CACHE && defined(WITH_THREAD) && \
    defined(_POSIX_THREADS)
#define PLUS_GILSTATE_CACHE 1

#include <pthread.h>

typedef struct plus_gscache {
    PyThreadState *tstate;          /* NULL: detached */
    struct plus_gscache *prev;      /* in cache_list (a live thread's) or */
    struct plus_gscache *next;      /* cache_dead while tstate != NULL */
} plus_gscache;

static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static pthread_key_t cache_key;
static int cache_key_ready = 0;
static pthread_mutex_t cache_mutex = PTHREAD_MUTEX_INITIALIZER;
static plus_gscache *cache_list = NULL;     /* records with a live state */
static plus_gscache *cache_dead = NULL;     /* states of exited threads */
static int cache_finalizing = 0;
static int cache_reap_scheduled = 0;        /* a pending call is queued */

static void
cache_link(plus_gscache **list, plus_gscache *rec)
{
    rec->prev = NULL;
    rec->next = *list;
    if (*list != NULL) {
        (*list)->prev = rec;
    }
    *list = rec;
}

static void
cache_unlink(plus_gscache **list, plus_gscache *rec)
{
    if (rec->prev != NULL) {
        rec->prev->next = rec->next;
    }
    else {
        *list = rec->next;
    }
    if (rec->next != NULL) {
        rec->next->prev = rec->prev;
    }
    rec->prev = rec->next = NULL;
}

/* Clear and delete the states of exited threads; the GIL is held. */
static void
cache_reap(void)
{
    plus_gscache *rec;

    pthread_mutex_lock(&cache_mutex);
    rec = cache_dead;
    cache_dead = NULL;
    pthread_mutex_unlock(&cache_mutex);
    while (rec != NULL) {
        plus_gscache *next = rec->next;

        PyThreadState_Clear(rec->tstate);
        PyThreadState_Delete(rec->tstate);
        free(rec);
        rec = next;
    }
}

static int
cache_reap_pending(void *unused)
{
    pthread_mutex_lock(&cache_mutex);
    cache_reap_scheduled = 0;
    pthread_mutex_unlock(&cache_mutex);
    cache_reap();
    return 0;
}

/* The thread-specific-data destructor: the thread is exiting, without
   the GIL, possibly during or after Py_Finalize. */
static void
cache_thread_exit(void *value)
{
    plus_gscache *rec = (plus_gscache *)value;
    int schedule = 0;

    if (rec->tstate != NULL) {
        /* Its ident may be reused by a new thread: forget the mapping
           now (a no-op if Py_Finalize deleted the key meanwhile). */
        PyThread_delete_key_value(autoTLSkey);
    }
    pthread_mutex_lock(&cache_mutex);
    if (rec->tstate != NULL) {
        PyThreadState *tstate = rec->tstate;

        cache_unlink(&cache_list, rec);
        if (!cache_finalizing && tstate->gilstate_counter == 0) {
            cache_link(&cache_dead, rec);   /* the reaper frees rec */
            rec = NULL;
            if (!cache_reap_scheduled) {
                cache_reap_scheduled = schedule = 1;
            }
        }
        else {
            /* Py_Finalize deletes it with the others; a thread that
               exits inside Ensure (pthread_exit) loses it as in stock. */
            rec->tstate = NULL;
        }
    }
    pthread_mutex_unlock(&cache_mutex);
    if (schedule && Py_AddPendingCall(cache_reap_pending, NULL) < 0) {
        /* Queue full: the next Ensure or Py_Finalize reaps. */
        pthread_mutex_lock(&cache_mutex);
        cache_reap_scheduled = 0;
        pthread_mutex_unlock(&cache_mutex);
    }
    free(rec);
}

static void
cache_before_fork(void)
{
    pthread_mutex_lock(&cache_mutex);
}

static void
cache_after_fork_parent(void)
{
    pthread_mutex_unlock(&cache_mutex);
}

/* In the child only the forking thread is left: forget the others. */
static void
cache_after_fork_child(void)
{
    plus_gscache *own = (plus_gscache *)pthread_getspecific(cache_key);
    plus_gscache *rec = cache_list;

    while (rec != NULL) {
        plus_gscache *next = rec->next;
        if (rec != own) {
            cache_unlink(&cache_list, rec);
            rec->tstate = NULL;
            free(rec);
        }
        rec = next;
    }
    /* cache_dead stays: its states are reaped as in the parent. */
    pthread_mutex_unlock(&cache_mutex);     /* taken by cache_before_fork */
}

static void
cache_setup(void)
{
    if (pthread_key_create(&cache_key, cache_thread_exit) != 0) {
        return;                 /* no cache: stock behaviour */
    }
    if (pthread_atfork(cache_before_fork, cache_after_fork_parent,
                       cache_after_fork_child) != 0) {
        return;
    }
    cache_key_ready = 1;
}

/* From _PyGILState_Init. */
static void
plus_gscache_init(void)
{
    pthread_once(&cache_once, cache_setup);
    pthread_mutex_lock(&cache_mutex);
    cache_finalizing = 0;
    pthread_mutex_unlock(&cache_mutex);
}

/* This thread's adopted state, or NULL.  Lock-free: only this thread
   attaches a state to its record; detaching by another thread happens in
   Py_Finalize or PyThreadState_Delete, which a correct host does not run
   while this thread is inside Ensure. */
static PyThreadState *
plus_gscache_get(void)
{
    plus_gscache *rec;

    if (!cache_key_ready) {
        return NULL;
    }
    rec = (plus_gscache *)pthread_getspecific(cache_key);
    return rec != NULL ? rec->tstate : NULL;
}

/* Ensure made tstate for this thread: keep it.  On failure (no memory,
   Py_Finalize under way) the state is simply not adopted and Release
   deletes it as in stock. */
static void
plus_gscache_adopt(PyThreadState *tstate)
{
    plus_gscache *rec;

    if (!cache_key_ready) {
        return;
    }
    rec = (plus_gscache *)pthread_getspecific(cache_key);
    if (rec == NULL) {
        rec = (plus_gscache *)malloc(sizeof(plus_gscache));
        if (rec == NULL) {
            return;
        }
        rec->tstate = NULL;
        rec->prev = rec->next = NULL;
        if (pthread_setspecific(cache_key, rec) != 0) {
            free(rec);
            return;
        }
    }
    pthread_mutex_lock(&cache_mutex);
    if (!cache_finalizing && rec->tstate == NULL) {
        rec->tstate = tstate;
        cache_link(&cache_list, rec);
    }
    pthread_mutex_unlock(&cache_mutex);
}

/* tstate is being deleted (tstate_delete_common): detach its record. */
static void
plus_gscache_forget(PyThreadState *tstate)
{
    plus_gscache *rec;

    if (!cache_key_ready) {
        return;
    }
    pthread_mutex_lock(&cache_mutex);
    for (rec = cache_list; rec != NULL; rec = rec->next) {
        if (rec->tstate == tstate) {
            cache_unlink(&cache_list, rec);
            rec->tstate = NULL;
            break;
        }
    }
    pthread_mutex_unlock(&cache_mutex);
}

/* After PyGILState_Ensure took the GIL: reap if threads exited. */
static void
plus_gscache_reap(void)
{
    /* A stale read only delays the reaping to the next call. */
    if (cache_dead != NULL) {
        cache_reap();
    }
}

/* Py_Finalize, after the exit functions, with the GIL held. */
void
_PyGILState_PlusFinalizing(void)
{
    PyThreadState *current = PyThreadState_GET();

    if (!cache_key_ready) {
        return;
    }
    pthread_mutex_lock(&cache_mutex);
    cache_finalizing = 1;               /* cache_dead gets no more */
    pthread_mutex_unlock(&cache_mutex);
    cache_reap();
    pthread_mutex_lock(&cache_mutex);
    while (cache_list != NULL) {
        plus_gscache *rec = cache_list;
        PyThreadState *tstate = rec->tstate;

        cache_unlink(&cache_list, rec);
        rec->tstate = NULL;
        if (tstate == current || tstate->gilstate_counter != 0) {
            continue;           /* in use: left to Py_Finalize, as stock */
        }
        pthread_mutex_unlock(&cache_mutex);
        PyThreadState_Clear(tstate);
        pthread_mutex_lock(&cache_mutex);
    }
    pthread_mutex_unlock(&cache_mutex);
}

#else
#define PLUS_GILSTATE_CACHE 0
#endif

#if WITH_PLUS_GILSTATE_CACHE && !PLUS_GILSTATE_CACHE
/* Threads other than POSIX threads: nothing is cached. */
void
_PyGILState_PlusFinalizing(void)
{
}
#endif
