/*
 * zmqbench: the C baseline of the zmq_cffi benchmark (see bench/run.py).
 *
 * The same workloads as bench/workloads.py, written directly against libzmq,
 * so that the Python bindings can be compared with "no binding at all".
 *
 *   zmqbench version
 *   zmqbench WORKLOAD COUNT RUNS WARMUP [TIMEOUT_MS]
 *
 * prints one JSON object per line on stdout:
 *   {"libzmq": "4.3.4"}                                     (always first)
 *   {"workload": ..., "warmup": 0|1, "value": ..., "unit": ..., "count": ...,
 *    "elapsed_s": ...}                                      (one per run)
 *   {"error": "..."}                                        (and exit 1)
 *
 * Build: gcc -O2 -o zmqbench zmqbench.c $(pkg-config --cflags --libs libzmq) -lpthread
 *
 * Every blocking receive/send has a timeout (ZMQ_RCVTIMEO/ZMQ_SNDTIMEO), so a
 * stalled peer ends the program with an error instead of hanging it.  All
 * sockets are on 127.0.0.1 or inproc.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#define SMALL 32
#define BIG 100000
#define POLL_SOCKETS 10

static int timeout_ms = 10000;
static void *ctx;

/* ------------------------------------------------------------------ utils */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void fail(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    /* The message never holds a quote or a backslash: it is built from
     * fixed strings, numbers and zmq_strerror(). */
    printf("{\"error\": \"%s\"}\n", buf);
    fflush(stdout);
    exit(1); /* no zmq_ctx_term: a stuck peer thread could block it */
}

#define CHECK(expr)                                                            \
    do {                                                                       \
        if ((expr) < 0)                                                        \
            fail("%s failed at line %d: %s", #expr, __LINE__,                  \
                 zmq_strerror(zmq_errno()));                                   \
    } while (0)

static void *make_socket(int type)
{
    void *s = zmq_socket(ctx, type);
    int zero = 0;
    if (!s)
        fail("zmq_socket: %s", zmq_strerror(zmq_errno()));
    CHECK(zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms));
    CHECK(zmq_setsockopt(s, ZMQ_SNDTIMEO, &timeout_ms, sizeof timeout_ms));
    CHECK(zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero));
    return s;
}

/* Bind to tcp://127.0.0.1 on a random port; write the endpoint to `ep`. */
static void bind_random(void *s, char *ep, size_t eplen)
{
    CHECK(zmq_bind(s, "tcp://127.0.0.1:*"));
    CHECK(zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, ep, &eplen));
}

static void emit(const char *workload, int warmup, double value,
                 const char *unit, long count, double elapsed)
{
    printf("{\"workload\": \"%s\", \"warmup\": %d, \"value\": %.6g, "
           "\"unit\": \"%s\", \"count\": %ld, \"elapsed_s\": %.6f}\n",
           workload, warmup, value, unit, count, elapsed);
    fflush(stdout);
}

/* ----------------------------------------------------- sender threads */

enum send_kind { SEND_COPY, SEND_NOCOPY, SEND_MULTIPART };

struct sender {
    void *sock;
    long count;
    size_t size;
    enum send_kind kind;
    const char *data;
    int err; /* errno of the first failure, 0 if none */
};

static void noop_free(void *data, void *hint)
{
    (void)data;
    (void)hint;
}

static void *sender_main(void *arg)
{
    struct sender *sd = arg;
    long i;
    sd->err = 0;
    for (i = 0; i < sd->count; i++) {
        int rc;
        if (sd->kind == SEND_COPY) {
            rc = zmq_send(sd->sock, sd->data, sd->size, 0);
        } else if (sd->kind == SEND_NOCOPY) {
            zmq_msg_t m;
            /* Zero-copy: libzmq sends straight from the (static) buffer. */
            zmq_msg_init_data(&m, (void *)sd->data, sd->size, noop_free, NULL);
            rc = zmq_msg_send(&m, sd->sock, 0);
            if (rc < 0)
                zmq_msg_close(&m);
        } else {
            rc = zmq_send(sd->sock, sd->data, sd->size, ZMQ_SNDMORE);
            if (rc >= 0)
                rc = zmq_send(sd->sock, sd->data, sd->size, ZMQ_SNDMORE);
            if (rc >= 0)
                rc = zmq_send(sd->sock, sd->data, sd->size, 0);
        }
        if (rc < 0) {
            sd->err = zmq_errno();
            break;
        }
    }
    return NULL;
}

/* ------------------------------------------------------------ workloads */

enum recv_kind { RECV_COPY, RECV_NOCOPY, RECV_MULTIPART };

/*
 * PUSH -> PULL throughput; the sender runs in its own thread.  The clock
 * runs on the receiver from the first message to the last, so the rate is
 * (count - 1) / elapsed.
 */
static void push_pull(const char *name, const char *transport, long count,
                      int runs, int warmup, size_t size, enum send_kind sk,
                      enum recv_kind rk)
{
    static char data[BIG];
    static char rbuf[BIG];
    char ep[256];
    void *pull = make_socket(ZMQ_PULL);
    void *push = make_socket(ZMQ_PUSH);
    int r;

    memset(data, 'x', sizeof data);
    if (strcmp(transport, "tcp") == 0) {
        bind_random(pull, ep, sizeof ep);
    } else {
        snprintf(ep, sizeof ep, "inproc://zmqbench-%s", name);
        CHECK(zmq_bind(pull, ep));
    }
    CHECK(zmq_connect(push, ep));

    for (r = 0; r < warmup + runs; r++) {
        struct sender sd = {push, count, size, sk, data, 0};
        pthread_t th;
        double t0 = 0, t1;
        long i;
        if (pthread_create(&th, NULL, sender_main, &sd) != 0)
            fail("pthread_create failed");
        for (i = 0; i < count; i++) {
            if (rk == RECV_COPY) {
                int n = zmq_recv(pull, rbuf, sizeof rbuf, 0);
                if (n < 0)
                    fail("%s: recv: %s", name, zmq_strerror(zmq_errno()));
                if ((size_t)n != size)
                    fail("%s: got %d bytes, expected %ld", name, n, (long)size);
            } else {
                /* Zero-copy receive, and recv_multipart's loop: a message
                 * object per frame, ZMQ_RCVMORE (zmq_msg_more) after each. */
                int more = 1, frames = 0;
                while (more) {
                    zmq_msg_t m;
                    zmq_msg_init(&m);
                    if (zmq_msg_recv(&m, pull, 0) < 0)
                        fail("%s: recv: %s", name, zmq_strerror(zmq_errno()));
                    if (zmq_msg_size(&m) != size)
                        fail("%s: wrong frame size", name);
                    more = zmq_msg_more(&m);
                    zmq_msg_close(&m);
                    frames++;
                }
                if (frames != (rk == RECV_MULTIPART ? 3 : 1))
                    fail("%s: got %d frames", name, frames);
            }
            if (i == 0)
                t0 = now();
        }
        t1 = now();
        pthread_join(th, NULL);
        if (sd.err)
            fail("%s: send: %s", name, zmq_strerror(sd.err));
        emit(name, r < warmup, (double)(count - 1) / (t1 - t0), "msgs/s",
             count, t1 - t0);
    }
    zmq_close(push);
    zmq_close(pull);
}

struct echo {
    void *sock;
    long count;
    int err;
};

static void *echo_main(void *arg)
{
    struct echo *e = arg;
    char buf[SMALL];
    long i;
    e->err = 0;
    for (i = 0; i < e->count; i++) {
        int n = zmq_recv(e->sock, buf, sizeof buf, 0);
        if (n < 0 || zmq_send(e->sock, buf, (size_t)n, 0) < 0) {
            e->err = zmq_errno();
            break;
        }
    }
    return NULL;
}

/* REQ/REP round trip over tcp; the echo server (REP) runs in a thread. */
static void lat(long count, int runs, int warmup)
{
    char ep[256], data[SMALL], buf[SMALL];
    void *rep = make_socket(ZMQ_REP);
    void *req = make_socket(ZMQ_REQ);
    int r;

    memset(data, 'x', sizeof data);
    bind_random(rep, ep, sizeof ep);
    CHECK(zmq_connect(req, ep));
    for (r = 0; r < warmup + runs; r++) {
        struct echo e = {rep, count, 0};
        pthread_t th;
        double t0, t1;
        long i;
        if (pthread_create(&th, NULL, echo_main, &e) != 0)
            fail("pthread_create failed");
        t0 = now();
        for (i = 0; i < count; i++) {
            if (zmq_send(req, data, sizeof data, 0) < 0)
                fail("lat_32b: send: %s", zmq_strerror(zmq_errno()));
            if (zmq_recv(req, buf, sizeof buf, 0) != SMALL)
                fail("lat_32b: recv: %s", zmq_strerror(zmq_errno()));
        }
        t1 = now();
        pthread_join(th, NULL);
        if (e.err)
            fail("lat_32b: echo: %s", zmq_strerror(e.err));
        emit("lat_32b", r < warmup, (t1 - t0) / count * 1e6, "us", count,
             t1 - t0);
    }
    zmq_close(req);
    zmq_close(rep);
}

/* One send + one recv on an inproc PAIR, both in this thread. */
static void call_overhead(long count, int runs, int warmup)
{
    char data[SMALL], buf[SMALL];
    void *a = make_socket(ZMQ_PAIR);
    void *b = make_socket(ZMQ_PAIR);
    int r;

    memset(data, 'x', sizeof data);
    CHECK(zmq_bind(a, "inproc://zmqbench-call"));
    CHECK(zmq_connect(b, "inproc://zmqbench-call"));
    for (r = 0; r < warmup + runs; r++) {
        double t0 = now(), t1;
        long i;
        for (i = 0; i < count; i++) {
            if (zmq_send(a, data, sizeof data, 0) < 0)
                fail("call_overhead: send: %s", zmq_strerror(zmq_errno()));
            if (zmq_recv(b, buf, sizeof buf, 0) != SMALL)
                fail("call_overhead: recv: %s", zmq_strerror(zmq_errno()));
        }
        t1 = now();
        emit("call_overhead", r < warmup, (t1 - t0) / count * 1e9, "ns",
             count, t1 - t0);
    }
    zmq_close(b);
    zmq_close(a);
}

/* zmq_poll(timeout 0) over 10 PULL sockets that never receive anything. */
static void poll_idle(long count, int runs, int warmup)
{
    void *socks[POLL_SOCKETS];
    zmq_pollitem_t items[POLL_SOCKETS];
    int i, r;

    for (i = 0; i < POLL_SOCKETS; i++) {
        char ep[64];
        snprintf(ep, sizeof ep, "inproc://zmqbench-poll-%d", i);
        socks[i] = make_socket(ZMQ_PULL);
        CHECK(zmq_bind(socks[i], ep));
        items[i].socket = socks[i];
        items[i].fd = 0;
        items[i].events = ZMQ_POLLIN;
        items[i].revents = 0;
    }
    for (r = 0; r < warmup + runs; r++) {
        double t0 = now(), t1;
        long n;
        for (n = 0; n < count; n++) {
            if (zmq_poll(items, POLL_SOCKETS, 0) != 0)
                fail("poll_idle10: zmq_poll: %s", zmq_strerror(zmq_errno()));
        }
        t1 = now();
        emit("poll_idle10", r < warmup, (t1 - t0) / count * 1e6, "us", count,
             t1 - t0);
    }
    for (i = 0; i < POLL_SOCKETS; i++)
        zmq_close(socks[i]);
}

/* ------------------------------------------- what applications do */

#define JUPYTER_PARTS 6
#define JUPYTER_BUFFER (1 << 20)

/* The ROUTER side of jupyter_1mb: receive identity + 6 parts into message
 * objects and send the same objects back (zero-copy, as Python's copy=False
 * Frames are). */
static void *jupyter_echo_main(void *arg)
{
    struct echo *e = arg;
    zmq_msg_t parts[JUPYTER_PARTS + 1];
    long i;
    int k, n;
    e->err = 0;
    for (i = 0; i < e->count; i++) {
        int more = 1;
        for (n = 0; more; n++) {
            if (n == JUPYTER_PARTS + 1) {
                e->err = EPROTO;
                return NULL;
            }
            zmq_msg_init(&parts[n]);
            if (zmq_msg_recv(&parts[n], e->sock, 0) < 0) {
                e->err = zmq_errno();
                return NULL;
            }
            more = zmq_msg_more(&parts[n]);
        }
        for (k = 0; k < n; k++) {
            if (zmq_msg_send(&parts[k], e->sock, k < n - 1 ? ZMQ_SNDMORE : 0) < 0) {
                e->err = zmq_errno();
                return NULL;
            }
        }
    }
    return NULL;
}

/* A Jupyter-like message (delimiter, signature, header, parent header,
 * content, 1 MiB buffer) from a DEALER to a ROUTER echo thread and back;
 * the buffer is sent zero-copy, the reply received into message objects. */
static void jupyter(long count, int runs, int warmup)
{
    static char buffer[JUPYTER_BUFFER];
    const char *small[JUPYTER_PARTS - 1] = {
        "<IDS|MSG>",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "{\"msg_id\": \"5d3c8b2e-1f4a-4c8e-9a57-2b7e0c4d9f31_1234_56\", "
        "\"msg_type\": \"comm_msg\", \"username\": \"bench\", "
        "\"session\": \"5d3c8b2e-1f4a-4c8e-9a57-2b7e0c4d9f31\", "
        "\"date\": \"2026-01-01T00:00:00.000000Z\", \"version\": \"5.3\"}",
        "{\"msg_id\": \"5d3c8b2e-1f4a-4c8e-9a57-2b7e0c4d9f31_1234_56\", "
        "\"msg_type\": \"execute_request\", \"username\": \"bench\", "
        "\"session\": \"5d3c8b2e-1f4a-4c8e-9a57-2b7e0c4d9f31\", "
        "\"date\": \"2026-01-01T00:00:00.000000Z\", \"version\": \"5.3\"}",
        "{\"comm_id\": \"a3f1c2d4e5b6\", \"data\": {\"method\": \"update\"}}",
    };
    char ep[256];
    void *router = make_socket(ZMQ_ROUTER);
    void *dealer = make_socket(ZMQ_DEALER);
    int r, k;

    bind_random(router, ep, sizeof ep);
    CHECK(zmq_connect(dealer, ep));
    for (r = 0; r < warmup + runs; r++) {
        struct echo e = {router, count, 0};
        pthread_t th;
        double t0, t1;
        long i;
        if (pthread_create(&th, NULL, jupyter_echo_main, &e) != 0)
            fail("pthread_create failed");
        t0 = now();
        for (i = 0; i < count; i++) {
            zmq_msg_t m;
            int more = 1, n = 0;
            for (k = 0; k < JUPYTER_PARTS - 1; k++)
                CHECK(zmq_send(dealer, small[k], strlen(small[k]), ZMQ_SNDMORE));
            zmq_msg_init_data(&m, buffer, sizeof buffer, noop_free, NULL);
            CHECK(zmq_msg_send(&m, dealer, 0));
            while (more) {
                zmq_msg_init(&m);
                if (zmq_msg_recv(&m, dealer, 0) < 0)
                    fail("jupyter_1mb: recv: %s", zmq_strerror(zmq_errno()));
                more = zmq_msg_more(&m);
                if (!more && zmq_msg_size(&m) != JUPYTER_BUFFER)
                    fail("jupyter_1mb: wrong buffer size");
                zmq_msg_close(&m);
                n++;
            }
            if (n != JUPYTER_PARTS)
                fail("jupyter_1mb: got %d parts", n);
        }
        t1 = now();
        pthread_join(th, NULL);
        if (e.err)
            fail("jupyter_1mb: echo: %s", zmq_strerror(e.err));
        emit("jupyter_1mb", r < warmup, count / (t1 - t0), "rt/s", count,
             t1 - t0);
    }
    zmq_close(dealer);
    zmq_close(router);
}

/* zmq_socket(DEALER) + zmq_close, `count` times.  libzmq's reaper thread
 * frees a closed socket's slot later; when the closes run ahead of it by
 * ZMQ_MAX_SOCKETS, zmq_socket fails with EMFILE: yield and try again, so the
 * rate is what the context sustains. */
static void socket_churn(long count, int runs, int warmup)
{
    int r;
    for (r = 0; r < warmup + runs; r++) {
        double t0 = now(), t1;
        long i;
        for (i = 0; i < count; i++) {
            void *s;
            while (!(s = zmq_socket(ctx, ZMQ_DEALER))) {
                if (zmq_errno() != EMFILE)
                    fail("socket_churn: zmq_socket: %s", zmq_strerror(zmq_errno()));
                sched_yield();
            }
            zmq_close(s);
        }
        t1 = now();
        emit("socket_churn", r < warmup, count / (t1 - t0), "sockets/s",
             count, t1 - t0);
    }
}

static long rss_bytes(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f || fscanf(f, "%ld %ld", &pages, &resident) != 2)
        fail("mem_idle_socket: cannot read /proc/self/statm");
    fclose(f);
    return resident * sysconf(_SC_PAGESIZE);
}

/* Resident memory per idle DEALER socket: a new context per run (its
 * threads started by a first socket), `count` sockets, all kept open until
 * the end so that no run reuses memory another freed. */
static void mem_idle_socket(long count, int runs, int warmup)
{
    void **socks = calloc((size_t)(warmup + runs) * (count + 1), sizeof *socks);
    void **ctxs = calloc((size_t)(warmup + runs), sizeof *ctxs);
    long n = 0, i;
    int r;
    if (!socks || !ctxs)
        fail("mem_idle_socket: out of memory");
    for (r = 0; r < warmup + runs; r++) {
        double t0, t1;
        long rss0, rss1;
        ctxs[r] = zmq_ctx_new();
        if (!ctxs[r] || !(socks[n++] = zmq_socket(ctxs[r], ZMQ_DEALER)))
            fail("mem_idle_socket: %s", zmq_strerror(zmq_errno()));
        rss0 = rss_bytes();
        t0 = now();
        for (i = 0; i < count; i++)
            if (!(socks[n++] = zmq_socket(ctxs[r], ZMQ_DEALER)))
                fail("mem_idle_socket: zmq_socket: %s", zmq_strerror(zmq_errno()));
        t1 = now();
        rss1 = rss_bytes();
        emit("mem_idle_socket", r < warmup, (double)(rss1 - rss0) / count / 1024.0,
             "KiB", count, t1 - t0);
    }
    for (i = 0; i < n; i++)
        zmq_close(socks[i]);
    for (r = 0; r < warmup + runs; r++)
        zmq_ctx_term(ctxs[r]);
    free(socks);
    free(ctxs);
}

/* ----------------------------------------------------------------- main */

int main(int argc, char **argv)
{
    int major, minor, patch, runs, warmup;
    long count;
    const char *w;

    zmq_version(&major, &minor, &patch);
    printf("{\"libzmq\": \"%d.%d.%d\"}\n", major, minor, patch);
    fflush(stdout);
    if (argc == 2 && strcmp(argv[1], "version") == 0)
        return 0;
    if (argc < 5 || argc > 6)
        fail("usage: zmqbench WORKLOAD COUNT RUNS WARMUP [TIMEOUT_MS]");
    w = argv[1];
    count = atol(argv[2]);
    runs = atoi(argv[3]);
    warmup = atoi(argv[4]);
    if (argc == 6)
        timeout_ms = atoi(argv[5]);
    if (count < 2 || runs < 1 || warmup < 0 || timeout_ms <= 0)
        fail("bad arguments");

    ctx = zmq_ctx_new();
    if (!ctx)
        fail("zmq_ctx_new: %s", zmq_strerror(zmq_errno()));

    if (strcmp(w, "thr_32b") == 0)
        push_pull(w, "tcp", count, runs, warmup, SMALL, SEND_COPY, RECV_COPY);
    else if (strcmp(w, "lat_32b") == 0)
        lat(count, runs, warmup);
    else if (strcmp(w, "call_overhead") == 0)
        call_overhead(count, runs, warmup);
    else if (strcmp(w, "multipart_3x32b") == 0)
        push_pull(w, "inproc", count, runs, warmup, SMALL, SEND_MULTIPART,
                  RECV_MULTIPART);
    else if (strcmp(w, "big_100k_nocopy") == 0)
        push_pull(w, "tcp", count, runs, warmup, BIG, SEND_NOCOPY, RECV_NOCOPY);
    else if (strcmp(w, "big_100k_copy") == 0)
        push_pull(w, "tcp", count, runs, warmup, BIG, SEND_COPY, RECV_COPY);
    else if (strcmp(w, "poll_idle10") == 0)
        poll_idle(count, runs, warmup);
    else if (strcmp(w, "jupyter_1mb") == 0)
        jupyter(count, runs, warmup);
    else if (strcmp(w, "socket_churn") == 0)
        socket_churn(count, runs, warmup);
    else if (strcmp(w, "mem_idle_socket") == 0)
        mem_idle_socket(count, runs, warmup);
    else
        fail("unknown workload");

    zmq_ctx_term(ctx);
    return 0;
}
