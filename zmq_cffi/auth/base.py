"""The ZAP handler: the policy that accepts or refuses incoming connections.

libzmq asks a ZAP handler (ZeroMQ RFC 27) about every PLAIN, CURVE or GSSAPI
handshake, and about NULL handshakes on sockets with a ``ZAP_DOMAIN``.  It
sends the request to a REP socket bound at ``inproc://zeromq.zap.01`` in the
same context and waits for the reply.  :class:`Authenticator` owns that
socket and holds the policy (addresses, passwords, client keys); it does not
read the socket by itself: :class:`zmq_cffi.auth.thread.ThreadAuthenticator`
and :class:`zmq_cffi.auth.asyncio.AsyncioAuthenticator` run the loop that
hands each request to :meth:`Authenticator.handle_zap_message`.
"""
import inspect
import logging
import os
from typing import Any, Dict, List, Optional, Set, Tuple, Union

from zmq_cffi.constants import SocketType
from zmq_cffi.context import Context
from zmq_cffi.error import ZMQError
from zmq_cffi.socket import Socket
from zmq_cffi.utils import z85

from zmq_cffi.auth.certs import load_certificates

__all__ = ["Authenticator", "CURVE_ALLOW_ANY"]

#: Give this as ``location`` to :meth:`Authenticator.configure_curve` to
#: accept every CURVE client key.
CURVE_ALLOW_ANY = "*"

#: The ZAP protocol version this handler speaks (RFC 27).
VERSION = b"1.0"

#: Where libzmq looks for the ZAP handler (fixed by RFC 27).
ZAP_ENDPOINT = "inproc://zeromq.zap.01"

# Frames before the mechanism's credentials in a ZAP request.
_REQUEST_HEADER_FRAMES = 6


class Authenticator:
    """ZAP authentication policy for the sockets of one Context.

    Without any policy, NULL connections are accepted (ZeroMQ's default) and
    PLAIN and CURVE connections are refused.  Configure with :meth:`allow`
    or :meth:`deny` (by IP address), :meth:`configure_plain`,
    :meth:`configure_curve` or :meth:`configure_curve_callback`.

    This class only answers requests it is given: call :meth:`start`, then
    feed each message received on :attr:`zap_socket` to
    :meth:`handle_zap_message`, or use one of the subclasses that do it in
    the background (``ThreadAuthenticator``, ``AsyncioAuthenticator``).

    Parameters
    ----------
    context : Context, optional
        The context whose sockets are authenticated (default: the shared
        ``Context.instance()``).  libzmq allows one handler per context.
    encoding : str, optional
        How the text frames of requests (domain, address, username,
        password) are decoded, and user ids encoded.
    log : logging.Logger, optional
        Where decisions are logged (default: the ``zmq_cffi.auth`` logger).
    """

    context: Context[Any]
    encoding: str
    allow_any: bool
    credentials_providers: Dict[str, Any]
    zap_socket: Optional[Socket[Any]]
    passwords: Dict[str, Dict[str, str]]
    certs: Dict[str, Dict[bytes, Any]]
    log: Any

    def __init__(self, context: Optional[Context[Any]] = None, encoding: str = "utf-8",
                 log: Any = None) -> None:
        self.context = context or Context.instance()
        self.encoding = encoding
        self.allow_any = False
        self.credentials_providers = {}
        self.zap_socket = None
        self._allowed: Set[str] = set()
        self._denied: Set[str] = set()
        # domain -> {username: password}
        self.passwords = {}
        # domain -> {Z85 public key: True}, from the certificate directories
        self.certs = {}
        self.log = log or logging.getLogger("zmq_cffi.auth")

    # ---- life cycle ------------------------------------------------------------

    def start(self) -> None:
        """Bind the ZAP socket, so libzmq starts sending requests to it.

        Raises
        ------
        ZMQError
            EADDRINUSE if the context already has a ZAP handler.
        """
        # Always a plain blocking Socket, even on an asyncio Context: the
        # loops that read it poll first and never wait on it themselves.
        zap_socket = self.context.socket(SocketType.REP, socket_class=Socket)
        zap_socket.linger = 1
        try:
            zap_socket.bind(ZAP_ENDPOINT)
        except BaseException:
            zap_socket.close(linger=0)
            raise
        self.zap_socket = zap_socket
        self.log.debug("ZAP handler started on %s", ZAP_ENDPOINT)

    def stop(self) -> None:
        """Close the ZAP socket; handshakes needing ZAP then fail (or, for
        sockets without ZAP_ENFORCE_DOMAIN, go through unchecked: libzmq's rule)."""
        zap_socket = self.zap_socket
        self.zap_socket = None
        if zap_socket is not None and not zap_socket.closed:
            # Unbind first: libzmq frees an inproc name at once on unbind but
            # only later (in its reaper thread) on close, and a new handler
            # started right after this must be able to bind it.
            try:
                zap_socket.unbind(ZAP_ENDPOINT)
            except ZMQError:
                pass
            zap_socket.close()
        self.log.debug("ZAP handler stopped")

    def is_running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self.zap_socket is not None and not self.zap_socket.closed

    # ---- policy ------------------------------------------------------------------

    def allow(self, *addresses: str) -> None:
        """Accept connections only from these IP addresses (an allow list).

        NULL connections from them are accepted; PLAIN and CURVE ones still
        have to authenticate.  Every other address is refused.  Cannot be
        combined with :meth:`deny`.
        """
        if self._denied:
            raise ValueError("allow() and deny() exclude each other: addresses are "
                             "already denied (%s)" % ", ".join(sorted(self._denied)))
        self.log.debug("Allowing %s", ", ".join(addresses))
        self._allowed.update(addresses)

    def deny(self, *addresses: str) -> None:
        """Refuse connections from these IP addresses (a deny list).

        Other addresses go on to authenticate.  Cannot be combined with
        :meth:`allow`.
        """
        if self._allowed:
            raise ValueError("allow() and deny() exclude each other: addresses are "
                             "already allowed (%s)" % ", ".join(sorted(self._allowed)))
        self.log.debug("Denying %s", ", ".join(addresses))
        self._denied.update(addresses)

    def configure_plain(self, domain: str = "*", passwords: Optional[Dict[str, str]] = None) -> None:
        """Set the PLAIN usernames and passwords of a ZAP domain.

        Parameters
        ----------
        domain : str, optional
            The ZAP domain; ``"*"`` (default) also serves sockets without one.
        passwords : dict, optional
            ``{username: password}``.  An empty or missing dict leaves the
            domain as it was.
        """
        if passwords:
            self.passwords[domain] = passwords
        self.log.debug("PLAIN configured for domain %r", domain)

    def configure_curve(self, domain: str = "*",
                        location: Union[str, "os.PathLike[str]"] = ".") -> None:
        """Accept the CURVE clients whose public certificates are in a directory.

        Call it again after adding or removing certificates: the directory is
        read only here.

        Parameters
        ----------
        domain : str, optional
            The ZAP domain; ``"*"`` (default) also serves sockets without one.
        location : str or path, optional
            The directory of ``*.key`` certificate files, or
            :data:`CURVE_ALLOW_ANY` to accept every client key.
        """
        self.log.debug("CURVE configured for domain %r from %s", domain, location)
        if location == CURVE_ALLOW_ANY:
            self.allow_any = True
            return
        self.allow_any = False
        try:
            self.certs[domain] = load_certificates(location)
        except Exception as exc:
            # Like pyzmq: a bad directory leaves the domain unconfigured (so its
            # clients are refused) instead of failing the caller.
            self.log.error("Could not load CURVE certificates from %s: %s", location, exc)

    def configure_curve_callback(self, domain: str = "*", credentials_provider: Any = None) -> None:
        """Let an object decide on CURVE client keys of a domain.

        Parameters
        ----------
        domain : str, optional
            The ZAP domain; ``"*"`` (default) also serves sockets without one.
        credentials_provider : object
            Has ``callback(domain, z85_client_key) -> bool`` (the key is
            Z85 bytes); the callback may also be a coroutine function.
        """
        self.allow_any = False
        if credentials_provider is None:
            self.log.error("No credentials provider given for domain %r", domain)
            return
        self.credentials_providers[domain] = credentials_provider

    def configure_gssapi(self, domain: str = "*", location: Optional[str] = None) -> None:
        """Configure GSSAPI (nothing to set: the GSSAPI exchange itself,
        done by libzmq and Kerberos, is the authentication)."""

    def curve_user_id(self, client_public_key: bytes) -> str:
        """The User-Id reported for an accepted CURVE client.

        Override to map keys to user names; the default is the Z85 text of
        the 32-byte public key.
        """
        return z85.encode(client_public_key).decode("ascii")

    # ---- requests ------------------------------------------------------------------

    async def handle_zap_message(self, msg: List[bytes]) -> None:
        """Answer one ZAP request (the frames received on :attr:`zap_socket`).

        A coroutine, because credentials providers may be asynchronous;
        ``ThreadAuthenticator`` runs it on its own event loop.
        """
        if len(msg) < _REQUEST_HEADER_FRAMES:
            self.log.error("Invalid ZAP request: %i frames, expected at least %i: %r",
                           len(msg), _REQUEST_HEADER_FRAMES, msg)
            if len(msg) >= 2:
                self._send_zap_reply(msg[1], b"400", b"Not enough frames")
            else:
                self.log.error("The ZAP request has no request id to reply to")
            return
        version, request_id, raw_domain, raw_address, identity, mechanism = msg[:_REQUEST_HEADER_FRAMES]
        credentials = msg[_REQUEST_HEADER_FRAMES:]
        if version != VERSION:
            self.log.error("Unsupported ZAP version %r in %r", version, msg)
            self._send_zap_reply(request_id, b"400", b"Invalid version")
            return
        domain = raw_domain.decode(self.encoding, "replace")
        address = raw_address.decode(self.encoding, "replace")
        self.log.debug("ZAP request: id=%r domain=%r address=%r identity=%r mechanism=%r",
                       request_id, domain, address, identity, mechanism)

        allowed, denied, reason = self._check_address(address)
        user_id = "anonymous"
        if not denied:
            if mechanism == b"NULL":
                # NULL has nothing more to check: any address not refused passes.
                allowed = True
            elif mechanism == b"PLAIN":
                # Even an allowed address must give a valid password.
                if len(credentials) != 2:
                    self.log.error("Invalid PLAIN credentials: %r", credentials)
                    self._send_zap_reply(request_id, b"400", b"Invalid credentials")
                    return
                username, password = (part.decode(self.encoding, "replace") for part in credentials)
                allowed, reason = self._authenticate_plain(domain, username, password)
                user_id = username
            elif mechanism == b"CURVE":
                if len(credentials) != 1:
                    self.log.error("Invalid CURVE credentials: %r", credentials)
                    self._send_zap_reply(request_id, b"400", b"Invalid credentials")
                    return
                allowed, reason = await self._authenticate_curve(domain, credentials[0])
                if allowed:
                    user_id = self.curve_user_id(credentials[0])
            elif mechanism == b"GSSAPI":
                if len(credentials) != 1:
                    self.log.error("Invalid GSSAPI credentials: %r", credentials)
                    self._send_zap_reply(request_id, b"400", b"Invalid credentials")
                    return
                # The principal, established by GSSAPI itself, names the user.
                user_id = credentials[0].decode("utf-8", "replace")
                allowed, reason = self._authenticate_gssapi(domain, credentials[0])
            else:
                allowed, reason = False, b"Unknown mechanism"
        if allowed:
            self._send_zap_reply(request_id, b"200", b"OK", user_id)
        else:
            self._send_zap_reply(request_id, b"400", reason)

    def _check_address(self, address: str) -> Tuple[bool, bool, bytes]:
        """Apply the allow or deny list: (explicitly allowed, denied, reason)."""
        if self._allowed:
            if address in self._allowed:
                self.log.debug("PASSED (allowed) address=%s", address)
                return True, False, b"NO ACCESS"
            self.log.debug("DENIED (not allowed) address=%s", address)
            return False, True, b"Address not allowed"
        if self._denied:
            if address in self._denied:
                self.log.debug("DENIED (denied) address=%s", address)
                return False, True, b"Address denied"
            self.log.debug("PASSED (not denied) address=%s", address)
            return True, False, b"NO ACCESS"
        return False, False, b"NO ACCESS"

    def _authenticate_plain(self, domain: str, username: str, password: str) -> Tuple[bool, bytes]:
        """Check a PLAIN username and password: (accepted, reason)."""
        if not self.passwords:
            self.log.debug("DENIED (PLAIN): no passwords are configured")
            return False, b"No passwords defined"
        domain = domain or "*"  # sockets without ZAP_DOMAIN use the default domain
        users = self.passwords.get(domain)
        if users is None:
            reason = b"Invalid domain"
        elif username not in users:
            reason = b"Invalid username"
        elif users[username] != password:
            reason = b"Invalid password"
        else:
            # Never log the password itself.
            self.log.debug("ALLOWED (PLAIN) domain=%s username=%s", domain, username)
            return True, b"OK"
        self.log.debug("DENIED (PLAIN) domain=%s username=%s: %s", domain, username,
                       reason.decode("ascii"))
        return False, reason

    async def _authenticate_curve(self, domain: str, client_key: bytes) -> Tuple[bool, bytes]:
        """Check a CURVE client's 32-byte public key: (accepted, reason)."""
        if self.allow_any:
            self.log.debug("ALLOWED (CURVE): any client key is accepted")
            return True, b"OK"
        domain = domain or "*"
        z85_key = z85.encode(client_key)
        if self.credentials_providers:
            provider = self.credentials_providers.get(domain)
            if provider is None:
                self.log.debug("DENIED (CURVE callback): unknown domain %s", domain)
                return False, b"Unknown domain"
            verdict = provider.callback(domain, z85_key)
            if inspect.isawaitable(verdict):
                verdict = await verdict
            allowed = bool(verdict)
            self.log.debug("%s (CURVE callback) domain=%s client_key=%s",
                           "ALLOWED" if allowed else "DENIED", domain, z85_key)
            return (True, b"OK") if allowed else (False, b"Unknown key")
        keys = self.certs.get(domain)
        if keys is None:
            self.log.debug("DENIED (CURVE): unknown domain %s", domain)
            return False, b"Unknown domain"
        allowed = bool(keys.get(z85_key))
        self.log.debug("%s (CURVE) domain=%s client_key=%s",
                       "ALLOWED" if allowed else "DENIED", domain, z85_key)
        return (True, b"OK") if allowed else (False, b"Unknown key")

    def _authenticate_gssapi(self, domain: str, principal: bytes) -> Tuple[bool, bytes]:
        """Accept GSSAPI clients: the GSSAPI handshake has authenticated them."""
        self.log.debug("ALLOWED (GSSAPI) domain=%s principal=%r", domain, principal)
        return True, b"OK"

    def zap_reply(self, request_id: bytes, status_code: bytes, status_text: bytes,
                  user_id: Union[str, bytes] = "anonymous") -> None:
        """Send a ZAP reply on :attr:`zap_socket` (public name of :meth:`_send_zap_reply`).

        Parameters
        ----------
        request_id : bytes
            The request's id, echoed back.
        status_code : bytes
            ``b"200"`` (accepted), ``b"300"`` (try later), ``b"400"``
            (refused) or ``b"500"`` (handler error).
        status_text : bytes
            A short explanation.
        user_id : str or bytes, optional
            The authenticated user, sent only with 200.
        """
        self._send_zap_reply(request_id, status_code, status_text, user_id)

    def _send_zap_reply(self, request_id: bytes, status_code: bytes, status_text: bytes,
                        user_id: Union[str, bytes] = "anonymous") -> None:
        if status_code != b"200":
            user_id = b""
        elif isinstance(user_id, str):
            user_id = user_id.encode(self.encoding, "replace")
        metadata = b""  # no ZAP metadata is sent
        self.log.debug("ZAP reply: %s %s", status_code.decode("ascii", "replace"),
                       status_text.decode("ascii", "replace"))
        if self.zap_socket is None:
            raise RuntimeError("the Authenticator is not started: no ZAP socket to reply on")
        self.zap_socket.send_multipart([VERSION, request_id, status_code, status_text, user_id, metadata])

    async def _handle_zap_safely(self, msg: List[bytes]) -> None:
        """Run :meth:`handle_zap_message`, turning its failure into a 500 reply.

        Without a reply libzmq would wait for ever on that handshake, and the
        REP socket would refuse the next request; so the loops of the
        subclasses use this and keep serving after a failing callback.
        """
        try:
            await self.handle_zap_message(msg)
        except Exception:
            self.log.exception("The ZAP handler failed on %r", msg)
            if len(msg) >= 2 and self.zap_socket is not None:
                try:
                    self._send_zap_reply(msg[1], b"500", b"Internal error")
                except ZMQError:
                    pass  # the handler had already replied before failing
