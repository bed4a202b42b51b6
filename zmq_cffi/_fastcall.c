/* zmq_cffi._fastcall: the copying send and recv of bytes, for CPython.
 *
 * Why this file exists: on CPython a cffi function of two or more arguments
 * gets them packed in a tuple and unpacked again, every cffi call releases
 * and retakes the GIL, and slicing an ffi.buffer into bytes goes through
 * cffi's generic subscript.  For a 32-byte send+recv that is about 150 ns,
 * which made zmq_cffi slower than pyzmq's Cython on CPython's commonest
 * call.  This module does the same two calls with METH_FASTCALL arguments,
 * keeps the GIL for a call that completes at once (libzmq with DONTWAIT
 * never waits), releases it only to wait, and builds the bytes itself.
 *
 * It adds no behaviour: it calls the helpers in _helpers.c (the slot guard,
 * the receiving thread's area, the signal-aware wait) through the table
 * zmqcffi_fast_table() returns, so these calls and the cffi ones share all
 * state.  socket.py picks these functions when this module is built
 * (CPython) and cffi's otherwise (PyPy, where the JIT calls C directly).
 *
 * Results are the helpers' own: send returns 0 or -errno; recv returns the
 * part as bytes when it is in the calling thread's home area, else the
 * helper's int result (-errno, -ZMQCFFI_EAWAY, or the size of a large part
 * held in the area) for socket.py's slow path.  send_parts and recv_parts
 * do the same for a multipart message of bytes, in one call each.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <stdint.h>

/* Must match zmqcffi_part_t in _helpers.c (its size is checked at init). */
typedef struct {
    const char *data;
    size_t size;
    void *frame;
    uint64_t token;
} fast_part_t;

/* Must match zmqcffi_fast_table_t in _helpers.c (checked by version). */
typedef struct {
    int version;
    int (*send)(void *slot, const char *buf, size_t len, int flags);
    long (*recv)(void *slot, int flags);
    int (*send_parts)(void *slot, fast_part_t *parts, int n, int flags);
    int (*recv_parts)(void *slot, int flags, int frames);
    size_t slot_home_offset;
    size_t slot_rx_skip_offset;
    size_t rx_buf_offset;
    size_t rx_sizes_offset;
    size_t part_size;
    long rx_cap;
    int eagain;
    int dontwait;
} fast_table_t;
#define FAST_TABLE_VERSION 3

/* send_parts takes up to this many parts; more go through cffi. */
#define FAST_PARTS_MAX 16

static const fast_table_t *table = NULL;

/* The slot a Python int addresses (socket.py passes its own slots only). */
static void *
slot_at(PyObject *address)
{
    void *slot;
    if (table == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "zmq_cffi._fastcall used before init()");
        return NULL;
    }
    slot = PyLong_AsVoidPtr(address);
    if (slot == NULL && !PyErr_Occurred())
        PyErr_SetString(PyExc_ValueError, "NULL socket slot");
    return slot;
}

static int
flags_of(PyObject *obj, int *flags)
{
    long value = PyLong_AsLong(obj);
    if (value == -1 && PyErr_Occurred())
        return -1;
    if (value < INT_MIN || value > INT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "flags out of range for a C int");
        return -1;
    }
    *flags = (int)value;
    return 0;
}

/* init(table_address): take the helpers' table from the cffi module. */
static PyObject *
fast_init(PyObject *module, PyObject *address)
{
    const fast_table_t *t = (const fast_table_t *)PyLong_AsVoidPtr(address);
    if (t == NULL) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "NULL table");
        return NULL;
    }
    if (t->version != FAST_TABLE_VERSION) {
        PyErr_Format(PyExc_ImportError,
                     "zmq_cffi._fastcall expects table version %d, the extension has %d "
                     "(rebuild zmq_cffi)", FAST_TABLE_VERSION, t->version);
        return NULL;
    }
    if (t->part_size != sizeof(fast_part_t)) {
        PyErr_SetString(PyExc_ImportError, "zmq_cffi._fastcall: zmqcffi_part_t layout differs");
        return NULL;
    }
    table = t;
    Py_RETURN_NONE;
}

/* Every call first tries without waiting, keeping the GIL (FAST_CALL
 * below): when it can go on at once, as a send almost always can and a
 * receive in a stream can, that saves the GIL's round trip.  For a blocking
 * receive that finds nothing (request/reply) the try costs libzmq a poll()
 * syscall for nothing; so after such a try the next SKIP_AFTER_EMPTY
 * blocking receives on the socket go straight to the wait, then it tries
 * again.  The count lives in the slot.  It is only a hint: with the GIL it
 * is touched by one thread at a time; without it (free-threaded builds) two
 * threads racing on one socket may lose a decrement, so it is read and
 * written with relaxed atomics, never as a plain data race. */
#define SKIP_AFTER_EMPTY 8

static int
try_first(void *slot, int flags)
{
    int *skip = (int *)((char *)slot + table->slot_rx_skip_offset);
    int left;
    if (flags & table->dontwait)
        return 1;
    left = __atomic_load_n(skip, __ATOMIC_RELAXED);
    if (left > 0) {
        __atomic_store_n(skip, left - 1, __ATOMIC_RELAXED);
        return 0;
    }
    return 1;
}

static void
tried_empty(void *slot)
{
    __atomic_store_n((int *)((char *)slot + table->slot_rx_skip_offset), SKIP_AFTER_EMPTY,
                     __ATOMIC_RELAXED);
}

/* rc = CALL(f), a helper call with flags f, made the fast way: first with
 * ZMQ_DONTWAIT and the GIL held; if that finds it must wait (and the
 * caller's flags allow waiting), again with the caller's flags and the GIL
 * released.  is_recv: a receive, whose first try is skipped as above. */
#define FAST_CALL(rc, CALL, slot, flags, is_recv)                            \
    do {                                                                     \
        int must_wait_ = !((flags) & table->dontwait);                       \
        (rc) = -table->eagain;                                               \
        if (!(is_recv) || try_first((slot), (flags))) {                      \
            (rc) = CALL((flags) | table->dontwait);                          \
            if ((is_recv) && (rc) == -table->eagain && must_wait_)           \
                tried_empty(slot);                                           \
        }                                                                    \
        if ((rc) == -table->eagain && must_wait_) {                          \
            Py_BEGIN_ALLOW_THREADS                                           \
            (rc) = CALL(flags);                                              \
            Py_END_ALLOW_THREADS                                             \
        }                                                                    \
    } while (0)

/* The slot's home receive area: the calling thread's when a receive
 * returned >= 0 (the helpers' rule, see zmqcffi_rx_t). */
static const char *
home_of(void *slot)
{
    return *(char *const *)((const char *)slot + table->slot_home_offset);
}

/* send(slot_address, data: bytes, nbytes, flags) -> 0 or -errno.
 * nbytes is accepted for the cffi helper's signature; len(data) is used. */
static PyObject *
fast_send(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    void *slot;
    const char *buf;
    size_t len;
    int flags, rc;
    if (nargs != 4) {
        PyErr_Format(PyExc_TypeError, "send() takes 4 arguments (%zd given)", nargs);
        return NULL;
    }
    if (!PyBytes_Check(args[1])) {
        PyErr_Format(PyExc_TypeError, "send() needs bytes, not %.100s", Py_TYPE(args[1])->tp_name);
        return NULL;
    }
    if ((slot = slot_at(args[0])) == NULL || flags_of(args[3], &flags) < 0)
        return NULL;
    buf = PyBytes_AS_STRING(args[1]);
    len = (size_t)PyBytes_GET_SIZE(args[1]);
    /* args[1] is held by the caller for the whole call, GIL released or not. */
#define CALL_(f) table->send(slot, buf, len, (f))
    FAST_CALL(rc, CALL_, slot, flags, 0);
#undef CALL_
    return PyLong_FromLong(rc);
}

static PyObject *
receive(void *slot, int flags)
{
    long n;
#define CALL_(f) table->recv(slot, (f))
    FAST_CALL(n, CALL_, slot, flags, 1);
#undef CALL_
    if (n >= 0 && n <= table->rx_cap)
        return PyBytes_FromStringAndSize(home_of(slot) + table->rx_buf_offset, (Py_ssize_t)n);
    return PyLong_FromLong(n);
}

/* recv(slot_address, flags) -> bytes, or the helper's int result. */
static PyObject *
fast_recv(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    void *slot;
    int flags;
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "recv() takes 2 arguments (%zd given)", nargs);
        return NULL;
    }
    if ((slot = slot_at(args[0])) == NULL || flags_of(args[1], &flags) < 0)
        return NULL;
    return receive(slot, flags);
}

/* recv0(slot_address): recv with flags 0. */
static PyObject *
fast_recv0(PyObject *module, PyObject *address)
{
    void *slot = slot_at(address);
    if (slot == NULL)
        return NULL;
    return receive(slot, 0);
}

/* send_parts(slot_address, parts, flags) -> 0 or -errno; None (nothing
 * sent) unless parts is a list or tuple of 1 to FAST_PARTS_MAX bytes. */
static PyObject *
fast_send_parts(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    fast_part_t parts[FAST_PARTS_MAX];
    PyObject *held[FAST_PARTS_MAX];
    PyObject **items;
    Py_ssize_t n, i;
    void *slot;
    int flags, rc;
    if (nargs != 3) {
        PyErr_Format(PyExc_TypeError, "send_parts() takes 3 arguments (%zd given)", nargs);
        return NULL;
    }
    if (PyList_CheckExact(args[1]))
        items = ((PyListObject *)args[1])->ob_item;
    else if (PyTuple_CheckExact(args[1]))
        items = ((PyTupleObject *)args[1])->ob_item;
    else
        Py_RETURN_NONE;
    n = Py_SIZE(args[1]);
    if (n < 1 || n > FAST_PARTS_MAX)
        Py_RETURN_NONE;
    for (i = 0; i < n; i++)
        if (!PyBytes_CheckExact(items[i]))
            Py_RETURN_NONE;
    if ((slot = slot_at(args[0])) == NULL || flags_of(args[2], &flags) < 0)
        return NULL;
    /* Own every part for the call: while the GIL is released, another
     * thread may change the list. */
    for (i = 0; i < n; i++) {
        held[i] = items[i];
        Py_INCREF(held[i]);
        parts[i].data = PyBytes_AS_STRING(held[i]);
        parts[i].size = (size_t)PyBytes_GET_SIZE(held[i]);
        parts[i].frame = NULL;
        parts[i].token = 0;
    }
#define CALL_(f) table->send_parts(slot, parts, (int)n, (f))
    FAST_CALL(rc, CALL_, slot, flags, 0);
#undef CALL_
    for (i = 0; i < n; i++)
        Py_DECREF(held[i]);
    return PyLong_FromLong(rc);
}

/* recv_parts(slot_address, flags) -> a list of bytes when every part was
 * copied into the calling thread's home area, else recv_parts' int result
 * (the parts, if any, are still in the area for socket.py to read). */
static PyObject *
fast_recv_parts(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    const char *home, *buf;
    const long *sizes;
    PyObject *list;
    void *slot;
    int flags, n, i;
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "recv_parts() takes 2 arguments (%zd given)", nargs);
        return NULL;
    }
    if ((slot = slot_at(args[0])) == NULL || flags_of(args[1], &flags) < 0)
        return NULL;
#define CALL_(f) table->recv_parts(slot, (f), 0)
    FAST_CALL(n, CALL_, slot, flags, 1);
#undef CALL_
    if (n <= 0)
        return PyLong_FromLong(n);
    home = home_of(slot);
    sizes = *(long *const *)(home + table->rx_sizes_offset);
    for (i = 0; i < n; i++)
        if (sizes[i] < 0)  /* a large part, held in its message */
            return PyLong_FromLong(n);
    if ((list = PyList_New(n)) == NULL)
        return NULL;
    buf = home + table->rx_buf_offset;
    for (i = 0; i < n; i++) {
        PyObject *part = PyBytes_FromStringAndSize(buf, (Py_ssize_t)sizes[i]);
        if (part == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, part);
        buf += sizes[i];
    }
    return list;
}

static PyMethodDef fast_methods[] = {
    {"init", (PyCFunction)fast_init, METH_O, "init(table_address): bind to zmq_cffi._zmq's helpers."},
    {"send", (PyCFunction)(void (*)(void))fast_send, METH_FASTCALL,
     "send(slot_address, data, nbytes, flags) -> 0 or -errno."},
    {"recv", (PyCFunction)(void (*)(void))fast_recv, METH_FASTCALL,
     "recv(slot_address, flags) -> bytes, or the helper's int result."},
    {"recv0", (PyCFunction)fast_recv0, METH_O, "recv0(slot_address): recv with flags 0."},
    {"send_parts", (PyCFunction)(void (*)(void))fast_send_parts, METH_FASTCALL,
     "send_parts(slot_address, parts, flags) -> 0, -errno, or None (not all bytes)."},
    {"recv_parts", (PyCFunction)(void (*)(void))fast_recv_parts, METH_FASTCALL,
     "recv_parts(slot_address, flags) -> list of bytes, or recv_parts' int result."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef fast_module = {
    PyModuleDef_HEAD_INIT, "zmq_cffi._fastcall",
    "The copying send and recv of bytes for CPython (see _fastcall.c).", -1, fast_methods,
};

/* Free-threaded CPython (3.13t+): this module needs no GIL.  Its only
 * global, the table pointer, is written once by init() while socket.py is
 * imported; the calls share no other state than the helpers' (whose slot
 * guard and per-thread areas are atomic or thread-local) and the skip hint
 * above; the objects it builds are new.  Without this declaration a
 * free-threaded interpreter would turn the GIL back on at import. */
PyMODINIT_FUNC
PyInit__fastcall(void)
{
    PyObject *module = PyModule_Create(&fast_module);
#ifdef Py_GIL_DISABLED
    if (module != NULL && PyUnstable_Module_SetGIL(module, Py_MOD_GIL_NOT_USED) < 0) {
        Py_DECREF(module);
        return NULL;
    }
#endif
    return module;
}
