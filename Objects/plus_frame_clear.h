/* PythonPlus clear-frames: frame.clear(), included once by
   Objects/frameobject.c after frame_clear (see Include/plus_cycles.h). */

#if WITH_PLUS_CLEAR_FRAMES

/* Whether 'f' is on some thread's stack of executing frames.  f_stacktop
   cannot tell: it is NULL for finished frames too, and set while a line
   tracer runs.  1, 0, or -1 with an exception. */
static int
plus_frame_is_executing(PyFrameObject *f)
{
    PyFrameObject *g;
    PyObject *frames, *key, *value;
    Py_ssize_t pos = 0;
    int found = 0;

    for (g = PyThreadState_GET()->frame; g != NULL; g = g->f_back) {
        if (g == f) {
            return 1;
        }
    }
    frames = _PyThread_CurrentFrames();
    if (frames == NULL) {
        return -1;
    }
    while (!found && PyDict_Next(frames, &pos, &key, &value)) {
        for (g = (PyFrameObject *)value; g != NULL; g = g->f_back) {
            if (g == f) {
                found = 1;
                break;
            }
        }
    }
    Py_DECREF(frames);
    return found;
}

/* Close the suspended generator that owns 'f' without knowing it: throw
   GeneratorExit into the frame as gen_send_ex and gen_close would.  While
   it runs f_stacktop is NULL, so the generator refuses to be resumed. */
static void
plus_frame_close_generator(PyFrameObject *f)
{
    PyThreadState *tstate = PyThreadState_GET();
    PyObject *result, *err_type, *err_value, *err_tb;

    assert(f->f_back == NULL);
    PyErr_Fetch(&err_type, &err_value, &err_tb);
    Py_INCREF(f);
    f->f_tstate = tstate;
    Py_XINCREF(tstate->frame);
    f->f_back = tstate->frame;
    PyErr_SetNone(PyExc_GeneratorExit);
    result = PyEval_EvalFrameEx(f, 1);
    Py_CLEAR(f->f_back);
    f->f_tstate = NULL;
    if (result != NULL) {
        int yielded = f->f_stacktop != NULL;

        Py_DECREF(result);
        if (yielded) {
            PyErr_SetString(PyExc_RuntimeError,
                            "generator ignored GeneratorExit");
            PyErr_WriteUnraisable((PyObject *)f);
        }
    }
    else if (PyErr_ExceptionMatches(PyExc_GeneratorExit) ||
             PyErr_ExceptionMatches(PyExc_StopIteration)) {
        PyErr_Clear();
    }
    else {
        PyErr_WriteUnraisable((PyObject *)f);
    }
    PyErr_Restore(err_type, err_value, err_tb);
    Py_DECREF(f);
}

PyDoc_STRVAR(plus_frame_clear_doc,
"F.clear(): clear most references held by the frame: its local\n\
variables, value stack and saved exception.  A suspended generator's\n\
frame closes the generator first.  RuntimeError if F is executing.");

static PyObject *
plus_frame_clear(PyFrameObject *f)
{
    int executing = plus_frame_is_executing(f);

    if (executing < 0) {
        return NULL;
    }
    if (executing) {
        PyErr_SetString(PyExc_RuntimeError,
                        "cannot clear an executing frame");
        return NULL;
    }
    /* Suspended after running: gen_send_ex leaves f_tstate NULL.  A frame
       that never ran (f_tstate set) only needs clearing: with f_stacktop
       NULL its generator is exhausted. */
    if (f->f_stacktop != NULL && f->f_tstate == NULL) {
        plus_frame_close_generator(f);
    }
    frame_clear(f);
    Py_RETURN_NONE;
}

#define PLUS_FRAME_METHODS \
    {"clear", (PyCFunction)plus_frame_clear, METH_NOARGS, \
     plus_frame_clear_doc},
#else
#define PLUS_FRAME_METHODS
#endif /* WITH_PLUS_CLEAR_FRAMES */
