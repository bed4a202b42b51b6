"""zmq.log: PUBHandler publishing logging records, TopicLogger, and the
``python -m zmq.log`` watcher."""
import importlib
import inspect
import logging
import logging.config
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
import warnings

import pytest

from _backend import BACKEND, zmq
from _util import set_timeouts, sync_subscription

handlers = importlib.import_module(zmq.__name__ + ".log.handlers")
PUBHandler = handlers.PUBHandler
TopicLogger = handlers.TopicLogger

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
THIS_FILE = os.path.basename(__file__)


def _next_line():
    """The line number after the caller's current line."""
    return inspect.currentframe().f_back.f_lineno + 1


class _Recorder(logging.Handler):
    """Keeps the records it is given."""

    def __init__(self):
        logging.Handler.__init__(self)
        self.records = []

    def emit(self, record):
        self.records.append(record)


class _RecordingPUBHandler(PUBHandler):
    """A PUBHandler that keeps the records handleError is called with."""

    def __init__(self, *args, **kwargs):
        PUBHandler.__init__(self, *args, **kwargs)
        self.failed = []

    def handleError(self, record):
        self.failed.append(record)


@pytest.fixture
def pub_sub(make_pair):
    """(pub, sub): inproc, subscribed to everything, subscription live."""
    return make_pair(zmq.PUB, zmq.SUB)


def _logger(handler, cls=logging.Logger):
    """A private logger (not in logging's registry) at DEBUG level."""
    log = cls("test-log-" + uuid.uuid4().hex[:8])
    log.setLevel(logging.DEBUG)
    log.propagate = False
    log.addHandler(handler)
    return log


def _recv(sub):
    topic, text = sub.recv_multipart()
    return topic, text.decode("utf8")


# ---- PUBHandler: topics and text ---------------------------------------------------


def test_topic_delim_is_double_colon():
    assert handlers.TOPIC_DELIM == "::"


def test_info_is_published_under_its_level_with_bare_message(pub_sub):
    pub, sub = pub_sub
    log = _logger(PUBHandler(pub))
    log.info("hello %s", "world")
    assert _recv(sub) == (b"INFO", "hello world\n")


def test_root_topic_comes_first_and_warning_says_where(pub_sub):
    pub, sub = pub_sub
    log = _logger(PUBHandler(pub, root_topic="app"))
    line = _next_line()
    log.warning("disk %d%% full", 93)
    assert _recv(sub) == (b"app.WARNING", "WARNING %s:%d - disk 93%% full\n" % (THIS_FILE, line))


def test_subtopic_before_delimiter_is_appended_to_topic(pub_sub):
    pub, sub = pub_sub
    log = _logger(PUBHandler(pub, root_topic="app"))
    line = _next_line()
    log.debug("db.pool::%d connections", 3)
    assert _recv(sub) == (b"app.DEBUG.db.pool", "DEBUG %s:%d - 3 connections\n" % (THIS_FILE, line))


def test_only_first_delimiter_splits(pub_sub):
    pub, sub = pub_sub
    log = _logger(PUBHandler(pub))
    log.info("a::b::c")
    assert _recv(sub) == (b"INFO.a", "b::c\n")


def test_empty_subtopic_adds_no_topic_part(pub_sub):
    pub, sub = pub_sub
    log = _logger(PUBHandler(pub))
    log.info("::text")
    assert _recv(sub) == (b"INFO", "text\n")


def test_non_string_message_is_converted(pub_sub):
    pub, sub = pub_sub

    class Msg:
        def __str__(self):
            return "sub::from an object"

    log = _logger(PUBHandler(pub))
    log.info(42)
    log.info(Msg())
    assert _recv(sub) == (b"INFO", "42\n")
    assert _recv(sub) == (b"INFO.sub", "from an object\n")


def test_subtopic_does_not_change_record_seen_by_other_handlers(pub_sub):
    pub, sub = pub_sub
    recorder = _Recorder()
    log = _logger(PUBHandler(pub))
    log.addHandler(recorder)
    log.info("net::%s up", "eth0")
    assert _recv(sub) == (b"INFO.net", "eth0 up\n")
    assert [r.msg for r in recorder.records] == ["net::%s up"]
    assert recorder.records[0].getMessage() == "net::eth0 up"


def test_error_and_critical_default_formats(pub_sub):
    pub, sub = pub_sub
    log = _logger(PUBHandler(pub))
    line = _next_line()
    log.error("plain")
    assert _recv(sub) == (b"ERROR", "ERROR %s:%d - plain - None\n" % (THIS_FILE, line))
    line = _next_line()
    log.critical("down")
    assert _recv(sub) == (b"CRITICAL", "CRITICAL %s:%d - down\n" % (THIS_FILE, line))


def test_exception_text_has_exc_info_and_traceback(pub_sub):
    pub, sub = pub_sub
    log = _logger(PUBHandler(pub))
    try:
        1 / 0
    except ZeroDivisionError:
        line = _next_line()
        log.exception("boom")
    topic, text = _recv(sub)
    assert topic == b"ERROR"
    assert text.startswith("ERROR %s:%d - boom - (<class 'ZeroDivisionError'>" % (THIS_FILE, line))
    assert "Traceback (most recent call last)" in text
    assert text.rstrip().endswith("ZeroDivisionError: division by zero")


def test_utf8_topic_and_text(pub_sub):
    pub, sub = pub_sub
    log = _logger(PUBHandler(pub, root_topic="çà"))
    log.info("ünï::tëxt ✓")
    assert sub.recv_multipart() == ["çà.INFO.ünï".encode(), "tëxt ✓\n".encode()]


def test_unencodable_topic_is_replaced(pub_sub):
    pub, sub = pub_sub
    log = _logger(PUBHandler(pub))
    log.info("a\udcff::ok")
    assert sub.recv_multipart() == [b"INFO.a?", b"ok\n"]


def test_unencodable_text_goes_to_handle_error_and_is_not_sent(pub_sub):
    pub, sub = pub_sub
    handler = _RecordingPUBHandler(pub)
    log = _logger(handler)
    log.info("bad \udcff")
    log.info("next")
    assert [r.msg for r in handler.failed] == ["bad \udcff"]
    assert _recv(sub) == (b"INFO", "next\n")


def test_bad_format_arguments_go_to_handle_error(pub_sub):
    pub, sub = pub_sub
    handler = _RecordingPUBHandler(pub)
    log = _logger(handler)
    log.info("%d items", "not a number")
    log.info("after")
    assert len(handler.failed) == 1
    assert _recv(sub) == (b"INFO", "after\n")


def test_level_without_formatter_goes_to_handle_error(pub_sub):
    pub, sub = pub_sub
    handler = _RecordingPUBHandler(pub)
    log = _logger(handler)
    log.log(25, "custom level")
    log.info("after")
    assert [r.levelno for r in handler.failed] == [25]
    assert _recv(sub) == (b"INFO", "after\n")


def test_custom_level_with_formatter_uses_level_name(pub_sub):
    pub, sub = pub_sub
    handler = PUBHandler(pub)
    handler.setFormatter(logging.Formatter("<%(message)s>"), level=25)
    log = _logger(handler)
    log.log(25, "x::custom")
    assert _recv(sub) == (b"Level 25.x", "<custom>")


def test_handler_level_filters_records(pub_sub):
    pub, sub = pub_sub
    handler = PUBHandler(pub)
    handler.setLevel(logging.WARNING)
    log = _logger(handler)
    log.info("dropped")
    log.warning("kept")
    topic, _ = _recv(sub)
    assert topic == b"WARNING"


def test_emit_on_closed_socket_raises(ctx):
    pub = ctx.socket(zmq.PUB)
    handler = PUBHandler(pub)
    pub.close()
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "lost", None, None)
    with pytest.raises(zmq.ZMQError):
        handler.emit(record)


# ---- PUBHandler: formatters ---------------------------------------------------------


def test_default_formatters_cover_the_five_levels(ctx):
    pub = ctx.socket(zmq.PUB)
    handler = PUBHandler(pub)
    assert set(handler.formatters) == {logging.DEBUG, logging.INFO, logging.WARNING,
                                       logging.ERROR, logging.CRITICAL}
    assert all(isinstance(f, logging.Formatter) for f in handler.formatters.values())
    assert handler.formatters[logging.INFO]._fmt == "%(message)s\n"
    assert handler.formatters[logging.ERROR]._fmt == (
        "%(levelname)s %(filename)s:%(lineno)d - %(message)s - %(exc_info)s\n")
    # each handler has its own formatters
    other = PUBHandler(pub)
    assert other.formatters[logging.INFO] is not handler.formatters[logging.INFO]
    pub.close()


def test_set_formatter_without_level_replaces_every_level(pub_sub):
    pub, sub = pub_sub
    handler = PUBHandler(pub)
    fmt = logging.Formatter("[%(levelname)s] %(message)s")
    handler.setFormatter(fmt)
    assert set(handler.formatters) == {10, 20, 30, 40, 50}
    assert all(f is fmt for f in handler.formatters.values())
    log = _logger(handler)
    log.debug("d")
    log.error("e")
    assert _recv(sub) == (b"DEBUG", "[DEBUG] d")
    assert _recv(sub) == (b"ERROR", "[ERROR] e")


def test_set_formatter_for_one_level_leaves_the_others(pub_sub):
    pub, sub = pub_sub
    handler = PUBHandler(pub)
    handler.setFormatter(logging.Formatter("dbg:%(message)s"), logging.DEBUG)
    log = _logger(handler)
    log.debug("d")
    log.info("i")
    assert _recv(sub) == (b"DEBUG", "dbg:d")
    assert _recv(sub) == (b"INFO", "i\n")


def test_format_uses_the_level_formatter(ctx):
    pub = ctx.socket(zmq.PUB)
    handler = PUBHandler(pub)
    handler.setFormatter(logging.Formatter("W %(message)s"), logging.WARNING)
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "m%d", (1,), None)
    assert handler.format(record) == "W m1"
    pub.close()


# ---- PUBHandler: root topic ---------------------------------------------------------


def test_root_topic_property_and_setter(ctx):
    pub = ctx.socket(zmq.PUB)
    handler = PUBHandler(pub)
    assert handler.root_topic == ""
    handler.root_topic = "a"
    assert handler.root_topic == "a"
    handler.setRootTopic(b"b\xc3\xa9")
    assert handler.root_topic == "bé"
    handler.root_topic = b"c"
    assert handler.root_topic == "c"
    pub.close()


def test_root_topic_setter_goes_through_set_root_topic(ctx):
    pub = ctx.socket(zmq.PUB)

    class Upper(PUBHandler):
        def setRootTopic(self, root_topic):
            PUBHandler.setRootTopic(self, root_topic.upper())

    handler = Upper(pub, root_topic="abc")
    assert handler.root_topic == "ABC"
    handler.root_topic = "xyz"
    assert handler.root_topic == "XYZ"
    pub.close()


def test_changed_root_topic_applies_to_next_records(pub_sub):
    pub, sub = pub_sub
    handler = PUBHandler(pub, root_topic="one")
    log = _logger(handler)
    log.info("a")
    handler.setRootTopic("two")
    log.info("b")
    handler.root_topic = ""
    log.info("c")
    assert [_recv(sub)[0] for _ in range(3)] == [b"one.INFO", b"two.INFO", b"INFO"]


# ---- PUBHandler: sockets and contexts -----------------------------------------------


def test_given_socket_is_used_with_its_context(ctx):
    other = zmq.Context()
    pub = ctx.socket(zmq.PUB)
    handler = PUBHandler(pub, context=other)  # ignored: the socket's context wins
    assert handler.socket is pub
    assert handler.ctx is ctx
    pub.close()
    other.term()


def test_interface_is_bound_on_a_new_pub_socket_of_given_context(ctx):
    addr = "inproc://log-%s" % uuid.uuid4().hex
    handler = PUBHandler(addr, context=ctx)
    sub = ctx.socket(zmq.SUB)
    try:
        assert handler.ctx is ctx
        assert handler.socket.context is ctx
        assert handler.socket.type == zmq.PUB
        assert handler.socket.getsockopt(zmq.LAST_ENDPOINT) == addr.encode()
        set_timeouts(sub)
        sub.subscribe(b"")
        sub.connect(addr)
        sync_subscription(handler.socket, sub, b"")
        _logger(handler).info("over inproc")
        assert _recv(sub) == (b"INFO", "over inproc\n")
    finally:
        sub.close()
        handler.socket.close(linger=0)


def test_interface_without_context_makes_a_new_context():
    handler = PUBHandler("tcp://127.0.0.1:*", root_topic="tcp")
    try:
        assert isinstance(handler.ctx, zmq.Context)
        assert handler.ctx is not zmq.Context.instance()
        assert handler.socket.context is handler.ctx
        endpoint = handler.socket.getsockopt(zmq.LAST_ENDPOINT).decode()
        assert endpoint.startswith("tcp://127.0.0.1:")
        sub = handler.ctx.socket(zmq.SUB)
        set_timeouts(sub)
        sub.subscribe(b"tcp")
        sub.connect(endpoint)
        sync_subscription(handler.socket, sub, b"tcp")
        _logger(handler).info("over tcp")
        assert _recv(sub) == (b"tcp.INFO", "over tcp\n")
        sub.close()
    finally:
        handler.socket.close(linger=0)
        handler.ctx.term()


def test_close_leaves_the_socket_open(ctx):
    # Like pyzmq's, the handler does not own the socket: logging.shutdown()
    # closing handlers must not close sockets that others may still use.
    pub = ctx.socket(zmq.PUB)
    handler = PUBHandler(pub)
    handler.close()
    assert not pub.closed
    pub.close()


def test_dict_config_with_a_socket(pub_sub):
    pub, sub = pub_sub
    name = "test-log-dictconfig-" + uuid.uuid4().hex[:8]
    logging.config.dictConfig({
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {
            "zmq": {
                "class": zmq.__name__ + ".log.handlers.PUBHandler",
                "level": logging.DEBUG,
                "root_topic": "cfg",
                "interface_or_socket": pub,
            },
        },
        "loggers": {name: {"level": "DEBUG", "handlers": ["zmq"], "propagate": False}},
    })
    log = logging.getLogger(name)
    try:
        (handler,) = log.handlers
        assert isinstance(handler, PUBHandler)
        assert handler.socket is pub
        log.info("configured::yes")
        assert _recv(sub) == (b"cfg.INFO.configured", "yes\n")
    finally:
        for h in list(log.handlers):
            log.removeHandler(h)


# ---- TopicLogger --------------------------------------------------------------------


def test_topic_logger_is_a_logger():
    assert issubclass(TopicLogger, logging.Logger)
    log = TopicLogger("test-topic-logger")
    assert log.name == "test-topic-logger"


def test_topic_logger_log_prefixes_topic(pub_sub):
    pub, sub = pub_sub
    recorder = _Recorder()
    log = _logger(PUBHandler(pub, root_topic="svc"), TopicLogger)
    log.addHandler(recorder)
    log.log(logging.WARNING, "cache.miss", "key %s", "k1")
    assert _recv(sub)[0] == b"svc.WARNING.cache.miss"
    (record,) = recorder.records
    assert record.msg == "cache.miss::key %s"
    assert record.getMessage() == "cache.miss::key k1"
    assert record.levelno == logging.WARNING


def test_topic_logger_log_respects_level_and_exc_info(pub_sub):
    pub, sub = pub_sub
    recorder = _Recorder()
    log = _logger(recorder, TopicLogger)
    log.setLevel(logging.INFO)
    log.log(logging.DEBUG, "t", "filtered out")
    try:
        raise KeyError("k")
    except KeyError:
        log.log(logging.ERROR, "t", "caught", exc_info=True)
    (record,) = recorder.records
    assert record.exc_info[0] is KeyError


# pyzmq 27.3 builds these helpers in a loop whose lambdas all call the last
# method bound (Logger.fatal), so on Python 3.11 each raises TypeError, and on
# 3.9 each logs at CRITICAL.  zmq_cffi's log at their own level.
@pytest.mark.cffi_only
@pytest.mark.parametrize("method, level", [
    ("debug", logging.DEBUG), ("info", logging.INFO), ("warning", logging.WARNING),
    ("error", logging.ERROR), ("critical", logging.CRITICAL), ("fatal", logging.CRITICAL),
])
def test_topic_logger_level_helpers(pub_sub, method, level):
    pub, sub = pub_sub
    recorder = _Recorder()
    log = _logger(PUBHandler(pub), TopicLogger)
    log.addHandler(recorder)
    getattr(log, method)("a.b", "n=%d", 7)
    (record,) = recorder.records
    assert record.levelno == level
    assert record.getMessage() == "a.b::n=7"
    assert record.exc_info is None
    assert _recv(sub)[0] == ("%s.a.b" % logging.getLevelName(level)).encode()


@pytest.mark.cffi_only  # pyzmq 27.3's TopicLogger.exception raises TypeError (see above)
def test_topic_logger_exception_records_the_exception(pub_sub):
    pub, sub = pub_sub
    recorder = _Recorder()
    log = _logger(PUBHandler(pub), TopicLogger)
    log.addHandler(recorder)
    try:
        raise ValueError("bad")
    except ValueError:
        log.exception("job", "failed %s", "x")
    (record,) = recorder.records
    assert record.levelno == logging.ERROR
    assert record.exc_info[0] is ValueError
    assert record.getMessage() == "job::failed x"
    topic, text = _recv(sub)
    assert topic == b"ERROR.job"
    assert "ValueError: bad" in text


@pytest.mark.cffi_only  # pyzmq 27.3's TopicLogger.warn raises TypeError (see above)
def test_topic_logger_warn_is_deprecated_warning(pub_sub):
    recorder = _Recorder()
    log = _logger(recorder, TopicLogger)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        log.warn("t", "old")
    assert [w.category for w in caught] == [DeprecationWarning]
    assert caught[0].filename == __file__
    (record,) = recorder.records
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "t::old"


# pyzmq's records name its own handlers.py (the wrapper's frame) as where the
# call came from; zmq_cffi's name the caller, as plain Logger methods do.
@pytest.mark.cffi_only
def test_topic_logger_records_name_the_caller():
    recorder = _Recorder()
    log = _logger(recorder, TopicLogger)
    lines = []

    def helper():
        lines.append(_next_line())
        log.log(logging.INFO, "t", "via log")
        lines.append(_next_line())
        log.info("t", "via info")
        log.error("t", "with stacklevel", stacklevel=2)  # names helper's caller

    lines.append(_next_line())
    helper()
    assert [(r.filename, r.funcName) for r in recorder.records] == [
        (THIS_FILE, "helper"), (THIS_FILE, "helper"), (THIS_FILE, inspect.currentframe().f_code.co_name)]
    assert [r.lineno for r in recorder.records] == lines[1:] + lines[:1]


# ---- python -m zmq.log --------------------------------------------------------------


def _read_lines(stream, out):
    for line in stream:
        out.put(line)


def test_log_watcher_prints_filtered_records(ctx):
    pub = ctx.socket(zmq.PUB)
    pub.linger = 0
    pub.bind("tcp://127.0.0.1:*")
    endpoint = pub.getsockopt(zmq.LAST_ENDPOINT).decode()
    handler = PUBHandler(pub, root_topic="app")
    handler.setFormatter(logging.Formatter("%(message)s"))
    log = _logger(handler)
    env = dict(os.environ, PYTHONUNBUFFERED="1", ZMQ_CFFI_TEST_BACKEND=BACKEND)
    # The watcher stops on Ctrl-C.  A process started with SIGINT ignored (by
    # a non-interactive shell, in the background) passes that on to its
    # children, and Python then leaves it ignored: with a handler installed
    # here, the child starts with SIGINT's default instead (exec resets it).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", zmq.__name__ + ".log", endpoint,
             "--topic", "app.ERROR", "--separator", " >> "],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    finally:
        signal.signal(signal.SIGINT, previous)
    lines = queue.Queue()
    reader = threading.Thread(target=_read_lines, args=(proc.stdout, lines), daemon=True)
    reader.start()
    try:
        # The watcher's subscription reaches the publisher asynchronously:
        # publish until it prints something (bounded in rounds and time).
        first = None
        deadline = time.monotonic() + 20
        for i in range(400):
            log.info("ignored %d", i)
            log.error("db::boom %d", i)
            try:
                first = lines.get(timeout=0.05)
                break
            except queue.Empty:
                if time.monotonic() > deadline or proc.poll() is not None:
                    break
        assert first is not None, proc.stderr.read() if proc.poll() is not None else "no output"
        assert first.startswith("app.ERROR.db >> boom ")
        log.error("last::one")
        got = [first]
        for _ in range(400):
            line = lines.get(timeout=10)
            got.append(line)
            if line.startswith("app.ERROR.last"):
                break
        assert got[-1] == "app.ERROR.last >> one\n"
        assert all(line.startswith("app.ERROR.") for line in got)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            rc = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = proc.wait()
        proc.stdout.close()
        err = proc.stderr.read()
        proc.stderr.close()
        reader.join(5)
        pub.close()
    assert rc == 0, err
