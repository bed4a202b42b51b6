"""CURVE certificate files, in the ZPL format of czmq and pyzmq.

A certificate is a small text file (ZeroMQ RFC 4, ZPL) with two sections::

    metadata
        name = "server"
    curve
        public-key = "<40 characters of Z85>"
        secret-key = "<40 characters of Z85>"

``NAME.key`` holds only the public key and may be handed out; ``NAME.key_secret``
holds both keys and must stay private (it is created readable by its owner
only).  Files written here are read by czmq and pyzmq, and theirs by this
module.
"""
import datetime
import glob
import os
from typing import Any, Dict, Mapping, Optional, Tuple, Union

from zmq_cffi.curve import curve_keypair
from zmq_cffi.utils import z85

__all__ = ["create_certificates", "load_certificate", "load_certificates"]

PathType = Union[str, "os.PathLike[str]"]

_PUBLIC_BANNER = """#   ****  Generated on {when} by zmq_cffi  ****
#   ZeroMQ CURVE public certificate.
#   Share it with peers over a channel you trust, or check it after the
#   exchange: whoever holds the matching secret key is who this file names.

"""

_SECRET_BANNER = """#   ****  Generated on {when} by zmq_cffi  ****
#   ZeroMQ CURVE **secret** certificate.
#   Keep it private: never send this file, and keep it readable by you only.

"""

_Z85_KEY_LENGTH = 40


def _text(value: Union[str, bytes], encoding: str = "utf-8") -> str:
    return value.decode(encoding) if isinstance(value, bytes) else str(value)


def _zpl_quote(value: str) -> str:
    """Quote a ZPL value (ZPL has no escapes: pick the quote it does not contain)."""
    if "\n" in value or "\r" in value:
        raise ValueError("certificate metadata values cannot span lines: %r" % value)
    if '"' not in value:
        return '"%s"' % value
    if "'" not in value:
        return "'%s'" % value
    raise ValueError("a certificate metadata value cannot hold both kinds of quote: %r" % value)


def _zpl_name(name: str) -> str:
    if not name or any(ch.isspace() or ch in "=#\"'" for ch in name):
        raise ValueError("invalid certificate metadata name %r (no spaces, '=', '#' or quotes)"
                         % name)
    return name


def _certificate_text(banner: str, public_key: Union[str, bytes],
                      secret_key: Optional[Union[str, bytes]],
                      metadata: Optional[Mapping[Any, Union[str, bytes]]]) -> str:
    lines = [banner.format(when=datetime.datetime.now().isoformat(sep=" ", timespec="seconds")),
             "metadata\n"]
    for name, value in (metadata or {}).items():
        lines.append("    %s = %s\n" % (_zpl_name(_text(name)), _zpl_quote(_text(value))))
    lines.append("curve\n")
    lines.append('    public-key = "%s"\n' % _text(public_key))
    if secret_key is not None:
        lines.append('    secret-key = "%s"\n' % _text(secret_key))
    return "".join(lines)


def _write_new_file(path: str, text: str, mode: int) -> None:
    """Write ``text`` to ``path`` (replacing it), created with permissions ``mode``."""
    # Open with the final permissions at once: a secret key must never sit in
    # a world-readable file, not even between creation and a later chmod.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with open(fd, "w", encoding="utf-8") as stream:
        stream.write(text)


def create_certificates(key_dir: PathType, name: str,
                        metadata: Optional[Mapping[str, str]] = None) -> Tuple[str, str]:
    """Generate a CURVE key pair and save it as two certificate files.

    Parameters
    ----------
    key_dir : str or path
        An existing directory to write into.
    name : str
        The base name: ``NAME.key`` (public) and ``NAME.key_secret`` (secret)
        are written, replacing files of those names.
    metadata : dict, optional
        ``{name: value}`` written to the ``metadata`` section of both files.

    Returns
    -------
    public_file, secret_file : str
        The paths of the two files.
    """
    public_key, secret_key = curve_keypair()
    base = os.path.join(os.fspath(key_dir), name)
    public_file = base + ".key"
    secret_file = base + ".key_secret"
    _write_new_file(public_file, _certificate_text(_PUBLIC_BANNER, public_key, None, metadata), 0o644)
    _write_new_file(secret_file, _certificate_text(_SECRET_BANNER, public_key, secret_key, metadata),
                    0o600)
    return public_file, secret_file


def _zpl_value(raw: str) -> str:
    """The value after ``=`` on a ZPL line: quoted, or up to whitespace."""
    raw = raw.strip()
    if raw[:1] in ("'", '"'):
        end = raw.find(raw[0], 1)
        return raw[1:] if end < 0 else raw[1:end]
    # Unquoted: the value stops at whitespace (a "# comment" may follow).
    return raw.split(None, 1)[0] if raw else ""


def _check_key(key: str, what: str, filename: PathType) -> bytes:
    data = key.encode("ascii", "replace")
    if len(data) != _Z85_KEY_LENGTH:
        raise ValueError("%s in %s is %i characters long; a Z85 CURVE key has %i"
                         % (what, os.fspath(filename), len(data), _Z85_KEY_LENGTH))
    try:
        z85.decode(data)
    except ValueError as exc:
        raise ValueError("%s in %s is not Z85: %s" % (what, os.fspath(filename), exc)) from None
    return data


def load_certificate(filename: PathType) -> Tuple[bytes, Optional[bytes]]:
    """Read the keys of a certificate file.

    Parameters
    ----------
    filename : str or path
        A ``.key`` or ``.key_secret`` file (czmq, pyzmq or zmq_cffi made).

    Returns
    -------
    public_key : bytes
        The Z85 public key.
    secret_key : bytes or None
        The Z85 secret key, or None for a public certificate.

    Raises
    ------
    OSError
        If the file does not exist.
    ValueError
        If it holds no public key, or a key that is not 40 Z85 characters.
    """
    if not os.path.isfile(filename):
        raise OSError("Invalid certificate file: %s (not found)" % os.fspath(filename))
    found: Dict[str, str] = {}
    section = None
    with open(filename, "r", encoding="utf-8", errors="replace") as stream:
        for line in stream:
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if not line[:1].isspace():
                # A top-level name opens a section ("metadata", "curve").
                section = stripped.split("=", 1)[0].strip()
                continue
            if section != "curve" or "=" not in stripped:
                continue
            name, raw_value = stripped.split("=", 1)
            name = name.strip()
            if name in ("public-key", "secret-key") and name not in found:
                found[name] = _zpl_value(raw_value)
    if "public-key" not in found:
        raise ValueError("No public key found in %s (no public-key in its curve section)"
                         % os.fspath(filename))
    public_key = _check_key(found["public-key"], "the public key", filename)
    secret_key = None
    if "secret-key" in found:
        secret_key = _check_key(found["secret-key"], "the secret key", filename)
    return public_key, secret_key


def load_certificates(directory: PathType = ".") -> Dict[bytes, bool]:
    """Read the public keys of every ``*.key`` certificate in a directory.

    Parameters
    ----------
    directory : str or path
        The directory (secret ``*.key_secret`` files in it are not read).

    Returns
    -------
    dict
        ``{z85_public_key: True}``, the form :class:`Authenticator` looks keys up in.

    Raises
    ------
    OSError
        If ``directory`` is not a directory.
    ValueError
        If one of the files is not a valid certificate.
    """
    if not os.path.isdir(directory):
        raise OSError("Invalid certificate directory: %s" % os.fspath(directory))
    keys: Dict[bytes, bool] = {}
    pattern = os.path.join(glob.escape(os.fspath(directory)), "*.key")
    for path in sorted(glob.glob(pattern)):
        public_key, _ = load_certificate(path)
        keys[public_key] = True
    return keys
