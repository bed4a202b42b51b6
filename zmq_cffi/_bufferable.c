/* zmq_cffi._bufferable: the buffer protocol for Frame on CPython < 3.12.
 *
 * Why this file exists: consumers such as memoryview(), numpy.frombuffer(),
 * struct.unpack_from() and hashlib take an object's memory through the C
 * slot bf_getbuffer.  CPython 3.12+ fills that slot for a Python class that
 * defines __buffer__ (PEP 688); PyPy fills it for classes deriving from
 * __pypy__.bufferable.bufferable.  CPython 3.9-3.11 has no such hook, and no
 * builtin type that wraps foreign memory can be subclassed, so Frame derives
 * from this one C type there (see zmq_cffi/_buffer.py, which picks the base).
 *
 * The type has no state and does one thing: bf_getbuffer calls the object's
 * __buffer__(flags), which returns a memoryview of the frame's message, and
 * hands out *that* object's buffer.  The resulting view's .obj is the
 * memoryview, which keeps the message alive: the view stays valid after the
 * Frame is gone, and releasing the view goes to the memoryview, so no
 * bf_releasebuffer is needed here.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static int
bufferable_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    PyObject *exporter = PyObject_CallMethod(self, "__buffer__", "i", flags);
    if (exporter == NULL)
        return -1;
    int rc = PyObject_GetBuffer(exporter, view, flags);
    Py_DECREF(exporter);
    return rc;
}

static PyBufferProcs bufferable_as_buffer = {
    bufferable_getbuffer,
    NULL,
};

static PyTypeObject BufferableType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "zmq_cffi._bufferable.Bufferable",
    .tp_basicsize = sizeof(PyObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Base class giving a Python class with __buffer__(flags) the buffer protocol.",
    .tp_as_buffer = &bufferable_as_buffer,
    .tp_new = PyType_GenericNew,
};

static struct PyModuleDef bufferable_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "zmq_cffi._bufferable",
    .m_doc = "The buffer protocol for pure-Python classes on CPython < 3.12 (PEP 688 backport).",
    .m_size = -1,
};

/* Built for CPython < 3.12 only (3.12+ has PEP 688), so never for a
 * free-threaded interpreter (3.13t+): no Py_mod_gil declaration is needed. */
PyMODINIT_FUNC
PyInit__bufferable(void)
{
    if (PyType_Ready(&BufferableType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&bufferable_module);
    if (module == NULL)
        return NULL;
    Py_INCREF(&BufferableType);
    if (PyModule_AddObject(module, "Bufferable", (PyObject *)&BufferableType) < 0) {
        Py_DECREF(&BufferableType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
