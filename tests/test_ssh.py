"""zmq.ssh: ssh tunnels for ZeroMQ connections.

There is no ssh server here, so the OpenSSH path runs against a fake ``ssh``
program (a Python script first on PATH) that records its arguments and
forwards ``-L 127.0.0.1:lport:rhost:rport`` over plain TCP on 127.0.0.1.

pyzmq 27.3's OpenSSH path needs pexpect even for key-based logins, and
pexpect is not installed in the test environments, so every test that opens
an OpenSSH tunnel is ``cffi_only``.
"""
import importlib
import importlib.util
import inspect
import json
import os
import signal
import socket
import sys
import threading

import pytest

from _backend import zmq
from _util import set_timeouts, wait_until

ssh = importlib.import_module(zmq.__name__ + ".ssh")
tunnel = importlib.import_module(zmq.__name__ + ".ssh.tunnel")

FAKE_SSH = r'''#!@PYTHON@
"""A stand-in for OpenSSH's ssh: records argv, fakes -O, forwards -L locally."""
import json, os, re, socket, sys, threading, time

argv = sys.argv[1:]
with open(os.environ["FAKE_SSH_LOG"], "a") as log:
    log.write(json.dumps({"pid": os.getpid(), "argv": argv}) + "\n")

WITH_VALUE = set("BbcDEeFIiJLlmOopQRSW")
opts, i = [], 0
while i < len(argv) and argv[i].startswith("-") and len(argv[i]) > 1:
    flag = argv[i][1]
    if flag in WITH_VALUE:
        value = argv[i][2:] or argv[i + 1]
        i += 1 if argv[i][2:] else 2
    else:
        value, i = None, i + 1
    opts.append((flag, value))
host, command = argv[i], argv[i + 1:]
options = [v for f, v in opts if f == "o"]
batch = "BatchMode=yes" in options

def fail(message):
    sys.stderr.write(message + "\r\n")
    sys.stderr.flush()
    sys.exit(255)

control = [v for f, v in opts if f == "O"]
if control:
    master = os.environ.get("FAKE_SSH_MASTER")
    if not master:
        fail("Control socket connect(/nonexistent): No such file or directory")
    if control[0] == "check":
        sys.stderr.write("Master running (pid=%s)\r\n" % master)
    sys.exit(0)

time.sleep(float(os.environ.get("FAKE_SSH_DELAY", "0")))
mode = os.environ.get("FAKE_SSH_FAIL", "")
if mode == "refused":
    fail("ssh: connect to host %s port 22: Connection refused" % host)
if mode == "hostkey":
    fail("No ED25519 host key is known for %s and you have requested strict checking.\r\n"
         "Host key verification failed." % host)
if mode == "denied":
    if batch:
        fail("%s: Permission denied (publickey,password)." % host)
    with open("/dev/tty", "r+b", buffering=0) as tty:  # as ssh asks for a password
        for attempt in range(3):
            tty.write(b"%s's password: " % host.encode())
            if tty.readline().strip() == os.environ["FAKE_SSH_PASSWORD"].encode():
                break
            tty.write(b"Permission denied, please try again.\r\n")
        else:
            fail("%s: Permission denied (publickey,password)." % host)
if command == ["exit"]:
    sys.exit(0)

def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

def serve(listener, rhost, rport):
    while True:
        conn, _ = listener.accept()
        try:
            upstream = socket.create_connection((rhost, rport), timeout=5)
            upstream.settimeout(None)
        except OSError:
            conn.close()
            continue
        for a, b in ((conn, upstream), (upstream, conn)):
            threading.Thread(target=pump, args=(a, b), daemon=True).start()

for spec in [v for f, v in opts if f == "L"]:
    m = re.match(r"^(?:([^:\[\]]*|\[[^\]]*\]):)?(\d+):([^:\[\]]+|\[[^\]]*\]):(\d+)$", spec)
    bind, lport, rhost, rport = m.group(1) or "127.0.0.1", int(m.group(2)), m.group(3), int(m.group(4))
    listener = socket.socket()
    try:
        listener.bind((bind.strip("[]"), lport))
        listener.listen(16)
    except OSError as exc:
        msg = "bind [%s]:%d: %s" % (bind, lport, exc.strerror)
        if "ExitOnForwardFailure=yes" in options:
            fail(msg + "\r\nCould not request local forwarding.")
        sys.stderr.write(msg + "\r\n")
        continue
    threading.Thread(target=serve, args=(listener, rhost.strip("[]"), rport), daemon=True).start()

seconds = float(command[1]) if command[:1] == ["sleep"] else 30.0
time.sleep(min(seconds, 30.0))
os._exit(0)
'''

_FAKE_VARS = ("FAKE_SSH_MASTER", "FAKE_SSH_DELAY", "FAKE_SSH_FAIL", "FAKE_SSH_PASSWORD")


class FakeSSH:
    def __init__(self, script, log):
        self.script = str(script)
        self.log = log

    def calls(self):
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def argvs(self):
        return [call["argv"] for call in self.calls()]

    def is_ours(self, pid):
        """Whether ``pid`` is still a (not yet reaped) fake ssh process."""
        try:
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                return self.script.encode() in f.read()
        except OSError:
            return False

    def running(self):
        """Recorded fake ssh processes that are alive (not zombies)."""
        alive = []
        for call in self.calls():
            pid = call["pid"]
            try:
                with open("/proc/%d/stat" % pid) as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z" and self.is_ours(pid):
                alive.append(pid)
        return alive

    def kill_all(self):
        for pid in self.running():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        wait_until(lambda: not self.running(), timeout=5)


@pytest.fixture
def fake_ssh(tmp_path, monkeypatch):
    """A fake ``ssh`` first on PATH; every process it started is killed at
    teardown."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    script = bindir / "ssh"
    script.write_text(FAKE_SSH.replace("@PYTHON@", sys.executable))
    script.chmod(0o755)
    log = tmp_path / "ssh-calls.jsonl"
    monkeypatch.setenv("PATH", str(bindir) + os.pathsep + os.environ.get("PATH", ""))
    monkeypatch.setenv("FAKE_SSH_LOG", str(log))
    for var in _FAKE_VARS:
        monkeypatch.delenv(var, raising=False)
    fake = FakeSSH(script, log)
    yield fake
    fake.kill_all()


@pytest.fixture
def rep(ctx):
    """A REP socket bound on 127.0.0.1; returns (socket, port)."""
    sock = ctx.socket(zmq.REP)
    set_timeouts(sock)
    port = sock.bind_to_random_port("tcp://127.0.0.1")
    return sock, port


def _accepting(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def _reaped(pid):
    """True once ``pid`` no longer exists (exited and waited for)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _local_port(sock):
    endpoint = sock.getsockopt(zmq.LAST_ENDPOINT).decode()
    assert endpoint.startswith("tcp://127.0.0.1:")
    return int(endpoint.rsplit(":", 1)[1])


# ---------------------------------------------------------------------------
# Names, ports, addresses, missing paramiko (same behaviour as pyzmq)
# ---------------------------------------------------------------------------


def test_exported_names():
    star = {}
    exec("from %s.ssh import *" % zmq.__name__, star)
    names = {"tunnel_connection", "ssh_tunnel", "openssh_tunnel", "paramiko_tunnel",
             "try_passwordless_ssh"}
    assert set(tunnel.__all__) == names
    for name in names:
        assert star[name] is getattr(ssh, name) is getattr(tunnel, name)
    assert ssh.ssh_tunnel is ssh.openssh_tunnel  # not Windows
    assert callable(tunnel.select_random_ports)
    assert callable(tunnel.open_tunnel)
    assert issubclass(tunnel.MaxRetryExceeded, Exception)
    assert issubclass(tunnel.SSHException, Exception)


@pytest.mark.parametrize("name, params", [
    ("select_random_ports", [("n", inspect.Parameter.empty)]),
    ("try_passwordless_ssh", [("server", inspect.Parameter.empty),
                              ("keyfile", inspect.Parameter.empty), ("paramiko", None)]),
    ("tunnel_connection", [("socket", inspect.Parameter.empty), ("addr", inspect.Parameter.empty),
                           ("server", inspect.Parameter.empty), ("keyfile", None),
                           ("password", None), ("paramiko", None), ("timeout", 60)]),
    ("open_tunnel", [("addr", inspect.Parameter.empty), ("server", inspect.Parameter.empty),
                     ("keyfile", None), ("password", None), ("paramiko", None),
                     ("timeout", 60)]),
    ("openssh_tunnel", [("lport", inspect.Parameter.empty), ("rport", inspect.Parameter.empty),
                        ("server", inspect.Parameter.empty), ("remoteip", "127.0.0.1"),
                        ("keyfile", None), ("password", None), ("timeout", 60)]),
    ("paramiko_tunnel", [("lport", inspect.Parameter.empty), ("rport", inspect.Parameter.empty),
                         ("server", inspect.Parameter.empty), ("remoteip", "127.0.0.1"),
                         ("keyfile", None), ("password", None), ("timeout", 60)]),
])
def test_signatures(name, params):
    sig = inspect.signature(getattr(tunnel, name))
    assert [(p.name, p.default) for p in sig.parameters.values()] == params


def test_select_random_ports_distinct_and_free():
    ports = tunnel.select_random_ports(5)
    assert len(ports) == 5 and len(set(ports)) == 5
    held = []
    try:
        for port in ports:
            assert isinstance(port, int) and 0 < port < 65536
            sock = socket.socket()
            held.append(sock)
            sock.bind(("127.0.0.1", port))  # free: binding works
    finally:
        for sock in held:
            sock.close()
    assert tunnel.select_random_ports(0) == []


def test_paramiko_missing_is_a_clear_import_error(ctx):
    assert importlib.util.find_spec("paramiko") is None  # precondition of this suite
    with pytest.raises(ImportError, match="(?i)paramiko"):
        tunnel.paramiko_tunnel(12345, 5555, "alice@example.invalid")
    with pytest.raises(ImportError, match="(?i)paramiko"):
        tunnel.try_passwordless_ssh("alice@example.invalid", None, paramiko=True)
    with pytest.raises(ImportError, match="(?i)paramiko"):
        tunnel.open_tunnel("tcp://127.0.0.1:5555", "example.invalid", paramiko=True)
    req = ctx.socket(zmq.REQ)
    with pytest.raises(ImportError, match="(?i)paramiko"):
        tunnel.tunnel_connection(req, "tcp://127.0.0.1:5555", "example.invalid", paramiko=True)
    req.close()


@pytest.mark.parametrize("addr", [
    "127.0.0.1:5555",          # no scheme
    "tcp://127.0.0.1",         # no port
    "tcp://127.0.0.1:http",    # port not a number
    "tcp://",                  # nothing
])
def test_bad_address_is_value_error(addr):
    # Parsing comes before the tunnel function, so the paramiko path (no
    # paramiko here) shows whether the address was accepted.
    with pytest.raises(ValueError):
        tunnel.open_tunnel(addr, "example.invalid", paramiko=True)


@pytest.mark.parametrize("addr", ["tcp://127.0.0.1:5555", "tcp://db.example.invalid:1"])
def test_good_address_reaches_the_tunnel_function(addr):
    with pytest.raises(ImportError):
        tunnel.open_tunnel(addr, "example.invalid", paramiko=True)


@pytest.mark.cffi_only  # pyzmq ignores the transport, rejects IPv6, and accepts any port number
@pytest.mark.parametrize("addr", [
    "ipc:///tmp/sock", "ipc://host:5", "inproc://x:1", "tcp://127.0.0.1:0",
    "tcp://127.0.0.1:70000", "tcp://::1:5555", "tcp://[::1]", "tcp://h:1:2",
])
def test_more_bad_addresses(addr):
    with pytest.raises(ValueError):
        tunnel.open_tunnel(addr, "example.invalid", paramiko=True)


# ---------------------------------------------------------------------------
# The OpenSSH path, end to end through the fake ssh
# ---------------------------------------------------------------------------


@pytest.mark.cffi_only  # pyzmq 27.3's OpenSSH path needs pexpect (not installed)
def test_tunnel_connection_exchanges_messages(ctx, rep, fake_ssh, tmp_path):
    server, rport = rep
    keyfile = str(tmp_path / "my key")  # a space: one argument, not two
    req = ctx.socket(zmq.REQ)
    set_timeouts(req)
    pid = tunnel.tunnel_connection(req, "tcp://127.0.0.1:%d" % rport,
                                   "alice@gateway.example:2222", keyfile=keyfile, timeout=20)
    lport = _local_port(req)
    assert lport != rport
    for i in range(3):
        req.send(b"ping %d" % i)
        assert server.recv() == b"ping %d" % i
        server.send(b"pong %d" % i)
        assert req.recv() == b"pong %d" % i
    calls = fake_ssh.calls()
    assert len(calls) == 2
    check, forward = calls[0]["argv"], calls[1]["argv"]
    assert check == ["-i", keyfile, "-p", "2222", "-O", "check", "alice@gateway.example"]
    assert forward == [
        "-i", keyfile, "-p", "2222", "-S", "none", "-o", "ExitOnForwardFailure=yes",
        "-o", "BatchMode=yes", "-L", "127.0.0.1:%d:127.0.0.1:%d" % (lport, rport),
        "alice@gateway.example", "sleep", "20",
    ]
    assert "-f" not in forward
    # The pid returned is that of the ssh process holding the tunnel.
    assert pid == calls[1]["pid"]
    assert fake_ssh.running() == [pid]
    req.close()


@pytest.mark.cffi_only  # pyzmq 27.3's OpenSSH path needs pexpect (not installed)
def test_open_tunnel_returns_when_the_tunnel_accepts(rep, fake_ssh, monkeypatch):
    _, rport = rep
    monkeypatch.setenv("FAKE_SSH_DELAY", "0.5")  # a slow login
    url, pid = tunnel.open_tunnel("tcp://127.0.0.1:%d" % rport, "gateway.example")
    assert url.startswith("tcp://127.0.0.1:")
    lport = int(url.rsplit(":", 1)[1])
    assert isinstance(pid, int)
    # Connectable at once, without retrying.
    with socket.create_connection(("127.0.0.1", lport), timeout=2):
        pass
    assert fake_ssh.argvs()[1][-4:] == ["127.0.0.1:%d:127.0.0.1:%d" % (lport, rport),
                                        "gateway.example", "sleep", "60"]


@pytest.mark.cffi_only  # pyzmq 27.3 returns the pid of an ssh -f parent that has exited
def test_killing_the_pid_closes_the_tunnel(rep, fake_ssh):
    _, rport = rep
    lport = tunnel.select_random_ports(1)[0]
    pid = tunnel.openssh_tunnel(lport, rport, "gateway.example")
    assert _accepting(lport)
    os.kill(pid, signal.SIGTERM)
    assert wait_until(lambda: _reaped(pid), timeout=5)  # and nobody leaves a zombie
    assert not _accepting(lport)


@pytest.mark.cffi_only  # pyzmq 27.3's OpenSSH path needs pexpect (not installed)
def test_tunnel_ends_after_timeout_and_is_reaped(rep, fake_ssh):
    _, rport = rep
    lport = tunnel.select_random_ports(1)[0]
    pid = tunnel.openssh_tunnel(lport, rport, "gateway.example", timeout=1)
    assert fake_ssh.argvs()[-1][-2:] == ["sleep", "1"]
    assert not _reaped(pid)
    assert wait_until(lambda: _reaped(pid), timeout=10)


@pytest.mark.cffi_only  # pyzmq 27.3's OpenSSH path needs pexpect (not installed)
def test_remote_ip_and_ipv6_forward_spec(fake_ssh):
    lport = tunnel.select_random_ports(1)[0]
    tunnel.openssh_tunnel(lport, 6000, "[::1]:2200", remoteip="10.1.2.3", timeout=5)
    assert fake_ssh.argvs()[-1] == [
        "-p", "2200", "-S", "none", "-o", "ExitOnForwardFailure=yes", "-o", "BatchMode=yes",
        "-L", "127.0.0.1:%d:10.1.2.3:6000" % lport, "::1", "sleep", "5"]
    fake_ssh.kill_all()
    url, _ = tunnel.open_tunnel("tcp://[::1]:7000", "gateway.example", timeout=5)
    lport = int(url.rsplit(":", 1)[1])
    assert "127.0.0.1:%d:[::1]:7000" % lport in fake_ssh.argvs()[-1]


@pytest.mark.cffi_only  # pyzmq 27.3's OpenSSH path needs pexpect (not installed)
def test_ssh_failure_is_runtime_error(rep, fake_ssh, monkeypatch):
    _, rport = rep
    monkeypatch.setenv("FAKE_SSH_FAIL", "refused")
    with pytest.raises(RuntimeError, match="Connection refused"):
        tunnel.open_tunnel("tcp://127.0.0.1:%d" % rport, "gateway.example")
    assert len(fake_ssh.calls()) == 2
    assert fake_ssh.running() == []


@pytest.mark.cffi_only  # ExitOnForwardFailure is not passed by pyzmq 27.3
def test_local_port_taken(rep, fake_ssh):
    _, rport = rep
    squatter = socket.socket()
    try:
        squatter.bind(("127.0.0.1", 0))  # bound, not listening: only ssh's bind fails
        lport = squatter.getsockname()[1]
        with pytest.raises(RuntimeError, match="Address already in use"):
            tunnel.openssh_tunnel(lport, rport, "gateway.example")
        squatter.listen(1)  # listening: seen before ssh is even started
        with pytest.raises(RuntimeError, match="already in use"):
            tunnel.openssh_tunnel(lport, rport, "gateway.example")
    finally:
        squatter.close()
    assert len(fake_ssh.calls()) == 3  # check + failed tunnel, then check only
    assert fake_ssh.running() == []


@pytest.mark.cffi_only  # pyzmq 27.3 needs pexpect to see the host-key prompt
def test_unknown_host_key_is_ssh_exception(fake_ssh, monkeypatch):
    monkeypatch.setenv("FAKE_SSH_FAIL", "hostkey")
    with pytest.raises(tunnel.SSHException, match="Host key verification failed"):
        tunnel.openssh_tunnel(tunnel.select_random_ports(1)[0], 5555, "gateway.example")
    assert fake_ssh.running() == []


@pytest.mark.cffi_only  # pyzmq 27.3 needs pexpect for every OpenSSH login
def test_password_prompt_needs_pexpect(fake_ssh, monkeypatch):
    monkeypatch.setitem(sys.modules, "pexpect", None)  # as if not installed
    monkeypatch.setenv("FAKE_SSH_FAIL", "denied")
    with pytest.raises(ImportError, match="pexpect") as info:
        tunnel.openssh_tunnel(tunnel.select_random_ports(1)[0], 5555, "gateway.example",
                              password="secret")
    assert "Permission denied" in str(info.value)
    assert "-o" in fake_ssh.argvs()[-1] and "BatchMode=yes" in fake_ssh.argvs()[-1]
    assert fake_ssh.running() == []


@pytest.mark.cffi_only  # pyzmq 27.3 times out after ~1 s and leaves ssh running
def test_startup_timeout_kills_ssh(fake_ssh, monkeypatch):
    monkeypatch.setattr(tunnel, "_STARTUP_TIMEOUT", 0.5)
    monkeypatch.setenv("FAKE_SSH_DELAY", "20")  # never logs in in time
    with pytest.raises(tunnel.MaxRetryExceeded):
        tunnel.openssh_tunnel(tunnel.select_random_ports(1)[0], 5555, "gateway.example")
    pid = fake_ssh.calls()[-1]["pid"]
    assert _reaped(pid)


@pytest.mark.cffi_only  # pyzmq 27.3's OpenSSH path needs pexpect (not installed)
def test_control_master_is_used(fake_ssh, monkeypatch):
    monkeypatch.setenv("FAKE_SSH_MASTER", "4242")
    at_exit = []
    monkeypatch.setattr("atexit.register", lambda func, *args: at_exit.append((func, args)))
    pid = tunnel.openssh_tunnel(40000, 5555, "bob@gateway.example", remoteip="10.0.0.7")
    assert pid == 4242
    spec = "127.0.0.1:40000:10.0.0.7:5555"
    assert fake_ssh.argvs() == [
        ["-O", "check", "bob@gateway.example"],
        ["-O", "forward", "-L", spec, "bob@gateway.example"],
    ]
    assert len(at_exit) == 1
    func, args = at_exit[0]
    func(*args)  # what runs when the process exits: cancel the forward
    assert fake_ssh.argvs()[-1] == ["-O", "cancel", "-L", spec, "bob@gateway.example"]


@pytest.mark.cffi_only  # pyzmq 27.3 needs pexpect here and returns True on any failure
@pytest.mark.parametrize("mode, expected", [
    ("", True), ("denied", False), ("refused", RuntimeError), ("hostkey", "SSHException"),
])
def test_try_passwordless_openssh(fake_ssh, monkeypatch, mode, expected):
    monkeypatch.setenv("FAKE_SSH_FAIL", mode)
    if expected is RuntimeError:
        with pytest.raises(RuntimeError, match="Connection refused"):
            tunnel.try_passwordless_ssh("carol@gateway.example:2022", "/keys/id", paramiko=False)
    elif expected == "SSHException":
        with pytest.raises(tunnel.SSHException):
            tunnel.try_passwordless_ssh("carol@gateway.example:2022", "/keys/id", paramiko=False)
    else:
        assert tunnel.try_passwordless_ssh(
            "carol@gateway.example:2022", "/keys/id", paramiko=False) is expected
    assert fake_ssh.argvs() == [["-i", "/keys/id", "-p", "2022", "-o", "BatchMode=yes",
                                 "carol@gateway.example", "exit"]]
    assert fake_ssh.running() == []


# ---------------------------------------------------------------------------
# The paramiko forwarder, with a transport whose channels are TCP sockets
# ---------------------------------------------------------------------------


class _SocketTransport:
    """Stands in for paramiko.Transport: a 'channel' is a TCP connection."""

    def __init__(self, reject=False):
        self.reject = reject
        self.opened = []

    def open_channel(self, kind, dest, origin):
        self.opened.append((kind, dest))
        if self.reject:
            return None
        return socket.create_connection(dest, timeout=5)


@pytest.fixture
def forward_server():
    forward = importlib.import_module(zmq.__name__ + ".ssh.forward")
    started = []

    def start(rport, transport):
        server = forward.ForwardServer(0, "127.0.0.1", rport, transport)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                  daemon=True)
        thread.start()
        started.append((server, thread))
        return server.server_address[1]

    yield start
    for server, thread in started:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.cffi_only  # pyzmq's ForwardServer is built differently (handler class argument)
def test_forward_server_relays_zmq(ctx, rep, forward_server):
    server, rport = rep
    transport = _SocketTransport()
    lport = forward_server(rport, transport)
    req = ctx.socket(zmq.REQ)
    set_timeouts(req)
    req.connect("tcp://127.0.0.1:%d" % lport)
    payload = os.urandom(200000)  # larger than one relay chunk
    req.send(payload)
    assert server.recv() == payload
    server.send(b"ok")
    assert req.recv() == b"ok"
    assert transport.opened[0] == ("direct-tcpip", ("127.0.0.1", rport))
    req.close()


@pytest.mark.cffi_only  # pyzmq's ForwardServer is built differently (handler class argument)
def test_forward_server_rejected_channel_closes_connection(forward_server):
    transport = _SocketTransport(reject=True)
    lport = forward_server(1, transport)
    with socket.create_connection(("127.0.0.1", lport), timeout=5) as conn:
        conn.settimeout(5)
        assert conn.recv(10) == b""
    assert transport.opened == [("direct-tcpip", ("127.0.0.1", 1))]


def test_forward_tunnel_exists():
    forward = importlib.import_module(zmq.__name__ + ".ssh.forward")
    assert forward.__all__ == ["forward_tunnel"]
    params = list(inspect.signature(forward.forward_tunnel).parameters)
    assert params == ["local_port", "remote_host", "remote_port", "transport"]
