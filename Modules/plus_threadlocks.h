/* PythonPlus: the thread module's side of the native locks, included once
   by Modules/threadmodule.c after the lock type's acquire method.

   WITH_PLUS_NATIVE_LOCKS: Lock.acquire(blocking=True, timeout=-1) as in
   Python 3.2, interruptible by signals (the Python handler runs, and the
   wait resumes with what is left of the timeout unless it raised);
   thread.TIMEOUT_MAX; thread.error derives from RuntimeError.
   WITH_PLUS_NATIVE_CONDITION: the types thread.RLock and thread.Condition,
   which threading.py uses in place of its Python _RLock and _Condition.
   The Condition waits on the lock's own mutex (Python/plus_lock.h), so it
   needs no waiter lock per wait and no polling for timeouts. */

static PyTypeObject Locktype;
static PyObject *lock_PyThread_release_lock(lockobject *self);

static double
plus_now(void)
{
    return _PyPlusThread_Monotonic();
}

/* Python 3's checks of (blocking, timeout) for Lock/RLock.acquire: sets
   *us to -1 (block), 0 (try) or the timeout in microseconds. */
static int
plus_acquire_args(int blocking, double timeout, PY_LONG_LONG *us)
{
    if (timeout != timeout) {
        PyErr_SetString(PyExc_ValueError, "timeout value must not be NaN");
        return -1;
    }
    if (!blocking && timeout != -1) {
        PyErr_SetString(PyExc_ValueError,
                        "can't specify a timeout for a non-blocking call");
        return -1;
    }
    if (timeout < 0 && timeout != -1) {
        PyErr_SetString(PyExc_ValueError,
                        "timeout value must be positive");
        return -1;
    }
    if (!blocking) {
        *us = 0;
    }
    else if (timeout == -1) {
        *us = -1;
    }
    else {
        if (timeout * 1e6 > (double)PY_PLUS_TIMEOUT_MAX) {
            PyErr_SetString(PyExc_OverflowError,
                            "timeout value is too large");
            return -1;
        }
        *us = (PY_LONG_LONG)(timeout * 1e6);
        if (*us == 0 && timeout > 0) {
            *us = 1;
        }
    }
    return 0;
}

/* Acquire a raw lock within us microseconds (-1: forever), running the
   signal handlers when a signal interrupts the wait.  1: acquired, 0: not,
   -1: a handler raised. */
static int
plus_acquire(PyThread_type_lock lock, PY_LONG_LONG us)
{
    int r;
    double deadline = 0.0, left;

    r = _PyPlusThread_AcquireTimed(lock, 0, 0);
    if (r || us == 0) {
        return r;
    }
    if (us > 0) {
        deadline = plus_now() + us / 1e6;
    }
    for (;;) {
        PLUS_BEGIN_LOCK_WAIT
        r = _PyPlusThread_AcquireTimed(lock, us, 1);
        Py_END_ALLOW_THREADS
        if (r != PY_PLUS_LOCK_INTR) {
            return r;
        }
        if (PyErr_CheckSignals() < 0) {
            return -1;
        }
        if (us > 0) {
            left = deadline - plus_now();
            us = left > 0 ? (PY_LONG_LONG)(left * 1e6) : 0;
            if (us <= 0) {
                return _PyPlusThread_AcquireTimed(lock, 0, 0);
            }
        }
    }
}

static char *plus_acquire_kwlist[] = {"blocking", "timeout", NULL};

static PyObject *
_plus_lock_acquire(lockobject *self, PyObject *args, PyObject *kwds)
{
    int blocking = 1, r;
    double timeout = -1;
    PY_LONG_LONG us;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|id:acquire",
                                     plus_acquire_kwlist,
                                     &blocking, &timeout)) {
        return NULL;
    }
    if (plus_acquire_args(blocking, timeout, &us) < 0) {
        return NULL;
    }
    r = plus_acquire(self->lock_lock, us);
    if (r < 0) {
        return NULL;
    }
    return PyBool_FromLong(r);
}

PyDoc_STRVAR(plus_acquire_doc,
"acquire(blocking=True, timeout=-1) -> bool\n\
(acquire_lock() is an obsolete synonym)\n\
\n\
Lock the lock.  With blocking true (the default), wait until the lock is\n\
free, for at most timeout seconds if timeout is not -1, and return\n\
whether it was acquired.  With blocking false, only try.  A signal\n\
arriving while waiting runs its Python handler.");

#if WITH_PLUS_NATIVE_CONDITION

/* RLock: a reentrant lock, owned by the thread that acquired it. */

typedef struct {
    PyObject_HEAD
    PyThread_type_lock lock;
    long owner;
    unsigned long count;
    PyObject *weakreflist;
    PyObject *dict;             /* attributes, as threading._RLock has */
} plus_rlockobject;

static PyTypeObject plus_rlocktype;

static PyObject *
plus_rlock_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    plus_rlockobject *self;
    PyObject *verbose = NULL;
    static char *kwlist[] = {"verbose", NULL};

    /* verbose: accepted and ignored, as threading._RLock's */
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:RLock", kwlist,
                                     &verbose)) {
        return NULL;
    }
    self = (plus_rlockobject *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    self->lock = PyThread_allocate_lock();
    if (self->lock == NULL) {
        Py_DECREF(self);
        PyErr_SetString(ThreadError, "can't allocate lock");
        return NULL;
    }
    return (PyObject *)self;
}

static int
plus_rlock_traverse(plus_rlockobject *self, visitproc visit, void *arg)
{
    Py_VISIT(self->dict);
    return 0;
}

static int
plus_rlock_clear(plus_rlockobject *self)
{
    Py_CLEAR(self->dict);
    return 0;
}

static void
plus_rlock_dealloc(plus_rlockobject *self)
{
    PyObject_GC_UnTrack(self);
    Py_CLEAR(self->dict);
    if (self->weakreflist != NULL) {
        PyObject_ClearWeakRefs((PyObject *)self);
    }
    if (self->lock != NULL) {
        PyThread_free_lock(self->lock);
    }
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
plus_rlock_acquire(plus_rlockobject *self, PyObject *args, PyObject *kwds)
{
    int blocking = 1, r;
    double timeout = -1;
    PY_LONG_LONG us;
    long tid;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|id:acquire",
                                     plus_acquire_kwlist,
                                     &blocking, &timeout)) {
        return NULL;
    }
    if (plus_acquire_args(blocking, timeout, &us) < 0) {
        return NULL;
    }
    tid = PyThread_get_thread_ident();
    if (self->count > 0 && self->owner == tid) {
        if (self->count + 1 == 0) {
            PyErr_SetString(PyExc_OverflowError,
                            "internal lock count overflowed");
            return NULL;
        }
        self->count++;
        Py_RETURN_TRUE;
    }
    r = plus_acquire(self->lock, us);
    if (r < 0) {
        return NULL;
    }
    if (r) {
        self->owner = tid;
        self->count = 1;
    }
    return PyBool_FromLong(r);
}

static PyObject *
plus_rlock_release(plus_rlockobject *self, PyObject *unused)
{
    if (self->count == 0 || self->owner != PyThread_get_thread_ident()) {
        PyErr_SetString(PyExc_RuntimeError,
                        "cannot release un-acquired lock");
        return NULL;
    }
    if (--self->count == 0) {
        self->owner = 0;
        PyThread_release_lock(self->lock);
    }
    Py_RETURN_NONE;
}

static PyObject *
plus_rlock_enter(plus_rlockobject *self, PyObject *unused)
{
    PyObject *empty = PyTuple_New(0), *r;

    if (empty == NULL) {
        return NULL;
    }
    r = plus_rlock_acquire(self, empty, NULL);
    Py_DECREF(empty);
    return r;
}

static int
plus_rlock_owned(plus_rlockobject *self)
{
    return self->count > 0 && self->owner == PyThread_get_thread_ident();
}

static PyObject *
plus_rlock_is_owned(plus_rlockobject *self, PyObject *unused)
{
    return PyBool_FromLong(plus_rlock_owned(self));
}

static PyObject *
plus_rlock_release_save(plus_rlockobject *self, PyObject *unused)
{
    PyObject *state;

    if (self->count == 0) {
        PyErr_SetString(PyExc_RuntimeError,
                        "cannot release un-acquired lock");
        return NULL;
    }
    state = Py_BuildValue("(kl)", self->count, self->owner);
    if (state == NULL) {
        return NULL;
    }
    self->count = 0;
    self->owner = 0;
    PyThread_release_lock(self->lock);
    return state;
}

static PyObject *
plus_rlock_acquire_restore(plus_rlockobject *self, PyObject *state)
{
    unsigned long count;
    long owner;

    if (!PyTuple_Check(state)) {
        PyErr_SetString(PyExc_TypeError,
                        "_acquire_restore() needs a (count, owner) tuple");
        return NULL;
    }
    if (!PyArg_ParseTuple(state, "kl:_acquire_restore", &count, &owner)) {
        return NULL;
    }
    /* not interruptible: the caller must get its lock back */
    if (!_PyPlusThread_AcquireTimed(self->lock, 0, 0)) {
        PLUS_BEGIN_LOCK_WAIT
        _PyPlusThread_AcquireTimed(self->lock, -1, 0);
        Py_END_ALLOW_THREADS
    }
    self->owner = owner;
    self->count = count;
    Py_RETURN_NONE;
}

static PyObject *
plus_rlock_repr(plus_rlockobject *self)
{
    PyObject *owner, *mod, *active, *thread = NULL, *name, *r, *ownrepr;
    const char *tname = Py_TYPE(self)->tp_name, *dot;

    /* as threading._RLock: the owner's thread name when known */
    if (self->count > 0) {
        owner = PyInt_FromLong(self->owner);
    }
    else {
        owner = Py_None;
        Py_INCREF(owner);
    }
    if (owner == NULL) {
        return NULL;
    }
    mod = PyDict_GetItemString(PyImport_GetModuleDict(), "threading");
    if (owner != Py_None && mod != NULL) {
        active = PyObject_GetAttrString(mod, "_active");
        if (active != NULL && PyDict_Check(active)) {
            thread = PyDict_GetItem(active, owner);
        }
        if (thread != NULL) {
            name = PyObject_GetAttrString(thread, "name");
            if (name != NULL) {
                Py_DECREF(owner);
                owner = name;
            }
        }
        Py_XDECREF(active);
        PyErr_Clear();
    }
    ownrepr = PyObject_Repr(owner);
    Py_DECREF(owner);
    if (ownrepr == NULL) {
        return NULL;
    }
    dot = strrchr(tname, '.');
    if (Py_TYPE(self) == &plus_rlocktype) {
        tname = "_RLock";
    }
    else if (dot != NULL) {
        tname = dot + 1;
    }
    r = PyString_FromFormat("<%s owner=%s count=%lu>", tname,
                            PyString_AS_STRING(ownrepr), self->count);
    Py_DECREF(ownrepr);
    return r;
}

static PyMethodDef plus_rlock_methods[] = {
    {"acquire", (PyCFunction)plus_rlock_acquire,
     METH_VARARGS | METH_KEYWORDS,
     "acquire(blocking=True, timeout=-1) -> bool"},
    {"release", (PyCFunction)plus_rlock_release, METH_NOARGS,
     "release(): release one level of ownership"},
    {"__enter__", (PyCFunction)plus_rlock_enter, METH_NOARGS, NULL},
    {"__exit__", (PyCFunction)plus_rlock_release, METH_VARARGS, NULL},
    {"_is_owned", (PyCFunction)plus_rlock_is_owned, METH_NOARGS, NULL},
    {"_release_save", (PyCFunction)plus_rlock_release_save,
     METH_NOARGS, NULL},
    {"_acquire_restore", (PyCFunction)plus_rlock_acquire_restore,
     METH_O, NULL},
    {NULL}
};

static PyTypeObject plus_rlocktype = {
    PyVarObject_HEAD_INIT(&PyType_Type, 0)
    "thread.RLock",                     /* tp_name */
    sizeof(plus_rlockobject),           /* tp_basicsize */
    0,                                  /* tp_itemsize */
    (destructor)plus_rlock_dealloc,     /* tp_dealloc */
    0,                                  /* tp_print */
    0,                                  /* tp_getattr */
    0,                                  /* tp_setattr */
    0,                                  /* tp_compare */
    (reprfunc)plus_rlock_repr,          /* tp_repr */
    0,                                  /* tp_as_number */
    0,                                  /* tp_as_sequence */
    0,                                  /* tp_as_mapping */
    0,                                  /* tp_hash */
    0,                                  /* tp_call */
    0,                                  /* tp_str */
    0,                                  /* tp_getattro */
    0,                                  /* tp_setattro */
    0,                                  /* tp_as_buffer */
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    "A reentrant lock: the owning thread may acquire it again; it is "
    "free\nonce released as many times as acquired.", /* tp_doc */
    (traverseproc)plus_rlock_traverse,  /* tp_traverse */
    (inquiry)plus_rlock_clear,          /* tp_clear */
    0,                                  /* tp_richcompare */
    offsetof(plus_rlockobject, weakreflist), /* tp_weaklistoffset */
    0,                                  /* tp_iter */
    0,                                  /* tp_iternext */
    plus_rlock_methods,                 /* tp_methods */
    0,                                  /* tp_members */
    0,                                  /* tp_getset */
    0,                                  /* tp_base */
    0,                                  /* tp_dict */
    0,                                  /* tp_descr_get */
    0,                                  /* tp_descr_set */
    offsetof(plus_rlockobject, dict),   /* tp_dictoffset */
    0,                                  /* tp_init */
    PyType_GenericAlloc,                /* tp_alloc */
    plus_rlock_new,                     /* tp_new */
    PyObject_GC_Del,                    /* tp_free */
};

/* Condition: a condition variable over a thread.lock or thread.RLock. */

typedef struct {
    PyObject_HEAD
    PyObject *lock;
    _PyPlusCond cv;
    PyObject *weakreflist;
    PyObject *dict;             /* attributes, as threading._Condition has */
} plus_condobject;

static PyTypeObject plus_condtype;

#define PLUS_IS_RLOCK(o) PyObject_TypeCheck((o), &plus_rlocktype)

static PyObject *
plus_cond_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    return type->tp_alloc(type, 0);
}

static int
plus_cond_init(plus_condobject *self, PyObject *args, PyObject *kwds)
{
    PyObject *lock = Py_None, *verbose = NULL, *old;
    static char *kwlist[] = {"lock", "verbose", NULL};

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|OO:Condition", kwlist,
                                     &lock, &verbose)) {
        return -1;
    }
    if (lock == Py_None) {
        lock = PyObject_CallObject((PyObject *)&plus_rlocktype, NULL);
        if (lock == NULL) {
            return -1;
        }
    }
    else if (Py_TYPE(lock) == &Locktype || PLUS_IS_RLOCK(lock)) {
        Py_INCREF(lock);
    }
    else {
        PyErr_Format(PyExc_TypeError, "thread.Condition needs a "
                     "thread.lock or thread.RLock, not %.200s",
                     Py_TYPE(lock)->tp_name);
        return -1;
    }
    /* (re-)initialised, as threading does after fork: new waiter list */
    old = self->lock;
    self->lock = lock;
    memset(&self->cv, 0, sizeof(self->cv));
    Py_XDECREF(old);
    return 0;
}

static int
plus_cond_traverse(plus_condobject *self, visitproc visit, void *arg)
{
    Py_VISIT(self->lock);
    Py_VISIT(self->dict);
    return 0;
}

static int
plus_cond_clear(plus_condobject *self)
{
    Py_CLEAR(self->lock);
    Py_CLEAR(self->dict);
    return 0;
}

static void
plus_cond_dealloc(plus_condobject *self)
{
    PyObject_GC_UnTrack(self);
    if (self->weakreflist != NULL) {
        PyObject_ClearWeakRefs((PyObject *)self);
    }
    Py_CLEAR(self->lock);
    Py_CLEAR(self->dict);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
plus_cond_ready(plus_condobject *self)
{
    if (self->lock == NULL) {
        PyErr_SetString(PyExc_RuntimeError,
                        "Condition.__init__() not called");
        return 0;
    }
    return 1;
}

static PyThread_type_lock
plus_cond_raw(plus_condobject *self)
{
    if (PLUS_IS_RLOCK(self->lock)) {
        return ((plus_rlockobject *)self->lock)->lock;
    }
    return ((lockobject *)self->lock)->lock_lock;
}

static int
plus_cond_owned(plus_condobject *self)
{
    if (PLUS_IS_RLOCK(self->lock)) {
        return plus_rlock_owned((plus_rlockobject *)self->lock);
    }
    return _PyPlusThread_LockIsHeld(plus_cond_raw(self));
}

static PyObject *
plus_cond_acquire(plus_condobject *self, PyObject *args, PyObject *kwds)
{
    if (!plus_cond_ready(self)) {
        return NULL;
    }
    if (PLUS_IS_RLOCK(self->lock)) {
        return plus_rlock_acquire((plus_rlockobject *)self->lock,
                                  args, kwds);
    }
    return _plus_lock_acquire((lockobject *)self->lock, args, kwds);
}

static PyObject *
plus_cond_enter(plus_condobject *self, PyObject *unused)
{
    PyObject *empty = PyTuple_New(0), *r;

    if (empty == NULL) {
        return NULL;
    }
    r = plus_cond_acquire(self, empty, NULL);
    Py_DECREF(empty);
    return r;
}

static PyObject *
plus_cond_release(plus_condobject *self, PyObject *unused)
{
    if (!plus_cond_ready(self)) {
        return NULL;
    }
    if (PLUS_IS_RLOCK(self->lock)) {
        return plus_rlock_release((plus_rlockobject *)self->lock, NULL);
    }
    return lock_PyThread_release_lock((lockobject *)self->lock);
}

static PyObject *
plus_cond_is_owned(plus_condobject *self, PyObject *unused)
{
    if (!plus_cond_ready(self)) {
        return NULL;
    }
    return PyBool_FromLong(plus_cond_owned(self));
}

/* Condition.wait's timeout (None: forever) in microseconds; <= 0 means
   "do not wait", as in Python 3; above TIMEOUT_MAX means forever. */
static int
plus_cond_timeout(PyObject *timeout, PY_LONG_LONG *us)
{
    double t;

    if (timeout == NULL || timeout == Py_None) {
        *us = -1;
        return 0;
    }
    t = PyFloat_AsDouble(timeout);
    if (t == -1.0 && PyErr_Occurred()) {
        return -1;
    }
    if (!(t > 0)) {
        *us = 0;
    }
    else if (t * 1e6 > (double)PY_PLUS_TIMEOUT_MAX) {
        /* forever: 2.7 code such as multiprocessing joins with 1e100 */
        *us = -1;
    }
    else {
        *us = (PY_LONG_LONG)(t * 1e6);
        if (*us == 0) {
            *us = 1;
        }
    }
    return 0;
}

/* 1: notified, 0: timed out, -1: exception. */
static int
plus_cond_wait_us(plus_condobject *self, PY_LONG_LONG us)
{
    plus_rlockobject *rl = NULL;
    PyThread_type_lock raw;
    unsigned long count = 0;
    long owner = 0;
    double deadline = 0.0, left;
    int r;

    if (!plus_cond_ready(self)) {
        return -1;
    }
    if (!plus_cond_owned(self)) {
        PyErr_SetString(PyExc_RuntimeError,
                        "cannot wait on un-acquired lock");
        return -1;
    }
    raw = plus_cond_raw(self);
    if (PLUS_IS_RLOCK(self->lock)) {
        rl = (plus_rlockobject *)self->lock;
        count = rl->count;
        owner = rl->owner;
    }
    if (us > 0) {
        deadline = plus_now() + us / 1e6;
    }
    for (;;) {
        if (rl != NULL) {
            rl->count = 0;
            rl->owner = 0;
        }
        PLUS_BEGIN_LOCK_WAIT
        r = _PyPlusCond_Wait(&self->cv, raw, us, 1);
        Py_END_ALLOW_THREADS
        if (rl != NULL) {
            rl->count = count;
            rl->owner = owner;
        }
        if (r == PY_PLUS_LOCK_NOT_HELD) {
            /* another thread released our plain lock meanwhile */
            PyErr_SetString(PyExc_RuntimeError,
                            "cannot wait on un-acquired lock");
            return -1;
        }
        if (r != PY_PLUS_LOCK_INTR) {
            return r;
        }
        /* a signal: run its handler with the lock held, then go on */
        if (PyErr_CheckSignals() < 0) {
            return -1;
        }
        if (us > 0) {
            left = deadline - plus_now();
            if (left <= 0) {
                return 0;
            }
            us = (PY_LONG_LONG)(left * 1e6);
            if (us == 0) {
                us = 1;
            }
        }
    }
}

static PyObject *
plus_cond_wait(plus_condobject *self, PyObject *args, PyObject *kwds)
{
    PyObject *timeout = Py_None;
    PY_LONG_LONG us;
    int r;
    static char *kwlist[] = {"timeout", NULL};

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:wait", kwlist,
                                     &timeout)) {
        return NULL;
    }
    if (plus_cond_timeout(timeout, &us) < 0) {
        return NULL;
    }
    r = plus_cond_wait_us(self, us);
    if (r < 0) {
        return NULL;
    }
    return PyBool_FromLong(r);
}

static PyObject *
plus_cond_wait_for(plus_condobject *self, PyObject *args, PyObject *kwds)
{
    PyObject *predicate, *timeout = Py_None, *result;
    PY_LONG_LONG us;
    double deadline = 0.0, left;
    int truth;
    static char *kwlist[] = {"predicate", "timeout", NULL};

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|O:wait_for", kwlist,
                                     &predicate, &timeout)) {
        return NULL;
    }
    if (plus_cond_timeout(timeout, &us) < 0) {
        return NULL;
    }
    if (us > 0) {
        deadline = plus_now() + us / 1e6;
    }
    result = PyObject_CallObject(predicate, NULL);
    while (result != NULL) {
        truth = PyObject_IsTrue(result);
        if (truth < 0) {
            Py_CLEAR(result);
            break;
        }
        if (truth || us == 0) {
            break;
        }
        if (us > 0) {
            left = deadline - plus_now();
            if (left <= 0) {
                break;
            }
            us = (PY_LONG_LONG)(left * 1e6);
            if (us == 0) {
                us = 1;
            }
        }
        Py_DECREF(result);
        if (plus_cond_wait_us(self, us) < 0) {
            return NULL;
        }
        result = PyObject_CallObject(predicate, NULL);
    }
    return result;
}

static PyObject *
plus_cond_do_notify(plus_condobject *self, Py_ssize_t n)
{
    if (!plus_cond_ready(self)) {
        return NULL;
    }
    if (!plus_cond_owned(self) ||
        _PyPlusCond_Notify(&self->cv, plus_cond_raw(self), n) ==
            PY_PLUS_LOCK_NOT_HELD) {
        PyErr_SetString(PyExc_RuntimeError,
                        "cannot notify on un-acquired lock");
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
plus_cond_notify(plus_condobject *self, PyObject *args, PyObject *kwds)
{
    Py_ssize_t n = 1;
    static char *kwlist[] = {"n", NULL};

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|n:notify", kwlist, &n)) {
        return NULL;
    }
    if (n < 0) {
        PyErr_SetString(PyExc_ValueError, "n must be non-negative");
        return NULL;
    }
    return plus_cond_do_notify(self, n);
}

static PyObject *
plus_cond_notify_all(plus_condobject *self, PyObject *unused)
{
    return plus_cond_do_notify(self, -1);
}

static PyObject *
plus_cond_repr(plus_condobject *self)
{
    PyObject *s, *r;

    if (self->lock == NULL) {
        return PyString_FromString("<Condition(uninitialized)>");
    }
    s = PyObject_Str(self->lock);
    if (s == NULL) {
        return NULL;
    }
    r = PyString_FromFormat("<Condition(%s, %zd)>", PyString_AS_STRING(s),
                            self->cv.nwaiters);
    Py_DECREF(s);
    return r;
}

static PyMethodDef plus_cond_methods[] = {
    {"acquire", (PyCFunction)plus_cond_acquire,
     METH_VARARGS | METH_KEYWORDS,
     "acquire(blocking=True, timeout=-1) -> bool: acquire the lock"},
    {"release", (PyCFunction)plus_cond_release, METH_NOARGS,
     "release(): release the lock"},
    {"__enter__", (PyCFunction)plus_cond_enter, METH_NOARGS, NULL},
    {"__exit__", (PyCFunction)plus_cond_release, METH_VARARGS, NULL},
    {"_is_owned", (PyCFunction)plus_cond_is_owned, METH_NOARGS, NULL},
    {"wait", (PyCFunction)plus_cond_wait, METH_VARARGS | METH_KEYWORDS,
     "wait(timeout=None) -> bool\n\nRelease the lock, wait until notified "
     "or until timeout seconds pass,\nre-acquire the lock; return False "
     "on time-out."},
    {"wait_for", (PyCFunction)plus_cond_wait_for,
     METH_VARARGS | METH_KEYWORDS,
     "wait_for(predicate, timeout=None)\n\nWait until predicate() is true "
     "or timeout seconds pass; return the\nlast value of predicate()."},
    {"notify", (PyCFunction)plus_cond_notify, METH_VARARGS | METH_KEYWORDS,
     "notify(n=1): wake up at most n threads waiting on the condition"},
    {"notify_all", (PyCFunction)plus_cond_notify_all, METH_NOARGS,
     "notify_all(): wake up every thread waiting on the condition"},
    {"notifyAll", (PyCFunction)plus_cond_notify_all, METH_NOARGS,
     "notifyAll(): the same as notify_all()"},
    {NULL}
};

static PyMemberDef plus_cond_members[] = {
    /* threading._Condition's private name, which tests look at */
    {"_Condition__lock", T_OBJECT, offsetof(plus_condobject, lock),
     READONLY, NULL},
    {NULL}
};

static PyTypeObject plus_condtype = {
    PyVarObject_HEAD_INIT(&PyType_Type, 0)
    "thread.Condition",                 /* tp_name */
    sizeof(plus_condobject),            /* tp_basicsize */
    0,                                  /* tp_itemsize */
    (destructor)plus_cond_dealloc,      /* tp_dealloc */
    0,                                  /* tp_print */
    0,                                  /* tp_getattr */
    0,                                  /* tp_setattr */
    0,                                  /* tp_compare */
    (reprfunc)plus_cond_repr,           /* tp_repr */
    0,                                  /* tp_as_number */
    0,                                  /* tp_as_sequence */
    0,                                  /* tp_as_mapping */
    0,                                  /* tp_hash */
    0,                                  /* tp_call */
    0,                                  /* tp_str */
    0,                                  /* tp_getattro */
    0,                                  /* tp_setattro */
    0,                                  /* tp_as_buffer */
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    "Condition(lock=None): a condition variable over a thread.lock or\n"
    "thread.RLock (a new RLock by default).", /* tp_doc */
    (traverseproc)plus_cond_traverse,   /* tp_traverse */
    (inquiry)plus_cond_clear,           /* tp_clear */
    0,                                  /* tp_richcompare */
    offsetof(plus_condobject, weakreflist), /* tp_weaklistoffset */
    0,                                  /* tp_iter */
    0,                                  /* tp_iternext */
    plus_cond_methods,                  /* tp_methods */
    plus_cond_members,                  /* tp_members */
    0,                                  /* tp_getset */
    0,                                  /* tp_base */
    0,                                  /* tp_dict */
    0,                                  /* tp_descr_get */
    0,                                  /* tp_descr_set */
    offsetof(plus_condobject, dict),    /* tp_dictoffset */
    (initproc)plus_cond_init,           /* tp_init */
    PyType_GenericAlloc,                /* tp_alloc */
    plus_cond_new,                      /* tp_new */
    PyObject_GC_Del,                    /* tp_free */
};

#endif /* WITH_PLUS_NATIVE_CONDITION */

static PyObject *
plus_monotonic(PyObject *self, PyObject *unused)
{
    return PyFloat_FromDouble(plus_now());
}

static PyMethodDef plus_monotonic_def = {
    "_monotonic", (PyCFunction)plus_monotonic, METH_NOARGS,
    "_monotonic() -> float\n\nSeconds on the clock that lock timeouts use "
    "(CLOCK_MONOTONIC)."
};

/* Called by initthread(): the module's additions. */
static int
_plus_thread_init(PyObject *m)
{
    if (PyModule_AddObject(m, "_monotonic",
                           PyCFunction_New(&plus_monotonic_def, NULL)) < 0)
        return -1;
    if (PyModule_AddObject(m, "TIMEOUT_MAX",
                           PyFloat_FromDouble(PY_PLUS_TIMEOUT_MAX / 1e6)) < 0)
        return -1;
#if WITH_PLUS_NATIVE_CONDITION
    if (PyType_Ready(&plus_rlocktype) < 0 ||
        PyType_Ready(&plus_condtype) < 0) {
        return -1;
    }
    Py_INCREF(&plus_rlocktype);
    if (PyModule_AddObject(m, "RLock", (PyObject *)&plus_rlocktype) < 0) {
        return -1;
    }
    Py_INCREF(&plus_condtype);
    if (PyModule_AddObject(m, "Condition", (PyObject *)&plus_condtype) < 0) {
        return -1;
    }
#endif
    return 0;
}
