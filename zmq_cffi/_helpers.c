/* zmq_cffi/_helpers.c -- small C helpers compiled into the API-mode extension.
 *
 * Each helper does a whole operation in one Python->C crossing and reports
 * failure as -errno (read right where it happened), so the Python side needs
 * no second call to fetch errno.  Nothing here ever calls back into Python:
 * libzmq may run the zero-copy release callback on its own I/O thread.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <zmq.h>

/* Longest ipc:// path libzmq accepts: sun_path minus its terminating NUL. */
#define ZMQCFFI_IPC_PATH_MAX_LEN ((int)sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

/* A socket's receive slot.  It carries the socket handle and the copy
 * buffer too, so the common receive is a one-argument call (cheapest for
 * CPython's cffi: no argument tuple). */
typedef struct {
    void *socket;
    char *buf;
    size_t cap;
    zmq_msg_t msg;
    char *data;
    size_t size;
    int more;
    int held;
} zmqcffi_rx_t;

/* ---- copying send / receive ------------------------------------------- */

static int zmqcffi_send(void *s, const char *buf, size_t len, int flags)
{
    int rc = zmq_send(s, buf, len, flags);
    return rc < 0 ? -zmq_errno() : 0;
}

static void zmqcffi_rx_release(zmqcffi_rx_t *rx)
{
    if (rx->held) {
        zmq_msg_close(&rx->msg);
        rx->held = 0;
        rx->data = NULL;
        rx->size = 0;
    }
}

/* Receive one message part.  A part of at most rx->cap bytes is copied into
 * rx->buf and released at once; a larger one stays held in rx (rx->data
 * valid) until the next receive or release, so Python copies it out with no
 * second call.  Returns the part's size, or -errno. */
static long zmqcffi_recv(zmqcffi_rx_t *rx, int flags)
{
    int err;
    size_t size;
    zmqcffi_rx_release(rx);
    zmq_msg_init(&rx->msg);
    if (zmq_msg_recv(&rx->msg, rx->socket, flags) < 0) {
        err = zmq_errno();
        zmq_msg_close(&rx->msg);
        return -err;
    }
    size = zmq_msg_size(&rx->msg);
    rx->more = zmq_msg_more(&rx->msg);
    if (size <= rx->cap) {
        memcpy(rx->buf, zmq_msg_data(&rx->msg), size);
        zmq_msg_close(&rx->msg);
    } else {
        rx->held = 1;
        rx->data = (char *)zmq_msg_data(&rx->msg);
        rx->size = size;
    }
    return (long)size;
}

/* The blocking receive (flags 0), as a one-argument call. */
static long zmqcffi_recv0(zmqcffi_rx_t *rx)
{
    return zmqcffi_recv(rx, 0);
}

/* ---- heap messages owned by Python Frames ------------------------------ */

static zmq_msg_t *zmqcffi_msg_new(void)
{
    zmq_msg_t *msg = (zmq_msg_t *)malloc(sizeof(zmq_msg_t));
    if (msg != NULL)
        zmq_msg_init(msg);
    return msg;
}

/* The ffi.gc destructor of a Frame's message: C only, safe from any GC. */
static void zmqcffi_msg_free(zmq_msg_t *msg)
{
    if (msg != NULL) {
        zmq_msg_close(msg);
        free(msg);
    }
}

/* What a received frame hands to Python in one go. */
typedef struct {
    zmq_msg_t *msg;
    char *data;
    size_t size;
    int more;
} zmqcffi_frame_out_t;

/* Receive one frame into a new heap message, handed over in out->msg. */
static int zmqcffi_msg_recv_new(void *s, int flags, zmqcffi_frame_out_t *out)
{
    int err;
    zmq_msg_t *msg = zmqcffi_msg_new();
    out->msg = NULL;
    if (msg == NULL)
        return -ENOMEM;
    if (zmq_msg_recv(msg, s, flags) < 0) {
        err = zmq_errno();
        zmqcffi_msg_free(msg);
        return -err;
    }
    out->msg = msg;
    out->data = (char *)zmq_msg_data(msg);
    out->size = zmq_msg_size(msg);
    out->more = zmq_msg_more(msg);
    return 0;
}

/* Send a Frame's message by reference (libzmq shares the content), leaving
 * the Frame itself intact so it can be sent again. */
static int zmqcffi_msg_send_copy(void *s, zmq_msg_t *msg, int flags)
{
    int err;
    zmq_msg_t tmp;
    zmq_msg_init(&tmp);
    if (zmq_msg_copy(&tmp, msg) < 0 || zmq_msg_send(&tmp, s, flags) < 0) {
        err = zmq_errno();
        zmq_msg_close(&tmp);
        return -err;
    }
    return 0;
}

/* ---- zero-copy release queue ---------------------------------------------
 * libzmq calls zmqcffi_release_cb (maybe on its I/O thread) when it no longer
 * needs a zero-copy buffer.  The callback only records the buffer's token;
 * Python takes the tokens later and drops its references to the owners. */

static pthread_mutex_t rel_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t rel_cond = PTHREAD_COND_INITIALIZER;
static uint64_t *rel_tokens = NULL;
static size_t rel_len = 0, rel_cap = 0;
static uint64_t rel_total = 0;
static int rel_atfork_done = 0;

static void zmqcffi_release_cb(void *data, void *hint)
{
    uint64_t token = (uint64_t)(uintptr_t)hint;
    (void)data;
    pthread_mutex_lock(&rel_lock);
    if (rel_len == rel_cap) {
        size_t cap = rel_cap ? rel_cap * 2 : 1024;
        uint64_t *grown = (uint64_t *)realloc(rel_tokens, cap * sizeof(uint64_t));
        if (grown != NULL) {
            rel_tokens = grown;
            rel_cap = cap;
        }
    }
    /* Out of memory: the token is dropped, so Python keeps the owner alive
     * for ever -- a leak, never a use-after-free. */
    if (rel_len < rel_cap)
        rel_tokens[rel_len++] = token;
    rel_total++;
    pthread_cond_broadcast(&rel_cond);
    pthread_mutex_unlock(&rel_lock);
}

/* In a forked child the lock may have been held by a parent thread. */
static void zmqcffi_atfork_child(void)
{
    pthread_mutex_init(&rel_lock, NULL);
    pthread_cond_init(&rel_cond, NULL);
}

static int zmqcffi_msg_init_zerocopy(zmq_msg_t *msg, void *data, size_t size,
                                     uint64_t token)
{
    if (!rel_atfork_done) {
        rel_atfork_done = 1;
        pthread_atfork(NULL, NULL, zmqcffi_atfork_child);
    }
    if (zmq_msg_init_data(msg, data, size, zmqcffi_release_cb,
                          (void *)(uintptr_t)token) < 0)
        return -zmq_errno();
    return 0;
}

/* Send data without copying: libzmq reads it in place and calls the release
 * callback with token when done (also when the send fails). */
static int zmqcffi_send_zerocopy(void *s, void *data, size_t size, uint64_t token, int flags)
{
    int err;
    zmq_msg_t msg;
    int rc = zmqcffi_msg_init_zerocopy(&msg, data, size, token);
    if (rc < 0)
        return rc;
    if (zmq_msg_send(&msg, s, flags) < 0) {
        err = zmq_errno();
        zmq_msg_close(&msg);
        return -err;
    }
    return 0;
}

/* Move up to max released tokens into out; returns how many. */
static int zmqcffi_released_take(uint64_t *out, int max)
{
    int n;
    pthread_mutex_lock(&rel_lock);
    n = rel_len < (size_t)max ? (int)rel_len : max;
    if (n > 0) {
        memcpy(out, rel_tokens + (rel_len - n), n * sizeof(uint64_t));
        rel_len -= n;
    }
    pthread_mutex_unlock(&rel_lock);
    return n;
}

static uint64_t zmqcffi_released_total(void)
{
    uint64_t total;
    pthread_mutex_lock(&rel_lock);
    total = rel_total;
    pthread_mutex_unlock(&rel_lock);
    return total;
}

/* Block (without the GIL) until a release happens after seen_total or the
 * timeout passes; returns 1 if something was released. */
static int zmqcffi_released_wait(uint64_t seen_total, long timeout_ms)
{
    struct timespec deadline;
    int changed;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec += 1;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&rel_lock);
    while (rel_total == seen_total) {
        if (pthread_cond_timedwait(&rel_cond, &rel_lock, &deadline) == ETIMEDOUT)
            break;
    }
    changed = rel_total != seen_total;
    pthread_mutex_unlock(&rel_lock);
    return changed;
}

/* ---- options, endpoints, poll ------------------------------------------ */

static int zmqcffi_getsockopt(void *s, int option, void *value, size_t *size)
{
    return zmq_getsockopt(s, option, value, size) < 0 ? -zmq_errno() : 0;
}

static int zmqcffi_setsockopt(void *s, int option, const char *value, size_t size)
{
    return zmq_setsockopt(s, option, value, size) < 0 ? -zmq_errno() : 0;
}

/* which: 0 bind, 1 connect, 2 unbind, 3 disconnect */
static int zmqcffi_call_addr(void *s, int which, const char *addr)
{
    int rc;
    switch (which) {
    case 0: rc = zmq_bind(s, addr); break;
    case 1: rc = zmq_connect(s, addr); break;
    case 2: rc = zmq_unbind(s, addr); break;
    case 3: rc = zmq_disconnect(s, addr); break;
    default: return -EINVAL;
    }
    return rc < 0 ? -zmq_errno() : 0;
}

static int zmqcffi_poll(zmq_pollitem_t *items, int n, long timeout)
{
    int rc = zmq_poll(items, n, timeout);
    return rc < 0 ? -zmq_errno() : rc;
}
