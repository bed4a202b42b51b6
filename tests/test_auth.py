"""ZAP authentication (zmq.auth): the policy, certificate files, and real
PLAIN / CURVE / NULL handshakes through ThreadAuthenticator and
AsyncioAuthenticator."""
import asyncio
import importlib
import logging
import os
import stat
import struct
import subprocess
import sys
import threading
import time
import warnings

import pytest

from _backend import IS_CFFI, zmq

auth = importlib.import_module(zmq.__name__ + ".auth")
auth_thread = importlib.import_module(zmq.__name__ + ".auth.thread")
z85 = importlib.import_module(zmq.__name__ + ".utils.z85")
if IS_CFFI:
    from zmq_cffi.curve import curve_keypair, curve_public
else:
    curve_keypair, curve_public = zmq.curve_keypair, zmq.curve_public

needs_curve = pytest.mark.skipif(not zmq.has("curve"), reason="libzmq built without CURVE")

HANDSHAKE_FAILED = (zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL
                    | zmq.EVENT_HANDSHAKE_FAILED_AUTH)


# ---- the policy alone: handle_zap_message with a recording socket ----------------


class RecordingSocket:
    """Stands in for the ZAP socket: keeps the replies."""

    def __init__(self):
        self.sent = []

    def send_multipart(self, parts, *args, **kwargs):
        self.sent.append(list(parts))


@pytest.fixture
def context():
    ctx = zmq.Context()
    yield ctx
    ctx.destroy(linger=0)


@pytest.fixture
def policy(context):
    authenticator = auth.Authenticator(context)
    authenticator.zap_socket = RecordingSocket()
    return authenticator


def ask(authenticator, mechanism=b"NULL", credentials=(), domain=b"", address=b"127.0.0.1",
        version=b"1.0"):
    """Send one ZAP request through handle_zap_message; return (code, text, user_id)."""
    request = [version, b"req-7", domain, address, b"", mechanism] + list(credentials)
    asyncio.run(authenticator.handle_zap_message(request))
    reply = authenticator.zap_socket.sent.pop()
    assert len(reply) == 6
    assert reply[0] == b"1.0" and reply[1] == b"req-7" and reply[5] == b""
    return reply[2], reply[3], reply[4]


def test_null_is_accepted_without_policy(policy):
    assert ask(policy) == (b"200", b"OK", b"anonymous")


def test_allow_list(policy):
    policy.allow("127.0.0.1", "10.0.0.1")
    assert ask(policy, address=b"10.0.0.1")[0] == b"200"
    code, text, user = ask(policy, address=b"127.0.0.2")
    assert (code, user) == (b"400", b"")
    assert text == b"Address not allowed"


def test_deny_list(policy):
    policy.deny("127.0.0.2")
    assert ask(policy, address=b"127.0.0.1")[0] == b"200"
    assert ask(policy, address=b"127.0.0.2")[:2] == (b"400", b"Address denied")


def test_allow_and_deny_exclude_each_other(context):
    first = auth.Authenticator(context)
    first.allow("127.0.0.1")
    with pytest.raises(ValueError):
        first.deny("127.0.0.2")
    second = auth.Authenticator(context)
    second.deny("127.0.0.1")
    with pytest.raises(ValueError):
        second.allow("127.0.0.2")


def test_plain_passwords(policy):
    assert ask(policy, b"PLAIN", [b"admin", b"secret"])[:2] == (b"400", b"No passwords defined")
    policy.configure_plain(passwords={"admin": "secret"})
    assert ask(policy, b"PLAIN", [b"admin", b"secret"]) == (b"200", b"OK", b"admin")
    assert ask(policy, b"PLAIN", [b"admin", b"guess"])[:2] == (b"400", b"Invalid password")
    assert ask(policy, b"PLAIN", [b"root", b"secret"])[:2] == (b"400", b"Invalid username")
    assert ask(policy, b"PLAIN", [b"admin", b"secret"], domain=b"other")[:2] == (b"400", b"Invalid domain")
    policy.configure_plain("other", {"guest": "pw"})
    assert ask(policy, b"PLAIN", [b"guest", b"pw"], domain=b"other") == (b"200", b"OK", b"guest")
    assert ask(policy, b"PLAIN", [b"admin"])[:2] == (b"400", b"Invalid credentials")


def test_plain_from_an_allowed_address_still_needs_the_password(policy):
    policy.allow("127.0.0.1")
    policy.configure_plain(passwords={"admin": "secret"})
    assert ask(policy, b"PLAIN", [b"admin", b"wrong"])[0] == b"400"
    assert ask(policy, b"PLAIN", [b"admin", b"secret"])[0] == b"200"


@needs_curve
def test_curve_keys_from_a_directory(policy, tmp_path):
    public_file, _ = auth.create_certificates(str(tmp_path), "client")
    client_public, _ = auth.load_certificate(public_file)
    stranger_public, _ = curve_keypair()
    binary = z85.decode(client_public)
    assert ask(policy, b"CURVE", [binary])[:2] == (b"400", b"Unknown domain")
    policy.configure_curve(domain="*", location=str(tmp_path))
    assert ask(policy, b"CURVE", [binary]) == (b"200", b"OK", client_public)
    assert ask(policy, b"CURVE", [z85.decode(stranger_public)])[:2] == (b"400", b"Unknown key")
    policy.configure_curve(domain="*", location=auth.CURVE_ALLOW_ANY)
    assert ask(policy, b"CURVE", [z85.decode(stranger_public)])[0] == b"200"
    assert ask(policy, b"CURVE", [binary, binary])[:2] == (b"400", b"Invalid credentials")


@needs_curve
def test_curve_user_id_can_be_overridden(context, tmp_path):
    class NamedKeys(auth.Authenticator):
        def curve_user_id(self, client_public_key):
            return "user-%d" % len(client_public_key)

    named = NamedKeys(context)
    named.zap_socket = RecordingSocket()
    named.configure_curve(location=auth.CURVE_ALLOW_ANY)
    public, _ = curve_keypair()
    assert ask(named, b"CURVE", [z85.decode(public)]) == (b"200", b"OK", b"user-32")


def test_curve_callback_sync_and_async(policy):
    good, bad = b"g" * 32, b"b" * 32
    seen = []

    class Provider:
        def callback(self, domain, key):
            seen.append((domain, key))
            return key == z85.encode(good)

    class AsyncProvider:
        async def callback(self, domain, key):
            await asyncio.sleep(0)
            return key == z85.encode(bad)

    policy.configure_curve_callback("*", Provider())
    assert ask(policy, b"CURVE", [good])[0] == b"200"
    assert ask(policy, b"CURVE", [bad])[:2] == (b"400", b"Unknown key")
    assert seen == [("*", z85.encode(good)), ("*", z85.encode(bad))]
    assert ask(policy, b"CURVE", [good], domain=b"elsewhere")[:2] == (b"400", b"Unknown domain")
    policy.configure_curve_callback("async", AsyncProvider())
    assert ask(policy, b"CURVE", [bad], domain=b"async")[0] == b"200"
    assert ask(policy, b"CURVE", [good], domain=b"async")[0] == b"400"


def test_gssapi_accepts_the_principal(policy):
    policy.configure_gssapi()
    assert ask(policy, b"GSSAPI", [b"alice@EXAMPLE"]) == (b"200", b"OK", b"alice@EXAMPLE")


def test_malformed_requests(policy):
    assert ask(policy, version=b"2.0")[:2] == (b"400", b"Invalid version")
    asyncio.run(policy.handle_zap_message([b"1.0", b"req-7", b""]))
    assert policy.zap_socket.sent.pop()[1:4] == [b"req-7", b"400", b"Not enough frames"]
    asyncio.run(policy.handle_zap_message([b"1.0"]))  # no request id: nothing to answer
    assert policy.zap_socket.sent == []


def test_decisions_go_to_the_log_attribute(context, caplog):
    logger = logging.getLogger("test_auth.custom")
    authenticator = auth.Authenticator(context, log=logger)
    assert authenticator.log is logger
    authenticator.zap_socket = RecordingSocket()
    authenticator.deny("127.0.0.1")
    with caplog.at_level(logging.DEBUG, logger="test_auth.custom"):
        ask(authenticator)
    assert any(record.name == "test_auth.custom" for record in caplog.records)


# ---- certificate files ---------------------------------------------------------------

CZMQ_STYLE = """#   ****  Generated on 2015-06-01 10:00:00 by CZMQ  ****
#   ZeroMQ CURVE **Secret** Certificate
#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.

metadata
    name = "alice"
    email = "alice@example.com"
curve
    public-key = "{public}"
    secret-key = "{secret}"
"""

PYZMQ_STYLE = """#   ****  Generated on 2024-01-01 10:00:00.123456 by pyzmq  ****
#   ZeroMQ CURVE Public Certificate
#   Exchange securely, or use a secure mechanism to verify the contents
#   of this file after exchange. Store public certificates in your home
#   directory, in the .curve subdirectory.

metadata
    name = bob the builder
curve
    public-key = "{public}"
"""


@needs_curve
def test_created_certificates_load_back(tmp_path):
    public_file, secret_file = auth.create_certificates(tmp_path, "server", metadata={"name": "srv"})
    assert public_file == os.path.join(str(tmp_path), "server.key")
    assert secret_file == os.path.join(str(tmp_path), "server.key_secret")
    public, no_secret = auth.load_certificate(public_file)
    assert no_secret is None
    public_again, secret = auth.load_certificate(secret_file)
    assert public_again == public
    assert len(public) == 40 and len(secret) == 40
    assert curve_public(secret) == public
    with open(public_file) as stream:
        public_text = stream.read()
    assert secret.decode() not in public_text
    assert "\ncurve\n" in public_text and "public-key = \"%s\"" % public.decode() in public_text


@needs_curve
@pytest.mark.cffi_only
def test_certificate_files_are_zpl_and_the_secret_one_private(tmp_path):
    public_file, secret_file = auth.create_certificates(tmp_path, "srv", metadata={"name": "the server"})
    assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
    with open(secret_file) as stream:
        lines = [line.rstrip("\n") for line in stream if line.strip() and not line.startswith("#")]
    assert lines[0] == "metadata"
    assert lines[1] == '    name = "the server"'
    assert lines[2] == "curve"
    assert lines[3].startswith('    public-key = "') and lines[4].startswith('    secret-key = "')
    with pytest.raises(ValueError):
        auth.create_certificates(tmp_path, "bad", metadata={"na me": "x"})


@needs_curve
@pytest.mark.parametrize("template", [CZMQ_STYLE, PYZMQ_STYLE], ids=["czmq", "pyzmq"])
def test_certificates_of_czmq_and_pyzmq_load(tmp_path, template):
    public, secret = curve_keypair()
    path = tmp_path / "peer.key"
    path.write_text(template.format(public=public.decode(), secret=secret.decode()))
    loaded_public, loaded_secret = auth.load_certificate(str(path))
    assert loaded_public == public
    assert loaded_secret == (secret if "secret-key" in template else None)


@needs_curve
def test_load_certificates_reads_public_key_files_only(tmp_path):
    first, _ = auth.create_certificates(tmp_path, "one")
    second, _ = auth.create_certificates(tmp_path, "two")
    (tmp_path / "notes.txt").write_text("not a certificate")
    keys = auth.load_certificates(str(tmp_path))
    assert keys == {auth.load_certificate(first)[0]: True, auth.load_certificate(second)[0]: True}


def test_certificate_errors(tmp_path):
    with pytest.raises(OSError):
        auth.load_certificate(str(tmp_path / "missing.key"))
    with pytest.raises(OSError):
        auth.load_certificates(str(tmp_path / "missing-dir"))
    empty = tmp_path / "empty.key"
    empty.write_text("metadata\n    name = \"x\"\ncurve\n")
    with pytest.raises(ValueError, match="public key"):
        auth.load_certificate(str(empty))


@pytest.mark.cffi_only
def test_certificate_with_a_malformed_key_is_refused(tmp_path):
    short = tmp_path / "short.key"
    short.write_text('curve\n    public-key = "tooshort"\n')
    with pytest.raises(ValueError, match="40"):
        auth.load_certificate(str(short))


# ---- real handshakes through ThreadAuthenticator --------------------------------------


def wait_for_event(monitor, wanted, timeout=1.0):
    """The first monitor event in ``wanted`` within ``timeout`` s: (event, value), or None."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = int((deadline - time.monotonic()) * 1000)
        if remaining <= 0 or not monitor.poll(remaining):
            return None
        head, _endpoint = monitor.recv_multipart()
        event, value = struct.unpack("=HI", head)
        if event & wanted:
            return event, value


class Harness:
    """A server REP socket (with a monitor) and client REQ sockets on one context."""

    def __init__(self, context):
        self.context = context
        self.sockets = []

    def socket(self, kind, **options):
        sock = self.context.socket(kind)
        sock.linger = 0
        sock.sndtimeo = 1000
        sock.rcvtimeo = 1000
        for name, value in options.items():
            setattr(sock, name, value)
        self.sockets.append(sock)
        return sock

    def server(self, **options):
        server = self.socket(zmq.REP, **options)
        port = server.bind_to_random_port("tcp://127.0.0.1")
        monitor = server.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED | HANDSHAKE_FAILED)
        self.sockets.append(monitor)
        return server, monitor, "tcp://127.0.0.1:%d" % port

    def accepted(self, server, monitor, url, **client_options):
        """Connect a client; the request gets through: return the server's User-Id."""
        client = self.socket(zmq.REQ, **client_options)
        client.connect(url)
        client.send(b"ping")
        assert server.poll(2000) == zmq.POLLIN, "the server got nothing"
        frame = server.recv(copy=False)
        assert frame.bytes == b"ping"
        user_id = frame.get("User-Id")
        server.send(b"pong")
        assert client.poll(2000) == zmq.POLLIN
        assert client.recv() == b"pong"
        # Consume this client's success event, so refused() sees only new ones.
        assert wait_for_event(monitor, zmq.EVENT_HANDSHAKE_SUCCEEDED, 1.0) is not None
        return user_id

    def refused(self, server, monitor, url, **client_options):
        """Connect a client; the handshake fails and no message passes either way."""
        client = self.socket(zmq.REQ, **client_options)
        client.connect(url)
        try:
            client.send(b"ping", zmq.NOBLOCK)
        except zmq.Again:
            pass  # the refusal already dropped the connection (and its queue)
        event = wait_for_event(monitor, HANDSHAKE_FAILED | zmq.EVENT_HANDSHAKE_SUCCEEDED, 1.0)
        assert event is not None, "no handshake outcome within 1 s"
        assert event[0] & HANDSHAKE_FAILED, "the handshake succeeded"
        assert server.poll(200) == 0, "the server saw a message"
        assert client.poll(100) == 0, "the client got a reply"
        return event

    def close(self):
        for sock in self.sockets:
            sock.close(linger=0)


@pytest.fixture
def served(context):
    """(authenticator, harness): a started ThreadAuthenticator on a fresh context."""
    authenticator = auth_thread.ThreadAuthenticator(context)
    authenticator.start()
    harness = Harness(context)
    yield authenticator, harness
    harness.close()
    authenticator.stop()


def test_thread_authenticator_life_cycle(context):
    authenticator = auth_thread.ThreadAuthenticator(context)
    assert authenticator.context is context
    assert not authenticator.is_alive()
    authenticator.start()
    try:
        assert authenticator.is_alive()
        if IS_CFFI:
            assert authenticator.is_running()
        # libzmq allows one ZAP handler per context.
        second = auth_thread.ThreadAuthenticator(context)
        with pytest.raises(zmq.ZMQError) as info:
            second.start()
        assert info.value.errno == zmq.EADDRINUSE
    finally:
        authenticator.stop()
    assert not authenticator.is_alive()
    assert authenticator.zap_socket is None
    authenticator.stop()  # a second stop is harmless
    if IS_CFFI:
        # zmq_cffi unbinds before closing, so the ZAP endpoint is free at once
        # (pyzmq only closes, and libzmq frees the name a little later).
        again = auth_thread.ThreadAuthenticator(context)
        again.start()
        assert again.is_running()
        again.stop()


@pytest.mark.cffi_only
def test_term_without_stop_does_not_hang():
    # term() waits for every socket: the thread closes the authenticator's
    # sockets when it sees the context terminating (pyzmq hangs here).
    ctx = zmq.Context()
    authenticator = auth_thread.ThreadAuthenticator(ctx)
    authenticator.start()
    terminator = threading.Thread(target=ctx.term, daemon=True)
    terminator.start()
    terminator.join(2.0)
    assert not terminator.is_alive(), "Context.term() hung"
    authenticator.thread.join(2.0)
    assert not authenticator.is_alive()
    authenticator.stop()  # nothing left to do, and no error


def test_plain_with_the_right_password(served):
    authenticator, harness = served
    authenticator.configure_plain(domain="*", passwords={"admin": "s3cret"})
    server, monitor, url = harness.server(plain_server=True)
    user = harness.accepted(server, monitor, url, plain_username=b"admin", plain_password=b"s3cret")
    assert user == "admin"


def test_plain_with_a_wrong_password_is_refused(served):
    authenticator, harness = served
    authenticator.configure_plain(domain="*", passwords={"admin": "s3cret"})
    server, monitor, url = harness.server(plain_server=True)
    event, status = harness.refused(server, monitor, url, plain_username=b"admin",
                                    plain_password=b"guess")
    assert event == zmq.EVENT_HANDSHAKE_FAILED_AUTH and status == 400
    # The same server still serves a client with the right password.
    assert harness.accepted(server, monitor, url, plain_username=b"admin",
                            plain_password=b"s3cret") == "admin"


@needs_curve
def test_curve_clients_from_a_certificate_directory(served, tmp_path):
    authenticator, harness = served
    keys_dir = tmp_path / "keys"
    allowed_dir = tmp_path / "allowed"
    keys_dir.mkdir()
    allowed_dir.mkdir()
    server_public, server_secret = auth.load_certificate(auth.create_certificates(keys_dir, "server")[1])
    client_public, client_secret = auth.load_certificate(auth.create_certificates(keys_dir, "client")[1])
    stranger_public, stranger_secret = auth.load_certificate(auth.create_certificates(keys_dir, "stranger")[1])
    os.replace(str(keys_dir / "client.key"), str(allowed_dir / "client.key"))
    authenticator.configure_curve(domain="*", location=str(allowed_dir))

    server, monitor, url = harness.server(curve_server=True, curve_secretkey=server_secret,
                                          curve_publickey=server_public)
    user = harness.accepted(server, monitor, url, curve_serverkey=server_public,
                            curve_publickey=client_public, curve_secretkey=client_secret)
    assert user == client_public.decode("ascii")
    event, status = harness.refused(server, monitor, url, curve_serverkey=server_public,
                                    curve_publickey=stranger_public, curve_secretkey=stranger_secret)
    assert event == zmq.EVENT_HANDSHAKE_FAILED_AUTH and status == 400


@needs_curve
def test_curve_allow_any(served):
    authenticator, harness = served
    authenticator.configure_curve(domain="*", location=auth.CURVE_ALLOW_ANY)
    server_public, server_secret = curve_keypair()
    client_public, client_secret = curve_keypair()
    server, monitor, url = harness.server(curve_server=True, curve_secretkey=server_secret)
    user = harness.accepted(server, monitor, url, curve_serverkey=server_public,
                            curve_publickey=client_public, curve_secretkey=client_secret)
    assert user == client_public.decode("ascii")


@needs_curve
def test_curve_with_a_wrong_server_key_is_refused(served):
    authenticator, harness = served
    authenticator.configure_curve(domain="*", location=auth.CURVE_ALLOW_ANY)
    _, server_secret = curve_keypair()
    impostor_public, _ = curve_keypair()
    client_public, client_secret = curve_keypair()
    server, monitor, url = harness.server(curve_server=True, curve_secretkey=server_secret)
    event, _ = harness.refused(server, monitor, url, curve_serverkey=impostor_public,
                               curve_publickey=client_public, curve_secretkey=client_secret)
    # The server cannot even open the client's HELLO: a protocol failure.
    assert event != zmq.EVENT_HANDSHAKE_FAILED_AUTH


@pytest.mark.parametrize("rule, addresses, accepted", [
    ("allow", ["127.0.0.1"], True),
    ("allow", ["127.0.0.2"], False),
    ("deny", ["127.0.0.1"], False),
    ("deny", ["127.0.0.2", "10.1.1.1"], True),
])
def test_null_by_ip_address(served, rule, addresses, accepted):
    authenticator, harness = served
    getattr(authenticator, rule)(*addresses)
    # NULL connections reach the ZAP handler only on sockets with a ZAP domain.
    server, monitor, url = harness.server(zap_domain=b"global")
    if accepted:
        harness.accepted(server, monitor, url)
    else:
        event, status = harness.refused(server, monitor, url)
        assert event == zmq.EVENT_HANDSHAKE_FAILED_AUTH and status == 400


@needs_curve
def test_curve_callback_end_to_end(served):
    authenticator, harness = served
    server_public, server_secret = curve_keypair()
    client_public, client_secret = curve_keypair()
    asked = []

    class Provider:
        def callback(self, domain, key):
            asked.append(key)
            return key == client_public

    authenticator.configure_curve_callback("*", Provider())
    server, monitor, url = harness.server(curve_server=True, curve_secretkey=server_secret)
    harness.accepted(server, monitor, url, curve_serverkey=server_public,
                     curve_publickey=client_public, curve_secretkey=client_secret)
    other_public, other_secret = curve_keypair()
    harness.refused(server, monitor, url, curve_serverkey=server_public,
                    curve_publickey=other_public, curve_secretkey=other_secret)
    assert asked[0] == client_public and other_public in asked


@needs_curve
@pytest.mark.cffi_only
def test_a_failing_callback_refuses_and_the_thread_keeps_serving(served, caplog):
    authenticator, harness = served
    server_public, server_secret = curve_keypair()
    client_public, client_secret = curve_keypair()

    class Broken:
        def callback(self, domain, key):
            raise RuntimeError("database down")

    authenticator.configure_curve_callback("*", Broken())
    server, monitor, url = harness.server(curve_server=True, curve_secretkey=server_secret)
    keys = dict(curve_serverkey=server_public, curve_publickey=client_public,
                curve_secretkey=client_secret)
    with caplog.at_level(logging.ERROR):
        harness.refused(server, monitor, url, **keys)
    assert "database down" in caplog.text
    assert authenticator.is_alive()
    authenticator.configure_curve(location=auth.CURVE_ALLOW_ANY)
    harness.accepted(server, monitor, url, **keys)


# ---- AsyncioAuthenticator ---------------------------------------------------------------


def _import_quietly(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return importlib.import_module(zmq.__name__ + name)


# IOLoopAuthenticator: the deprecated name for tornado users (tornado runs on asyncio).
@pytest.mark.parametrize("module, name", [(".auth.asyncio", "AsyncioAuthenticator"),
                                          (".auth.ioloop", "IOLoopAuthenticator")])
def test_asyncio_authenticator_plain(module, name):
    zmq_asyncio = importlib.import_module(zmq.__name__ + ".asyncio")
    authenticator_class = getattr(_import_quietly(module), name)

    async def scenario(ctx):
        authenticator = authenticator_class(ctx)
        authenticator.start()
        # The ZAP socket is a plain socket even on an asyncio context.
        assert not isinstance(authenticator.zap_socket, zmq_asyncio.Socket)
        if IS_CFFI:
            assert authenticator.is_running()
        authenticator.configure_plain(passwords={"admin": "s3cret"})
        server, good, bad = (ctx.socket(kind) for kind in (zmq.REP, zmq.REQ, zmq.REQ))
        server.plain_server = True
        port = server.bind_to_random_port("tcp://127.0.0.1")
        url = "tcp://127.0.0.1:%d" % port
        good.plain_username, good.plain_password = b"admin", b"s3cret"
        bad.plain_username, bad.plain_password = b"admin", b"guess"
        try:
            bad.connect(url)
            await bad.send(b"from bad")
            good.connect(url)
            await good.send(b"from good")
            # Only the right password gets through, within the timeout.
            assert await asyncio.wait_for(server.recv(), 2.0) == b"from good"
            await server.send(b"ok")
            assert await asyncio.wait_for(good.recv(), 2.0) == b"ok"
            assert await server.poll(300) == 0
            assert await bad.poll(100) == 0
        finally:
            authenticator.stop()
            for sock in (server, good, bad):
                sock.close(linger=0)
        assert authenticator.zap_socket is None
        if IS_CFFI:
            assert not authenticator.is_running()
        await asyncio.sleep(0.01)  # let the cancelled task finish cleanly

    ctx = zmq_asyncio.Context()
    try:
        asyncio.run(asyncio.wait_for(scenario(ctx), 10))
    finally:
        ctx.destroy(linger=0)


def test_importing_auth_ioloop_warns_that_it_is_deprecated():
    code = "import %s.auth.ioloop" % zmq.__name__
    proc = subprocess.run([sys.executable, "-W", "error::DeprecationWarning", "-c", code],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "DeprecationWarning" in proc.stderr and "AsyncioAuthenticator" in proc.stderr


@needs_curve
def test_asyncio_authenticator_curve_with_an_async_callback():
    zmq_asyncio = importlib.import_module(zmq.__name__ + ".asyncio")
    auth_asyncio = importlib.import_module(zmq.__name__ + ".auth.asyncio")
    server_public, server_secret = curve_keypair()
    client_public, client_secret = curve_keypair()

    class Provider:
        async def callback(self, domain, key):
            await asyncio.sleep(0.001)  # e.g. a database lookup
            return key == client_public

    async def scenario(ctx):
        authenticator = auth_asyncio.AsyncioAuthenticator(ctx)
        authenticator.start()
        authenticator.configure_curve_callback("*", Provider())
        server, client = ctx.socket(zmq.PULL), ctx.socket(zmq.PUSH)
        try:
            server.curve_server = True
            server.curve_secretkey = server_secret
            port = server.bind_to_random_port("tcp://127.0.0.1")
            client.curve_serverkey = server_public
            client.curve_publickey = client_public
            client.curve_secretkey = client_secret
            client.connect("tcp://127.0.0.1:%d" % port)
            await client.send(b"hello")
            frame = await asyncio.wait_for(server.recv(copy=False), 2.0)
            assert frame.bytes == b"hello"
            assert frame.get("User-Id") == client_public.decode("ascii")
        finally:
            authenticator.stop()
            server.close(linger=0)
            client.close(linger=0)
        await asyncio.sleep(0.01)

    ctx = zmq_asyncio.Context()
    try:
        asyncio.run(asyncio.wait_for(scenario(ctx), 10))
    finally:
        ctx.destroy(linger=0)
