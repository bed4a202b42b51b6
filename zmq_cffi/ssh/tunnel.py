"""ssh tunnels for ZeroMQ connections, as pyzmq's ``zmq.ssh.tunnel``.

A tunnel listens on ``127.0.0.1:lport`` on this machine and forwards every
connection, through an ssh server, to ``remoteip:rport`` as the ssh server
sees it -- what ``ssh -L 127.0.0.1:lport:remoteip:rport server`` does.
:func:`tunnel_connection` picks a free ``lport``, opens the tunnel and
connects a ZeroMQ socket to ``tcp://127.0.0.1:lport``.

Two ways to make the tunnel:

* **OpenSSH** (:func:`openssh_tunnel`, the default except on Windows): the
  ``ssh`` program runs ``sleep TIMEOUT`` on the server while it forwards the
  port, so the tunnel closes by itself once that time has passed and no
  forwarded connection is left.  The user's ssh configuration and agent
  apply.  If the configuration provides a running control master for the
  server (``ssh -O check`` succeeds), the forward is added to it instead.
  Key-based logins need nothing but ``ssh``; answering a password prompt
  needs the optional ``pexpect`` package.
* **paramiko** (:func:`paramiko_tunnel`, ``paramiko=True``): a child
  process logs in with the optional ``paramiko`` package and forwards the
  port until this process exits.

Neither pexpect nor paramiko is imported unless that path is taken; a
missing one raises ImportError naming it.

Differences from pyzmq 27.3, all deliberate:

* The openssh path runs ``ssh`` with an argument list (no string splitting,
  so key files and user names may contain spaces), first in BatchMode
  without a terminal; pexpect is needed only when ssh wants a password.
* :func:`openssh_tunnel` returns once the tunnel really accepts connections
  (pyzmq can return before, or give up after about one second with
  MaxRetryExceeded while ssh is still logging in and leave that ssh
  running).  It waits up to 30 seconds, then kills ssh.
* The pid it returns is that of the ssh process that holds the tunnel:
  killing it closes the tunnel.  pyzmq runs ``ssh -f`` and returns the pid
  of the parent that has already exited.
* ssh gets ``-o ExitOnForwardFailure=yes``, so a local port that cannot be
  bound is an error rather than a running ssh without a tunnel.
* :func:`try_passwordless_ssh` with OpenSSH returns True only for a login
  that worked (pyzmq also returns True when the connection fails), raises
  RuntimeError when ssh cannot reach the server, and leaves no background
  ssh behind.
* The paramiko tunnel process checks host keys like
  :func:`try_passwordless_ssh` does (known_hosts, rejecting unknown hosts
  unless ``PYZMQ_PARAMIKO_HOST_KEY_POLICY`` names another paramiko policy);
  pyzmq's tunnel process accepts any host key with a warning, which lets a
  man in the middle collect the password.
* :func:`open_tunnel` accepts ``tcp://[ipv6]:port`` and rejects other
  transports and out-of-range ports with ValueError.
"""
import atexit
import getpass
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from typing import TYPE_CHECKING, Any, Callable, List, Optional, Tuple, Union

if TYPE_CHECKING:  # pragma: no cover
    from multiprocessing import Process

__all__ = [
    "tunnel_connection",
    "ssh_tunnel",
    "openssh_tunnel",
    "paramiko_tunnel",
    "try_passwordless_ssh",
]

# How long ssh may take to log in and open the forward before we give up.
_STARTUP_TIMEOUT = 30.0
# How often a starting tunnel is checked.
_POLL_INTERVAL = 0.05
# Time allowed for the control-master commands (ssh -O check/forward/cancel).
_CONTROL_TIMEOUT = 10.0
# ssh asks for a password at most this often (its NumberOfPasswordPrompts).
_MAX_PASSWORD_ANSWERS = 3

# A password or passphrase prompt: a line naming it and ending with a colon.
_PASSWORD_PROMPT = re.compile(rb"pass(?:word|phrase)[^\r\n]*:\s*\Z", re.IGNORECASE)
_UNKNOWN_HOST_PROMPT = re.compile(rb"Are you sure you want to continue connecting")

_HOST_KEY_FAILED = "Host key verification failed"
_AUTH_FAILED = "Permission denied"


class MaxRetryExceeded(Exception):
    """ssh neither opened the tunnel nor failed within the allowed time."""


class _FallbackSSHException(Exception):
    """Raised for ssh host-key problems when paramiko is not installed."""


_FallbackSSHException.__name__ = _FallbackSSHException.__qualname__ = "SSHException"


class _PasswordNeeded(Exception):
    """The BatchMode attempt was refused: ssh wants a password."""


def _import_paramiko(purpose: str) -> Any:
    """paramiko, imported quietly; ImportError naming ``purpose`` if absent."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import paramiko
    except ImportError:
        if sys.platform == "win32":
            hint = "paramiko is required for ssh tunnels on Windows"
        else:
            hint = "or use OpenSSH (paramiko=False)"
        raise ImportError(
            "%s needs paramiko, which is not installed: pip install paramiko, %s"
            % (purpose, hint)
        ) from None
    return paramiko


def _ssh_exception_class() -> type:
    try:
        return _import_paramiko("SSHException").ssh_exception.SSHException
    except ImportError:
        return _FallbackSSHException


def __getattr__(name: str) -> Any:
    # ``SSHException`` is paramiko's class when paramiko is installed (as in
    # pyzmq), resolved on first use so that importing this module does not
    # import paramiko.
    if name == "SSHException":
        cls = _ssh_exception_class()
        globals()["SSHException"] = cls
        return cls
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


# ---------------------------------------------------------------------------
# Ports and addresses
# ---------------------------------------------------------------------------


def select_random_ports(n: int) -> List[int]:
    """Pick ``n`` distinct TCP ports that are free on every local interface.

    Parameters
    ----------
    n : int
        How many ports.

    Returns
    -------
    list of int
        The ports, all different.

    Notes
    -----
    Each port is found by binding a socket to port 0 on all interfaces; the
    sockets stay open until all ``n`` are bound (so the ports differ) and
    are then closed.  Another program may take a port before you use it.
    """
    held = []
    try:
        for _ in range(n):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            held.append(sock)
            sock.bind(("", 0))
        return [sock.getsockname()[1] for sock in held]
    finally:
        for sock in held:
            sock.close()


_HOST_PORT = re.compile(r"\A(?:\[(?P<v6>[^\[\]]+)\]|(?P<host>[^:\[\]/]+)):(?P<port>[0-9]+)\Z")


def _parse_tcp_url(url: str) -> Tuple[str, int]:
    """``(host, port)`` of a ``tcp://host:port`` or ``tcp://[v6]:port`` URL."""
    transport, sep, rest = url.partition("://")
    if not sep:
        raise ValueError("expected a URL like tcp://host:port, got %r" % (url,))
    if transport != "tcp":
        raise ValueError("only tcp:// addresses can be tunneled, got %r" % (url,))
    match = _HOST_PORT.match(rest)
    if match is None:
        raise ValueError("expected tcp://host:port, got %r" % (url,))
    port = int(match.group("port"))
    if not 0 < port < 65536:
        raise ValueError("port out of range in %r" % (url,))
    return match.group("v6") or match.group("host"), port


def _split_server(server: str) -> Tuple[Optional[str], str, Optional[int]]:
    """``(user or None, host, port or None)`` of ``[user@]host[:port]``.

    IPv6 hosts with a port are written ``[addr]:port``; a bare IPv6 address
    has no port.
    """
    user, _, hostport = server.rpartition("@")
    host, port = hostport, None
    if hostport.startswith("["):
        end = hostport.find("]")
        host, rest = hostport[1:end], hostport[end + 1:]
        if end < 0 or (rest and not re.fullmatch(r":[0-9]+", rest)):
            raise ValueError("bad ssh server %r" % (server,))
        port = int(rest[1:]) if rest else None
    elif hostport.count(":") == 1:
        host, _, digits = hostport.partition(":")
        if not digits.isdigit():
            raise ValueError("bad port in ssh server %r" % (server,))
        port = int(digits)
    if not host:
        raise ValueError("no host in ssh server %r" % (server,))
    return user or None, host, port


# ---------------------------------------------------------------------------
# OpenSSH
# ---------------------------------------------------------------------------


def _ssh_program() -> str:
    path = shutil.which("ssh")
    if path is None:
        raise FileNotFoundError("no ssh program on PATH: install OpenSSH, or use paramiko=True")
    return path


def _ssh_command(server: str, keyfile: Optional[str]) -> Tuple[List[str], str]:
    """The ssh program with its key and port options, and the destination."""
    user, host, port = _split_server(server)
    argv = [_ssh_program()]
    if keyfile:
        argv += ["-i", keyfile]
    if port is not None:
        argv += ["-p", str(port)]
    return argv, ("%s@%s" % (user, host) if user else host)


def _forward_spec(lport: int, remoteip: str, rport: int) -> str:
    if ":" in remoteip:
        remoteip = "[%s]" % remoteip
    return "127.0.0.1:%d:%s:%d" % (lport, remoteip, rport)


def _run_quiet(argv: List[str]) -> Optional["subprocess.CompletedProcess[bytes]"]:
    """Run a short ssh command without a terminal; None if it cannot run."""
    try:
        return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=_CONTROL_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return None


def _forward_through_master(base: List[str], dest: str, spec: str) -> Optional[int]:
    """Add the forward to a running control master; its pid, or None."""
    check = _run_quiet(base + ["-O", "check", dest])
    if check is None or check.returncode != 0:
        return None
    found = re.search(rb"pid=([0-9]+)", check.stdout + check.stderr)
    if found is None:
        return None
    added = _run_quiet(base + ["-O", "forward", "-L", spec, dest])
    if added is None or added.returncode != 0:
        return None
    atexit.register(_run_quiet, base + ["-O", "cancel", "-L", spec, dest])
    return int(found.group(1))


def _accepting(port: int) -> bool:
    """Whether something accepts TCP connections on 127.0.0.1:port."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0):
            return True
    except OSError:
        return False


def _ssh_failed(argv: List[str], status: Optional[int], output: str, interactive: bool) -> Exception:
    """The exception for an ssh that exited before the tunnel was up."""
    output = output.strip()
    if _HOST_KEY_FAILED in output:
        return _ssh_exception_class()(
            "ssh could not verify the host key of the server (add it to "
            "known_hosts first, e.g. by logging in once with ssh): %s" % output)
    if _AUTH_FAILED in output and not interactive:
        return _PasswordNeeded(output)
    return RuntimeError("ssh tunnel failed to start (exit status %s): %s\n%s"
                        % (status, shlex.join(argv), output))


def _wait_for_tunnel(lport: int, exited: Callable[[], bool], deadline: float) -> bool:
    """Poll until 127.0.0.1:lport accepts (True) or ssh exits (False)."""
    while True:
        if exited():
            return False
        if _accepting(lport):
            return not exited()
        if time.monotonic() > deadline:
            raise MaxRetryExceeded(
                "ssh opened no tunnel on port %d within %g s" % (lport, _STARTUP_TIMEOUT))
        time.sleep(_POLL_INTERVAL)


def _kill_process(proc: "subprocess.Popen[bytes]") -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def _start_batch_tunnel(argv: List[str], lport: int) -> int:
    """Run ``argv`` (a BatchMode ssh) and wait for the tunnel; its pid."""
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=errors, start_new_session=True)
        try:
            up = _wait_for_tunnel(lport, lambda: proc.poll() is not None,
                                  time.monotonic() + _STARTUP_TIMEOUT)
        except BaseException:
            _kill_process(proc)
            raise
        if up:
            # Reap ssh when it ends (its ``sleep`` is over and the forwarded
            # connections are closed, or someone killed it).
            threading.Thread(target=proc.wait, name="zmq_cffi.ssh reaper %d" % proc.pid,
                             daemon=True).start()
            return proc.pid
        proc.wait()
        errors.seek(0)
        output = errors.read().decode("utf-8", "replace")
    raise _ssh_failed(argv, proc.returncode, output, interactive=False)


def _import_pexpect(reason: str) -> Any:
    try:
        import pexpect
    except ImportError:
        raise ImportError(
            "ssh needs a password (it said: %s); answering its prompt needs pexpect, which is "
            "not installed: pip install pexpect, or set up a key-based login "
            "(keyfile=..., ssh-agent), or use paramiko=True" % reason.strip()
        ) from None
    return pexpect


def _drain(child: Any, eof: Any) -> None:
    """Read a pexpect child's output until it exits, then reap it."""
    try:
        child.expect(eof, timeout=None)
    except Exception:
        pass
    try:
        child.close()
    except Exception:
        pass


def _start_interactive_tunnel(argv: List[str], lport: int, server: str,
                              password: Optional[str], reason: str) -> int:
    """Run ``argv`` under pexpect, answering password prompts; its pid.

    ``reason`` is what ssh said when the login without a password failed.
    """
    pexpect = _import_pexpect(reason)
    env = dict(os.environ)
    # Make ssh prompt on its terminal (ours to answer), not in a GUI helper.
    env.pop("SSH_ASKPASS", None)
    env.pop("SSH_ASKPASS_REQUIRE", None)
    child = pexpect.spawn(argv[0], argv[1:], env=env)
    answers = 0
    try:
        deadline = time.monotonic() + _STARTUP_TIMEOUT
        while True:
            which = child.expect([_UNKNOWN_HOST_PROMPT, _PASSWORD_PROMPT, pexpect.EOF,
                                  pexpect.TIMEOUT], timeout=_POLL_INTERVAL)
            if which == 0:
                raise _ssh_exception_class()(
                    "the authenticity of host %s can't be established; add its key "
                    "to known_hosts first, e.g. by logging in once with ssh" % server)
            if which == 1:
                if answers >= _MAX_PASSWORD_ANSWERS:
                    raise RuntimeError("ssh kept asking %s for a password" % server)
                if answers:
                    print("Password rejected, try again", file=sys.stderr)
                    password = None
                if password is None:
                    password = getpass.getpass("%s's password: " % server)
                child.sendline(password)
                answers += 1
                deadline = time.monotonic() + _STARTUP_TIMEOUT
            elif which == 2:
                child.close()
                raise _ssh_failed(argv, child.exitstatus,
                                  (child.before or b"").decode("utf-8", "replace"),
                                  interactive=True)
            elif _accepting(lport) and child.isalive():
                break
            elif time.monotonic() > deadline:
                raise MaxRetryExceeded(
                    "ssh opened no tunnel on port %d within %g s" % (lport, _STARTUP_TIMEOUT))
    except BaseException:
        if child.isalive():
            child.terminate(force=True)
        raise
    threading.Thread(target=_drain, args=(child, pexpect.EOF),
                     name="zmq_cffi.ssh reader %d" % child.pid, daemon=True).start()
    return child.pid


def openssh_tunnel(
    lport: int,
    rport: int,
    server: str,
    remoteip: str = "127.0.0.1",
    keyfile: Optional[str] = None,
    password: Optional[str] = None,
    timeout: int = 60,
) -> int:
    """Forward ``127.0.0.1:lport`` here to ``remoteip:rport`` as seen from
    ``server``, with the OpenSSH client.

    If the ssh configuration gives ``server`` a running control master, the
    forward is added to it (and cancelled when this process exits).
    Otherwise ssh is started as::

        ssh [-i KEYFILE] [-p PORT] -S none -o ExitOnForwardFailure=yes
            -o BatchMode=yes -L 127.0.0.1:LPORT:REMOTEIP:RPORT [USER@]HOST
            sleep TIMEOUT

    and, if the server asks for a password, once more without BatchMode
    under pexpect, which answers the prompt.

    Parameters
    ----------
    lport : int
        Local port of the tunnel (listening on 127.0.0.1 only).
    rport : int
        Destination port.
    server : str
        The ssh server, ``[user@]host[:port]`` (``[ipv6]:port`` for an IPv6
        address with a port).
    remoteip : str, default "127.0.0.1"
        Destination host as ``server`` sees it; the default is the ssh
        server itself.
    keyfile : str, optional
        Private key file for the login; ssh's own defaults (agent, config,
        ``~/.ssh/id_*``) apply as well.
    password : str, optional
        Password to give if ssh asks for one; if ssh asks and none was given,
        it is read with :func:`getpass.getpass`.  Needs pexpect.
    timeout : int, default 60
        Seconds ssh stays up for a first connection.  After that it exits
        as soon as no forwarded connection is open, so idle tunnels do not
        linger.

    Returns
    -------
    int
        The pid of the ssh process holding the tunnel (of the control master
        when one was used).  The tunnel accepts connections when this
        returns.

    Raises
    ------
    ImportError
        ssh wants a password and pexpect is not installed.
    SSHException
        The server's host key is not known (ssh does not ask here).
    RuntimeError
        ssh failed (its messages are included), e.g. the server is
        unreachable, the login was refused or ``lport`` is taken.
    MaxRetryExceeded
        No tunnel after 30 seconds; ssh is killed.
    FileNotFoundError
        There is no ``ssh`` program on PATH.
    """
    base, dest = _ssh_command(server, keyfile)
    spec = _forward_spec(lport, remoteip, rport)
    master_pid = _forward_through_master(base, dest, spec)
    if master_pid is not None:
        return master_pid
    if _accepting(lport):
        raise RuntimeError("local port %d is already in use" % lport)
    options = base + ["-S", "none", "-o", "ExitOnForwardFailure=yes"]
    forward = ["-L", spec, dest, "sleep", str(timeout)]
    try:
        return _start_batch_tunnel(options + ["-o", "BatchMode=yes"] + forward, lport)
    except _PasswordNeeded as refused:
        reason = str(refused)
    return _start_interactive_tunnel(options + forward, lport, server, password, reason)


def _try_passwordless_openssh(server: str, keyfile: Optional[str]) -> bool:
    base, dest = _ssh_command(server, keyfile)
    argv = base + ["-o", "BatchMode=yes", dest, "exit"]
    try:
        result = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, timeout=_STARTUP_TIMEOUT,
                                start_new_session=True)
    except subprocess.TimeoutExpired:
        raise MaxRetryExceeded("no answer from ssh %s within %g s"
                               % (server, _STARTUP_TIMEOUT)) from None
    if result.returncode == 0:
        return True
    output = result.stderr.decode("utf-8", "replace").strip()
    if _HOST_KEY_FAILED in output:
        raise _ssh_failed(argv, result.returncode, output, interactive=False)
    if _AUTH_FAILED in output:
        return False
    if result.returncode == 255:  # ssh's own failure, not the remote command's
        raise RuntimeError("ssh %s failed (exit status 255): %s" % (server, output))
    return True


# ---------------------------------------------------------------------------
# paramiko
# ---------------------------------------------------------------------------


def _host_key_policy(paramiko: Any) -> Any:
    """The missing-host-key policy: RejectPolicy unless the environment
    variable PYZMQ_PARAMIKO_HOST_KEY_POLICY names another (``AutoAdd``,
    ``Warning``)."""
    name = os.environ.get("PYZMQ_PARAMIKO_HOST_KEY_POLICY")
    if not name:
        return paramiko.RejectPolicy()
    policy = getattr(paramiko, name + "Policy", None)
    if not (isinstance(policy, type) and issubclass(policy, paramiko.MissingHostKeyPolicy)):
        raise ValueError("PYZMQ_PARAMIKO_HOST_KEY_POLICY=%r names no paramiko policy" % name)
    return policy()


def _paramiko_connect(paramiko: Any, server: str, keyfile: Optional[str],
                      password: Optional[str]) -> Any:
    user, host, port = _split_server(server)
    client = paramiko.SSHClient()
    client.load_system_host_keys()
    client.set_missing_host_key_policy(_host_key_policy(paramiko))
    try:
        client.connect(host, port or 22, username=user or getpass.getuser(),
                       key_filename=keyfile, look_for_keys=True, password=password)
    except BaseException:
        client.close()
        raise
    return client


def _try_passwordless_paramiko(server: str, keyfile: Optional[str]) -> bool:
    paramiko = _import_paramiko("try_passwordless_ssh(paramiko=True)")
    try:
        client = _paramiko_connect(paramiko, server, keyfile, None)
    except paramiko.AuthenticationException:
        return False
    client.close()
    return True


def _paramiko_tunnel(
    lport: int,
    rport: int,
    server: str,
    remoteip: str,
    keyfile: Optional[str] = None,
    password: Optional[str] = None,
) -> None:
    """Body of the paramiko tunnel process (see :func:`paramiko_tunnel`)."""
    from zmq_cffi.ssh.forward import forward_tunnel

    paramiko = _import_paramiko("paramiko_tunnel")
    try:
        client = _paramiko_connect(paramiko, server, keyfile, password)
    except Exception as exc:
        print("zmq_cffi.ssh: cannot log in to %s: %r" % (server, exc), file=sys.stderr)
        sys.exit(1)
    # Ctrl-C in the terminal is meant for the parent, not for its tunnel.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forward_tunnel(lport, remoteip, rport, client.get_transport())
    except Exception as exc:
        print("zmq_cffi.ssh: forwarding to %s stopped: %r" % (server, exc), file=sys.stderr)
        sys.exit(255)


def paramiko_tunnel(
    lport: int,
    rport: int,
    server: str,
    remoteip: str = "127.0.0.1",
    keyfile: Optional[str] = None,
    password: Optional[str] = None,
    timeout: int = 60,
) -> "Process":
    """Forward ``127.0.0.1:lport`` here to ``remoteip:rport`` as seen from
    ``server``, with paramiko, in a child process.

    Meant for machines without an ``ssh`` program (Windows).  Parameters are
    those of :func:`openssh_tunnel`.  If ``password`` is None and a login
    without one fails, the password is read with :func:`getpass.getpass`
    before the process starts.  Host keys are checked against known_hosts
    and unknown hosts are rejected, unless the environment variable
    ``PYZMQ_PARAMIKO_HOST_KEY_POLICY`` names another paramiko policy
    (``AutoAdd``, ``Warning``); pyzmq's tunnel process accepts any key.

    Returns
    -------
    multiprocessing.Process
        The daemon process doing the forwarding: it lives until it is
        terminated or this process exits.  ``timeout`` is accepted for
        compatibility and not used.

    Raises
    ------
    ImportError
        paramiko is not installed.
    """
    paramiko = _import_paramiko("paramiko_tunnel")
    if password is None:
        try:
            client = _paramiko_connect(paramiko, server, keyfile, None)
        except paramiko.AuthenticationException:
            password = getpass.getpass("%s's password: " % server)
        else:
            client.close()
    from multiprocessing import Process

    proc = Process(target=_paramiko_tunnel, args=(lport, rport, server, remoteip),
                   kwargs={"keyfile": keyfile, "password": password}, daemon=True)
    proc.start()
    return proc


# ---------------------------------------------------------------------------
# The entry points
# ---------------------------------------------------------------------------


def _use_paramiko(paramiko: Optional[bool]) -> bool:
    return sys.platform == "win32" if paramiko is None else bool(paramiko)


def try_passwordless_ssh(server: str, keyfile: Optional[str], paramiko: Optional[bool] = None) -> bool:
    """Whether ``server`` accepts a login without a password.

    Useful to ask for a password once before opening several tunnels.

    Parameters
    ----------
    server : str
        ``[user@]host[:port]``.
    keyfile : str or None
        Private key file to try (ssh's defaults apply as well).
    paramiko : bool, optional
        Use paramiko instead of the ``ssh`` program; by default only on
        Windows.

    Returns
    -------
    bool
        True if the login worked without a password, False if the server
        refused it.

    Raises
    ------
    ImportError
        ``paramiko=True`` and paramiko is not installed.
    SSHException
        The server's host key is unknown.
    RuntimeError
        With OpenSSH: ssh could not reach or talk to the server.
    """
    if _use_paramiko(paramiko):
        return _try_passwordless_paramiko(server, keyfile)
    return _try_passwordless_openssh(server, keyfile)


def open_tunnel(
    addr: str,
    server: str,
    keyfile: Optional[str] = None,
    password: Optional[str] = None,
    paramiko: Optional[bool] = None,
    timeout: int = 60,
) -> Tuple[str, Union[int, "Process"]]:
    """Open a tunnel to a ZeroMQ TCP address through ``server``.

    Parameters
    ----------
    addr : str
        ``tcp://host:port`` (or ``tcp://[ipv6]:port``), as ``server`` sees it.
    server, keyfile, password, timeout
        As for :func:`openssh_tunnel`.
    paramiko : bool, optional
        Use :func:`paramiko_tunnel` instead of :func:`openssh_tunnel`; by
        default only on Windows.

    Returns
    -------
    (str, int or multiprocessing.Process)
        The local URL to connect to (``tcp://127.0.0.1:LPORT``, LPORT from
        :func:`select_random_ports`) and what the tunnel function returned.

    Raises
    ------
    ValueError
        ``addr`` is not a tcp:// address with a host and a port.
    """
    remoteip, rport = _parse_tcp_url(addr)
    lport = select_random_ports(1)[0]
    make = paramiko_tunnel if _use_paramiko(paramiko) else openssh_tunnel
    tunnel = make(lport, rport, server, remoteip=remoteip, keyfile=keyfile,
                  password=password, timeout=timeout)
    return "tcp://127.0.0.1:%d" % lport, tunnel


def tunnel_connection(
    socket: Any,
    addr: str,
    server: str,
    keyfile: Optional[str] = None,
    password: Optional[str] = None,
    paramiko: Optional[bool] = None,
    timeout: int = 60,
) -> Union[int, "Process"]:
    """Connect a ZeroMQ socket to ``addr`` through an ssh tunnel.

    The tunnel comes from :func:`open_tunnel`; the socket is then connected
    to its local end, ``tcp://127.0.0.1:LPORT``.

    Parameters
    ----------
    socket : Socket
        The ZeroMQ socket to connect.
    addr : str
        ``tcp://host:port`` as ``server`` sees it.
    server, keyfile, password, paramiko, timeout
        As for :func:`open_tunnel`.

    Returns
    -------
    int or multiprocessing.Process
        The tunnel: the ssh pid (OpenSSH) or the forwarding process
        (paramiko).
    """
    url, tunnel = open_tunnel(addr, server, keyfile=keyfile, password=password,
                              paramiko=paramiko, timeout=timeout)
    socket.connect(url)
    return tunnel


#: The default tunnel function of the platform: paramiko on Windows,
#: OpenSSH elsewhere.
ssh_tunnel = paramiko_tunnel if sys.platform == "win32" else openssh_tunnel
