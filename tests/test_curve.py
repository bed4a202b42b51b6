"""CURVE keys: curve_keypair, curve_public, and the key socket options."""
import importlib
import json
import subprocess
import sys

import pytest

from _backend import IS_CFFI, zmq

z85 = importlib.import_module(zmq.__name__ + ".utils.z85")

if IS_CFFI:
    import zmq_cffi.curve as curve_api
else:
    curve_api = zmq  # pyzmq exports them at the top level

pytestmark = pytest.mark.skipif(not zmq.has("curve"), reason="libzmq built without CURVE")


@pytest.fixture
def context():
    ctx = zmq.Context()
    yield ctx
    ctx.destroy(linger=0)


def test_keypair_is_two_z85_keys_that_belong_together():
    public, secret = curve_api.curve_keypair()
    assert type(public) is bytes and type(secret) is bytes
    assert len(public) == 40 and len(secret) == 40
    assert len(z85.decode(public)) == 32 and len(z85.decode(secret)) == 32
    assert public != secret
    assert curve_api.curve_public(secret) == public


def test_keypairs_differ():
    pairs = {curve_api.curve_keypair() for _ in range(5)}
    assert len(pairs) == 5


def test_curve_public_accepts_str():
    public, secret = curve_api.curve_keypair()
    assert curve_api.curve_public(secret.decode("ascii")) == public


def test_curve_public_of_a_known_secret():
    # A fixed secret must always give the same public key (X25519 base-point
    # multiplication): the value below is what libzmq computes.
    assert curve_api.curve_public(b"x" * 40) == b"o&#KPV6O&4Chmu8spM}R[6Hni1ig{ZuGb[[i#m#y"


@pytest.mark.parametrize("secret", [b"", b"abc", b"x" * 39, b"x" * 41, "x" * 32])
def test_curve_public_wrong_length_is_a_valueerror(secret):
    with pytest.raises(ValueError, match="40"):
        curve_api.curve_public(secret)


@pytest.mark.parametrize("secret", [b"~" * 40, b"#" * 40, b"x" * 39 + b" "])
def test_curve_public_invalid_z85_is_refused_by_libzmq(secret):
    with pytest.raises(zmq.ZMQError) as info:
        curve_api.curve_public(secret)
    assert info.value.errno == zmq.EINVAL


@pytest.mark.cffi_only
@pytest.mark.parametrize("secret", [b"x" * 35 + b"\0" * 5, b"\0" * 40])
def test_curve_public_refuses_nul_bytes(secret):
    # libzmq would read a 35-character prefix as a valid (short) key.
    with pytest.raises(zmq.ZMQError) as info:
        curve_api.curve_public(secret)
    assert info.value.errno == zmq.EINVAL
    assert "NUL" in str(info.value)


@pytest.mark.cffi_only
def test_without_curve_support_both_raise_enotsup(monkeypatch):
    monkeypatch.setattr(curve_api, "has", lambda capability: capability != "curve")
    for call in (curve_api.curve_keypair, lambda: curve_api.curve_public(b"x" * 40)):
        with pytest.raises(zmq.ZMQError) as info:
            call()
        assert info.value.errno == zmq.ENOTSUP
        assert "CURVE" in str(info.value)


@pytest.mark.cffi_only
def test_key_options_read_back_as_z85(context):
    # pyzmq 27 fails with EINVAL here; zmq_cffi returns the Z85 text.
    server_public, server_secret = curve_api.curve_keypair()
    sock = context.socket(zmq.DEALER)
    sock.curve_secretkey = server_secret
    sock.curve_publickey = server_public
    sock.curve_serverkey = server_public
    assert sock.curve_secretkey == server_secret
    assert sock.curve_publickey == server_public
    assert sock.curve_serverkey == server_public
    # A key set as 32 raw bytes reads back as Z85 too.
    other_public, _ = curve_api.curve_keypair()
    sock.setsockopt(zmq.CURVE_SERVERKEY, z85.decode(other_public))
    assert sock.getsockopt(zmq.CURVE_SERVERKEY) == other_public
    sock.close()


def test_curve_connection_with_generated_keys(context):
    server_public, server_secret = curve_api.curve_keypair()
    client_public, client_secret = curve_api.curve_keypair()
    server = context.socket(zmq.PULL)
    server.curve_server = True
    server.curve_secretkey = server_secret
    port = server.bind_to_random_port("tcp://127.0.0.1")
    client = context.socket(zmq.PUSH)
    client.curve_serverkey = server_public
    client.curve_publickey = client_public
    client.curve_secretkey = client_secret
    client.connect("tcp://127.0.0.1:%d" % port)
    client.send(b"secret message")
    assert server.poll(2000) == zmq.POLLIN
    assert server.recv() == b"secret message"
    assert server.getsockopt(zmq.MECHANISM) == zmq.CURVE
    server.close()
    client.close()


# ---- python -m zmq.curve_keygen ------------------------------------------------


def _keygen(*args):
    proc = subprocess.run([sys.executable, "-m", zmq.__name__ + ".curve_keygen", *args],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_curve_keygen_prints_a_matching_pair():
    lines = _keygen().splitlines()
    assert lines[0] == "== CURVE PUBLIC KEY =="
    assert lines[2] == "" and lines[3] == "== CURVE SECRET KEY =="
    public, secret = lines[1], lines[4]
    assert len(public) == len(secret) == 40
    assert curve_api.curve_public(secret.encode()) == public.encode()


def test_curve_keygen_json_and_a_given_secret():
    keys = json.loads(_keygen("--json"))
    assert sorted(keys) == ["public", "secret"]
    assert curve_api.curve_public(keys["secret"].encode()) == keys["public"].encode()
    again = json.loads(_keygen("--json", "--secret", keys["secret"]))
    assert again == keys
    assert _keygen() != _keygen()  # a new pair each time
