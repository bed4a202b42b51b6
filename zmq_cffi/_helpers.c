/* zmq_cffi/_helpers.c -- small C helpers compiled into the API-mode extension.
 *
 * Each helper does a whole operation in one Python->C crossing and reports
 * failure as -errno (read right where it happened), so the Python side needs
 * no second call to fetch errno.  Nothing here ever calls back into Python:
 * libzmq may run the zero-copy release callback on its own I/O thread.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

/* Longest ipc:// path libzmq accepts: sun_path minus its terminating NUL. */
#define ZMQCFFI_IPC_PATH_MAX_LEN ((int)sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

/* ---- a socket's slot: the handle, its guard, the receive buffer --------
 *
 * Every call on a socket goes through its slot.  The slot counts the threads
 * inside a libzmq call on the socket (busy) and knows whether the socket may
 * still be used (state).  close() from another thread while a call blocks
 * (a recv waiting for a message, a send at the high-water mark, a poll, a
 * proxy) is then safe: the slot is marked CLOSING at once, so no new call
 * reaches libzmq, and the last thread to leave its call closes the libzmq
 * socket, in its own thread.  Closing a libzmq socket while another thread
 * is inside a call on it aborts the process (a signaler assertion) or uses
 * freed memory; this guard is what prevents it.
 *
 * The slot carries the socket handle, so the common receive is a
 * one-argument call (cheapest for CPython's cffi: no argument tuple).
 * Python allocates it with ffi.new (zeroed, so OPEN), in a _SocketSlot
 * shared by the Socket and its shadows: its memory lives until the last of
 * them is deallocated, after their __del__. */

enum {
    ZMQCFFI_SLOT_OPEN = 0,
    ZMQCFFI_SLOT_STOPPED = 1,   /* its context's term() has begun: ETERM (but close, options) */
    ZMQCFFI_SLOT_CLOSING = 2,   /* close() requested; done by the last thread out */
    ZMQCFFI_SLOT_CLOSED = 3
};
#define ZMQCFFI_KEEP_LINGER (-2147483647 - 1)

typedef struct {
    void *socket;
    void *home;   /* the zmqcffi_rx_t of the thread that made the Socket (see below) */
    int busy;     /* threads inside a libzmq call on this socket */
    int state;    /* ZMQCFFI_SLOT_* */
    int owned;    /* zmq_close the socket when closing (0: a shadow) */
    int linger;   /* LINGER to set just before zmq_close, or KEEP */
    int timed;    /* ZMQ_POLLIN: RCVTIMEO > 0, ZMQ_POLLOUT: SNDTIMEO > 0 */
    long long started_ms;  /* when the last blocking call of a timed kind began */
    uintptr_t owner;  /* the thread inside a call (zmqcffi_thread_id), 0 when none */
    int rx_partial;   /* a recv_multipart stopped after a part with more (see below) */
    int rx_skip;      /* _fastcall.c: blocking receives left to make without a first try */
} zmqcffi_slot_t;

/* A call refused because another thread is inside a call on the socket. */
#define ZMQCFFI_EINUSE (ZMQ_HAUSNUMERO + 900)

/* ---- when a timed blocking call began ------------------------------------
 * A signal interrupts a blocking recv/send with EINTR; Python runs its
 * handler and then waits only for what is left of RCVTIMEO/SNDTIMEO.  For
 * that it needs the time the call began, which is recorded here, only for a
 * socket with that timeout set (one clock read; untimed calls pay a test). */

static long long zmqcffi_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define ZMQCFFI_STAMP(slot, flags, events)                                 \
    do {                                                                   \
        if (((slot)->timed & (events)) && !((flags) & ZMQ_DONTWAIT))      \
            (slot)->started_ms = zmqcffi_now_ms();                         \
    } while (0)

/* Milliseconds since the last timed blocking call of this kind (ZMQ_POLLIN
 * for receives, ZMQ_POLLOUT for sends) began, or -1 if none is recorded. */
static long long zmqcffi_slot_waited_ms(zmqcffi_slot_t *slot, int events)
{
    if (!(slot->timed & events) || slot->started_ms == 0)
        return -1;
    return zmqcffi_now_ms() - slot->started_ms;
}

/* Keep slot->timed in step with RCVTIMEO / SNDTIMEO set through the slot. */
static void zmqcffi_slot_note_option(zmqcffi_slot_t *slot, int option, int value)
{
    int events = option == ZMQ_RCVTIMEO ? ZMQ_POLLIN : option == ZMQ_SNDTIMEO ? ZMQ_POLLOUT : 0;
    if (value > 0)
        slot->timed |= events;
    else
        slot->timed &= ~events;
}

/* Whoever moves the slot from CLOSING to CLOSED closes the libzmq socket. */
static void zmqcffi_slot_finish_close(zmqcffi_slot_t *slot)
{
    int expected = ZMQCFFI_SLOT_CLOSING;
    if (!__atomic_compare_exchange_n(&slot->state, &expected, ZMQCFFI_SLOT_CLOSED, 0,
                                     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        return;
    if (slot->owned) {
        if (slot->linger != ZMQCFFI_KEEP_LINGER)
            zmq_setsockopt(slot->socket, ZMQ_LINGER, &slot->linger, sizeof(int));
        zmq_close(slot->socket);
    }
}

/* Thread-local state is initial-exec: one instruction to read, no
 * __tls_get_addr call (these few bytes fit glibc's static TLS reserve for
 * modules loaded with dlopen). */
#define ZMQCFFI_TLS __thread __attribute__((tls_model("initial-exec")))

/* A thread's identity for the guard: the address of a thread-local byte,
 * unique among live threads like pthread_self() but read without a call
 * into libc (measured 11 ns less per send+recv, four reads). */
static ZMQCFFI_TLS char zmqcffi_thread_tag;

static inline uintptr_t zmqcffi_thread_id(void)
{
    return (uintptr_t)&zmqcffi_thread_tag;
}

static void zmqcffi_slot_leave(zmqcffi_slot_t *slot)
{
    /* The owner gives the socket up before leaving (see slot_enter_if).
     * Only the owner ever writes its own id, so a plain load suffices, and
     * the release store is ordered before the busy decrement below. */
    if (__atomic_load_n(&slot->owner, __ATOMIC_RELAXED) == zmqcffi_thread_id())
        __atomic_store_n(&slot->owner, 0, __ATOMIC_RELEASE);
    if (__atomic_sub_fetch(&slot->busy, 1, __ATOMIC_SEQ_CST) == 0
        && __atomic_load_n(&slot->state, __ATOMIC_SEQ_CST) == ZMQCFFI_SLOT_CLOSING)
        zmqcffi_slot_finish_close(slot);
}

/* 0 if the caller may call libzmq (and must leave afterwards), else -errno.
 * busy is raised before state is read, and close() sets state before it
 * reads busy, so either the caller sees CLOSING or close() sees it busy.
 * allow_stopped: the call may go on while the context terminates.
 *
 * One thread at a time: libzmq sockets are not thread-safe, and a second
 * thread inside a call on the same socket corrupts it or aborts the process
 * (two receives also share its receive state).  The thread that raises busy from 0
 * becomes the owner; any other thread that finds busy > 0 is refused with
 * ZMQCFFI_EINUSE (it never touches libzmq).  The owner may enter again (a
 * socket listed twice in one poll, proxy(s, s)).  The owner clears owner
 * before lowering busy, so a newcomer sees either 0 or the true owner: a
 * stale id, which could be its own, is never left behind.  close() from
 * another thread does not enter, and stays allowed. */
static int zmqcffi_slot_enter_if(zmqcffi_slot_t *slot, int allow_stopped)
{
    int state, first;
    uintptr_t self = zmqcffi_thread_id();
    first = __atomic_add_fetch(&slot->busy, 1, __ATOMIC_SEQ_CST) == 1;
    if (first)
        __atomic_store_n(&slot->owner, self, __ATOMIC_RELEASE);
    state = __atomic_load_n(&slot->state, __ATOMIC_SEQ_CST);
    if (state != ZMQCFFI_SLOT_OPEN && !(state == ZMQCFFI_SLOT_STOPPED && allow_stopped)) {
        /* Closed or terminated says more than "in use", so it comes first. */
        zmqcffi_slot_leave(slot);
        return state == ZMQCFFI_SLOT_STOPPED ? -ETERM : -ENOTSOCK;
    }
    if (!first && __atomic_load_n(&slot->owner, __ATOMIC_ACQUIRE) != self) {
        /* Through slot_leave: if the owner left meanwhile and a close() was
         * deferred to the last thread out, that is now this one. */
        zmqcffi_slot_leave(slot);
        return -ZMQCFFI_EINUSE;
    }
    return 0;
}

static int zmqcffi_slot_enter(zmqcffi_slot_t *slot)
{
    return zmqcffi_slot_enter_if(slot, 0);
}

/* Close the socket, now if no thread is inside a call on it, else as soon as
 * the last one leaves.  linger: LINGER to set first, or ZMQCFFI_KEEP_LINGER.
 * Returns 0 if closed now (or already closed), 1 if deferred. */
static int zmqcffi_slot_close(zmqcffi_slot_t *slot, int linger)
{
    int state = __atomic_load_n(&slot->state, __ATOMIC_SEQ_CST);
    do {
        if (state >= ZMQCFFI_SLOT_CLOSING)
            return 0;
        slot->linger = linger;
    } while (!__atomic_compare_exchange_n(&slot->state, &state, ZMQCFFI_SLOT_CLOSING, 0,
                                          __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    if (__atomic_load_n(&slot->busy, __ATOMIC_SEQ_CST) == 0) {
        zmqcffi_slot_finish_close(slot);
        return 0;
    }
    return 1;
}

/* Called by term() before zmq_ctx_term: from now on calls get ETERM without
 * reaching libzmq (in libzmq 4.3.4, a socket call that sees the stop command
 * after an interrupted zmq_ctx_term makes the next zmq_ctx_term hang).
 * close() and the options still work. */
static void zmqcffi_slot_stop(zmqcffi_slot_t *slot)
{
    int expected = ZMQCFFI_SLOT_OPEN;
    __atomic_compare_exchange_n(&slot->state, &expected, ZMQCFFI_SLOT_STOPPED, 0,
                                __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

#define ZMQCFFI_ENTER(slot)                     \
    do {                                        \
        int entered_ = zmqcffi_slot_enter(slot); \
        if (entered_ < 0)                       \
            return entered_;                    \
    } while (0)

/* Make a libzmq call that must not stop on EINTR, setting rc to 0 or -errno.
 * Calls that never block (options, bind/connect, monitor) still process
 * pending commands first, and a signal arriving then makes libzmq return
 * EINTR with nothing done; a later part of a multipart message is never
 * refused, but may report EINTR the same way.  So the call is made again:
 * the Python handler runs when we return, and a raising one (Ctrl-C)
 * raises there. */
#define ZMQCFFI_RETRY_EINTR(rc, call) \
    do { (rc) = (call) < 0 ? -zmq_errno() : 0; } while ((rc) == -EINTR)

/* ---- a signal just before a blocking call ------------------------------
 * Python runs a signal's handler between bytecodes.  A signal that lands
 * after the last check but before libzmq starts to wait is handled only when
 * the call returns: after a message, after RCVTIMEO, or never (measured: 1
 * in 200 such signals on CPython, 1 in 25 on PyPy, under a timer).  Python's
 * C-level handler also writes a byte to the signal wakeup fd, at once; so
 * zmq_cffi installs a pipe as that fd (if the program has none), and in the
 * thread that installed it (the main thread, the only one that runs Python
 * handlers) a call that would block waits in zmq_poll on the socket *and*
 * the pipe: a byte there, written before or during the wait, ends it with
 * EINTR, and Python runs the handler.  Calls that can go on at once (the
 * common case: a message is there) make the same single libzmq call as
 * before; only a call that must wait takes this path. */

static int wakeup_fd = -1;                 /* read end of zmq_cffi's wakeup pipe */
static ZMQCFFI_TLS int on_wakeup_thread;   /* 1 in the thread that installed it */

static void zmqcffi_set_wakeup_fd(int fd)
{
    on_wakeup_thread = 1;
    wakeup_fd = fd;
}

/* Empty the pipe (non-blocking): the signals it reported are being handled. */
static void zmqcffi_drain_wakeup(void)
{
    char bytes[64];
    while (read(wakeup_fd, bytes, sizeof(bytes)) > 0)
        ;
}

/* Would a blocking call here need the signal-aware wait? */
static inline int zmqcffi_wakeup_here(int flags)
{
    return on_wakeup_thread && !(flags & ZMQ_DONTWAIT) && wakeup_fd >= 0;
}

/* zmq_poll on the items plus the wakeup pipe.  A signal comes first: -EINTR
 * (the pipe drained) even if an item is ready too, so that a handler that
 * raises leaves any message where it is.  Else the number of ready items
 * (revents set), or -errno. */
#define ZMQCFFI_POLL_WAKEUP_MAX 256
static int zmqcffi_poll_or_signal(zmq_pollitem_t *items, int n, long timeout)
{
    zmq_pollitem_t all[ZMQCFFI_POLL_WAKEUP_MAX + 1];
    int i, rc;
    memcpy(all, items, n * sizeof(zmq_pollitem_t));
    all[n].socket = NULL;
    all[n].fd = wakeup_fd;
    all[n].events = ZMQ_POLLIN;
    all[n].revents = 0;
    rc = zmq_poll(all, n + 1, timeout);
    if (rc < 0)
        return -zmq_errno();
    if (all[n].revents) {
        zmqcffi_drain_wakeup();
        return -EINTR;
    }
    for (i = 0; i < n; i++)
        items[i].revents = all[i].revents;
    return rc;
}

/* Wait until the socket may be ready, a signal arrives (-EINTR), or
 * *left_ms runs out (-EAGAIN); 0 when the caller should try its call again.
 * *left_ms < 0 is for ever, and counts down by the time waited.  option: the
 * socket's RCVTIMEO or SNDTIMEO, read on the first wait (*left_ms ==
 * ZMQCFFI_TIMEOUT_UNREAD).
 *
 * The caller has just made its call with ZMQ_DONTWAIT and got EAGAIN.  A
 * receive that fails so has processed the socket's pending commands, so
 * its ZMQ_FD (libzmq's command mailbox) becomes readable when anything
 * changes, and one poll() on it and the wakeup pipe is enough (zmq_poll
 * would read ZMQ_EVENTS before and after, each a poll() of its own:
 * measured 4 us more per REQ/REP round trip pinned to one CPU).  A send
 * processes commands only now and then (libzmq throttles it), so a send
 * at the high-water mark could miss the peer's "read more" command and
 * spin: for POLLOUT, ZMQ_EVENTS (which processes them) is read first.
 * A readable ZMQ_FD does not promise readiness: the caller's call may get
 * EAGAIN again, and wait again. */
#define ZMQCFFI_TIMEOUT_UNREAD (-2147483647 - 1)
static int zmqcffi_wait_or_signal(void *socket, short events, int option, long *left_ms)
{
    struct pollfd fds[2];
    long long started;
    int rc, fd = -1;
    size_t size = sizeof(fd);
    if (*left_ms == ZMQCFFI_TIMEOUT_UNREAD) {
        int timeout = -1;
        size_t tsize = sizeof(timeout);
        zmq_getsockopt(socket, option, &timeout, &tsize);
        *left_ms = timeout;
    }
    if (events & ZMQ_POLLOUT) {
        int ready = 0;
        size_t rsize = sizeof(ready);
        if (zmq_getsockopt(socket, ZMQ_EVENTS, &ready, &rsize) < 0)
            return -zmq_errno();
        if (ready & ZMQ_POLLOUT)
            return 0;
    }
    if (zmq_getsockopt(socket, ZMQ_FD, &fd, &size) < 0)
        return -zmq_errno();
    fds[0].fd = fd;
    fds[0].events = POLLIN;
    fds[0].revents = 0;
    fds[1].fd = wakeup_fd;
    fds[1].events = POLLIN;
    fds[1].revents = 0;
    started = zmqcffi_now_ms();
    rc = poll(fds, 2, *left_ms < 0 ? -1 : (*left_ms > INT_MAX ? INT_MAX : (int)*left_ms));
    if (*left_ms > 0) {
        *left_ms -= (long)(zmqcffi_now_ms() - started);
        if (*left_ms < 0)
            *left_ms = 0;
    }
    if (rc < 0) {
        rc = errno;
        if (rc == EINTR)  /* a signal: its byte is in the pipe too */
            zmqcffi_drain_wakeup();
        return -rc;
    }
    if (fds[1].revents) {
        zmqcffi_drain_wakeup();
        return -EINTR;
    }
    if (rc == 0)
        return -EAGAIN;  /* the timeout passed */
    return 0;
}

/* zmq_msg_recv / zmq_recv / zmq_msg_send / zmq_send, through the wait above
 * where it applies.  Same results as libzmq's calls, but -errno for -1. */
#define ZMQCFFI_WAITING_CALL(call_with_flags, socket, flags, events, option)         \
    do {                                                                          \
        int waiting_ = zmqcffi_wakeup_here(flags);                                \
        int rc_ = call_with_flags(waiting_ ? (flags) | ZMQ_DONTWAIT : (flags));   \
        long left_ = ZMQCFFI_TIMEOUT_UNREAD;                                      \
        if (rc_ >= 0)                                                             \
            return rc_;                                                           \
        if (!waiting_ || zmq_errno() != EAGAIN)                                   \
            return -zmq_errno();                                                  \
        for (;;) {                                                                \
            int wait_ = zmqcffi_wait_or_signal(socket, events, option, &left_);   \
            if (wait_ < 0)                                                        \
                return wait_;                                                     \
            rc_ = call_with_flags((flags) | ZMQ_DONTWAIT);                        \
            if (rc_ >= 0)                                                         \
                return rc_;                                                       \
            if (zmq_errno() != EAGAIN)                                            \
                return -zmq_errno();                                              \
        }                                                                         \
    } while (0)

static inline int zmqcffi_msg_recv_w(zmq_msg_t *msg, void *socket, int flags)
{
#define CALL_(f) zmq_msg_recv(msg, socket, (f))
    ZMQCFFI_WAITING_CALL(CALL_, socket, flags, ZMQ_POLLIN, ZMQ_RCVTIMEO);
#undef CALL_
}

static inline int zmqcffi_recv_w(void *socket, void *buf, size_t len, int flags)
{
#define CALL_(f) zmq_recv(socket, buf, len, (f))
    ZMQCFFI_WAITING_CALL(CALL_, socket, flags, ZMQ_POLLIN, ZMQ_RCVTIMEO);
#undef CALL_
}

static inline int zmqcffi_msg_send_w(zmq_msg_t *msg, void *socket, int flags)
{
#define CALL_(f) zmq_msg_send(msg, socket, (f))
    ZMQCFFI_WAITING_CALL(CALL_, socket, flags, ZMQ_POLLOUT, ZMQ_SNDTIMEO);
#undef CALL_
}

static inline int zmqcffi_send_w(void *socket, const void *buf, size_t len, int flags)
{
#define CALL_(f) zmq_send(socket, buf, len, (f))
    ZMQCFFI_WAITING_CALL(CALL_, socket, flags, ZMQ_POLLOUT, ZMQ_SNDTIMEO);
#undef CALL_
}

/* ---- recv_multipart: never a message that starts in the middle ----------
 * A receive marked ZMQCFFI_MP_FIRST or ZMQCFFI_MP_NEXT (bits libzmq never
 * uses) belongs to a recv_multipart.  recv_multipart reads every part in one
 * call (zmqcffi_recv_parts), so only a failure there after the first part
 * (out of memory) leaves the rest of a message queued; slot->rx_partial then
 * stays set, and the next marked first receive discards that rest before it
 * receives, so it returns a whole message, never one mixed from two.  A
 * plain recv() of the remaining parts (pyzmq-style manual reading) ends the
 * partial message too. */
#define ZMQCFFI_MP_FIRST (1 << 30)
#define ZMQCFFI_MP_NEXT (1 << 29)

static int zmqcffi_rx_begin(zmqcffi_slot_t *slot, int flags)
{
    if ((flags & ZMQCFFI_MP_FIRST) && slot->rx_partial) {
        zmq_msg_t rest;
        int more = 1;
        zmq_msg_init(&rest);
        /* The rest of a message arrives with its first part: never blocks.
         * A signal may still interrupt the call (EINTR): go on, or the
         * message would be left half-read after all. */
        while (more) {
            if (zmq_msg_recv(&rest, slot->socket, ZMQ_DONTWAIT) >= 0)
                more = zmq_msg_more(&rest);
            else if (zmq_errno() != EINTR)
                break;
        }
        zmq_msg_close(&rest);
        slot->rx_partial = 0;
    }
    return flags & ~(ZMQCFFI_MP_FIRST | ZMQCFFI_MP_NEXT);
}

static void zmqcffi_rx_end(zmqcffi_slot_t *slot, int flags, int more)
{
    slot->rx_partial = (flags & (ZMQCFFI_MP_FIRST | ZMQCFFI_MP_NEXT)) ? more
                                                                       : slot->rx_partial && more;
}

/* ---- copying send / receive ------------------------------------------- */

static int zmqcffi_send(zmqcffi_slot_t *slot, const char *buf, size_t len, int flags)
{
    int rc;
    ZMQCFFI_ENTER(slot);
    ZMQCFFI_STAMP(slot, flags, ZMQ_POLLOUT);
    rc = zmqcffi_send_w(slot->socket, buf, len, flags);
    if (rc > 0)
        rc = 0;
    zmqcffi_slot_leave(slot);
    return rc;
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

/* ---- where received data goes: one area per thread --------------------
 * A receive leaves its result (a small part's bytes, a large part's held
 * message, a frame, a multipart message) in the receiving thread's
 * zmqcffi_rx_t, for Python to read right after the call returns.  Per
 * thread, not per socket: two threads taking turns on one socket can never
 * read each other's message (the guard only covers the C call, not the
 * Python code after it), and a socket costs no receive buffer of its own.
 *
 * The area is allocated on a thread's first receive and freed, with any
 * message it still holds, when the thread exits.  slot->home is the area of
 * the thread that made the Socket: Python keeps a view of it.  A receive
 * returns its ordinary result only when the caller's area is slot->home;
 * any other thread gets -ZMQCFFI_EAWAY and Python reads the caller's own
 * area (zmqcffi_rx_here).  So the view is read only when the memory at its
 * address is the calling thread's live area, even after the home thread has
 * exited and another thread's area took its address. */

#define ZMQCFFI_RX_CAP 8192
#define ZMQCFFI_EAWAY (ZMQ_HAUSNUMERO + 901)

typedef struct {
    size_t size;        /* recv: the part's size */
    int more;           /* recv: the part's MORE flag */
    int held;           /* recv: msg holds a part larger than buf */
    zmq_msg_t msg;
    char *data;         /* recv: the held part's bytes */
    /* recv(copy=False): a heap message for a Frame to own */
    zmq_msg_t *frame;
    char *frame_data;
    size_t frame_size;
    int frame_more;
    /* recv_multipart: nparts parts; sizes[i] >= 0: copied into buf after the
     * previous copied parts; < 0: held in msgs[i] (its size is -sizes[i]-1,
     * its bytes at datas[i]).  Frames: every part is in msgs[i]. */
    int nparts;
    int parts_cap;
    long *sizes;
    char **datas;
    zmq_msg_t **msgs;
    /* last, so that the fields above share cache lines with its start */
    char buf[ZMQCFFI_RX_CAP];  /* a small part's bytes; a multipart's small parts, in order */
} zmqcffi_rx_t;

static pthread_key_t rx_key;
static pthread_once_t rx_key_once = PTHREAD_ONCE_INIT;
static ZMQCFFI_TLS zmqcffi_rx_t *rx_mine = NULL;

/* Free what a multipart receive left that Python did not take. */
static void zmqcffi_rx_release_parts(zmqcffi_rx_t *rx)
{
    int i;
    for (i = 0; i < rx->nparts; i++)
        if (rx->msgs[i] != NULL) {
            zmqcffi_msg_free(rx->msgs[i]);
            rx->msgs[i] = NULL;
        }
    rx->nparts = 0;
}

/* Let go of any message the area still holds. */
static void zmqcffi_rx_release(zmqcffi_rx_t *rx)
{
    if (rx->held) {
        zmq_msg_close(&rx->msg);
        rx->held = 0;
        rx->data = NULL;
    }
    if (rx->frame != NULL) {  /* a frame Python never took (interrupted) */
        zmqcffi_msg_free(rx->frame);
        rx->frame = NULL;
    }
    if (rx->nparts)
        zmqcffi_rx_release_parts(rx);
}

static void zmqcffi_rx_destroy(void *area)
{
    zmqcffi_rx_t *rx = (zmqcffi_rx_t *)area;
    zmqcffi_rx_release(rx);
    free(rx->sizes);
    free(rx->datas);
    free(rx->msgs);
    free(rx);
}

static void zmqcffi_rx_make_key(void)
{
    pthread_key_create(&rx_key, zmqcffi_rx_destroy);
}

/* The calling thread's area (made on first use), or NULL if out of memory. */
static zmqcffi_rx_t *zmqcffi_rx_here(void)
{
    zmqcffi_rx_t *rx = rx_mine;
    if (rx != NULL)
        return rx;
    pthread_once(&rx_key_once, zmqcffi_rx_make_key);
    rx = (zmqcffi_rx_t *)calloc(1, sizeof(zmqcffi_rx_t));
    if (rx == NULL)
        return NULL;
    pthread_setspecific(rx_key, rx);  /* frees it when the thread exits */
    rx_mine = rx;
    return rx;
}

/* Fill in a new slot (zeroed by ffi.new: OPEN, not busy) for a socket made
 * in the calling thread, in one call.  Returns the thread's area, now the
 * slot's home, or NULL (out of memory: the slot is not usable). */
static zmqcffi_rx_t *zmqcffi_slot_init(zmqcffi_slot_t *slot, void *socket, int owned)
{
    zmqcffi_rx_t *home = zmqcffi_rx_here();
    slot->socket = socket;
    slot->home = home;
    slot->owned = owned;
    slot->linger = ZMQCFFI_KEEP_LINGER;
    return home;
}

/* Start a receive: rx is the calling thread's area, with whatever an
 * earlier receive left there released, inside the slot's guard. */
#define ZMQCFFI_RX_ENTER(slot, flags, rx)                          \
    do {                                                           \
        (rx) = zmqcffi_rx_here();                                  \
        if ((rx) == NULL)                                          \
            return -ENOMEM;                                        \
        ZMQCFFI_ENTER(slot);                                       \
        ZMQCFFI_STAMP(slot, flags, ZMQ_POLLIN);                    \
        if ((rx)->frame != NULL || ((rx)->held | (rx)->nparts))    \
            zmqcffi_rx_release(rx);                                \
    } while (0)

/* Receive one message part.  A part of at most ZMQCFFI_RX_CAP bytes is
 * copied into the area's buf and released at once; a larger one stays held
 * (rx->data valid) for Python to copy out, then release with
 * zmqcffi_rx_release.  Returns the part's size (also in rx->size),
 * -ZMQCFFI_EAWAY (received, into another area than slot->home), or -errno. */
static long zmqcffi_recv(zmqcffi_slot_t *slot, int flags)
{
    long rc;
    size_t size;
    int zflags;
    zmqcffi_rx_t *rx;
    ZMQCFFI_RX_ENTER(slot, flags, rx);
    zflags = zmqcffi_rx_begin(slot, flags);
    zmq_msg_init(&rx->msg);
    rc = zmqcffi_msg_recv_w(&rx->msg, slot->socket, zflags);
    if (rc < 0) {
        zmq_msg_close(&rx->msg);
    } else {
        size = zmq_msg_size(&rx->msg);
        rx->more = zmq_msg_more(&rx->msg);
        rx->size = size;
        zmqcffi_rx_end(slot, flags, rx->more);
        if (size <= ZMQCFFI_RX_CAP) {
            memcpy(rx->buf, zmq_msg_data(&rx->msg), size);
            zmq_msg_close(&rx->msg);
        } else {
            rx->held = 1;
            rx->data = (char *)zmq_msg_data(&rx->msg);
        }
        rc = (void *)rx == slot->home ? (long)size : -ZMQCFFI_EAWAY;
    }
    zmqcffi_slot_leave(slot);
    return rc;
}

/* The blocking receive (flags 0), as a one-argument call. */
static long zmqcffi_recv0(zmqcffi_slot_t *slot)
{
    return zmqcffi_recv(slot, 0);
}

/* Receive into a caller's buffer (truncating); returns the full size. */
static long zmqcffi_recv_into(zmqcffi_slot_t *slot, void *buf, size_t len, int flags)
{
    long rc;
    ZMQCFFI_ENTER(slot);
    ZMQCFFI_STAMP(slot, flags, ZMQ_POLLIN);
    rc = zmqcffi_recv_w(slot->socket, buf, len, flags);
    zmqcffi_slot_leave(slot);
    return rc;
}

/* Receive one frame into a new heap message, left in the area (rx->frame,
 * with its data, size and more) for Python to take.  0 (into slot->home),
 * -ZMQCFFI_EAWAY (into another thread's area), or -errno. */
static int zmqcffi_msg_recv_new(zmqcffi_slot_t *slot, int flags)
{
    int err;
    zmq_msg_t *msg;
    zmqcffi_rx_t *rx;
    ZMQCFFI_RX_ENTER(slot, flags, rx);
    msg = zmqcffi_msg_new();
    if (msg == NULL) {
        zmqcffi_slot_leave(slot);
        return -ENOMEM;
    }
    err = zmqcffi_msg_recv_w(msg, slot->socket, zmqcffi_rx_begin(slot, flags));
    if (err < 0) {
        zmqcffi_slot_leave(slot);
        zmqcffi_msg_free(msg);
        return err;
    }
    zmqcffi_rx_end(slot, flags, zmq_msg_more(msg));
    rx->frame = msg;
    rx->frame_data = (char *)zmq_msg_data(msg);
    rx->frame_size = zmq_msg_size(msg);
    rx->frame_more = zmq_msg_more(msg);
    err = (void *)rx == slot->home ? 0 : -ZMQCFFI_EAWAY;
    zmqcffi_slot_leave(slot);
    return err;
}

/* Hand the received frame's message over to Python (which owns it from now
 * on); NULL if there is none. */
static zmq_msg_t *zmqcffi_rx_take_frame(zmqcffi_rx_t *rx)
{
    zmq_msg_t *msg = rx->frame;
    rx->frame = NULL;
    return msg;
}

/* Room for n parts in the area's part arrays; 0 or -ENOMEM. */
static int zmqcffi_rx_reserve(zmqcffi_rx_t *rx, int n)
{
    int cap = rx->parts_cap ? rx->parts_cap : 8;
    long *sizes;
    char **datas;
    zmq_msg_t **msgs;
    if (n <= rx->parts_cap)
        return 0;
    while (cap < n)
        cap *= 2;
    sizes = (long *)realloc(rx->sizes, cap * sizeof(long));
    if (sizes != NULL)
        rx->sizes = sizes;
    datas = (char **)realloc(rx->datas, cap * sizeof(char *));
    if (datas != NULL)
        rx->datas = datas;
    msgs = (zmq_msg_t **)realloc(rx->msgs, cap * sizeof(zmq_msg_t *));
    if (msgs != NULL)
        rx->msgs = msgs;
    if (sizes == NULL || datas == NULL || msgs == NULL)
        return -ENOMEM;
    rx->parts_cap = cap;
    return 0;
}

/* recv_multipart in one call: the whole message, or nothing.
 *
 * Every part is received inside one guarded call, so nothing can come
 * between two parts: not a signal handler that raises, not a cancellation,
 * not another thread, not a close() from another thread (deferred until
 * this call leaves, with the message read).  Once the first part has
 * arrived the others are queued too, so later parts never block, and an
 * EINTR on one of them (a signal while libzmq processes commands) is
 * retried.  frames: every part stays in a heap message (msgs[i]) for a
 * Frame to take; else parts that fit are copied into buf one after the
 * other and larger ones are held.  The number of parts (into slot->home),
 * -ZMQCFFI_EAWAY (received into another thread's area, nparts parts), or
 * -errno. */
static int zmqcffi_recv_parts(zmqcffi_slot_t *slot, int flags, int frames)
{
    int rc = 0, n = 0, more = 1;
    size_t used = 0, size;
    zmq_msg_t part, *msg;
    zmqcffi_rx_t *rx;
    ZMQCFFI_RX_ENTER(slot, flags, rx);
    flags = zmqcffi_rx_begin(slot, flags | ZMQCFFI_MP_FIRST);
    while (more) {
        if (zmqcffi_rx_reserve(rx, n + 1) < 0) {
            rc = -ENOMEM;
            break;
        }
        /* Into a message on the stack: a heap one only for a part kept
         * (a frame, or too large for the area's buffer). */
        zmq_msg_init(&part);
        if (n == 0)
            rc = zmqcffi_msg_recv_w(&part, slot->socket, flags);
        else
            ZMQCFFI_RETRY_EINTR(rc, zmq_msg_recv(&part, slot->socket, ZMQ_DONTWAIT));
        if (rc < 0) {
            zmq_msg_close(&part);
            break;
        }
        more = zmq_msg_more(&part);
        size = zmq_msg_size(&part);
        if (!frames && size <= ZMQCFFI_RX_CAP - used) {
            memcpy(rx->buf + used, zmq_msg_data(&part), size);
            used += size;
            zmq_msg_close(&part);
            rx->sizes[n] = (long)size;
            rx->datas[n] = NULL;
            rx->msgs[n] = NULL;
        } else {
            if ((msg = zmqcffi_msg_new()) == NULL) {
                /* This part is lost: the rest of the message is discarded
                 * by the next recv_multipart (see below). */
                zmq_msg_close(&part);
                slot->rx_partial = more;
                rc = -ENOMEM;
                break;
            }
            zmq_msg_move(msg, &part);
            rx->sizes[n] = frames ? (long)size : -(long)size - 1;
            rx->datas[n] = (char *)zmq_msg_data(msg);
            rx->msgs[n] = msg;
        }
        rx->nparts = ++n;
        rc = 0;
    }
    if (rc < 0 && n > 0) {
        /* Only out of memory gets here after a first part: that message is
         * lost, and the next recv_multipart discards what is left of it. */
        slot->rx_partial = 1;
        zmqcffi_rx_release_parts(rx);
    }
    if (rc == 0)
        rc = (void *)rx == slot->home ? n : -ZMQCFFI_EAWAY;
    zmqcffi_slot_leave(slot);
    return rc;
}

/* Hand part i's heap message over to Python (a Frame owns it from now on). */
static zmq_msg_t *zmqcffi_rx_take_part(zmqcffi_rx_t *rx, int i)
{
    zmq_msg_t *msg = NULL;
    if (i >= 0 && i < rx->nparts) {
        msg = rx->msgs[i];
        rx->msgs[i] = NULL;
    }
    return msg;
}

/* Send a Frame's message by reference (libzmq shares the content), leaving
 * the Frame itself intact so it can be sent again. */
static int zmqcffi_msg_send_copy(zmqcffi_slot_t *slot, zmq_msg_t *msg, int flags)
{
    int rc = 0;
    zmq_msg_t tmp;
    ZMQCFFI_ENTER(slot);
    ZMQCFFI_STAMP(slot, flags, ZMQ_POLLOUT);
    zmq_msg_init(&tmp);
    rc = zmq_msg_copy(&tmp, msg) < 0 ? -zmq_errno() : zmqcffi_msg_send_w(&tmp, slot->socket, flags);
    if (rc < 0)
        zmq_msg_close(&tmp);
    else
        rc = 0;
    zmqcffi_slot_leave(slot);
    return rc;
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
static int zmqcffi_send_zerocopy(zmqcffi_slot_t *slot, void *data, size_t size, uint64_t token,
                                 int flags)
{
    zmq_msg_t msg;
    int rc = zmqcffi_msg_init_zerocopy(&msg, data, size, token);
    if (rc < 0)
        return rc;
    rc = zmqcffi_slot_enter(slot);
    if (rc < 0) {
        zmq_msg_close(&msg);  /* releases the token */
        return rc;
    }
    ZMQCFFI_STAMP(slot, flags, ZMQ_POLLOUT);
    rc = zmqcffi_msg_send_w(&msg, slot->socket, flags);
    if (rc < 0)
        zmq_msg_close(&msg);
    else
        rc = 0;
    zmqcffi_slot_leave(slot);
    return rc;
}

/* ---- send_multipart: all parts in one call ------------------------------
 * libzmq decides on the first part (it may block, or fail with EAGAIN or
 * EINTR: then nothing was sent) and never refuses a later one.  Sending every
 * part in one C call leaves no point where Python code (a signal handler
 * that raises, an asyncio cancellation) could stop a message half-sent, to
 * be completed by the next send with unrelated parts. */

typedef struct {
    const char *data;   /* the content: copied, unless frame or token is set */
    size_t size;
    zmq_msg_t *frame;   /* a Frame's message, shared by reference, or NULL */
    uint64_t token;     /* nonzero: data is sent in place; its release token */
} zmqcffi_part_t;

/* later: a part after the first.  libzmq accepts it, but may still report
 * EINTR (a signal while it processes pending commands): that part is then
 * tried again at once, or the message would be left half-sent. */
static int zmqcffi_send_one_part(void *socket, zmqcffi_part_t *part, int flags, int later)
{
    zmq_msg_t msg;
    int rc;
    if (part->frame != NULL) {
        zmq_msg_init(&msg);
        rc = zmq_msg_copy(&msg, part->frame);
    } else if (part->token != 0) {
        rc = zmqcffi_msg_init_zerocopy(&msg, (void *)part->data, part->size, part->token);
        if (rc < 0) {  /* libzmq never took the buffer: release it as libzmq would */
            zmqcffi_release_cb(NULL, (void *)(uintptr_t)part->token);
            return rc;
        }
    } else {
        if (!later)
            rc = zmqcffi_send_w(socket, part->data, part->size, flags);
        else
            ZMQCFFI_RETRY_EINTR(rc, zmq_send(socket, part->data, part->size, flags));
        return rc < 0 ? rc : 0;
    }
    if (rc < 0) {
        rc = -zmq_errno();  /* zmq_msg_copy failed */
    } else if (!later) {
        rc = zmqcffi_msg_send_w(&msg, socket, flags);
    } else {
        ZMQCFFI_RETRY_EINTR(rc, zmq_msg_send(&msg, socket, flags));
    }
    if (rc < 0) {
        zmq_msg_close(&msg);  /* releases a zero-copy token */
        return rc;
    }
    return 0;
}

/* Send parts[0..n) as one message (flags apply to the last part; SNDMORE is
 * added to the others).  0, or -errno; on failure the zero-copy parts not
 * handed to libzmq have their tokens released. */
static int zmqcffi_send_parts(zmqcffi_slot_t *slot, zmqcffi_part_t *parts, int n, int flags)
{
    int i = 0, rc = zmqcffi_slot_enter(slot);
    if (rc == 0) {
        ZMQCFFI_STAMP(slot, flags, ZMQ_POLLOUT);
        for (; i < n && rc == 0; i++)
            rc = zmqcffi_send_one_part(slot->socket, &parts[i],
                                       i < n - 1 ? flags | ZMQ_SNDMORE : flags, i > 0);
        zmqcffi_slot_leave(slot);
    }
    if (rc < 0)
        for (; i < n; i++)
            if (parts[i].token != 0)
                zmqcffi_release_cb(NULL, (void *)(uintptr_t)parts[i].token);
    return rc;
}

/* The common case without an array: up to four copied parts, passed as
 * arguments (cffi hands bytes to a const char * without a copy). */
static int zmqcffi_send_parts4(zmqcffi_slot_t *slot, int flags, int n,
                               const char *d0, size_t s0, const char *d1, size_t s1,
                               const char *d2, size_t s2, const char *d3, size_t s3)
{
    zmqcffi_part_t parts[4] = {{d0, s0, NULL, 0}, {d1, s1, NULL, 0},
                               {d2, s2, NULL, 0}, {d3, s3, NULL, 0}};
    return zmqcffi_send_parts(slot, parts, n, flags);
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

/* Options keep working while the context terminates (libzmq's rule: so a
 * worker can set LINGER before closing), except EVENTS, which makes libzmq
 * process the socket's commands like a send or recv does. */
static int zmqcffi_getsockopt(zmqcffi_slot_t *slot, int option, void *value, size_t *size)
{
    int rc = zmqcffi_slot_enter_if(slot, option != ZMQ_EVENTS);
    if (rc < 0)
        return rc;
    ZMQCFFI_RETRY_EINTR(rc, zmq_getsockopt(slot->socket, option, value, size));
    zmqcffi_slot_leave(slot);
    return rc;
}

static int zmqcffi_setsockopt(zmqcffi_slot_t *slot, int option, const char *value, size_t size)
{
    int rc = zmqcffi_slot_enter_if(slot, 1);
    if (rc < 0)
        return rc;
    ZMQCFFI_RETRY_EINTR(rc, zmq_setsockopt(slot->socket, option, value, size));
    if (rc == 0 && (option == ZMQ_RCVTIMEO || option == ZMQ_SNDTIMEO) && size == sizeof(int)) {
        int timeout;
        memcpy(&timeout, value, sizeof(int));
        zmqcffi_slot_note_option(slot, option, timeout);
    }
    zmqcffi_slot_leave(slot);
    return rc;
}

/* which: 0 bind, 1 connect, 2 unbind, 3 disconnect */
static int zmqcffi_call_addr(zmqcffi_slot_t *slot, int which, const char *addr)
{
    int rc;
    if (which < 0 || which > 3)
        return -EINVAL;
    ZMQCFFI_ENTER(slot);
    switch (which) {
    case 0: ZMQCFFI_RETRY_EINTR(rc, zmq_bind(slot->socket, addr)); break;
    case 1: ZMQCFFI_RETRY_EINTR(rc, zmq_connect(slot->socket, addr)); break;
    case 2: ZMQCFFI_RETRY_EINTR(rc, zmq_unbind(slot->socket, addr)); break;
    default: ZMQCFFI_RETRY_EINTR(rc, zmq_disconnect(slot->socket, addr)); break;
    }
    zmqcffi_slot_leave(slot);
    return rc;
}

/* addr NULL stops monitoring. */
static int zmqcffi_monitor(zmqcffi_slot_t *slot, const char *addr, int events)
{
    int rc;
    ZMQCFFI_ENTER(slot);
    ZMQCFFI_RETRY_EINTR(rc, zmq_socket_monitor(slot->socket, addr, events));
    zmqcffi_slot_leave(slot);
    return rc;
}

/* Enter every non-NULL slot of slots[0..n), or none: -errno of the first
 * refusal, after leaving the ones entered. */
static int zmqcffi_slots_enter(zmqcffi_slot_t **slots, int n)
{
    int i, rc;
    for (i = 0; i < n; i++) {
        if (slots[i] == NULL)
            continue;
        rc = zmqcffi_slot_enter(slots[i]);
        if (rc < 0) {
            while (i-- > 0)
                if (slots[i] != NULL)
                    zmqcffi_slot_leave(slots[i]);
            return rc;
        }
    }
    return 0;
}

static void zmqcffi_slots_leave(zmqcffi_slot_t **slots, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (slots[i] != NULL)
            zmqcffi_slot_leave(slots[i]);
}

/* zmq_poll(items, n, 0) when every item is a socket: the sockets' EVENTS,
 * which is what zmq_poll decides socket items by, without zmq_poll's pollfd
 * array and its poll() syscall on the sockets' mailbox fds.  Returns the
 * number of ready items, -errno, or ZMQCFFI_HAS_FD_ITEMS. */
#define ZMQCFFI_HAS_FD_ITEMS (-2147483647 - 1)
static int zmqcffi_poll_sockets_now(zmq_pollitem_t *items, int n)
{
    int i, ready = 0, events;
    size_t size;
    for (i = 0; i < n; i++)
        if (items[i].socket == NULL)
            return ZMQCFFI_HAS_FD_ITEMS;
    for (i = 0; i < n; i++) {
        size = sizeof(events);
        if (zmq_getsockopt(items[i].socket, ZMQ_EVENTS, &events, &size) < 0)
            return -zmq_errno();
        items[i].revents = (short)(events & items[i].events & (ZMQ_POLLIN | ZMQ_POLLOUT));
        if (items[i].revents)
            ready++;
    }
    return ready;
}

/* zmq_poll; slots[i] is item i's socket slot, NULL for a file descriptor. */
static int zmqcffi_poll(zmq_pollitem_t *items, zmqcffi_slot_t **slots, int n, long timeout)
{
    int rc = zmqcffi_slots_enter(slots, n);
    if (rc < 0)
        return rc;
    rc = timeout == 0 ? zmqcffi_poll_sockets_now(items, n) : ZMQCFFI_HAS_FD_ITEMS;
    if (rc == ZMQCFFI_HAS_FD_ITEMS && timeout != 0 && n < ZMQCFFI_POLL_WAKEUP_MAX
            && zmqcffi_wakeup_here(0)) {
        rc = zmqcffi_poll_or_signal(items, n, timeout);
    } else if (rc == ZMQCFFI_HAS_FD_ITEMS) {
        rc = zmq_poll(items, n, timeout);
        if (rc < 0)
            rc = -zmq_errno();
    }
    zmqcffi_slots_leave(slots, n);
    return rc;
}

/* ---- the proxy: zmq_cffi's own loop, the same on every libzmq ----------
 * libzmq's zmq_proxy_steerable changed in 4.3.5: it answers every control
 * command with an empty message, by a blocking send, whatever the control
 * socket (a PAIR whose peer sent TERMINATE and closed blocks for ever or
 * fails with EAGAIN, a SUB or PULL fails with ENOTSUP), PAUSE and RESUME
 * swapped meanings, and STATISTICS counts parts instead of messages.  This
 * loop keeps 4.3.4's behaviour everywhere:
 *
 * - forwarding moves whole messages, up to ZMQCFFI_PROXY_BURST per wake-up,
 *   each part copied to the capture socket (if any) once it is sent;
 * - a destination is never waited on inside a send: the first part of a
 *   message goes with ZMQ_DONTWAIT, and if the destination is full that part
 *   is held in the state until the destination reports POLLOUT (the other
 *   parts are still queued in the source, and a begun message is always
 *   accepted whole);
 * - PAUSE, RESUME and TERMINATE are not answered, STATISTICS is answered
 *   with 8 uint64 frames counting whole messages; other commands are ignored
 *   (4.3.4 aborts the process on them);
 * - a signal ends the call with -EINTR so that Python can run its handler;
 *   the state (paused, counters, a held part) lives in a struct the Python
 *   call owns, so calling again carries on where the signal came.
 *
 * Route 0 goes frontend -> backend, route 1 backend -> frontend (none when
 * frontend and backend are the same socket). */

#define ZMQCFFI_PROXY_BURST 1000

/* Indices into stats: (count, bytes) received by the frontend, sent by the
 * frontend, received by the backend, sent by the backend. */
enum {
    ZMQCFFI_STAT_FRONT_IN = 0, ZMQCFFI_STAT_FRONT_OUT = 2,
    ZMQCFFI_STAT_BACK_IN = 4, ZMQCFFI_STAT_BACK_OUT = 6
};

typedef struct {
    int paused;
    int held_route;   /* 1 + the route whose first part waits in held, 0 if none */
    int held_stuck;   /* the destination reported POLLOUT yet refused it again */
    zmq_msg_t held;
    uint64_t stats[8];
} zmqcffi_proxy_state_t;

typedef struct {
    void *from;
    void *to;
    int from_stat;    /* ZMQCFFI_STAT_*_IN of the source */
    int to_stat;      /* ZMQCFFI_STAT_*_OUT of the destination */
} zmqcffi_route_t;

static void zmqcffi_proxy_routes(zmqcffi_slot_t **slots, zmqcffi_route_t *routes)
{
    void *frontend = slots[0]->socket, *backend = slots[1]->socket;
    zmqcffi_route_t forward = {frontend, backend, ZMQCFFI_STAT_FRONT_IN, ZMQCFFI_STAT_BACK_OUT};
    zmqcffi_route_t reply = {backend, frontend, ZMQCFFI_STAT_BACK_IN, ZMQCFFI_STAT_FRONT_OUT};
    routes[0] = forward;
    routes[1] = reply;
}

/* zmq_msg_send / zmq_msg_recv again after EINTR: 0 or -errno. */
static int zmqcffi_msg_send_retry(zmq_msg_t *msg, void *socket, int flags)
{
    int rc;
    ZMQCFFI_RETRY_EINTR(rc, zmq_msg_send(msg, socket, flags));
    return rc;
}

static int zmqcffi_msg_recv_retry(zmq_msg_t *msg, void *socket, int flags)
{
    int rc;
    ZMQCFFI_RETRY_EINTR(rc, zmq_msg_recv(msg, socket, flags));
    return rc;
}

/* A copy of part to the capture socket (none if capture is NULL).  It is a
 * blocking send, as in libzmq's proxy: a capture socket must keep up. */
static int zmqcffi_proxy_capture(void *capture, zmq_msg_t *part, int more)
{
    zmq_msg_t copy;
    int rc;
    if (capture == NULL)
        return 0;
    zmq_msg_init(&copy);
    rc = zmq_msg_copy(&copy, part) < 0 ? -zmq_errno() : 0;
    if (rc == 0)
        rc = zmqcffi_msg_send_retry(&copy, capture, more ? ZMQ_SNDMORE : 0);
    zmq_msg_close(&copy);
    return rc;
}

/* Forward one whole message on route: the held first part if it is this
 * route's, else one received now.  1 if forwarded, 0 if the source had none
 * or the destination is full (the first part is then held), -errno. */
static int zmqcffi_proxy_forward_one(zmqcffi_proxy_state_t *state, int route_index,
                                     const zmqcffi_route_t *route, void *capture)
{
    zmq_msg_t part;
    size_t message_size = 0;
    int rc, more, first = 1;
    zmq_msg_init(&part);
    if (state->held_route == route_index + 1) {
        zmq_msg_move(&part, &state->held);
        zmq_msg_close(&state->held);
        state->held_route = 0;
    } else {
        rc = zmqcffi_msg_recv_retry(&part, route->from, ZMQ_DONTWAIT);
        if (rc < 0) {
            zmq_msg_close(&part);
            return rc == -EAGAIN ? 0 : rc;
        }
    }
    for (;;) {
        more = zmq_msg_more(&part);
        message_size += zmq_msg_size(&part);
        /* Copied before the send empties it, sent to capture after. */
        zmq_msg_t copy;
        zmq_msg_init(&copy);
        if (capture != NULL && zmq_msg_copy(&copy, &part) < 0) {
            rc = -zmq_errno();
            zmq_msg_close(&copy);
            zmq_msg_close(&part);
            return rc;
        }
        /* Only the first part can meet a full destination: once it is in,
         * libzmq takes the rest of the message, so later parts never wait. */
        rc = zmqcffi_msg_send_retry(&part, route->to,
                                    (more ? ZMQ_SNDMORE : 0) | (first ? ZMQ_DONTWAIT : 0));
        if (rc == -EAGAIN && first) {
            zmq_msg_close(&copy);
            zmq_msg_init(&state->held);
            zmq_msg_move(&state->held, &part);
            zmq_msg_close(&part);
            state->held_route = route_index + 1;
            return 0;
        }
        zmq_msg_close(&part);
        if (rc == 0 && capture != NULL)
            rc = zmqcffi_msg_send_retry(&copy, capture, more ? ZMQ_SNDMORE : 0);
        zmq_msg_close(&copy);
        if (rc < 0)
            return rc;
        if (!more)
            break;
        first = 0;
        zmq_msg_init(&part);
        rc = zmqcffi_msg_recv_retry(&part, route->from, 0);  /* already queued */
        if (rc < 0) {
            zmq_msg_close(&part);
            return rc;
        }
    }
    /* A multipart message counts as one, as in libzmq 4.3.4. */
    state->stats[route->from_stat] += 1;
    state->stats[route->from_stat + 1] += message_size;
    state->stats[route->to_stat] += 1;
    state->stats[route->to_stat + 1] += message_size;
    return 1;
}

/* Up to ZMQCFFI_PROXY_BURST messages on route: 0 or -errno. */
static int zmqcffi_proxy_forward_burst(zmqcffi_proxy_state_t *state, int route_index,
                                       const zmqcffi_route_t *route, void *capture)
{
    int i, rc = 1;
    for (i = 0; i < ZMQCFFI_PROXY_BURST && rc == 1; i++)
        rc = zmqcffi_proxy_forward_one(state, route_index, route, capture);
    return rc < 0 ? rc : 0;
}

/* The 8 counters, one uint64 frame each.  The first frame goes with
 * ZMQ_DONTWAIT: if the control socket cannot take it now (a PAIR whose peer
 * is gone) the reply is dropped instead of blocking the proxy; once it is
 * in, libzmq takes the other seven.  A control socket that cannot send
 * (SUB, PULL) fails with ENOTSUP, as in libzmq 4.3.4. */
static int zmqcffi_proxy_reply_statistics(void *control, const uint64_t *stats)
{
    int i, rc;
    for (i = 0; i < 8; i++) {
        zmq_msg_t frame;
        if (zmq_msg_init_size(&frame, sizeof(uint64_t)) < 0)
            return -zmq_errno();
        memcpy(zmq_msg_data(&frame), &stats[i], sizeof(uint64_t));
        rc = zmqcffi_msg_send_retry(&frame, control,
                                    (i < 7 ? ZMQ_SNDMORE : 0) | (i == 0 ? ZMQ_DONTWAIT : 0));
        zmq_msg_close(&frame);
        if (rc == -EAGAIN && i == 0)
            return 0;
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int zmqcffi_is_command(zmq_msg_t *msg, const char *word)
{
    size_t len = strlen(word);
    return zmq_msg_size(msg) == len && memcmp(zmq_msg_data(msg), word, len) == 0;
}

/* A REP control socket must answer every request to take the next one:
 * after any command but STATISTICS it gets an empty reply (libzmq 4.3.4
 * answers none, which leaves a REP control unusable after one PAUSE; 4.3.5
 * answers on every socket type, with a blocking send).  A REP can always
 * send after a receive, so ZMQ_DONTWAIT only guards against the unexpected. */
static int zmqcffi_proxy_ack_rep(void *control)
{
    int type, rc;
    size_t size = sizeof(type);
    zmq_msg_t empty;
    if (zmq_getsockopt(control, ZMQ_TYPE, &type, &size) < 0)
        return -zmq_errno();
    if (type != ZMQ_REP)
        return 0;
    zmq_msg_init(&empty);
    rc = zmqcffi_msg_send_retry(&empty, control, ZMQ_DONTWAIT);
    zmq_msg_close(&empty);
    return rc == -EAGAIN ? 0 : rc;
}

/* Handle one command from control: 1 for TERMINATE, else 0, or -errno.
 * Like libzmq 4.3.4: the command is copied to capture, and STATISTICS is
 * answered with the counters; unlike it, a REP control gets an empty reply
 * to every other command (above).  A multipart command is an error
 * (EINVAL), its parts read. */
static int zmqcffi_proxy_command(zmqcffi_proxy_state_t *state, void *control, void *capture)
{
    zmq_msg_t command;
    int rc;
    zmq_msg_init(&command);
    rc = zmqcffi_msg_recv_retry(&command, control, ZMQ_DONTWAIT);
    if (rc < 0) {
        zmq_msg_close(&command);
        return rc == -EAGAIN ? 0 : rc;
    }
    if (zmq_msg_more(&command)) {
        while (rc == 0 && zmq_msg_more(&command))
            rc = zmqcffi_msg_recv_retry(&command, control, ZMQ_DONTWAIT);
        zmq_msg_close(&command);
        return rc < 0 ? rc : -EINVAL;
    }
    rc = zmqcffi_proxy_capture(capture, &command, 0);
    if (rc == 0) {
        if (zmqcffi_is_command(&command, "PAUSE"))
            state->paused = 1;
        else if (zmqcffi_is_command(&command, "RESUME"))
            state->paused = 0;
        else if (zmqcffi_is_command(&command, "TERMINATE"))
            rc = 1;
        if (zmqcffi_is_command(&command, "STATISTICS"))
            rc = zmqcffi_proxy_reply_statistics(control, state->stats);
        else if (rc >= 0) {
            int acked = zmqcffi_proxy_ack_rep(control);
            if (acked < 0)
                rc = acked;
        }
    }
    zmq_msg_close(&command);
    return rc;
}

/* Wait until a route can move, a command arrives, or a signal (-EINTR).
 * A route waits for its source's POLLIN, or, with a part held, for its
 * destination's POLLOUT (paused: only for commands).  ready[r]: route r may
 * move now.  Returns 1 if a command is waiting, 0 if not, or -errno. */
static int zmqcffi_proxy_wait(zmqcffi_proxy_state_t *state, zmqcffi_slot_t **slots,
                              const zmqcffi_route_t *routes, int n_routes, int *ready)
{
    zmq_pollitem_t items[4];
    int item_of_route[2] = {-1, -1}, control_item = -1, n = 0, r, i, rc;
    short route_event[2] = {0, 0};
    memset(items, 0, sizeof(items));
    for (r = 0; r < n_routes && !state->paused; r++) {
        void *socket;
        int held = state->held_route == r + 1;
        socket = held ? routes[r].to : routes[r].from;
        route_event[r] = held ? ZMQ_POLLOUT : ZMQ_POLLIN;
        if (held && state->held_stuck) {
            /* POLLOUT is no promise here (a ROUTER with ROUTER_MANDATORY is
             * writable if any peer is): wait for the destination's next
             * command instead.  Its mailbox was emptied just before the
             * refused retry (see zmqcffi_proxy), so any command since then
             * leaves ZMQ_FD readable. */
            int fd;
            size_t size = sizeof(fd);
            if (zmq_getsockopt(socket, ZMQ_FD, &fd, &size) < 0)
                return -zmq_errno();
            items[n].fd = fd;
            route_event[r] = ZMQ_POLLIN;
            items[n].events = ZMQ_POLLIN;
            item_of_route[r] = n++;
            continue;
        }
        for (i = 0; i < n; i++)  /* frontend == backend: one item */
            if (items[i].socket == socket)
                break;
        if (i == n) {
            items[n].socket = socket;
            n++;
        }
        items[i].events |= route_event[r];
        item_of_route[r] = i;
    }
    if (slots[3] != NULL) {
        items[n].socket = slots[3]->socket;
        items[n].events = ZMQ_POLLIN;
        control_item = n++;
    }
    if (zmqcffi_wakeup_here(0)) {
        rc = zmqcffi_poll_or_signal(items, n, -1);
    } else {
        rc = zmq_poll(items, n, -1);
        if (rc < 0)
            rc = -zmq_errno();
    }
    if (rc < 0)
        return rc;
    for (r = 0; r < n_routes; r++)
        ready[r] = item_of_route[r] >= 0 && (items[item_of_route[r]].revents & route_event[r]);
    return control_item >= 0 && (items[control_item].revents & ZMQ_POLLIN);
}

/* The proxy over slots {frontend, backend, capture, control} (capture and
 * control may be NULL) until TERMINATE (0), a signal (-EINTR: call again
 * with the same state to carry on) or an error (-errno). */
static int zmqcffi_proxy(zmqcffi_slot_t **slots, zmqcffi_proxy_state_t *state)
{
    zmqcffi_route_t routes[2];
    void *capture;
    int n_routes, ready[2], r, rc = zmqcffi_slots_enter(slots, 4);
    if (rc < 0)
        return rc;
    zmqcffi_proxy_routes(slots, routes);
    n_routes = slots[0]->socket == slots[1]->socket ? 1 : 2;
    capture = slots[2] ? slots[2]->socket : NULL;
    for (;;) {
        rc = zmqcffi_proxy_wait(state, slots, routes, n_routes, ready);
        if (rc == 1)
            rc = zmqcffi_proxy_command(state, slots[3]->socket, capture);
        if (rc != 0)
            break;  /* 1: TERMINATE, < 0: an error or a signal */
        for (r = 0; r < n_routes && !state->paused; r++) {
            int was_held = state->held_route == r + 1;
            if (!ready[r])
                continue;
            if (was_held && state->held_stuck) {
                /* Process the destination's commands before the retry. */
                int events;
                size_t size = sizeof(events);
                if (zmq_getsockopt(routes[r].to, ZMQ_EVENTS, &events, &size) < 0) {
                    rc = -zmq_errno();
                    break;
                }
            }
            rc = zmqcffi_proxy_forward_burst(state, r, &routes[r], capture);
            if (rc < 0)
                break;
            /* Refused again right after reporting POLLOUT: see proxy_wait. */
            state->held_stuck = was_held && state->held_route == r + 1;
        }
        if (rc < 0)
            break;
    }
    zmqcffi_slots_leave(slots, 4);
    return rc == 1 ? 0 : rc;
}

/* After the last zmqcffi_proxy call on state: drop a held first part, and
 * the rest of its message from the source (already queued there), so that
 * the source never starts with the middle of a message.  The message is
 * lost; it could not be delivered while the proxy ran. */
static void zmqcffi_proxy_end(zmqcffi_slot_t **slots, zmqcffi_proxy_state_t *state)
{
    int route_index = state->held_route - 1, rc;
    zmqcffi_slot_t *source;
    zmq_msg_t part;
    if (route_index < 0)
        return;
    source = slots[route_index == 0 ? 0 : 1];
    rc = zmq_msg_more(&state->held) ? zmqcffi_slot_enter(source) : -1;
    zmq_msg_close(&state->held);
    state->held_route = 0;
    if (rc < 0)
        return;
    zmq_msg_init(&part);
    do {
        rc = zmqcffi_msg_recv_retry(&part, source->socket, ZMQ_DONTWAIT);
    } while (rc == 0 && zmq_msg_more(&part));
    zmq_msg_close(&part);
    zmqcffi_slot_leave(source);
}

/* ---- the table of entry points for CPython's fast-call module ----------
 * On CPython, a cffi function of two or more arguments receives them as a
 * tuple, and every cffi call releases and retakes the GIL: together about
 * 150 ns of a 32-byte send+recv, which pyzmq's Cython does not pay.
 * zmq_cffi/_fastcall.c (a plain C extension, built for CPython only) calls
 * the helpers above through this table, with METH_FASTCALL arguments, and
 * builds the received bytes itself.  It calls these very functions, so the
 * slot guard and the receiving thread's area are the same as for cffi
 * callers.  PyPy's JIT calls cffi functions directly and needs none of this. */
typedef struct {
    int version;
    int (*send)(zmqcffi_slot_t *slot, const char *buf, size_t len, int flags);
    long (*recv)(zmqcffi_slot_t *slot, int flags);
    int (*send_parts)(zmqcffi_slot_t *slot, zmqcffi_part_t *parts, int n, int flags);
    int (*recv_parts)(zmqcffi_slot_t *slot, int flags, int frames);
    size_t slot_home_offset;  /* offsetof(zmqcffi_slot_t, home) */
    size_t slot_rx_skip_offset;  /* offsetof(zmqcffi_slot_t, rx_skip) */
    size_t rx_buf_offset;     /* offsetof(zmqcffi_rx_t, buf) */
    size_t rx_sizes_offset;   /* offsetof(zmqcffi_rx_t, sizes) */
    size_t part_size;         /* sizeof(zmqcffi_part_t) */
    long rx_cap;
    int eagain;
    int dontwait;
} zmqcffi_fast_table_t;
#define ZMQCFFI_FAST_TABLE_VERSION 3

static uintptr_t zmqcffi_fast_table(void)
{
    static const zmqcffi_fast_table_t table = {
        ZMQCFFI_FAST_TABLE_VERSION, zmqcffi_send, zmqcffi_recv, zmqcffi_send_parts,
        zmqcffi_recv_parts, offsetof(zmqcffi_slot_t, home), offsetof(zmqcffi_slot_t, rx_skip),
        offsetof(zmqcffi_rx_t, buf),
        offsetof(zmqcffi_rx_t, sizes), sizeof(zmqcffi_part_t), ZMQCFFI_RX_CAP, EAGAIN,
        ZMQ_DONTWAIT,
    };
    return (uintptr_t)&table;
}
