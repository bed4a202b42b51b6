"""The artefacts of ``nox -s wheels`` on this interpreter: the manylinux wheel
loads the libzmq it bundles (checked with the system's copy hidden), the sdist
holds everything needed to build, a build without libzmq fails with a message
naming what to install, ``ZMQ_PREFIX`` still works, and the license metadata
is in the SPDX form with no deprecation warning from setuptools.
"""
import glob
import importlib.machinery
import importlib.metadata as importlib_metadata
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile

import pytest

from conftest import HERE, bundled_names, run

IS_PYPY = platform.python_implementation() == "PyPy"
REQUIRED_IN_SDIST = [
    "setup.py", "pyproject.toml", "README.md", "LICENSE", "PKG-INFO",
    "zmq_cffi/__init__.py", "zmq_cffi/build_ffi.py", "zmq_cffi/_cdefs.h",
    "zmq_cffi/_helpers.c", "zmq_cffi/_bufferable.c", "zmq_cffi/_fastcall.c", "zmq_cffi/py.typed",
    "zmq_cffi/_as_zmq/zmq/__init__.py",
]


def _wheel_text(wheel, suffix):
    with zipfile.ZipFile(wheel) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(suffix)]
        return zf.read(name).decode()


def _extension(site_package):
    (ext,) = glob.glob(os.path.join(site_package, "_zmq.*so"))
    return ext


def _libs_dir(site_package):
    return os.path.join(os.path.dirname(site_package), "zmq_cffi.libs")


# ---- the wheel ------------------------------------------------------------

def test_wheel_is_manylinux_and_bundles_libzmq(repaired_wheel):
    assert re.search(r"-manylinux_\d+_\d+_x86_64\.whl$", os.path.basename(repaired_wheel)), repaired_wheel
    assert "Tag: " in _wheel_text(repaired_wheel, ".dist-info/WHEEL")
    names = bundled_names(repaired_wheel)
    assert [n for n in names if n.startswith("libzmq-")], names
    with zipfile.ZipFile(repaired_wheel) as zf:
        members = set(zf.namelist())
    for needed in ("zmq_cffi/py.typed", "zmq_cffi/_cdefs.h", "zmq_cffi/__init__.py"):
        assert needed in members
    # One extension, for this interpreter (nothing stray from an in-place build).
    (ext,) = [n for n in members if re.match(r"zmq_cffi/_zmq\..*so$", n)]
    suffixes = importlib.machinery.EXTENSION_SUFFIXES
    assert any(ext == "zmq_cffi/_zmq" + suffix for suffix in suffixes), (ext, suffixes)


def test_wheel_license_metadata_is_spdx(repaired_wheel):
    meta = _wheel_text(repaired_wheel, ".dist-info/METADATA")
    assert "License-Expression: BSD-3-Clause" in meta.splitlines()
    assert "License-File: LICENSE" in meta.splitlines()
    assert not [line for line in meta.splitlines() if line.startswith("License: ")]
    assert "BSD 3-Clause License" in _wheel_text(repaired_wheel, ".dist-info/licenses/LICENSE")


def test_wheel_carries_the_bundled_libraries_licenses(repaired_wheel):
    meta = _wheel_text(repaired_wheel, ".dist-info/METADATA")
    listed = [line.split(": ", 1)[1] for line in meta.splitlines() if line.startswith("License-File: ")]
    with zipfile.ZipFile(repaired_wheel) as zf:
        files = {n.split(".dist-info/licenses/", 1)[1]: n for n in zf.namelist() if ".dist-info/licenses/" in n}
        assert sorted(listed) == sorted(files)
        bundled = [n for n in listed if n.startswith("bundled/")]
        # One copyright file per Debian package bundled: at least libzmq's and libsodium's.
        assert "bundled/libzmq5.copyright" in bundled and "bundled/libsodium23.copyright" in bundled, bundled
        assert len(bundled) <= len(bundled_names(repaired_wheel))
        assert b"zeromq" in zf.read(files["bundled/libzmq5.copyright"]).lower()


def test_system_copies_are_really_hidden(run_hidden, hidden, venv, raw_wheel, tmp_path):
    """The control: inside the namespace the system libzmq cannot be loaded,
    and the unrepaired wheel (which links to it) fails to import there."""
    system_zmq = [p for p in hidden if os.path.basename(p).startswith("libzmq.so")][0]
    probe = "import ctypes, sys; ctypes.CDLL(sys.argv[1])"
    run([venv, "-I", "-c", probe, system_zmq])  # loads outside the namespace
    inside = run_hidden([venv, "-I", "-c", probe, system_zmq], check=False)
    assert inside.returncode != 0 and "OSError" in inside.stderr, inside.stderr
    unpacked = str(tmp_path / "raw")
    with zipfile.ZipFile(raw_wheel) as zf:
        zf.extractall(unpacked)
    imp = "import sys; sys.path.insert(0, sys.argv[1]); import zmq_cffi; print(zmq_cffi.zmq_version())"
    outside = run([venv, "-I", "-c", imp, unpacked], cwd=str(tmp_path))
    assert re.match(r"\d+\.\d+\.\d+$", outside.stdout.strip())
    inside = run_hidden([venv, "-I", "-c", imp, unpacked], check=False, cwd=str(tmp_path))
    assert inside.returncode != 0
    assert "ImportError" in inside.stderr and "libzmq.so" in inside.stderr, inside.stderr


def test_ldd_resolves_the_bundled_libraries(run_hidden, site_package, hidden):
    ext = _extension(site_package)
    libs = os.path.realpath(_libs_dir(site_package))
    for runner in (run, run_hidden):  # with the system copies present, then hidden
        out = runner(["ldd", ext]).stdout
        assert "not found" not in out, out
        resolved = {}
        for line in out.splitlines():
            m = re.match(r"\s*(\S+) => (\S+)", line)
            if m:
                resolved[m.group(1)] = os.path.realpath(m.group(2))
        zmq = [(k, v) for k, v in resolved.items() if k.startswith("libzmq")]
        assert len(zmq) == 1 and os.path.dirname(zmq[0][1]) == libs, out
        assert not set(resolved.values()) & set(hidden), out


def test_import_and_smoke_with_system_libzmq_hidden(run_hidden, venv, site_package, hidden, tmp_path):
    out = run_hidden([venv, "-I", os.path.join(HERE, "smoke.py")], cwd=str(tmp_path)).stdout
    result = json.loads(out)
    # The installed package, not the checkout.
    assert os.path.dirname(result["zmq_cffi_file"]) == site_package
    # Every libzmq mapped into the process is the bundled copy.
    libs = os.path.realpath(_libs_dir(site_package))
    mapped_zmq = [p for p in result["maps"] if os.path.basename(p).startswith("libzmq")]
    assert mapped_zmq and all(os.path.dirname(os.path.realpath(p)) == libs for p in mapped_zmq), result["maps"]
    assert not set(result["maps"]) & set(hidden)
    assert all(re.match(r"libzmq-[0-9a-f]{8}\.so", os.path.basename(p)) for p in mapped_zmq), mapped_zmq
    assert re.match(r"4\.\d+\.\d+$", result["zmq_version"]), result["zmq_version"]
    assert result["inproc"] == ["ping over inproc", ["pong", "two parts"]]
    assert result["tcp"] == ["ping over tcp", ["pong", "two parts"]]
    assert result["frame"] == {"type": "Frame", "equal": True, "len": 256 * 64}


def test_bundled_libzmq_is_the_version_built_against(venv, tmp_path):
    """The wheel carries the libzmq its extension was compiled against
    (pkg-config's, on the build machine)."""
    expected = run(["pkg-config", "--modversion", "libzmq"]).stdout.strip()
    got = run([venv, "-I", "-c", "import zmq_cffi; print(zmq_cffi.zmq_version())"], cwd=str(tmp_path))
    assert got.stdout.strip() == expected


# ---- the sdist and the source build ----------------------------------------

@pytest.fixture(scope="module")
def sdist_tree(sdist, tmp_path_factory):
    dest = tmp_path_factory.mktemp("sdist")
    with tarfile.open(sdist) as tar:
        tar.extractall(str(dest))
    (top,) = os.listdir(str(dest))
    return os.path.join(str(dest), top)


def test_sdist_has_everything_to_build(sdist_tree):
    missing = [p for p in REQUIRED_IN_SDIST if not os.path.isfile(os.path.join(sdist_tree, p))]
    assert not missing
    # Sources only: nothing compiled or generated (cffi's _zmq.c) slips in.
    generated = [os.path.join(d, f) for d, _, files in os.walk(sdist_tree) for f in files
                 if f.endswith((".so", ".o", ".pyc")) or f == "_zmq.c"]
    assert not generated
    with open(os.path.join(sdist_tree, "PKG-INFO")) as f:
        assert "License-Expression: BSD-3-Clause" in f.read().splitlines()


def test_wheel_was_built_from_the_sdist_with_modern_setuptools(build_log):
    """python -m build builds the wheel from the unpacked sdist: the sdist
    alone is enough to build.  setuptools >= 77 is the first with the SPDX
    license string."""
    assert "Building wheel from sdist" in build_log
    if IS_PYPY:
        # Built without isolation (see noxfile), with this venv's setuptools.
        assert "isolated environment" not in build_log
        assert int(importlib_metadata.version("setuptools").split(".")[0]) >= 77
    else:
        # Both isolated environments (sdist, wheel) got build-system.requires.
        assert len(re.findall(r"^\s+- setuptools>=77$", build_log, re.M)) == 2
        versions = re.findall(r"^\s+- setuptools==(\d+)\.", build_log, re.M)
        assert len(versions) == 2 and all(int(v) >= 77 for v in versions), versions


def test_build_gives_no_license_deprecation_warning(build_log):
    bad = [line for line in build_log.splitlines()
           if "license" in line.lower() and re.search(r"deprecat|warning", line, re.I)]
    assert not bad


def _build_ffi(sdist_tree, env, wrapper=(), tmpdir=None):
    # build_ffi.py loaded from its file (its directory on sys.path would let
    # zmq_cffi/socket.py shadow the standard library's socket).
    code = ("import sys, importlib.util as u; s = u.spec_from_file_location('build_ffi', sys.argv[1]); "
            "m = u.module_from_spec(s); s.loader.exec_module(m); m.ffibuilder.compile(tmpdir=sys.argv[2])")
    return run(list(wrapper) + [sys.executable, "-c", code, os.path.join(sdist_tree, "zmq_cffi", "build_ffi.py"),
                                tmpdir or os.devnull], check=False, env=env, cwd=sdist_tree)


def _assert_clear_error(proc, *words):
    assert proc.returncode != 0
    assert "ERROR: libzmq not found" in proc.stderr, proc.stderr
    for word in ("libzmq3-dev", "pkg-config", "ZMQ_PREFIX") + words:
        assert word in proc.stderr, (word, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr


def test_missing_libzmq_with_zmq_prefix_is_a_clear_error(sdist, tmp_path):
    """What a user sees from pip: ZMQ_PREFIX pointing at a prefix without libzmq."""
    empty = tmp_path / "empty"
    empty.mkdir()
    env = dict(os.environ, ZMQ_PREFIX=str(empty))
    proc = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                "--disable-pip-version-check", "-w", str(tmp_path / "out"), sdist], check=False, env=env)
    assert proc.returncode != 0
    text = proc.stdout + proc.stderr
    assert "ERROR: libzmq not found" in text and str(empty) in text, text
    assert "libzmq3-dev" in text and "pkg-config" in text
    assert not glob.glob(str(tmp_path / "out" / "*.whl"))


@pytest.fixture
def no_system_headers():
    """A wrapper command hiding /usr/include (and /usr/local/include) behind
    empty tmpfs mounts: a machine without libzmq's headers."""
    unshare = shutil.which("unshare")
    assert unshare
    mounts = "".join("mount -t tmpfs none %s\n" % d for d in ("/usr/include", "/usr/local/include")
                     if os.path.isdir(d))
    return [unshare, "--user", "--map-root-user", "--mount", "sh", "-c", "set -e\n%sexec \"$@\"" % mounts, "sh"]


def test_no_libzmq_known_to_pkg_config_is_a_clear_error(sdist_tree, tmp_path, no_system_headers):
    env = dict(os.environ, PKG_CONFIG_LIBDIR=str(tmp_path), PKG_CONFIG_PATH=str(tmp_path))
    env.pop("ZMQ_PREFIX", None)
    _assert_clear_error(_build_ffi(sdist_tree, env, no_system_headers), "pkg-config knows no libzmq")


def test_no_pkg_config_is_a_clear_error(sdist_tree, tmp_path, no_system_headers):
    # A PATH with the tools the namespace needs but no pkg-config.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("sh", "mount", "unshare"):
        os.symlink(shutil.which(tool), str(bin_dir / tool))
    env = dict(os.environ, PATH=str(bin_dir))
    env.pop("ZMQ_PREFIX", None)
    _assert_clear_error(_build_ffi(sdist_tree, env, no_system_headers), "pkg-config is not installed")


def test_zmq_prefix_build_links_that_prefix(sdist_tree, tmp_path):
    """ZMQ_PREFIX=/prefix builds against /prefix/include and /prefix/lib and
    records /prefix/lib as the extension's run path (here a prefix made of
    links to the system libzmq)."""
    include = run(["pkg-config", "--variable=includedir", "libzmq"]).stdout.strip()
    libdir = run(["pkg-config", "--variable=libdir", "libzmq"]).stdout.strip()
    prefix = tmp_path / "prefix"
    (prefix / "include").mkdir(parents=True)
    (prefix / "lib").mkdir()
    os.symlink(os.path.join(include, "zmq.h"), str(prefix / "include" / "zmq.h"))
    for name in ("libzmq.so", "libzmq.so.5"):
        os.symlink(os.path.join(libdir, "libzmq.so.5"), str(prefix / "lib" / name))
    out = tmp_path / "out"
    env = dict(os.environ, ZMQ_PREFIX=str(prefix), PKG_CONFIG_LIBDIR=str(tmp_path))
    proc = _build_ffi(sdist_tree, env, tmpdir=str(out))
    assert proc.returncode == 0, proc.stderr
    (ext,) = glob.glob(str(out / "zmq_cffi" / "_zmq.*so"))
    ldd = run(["ldd", ext]).stdout
    assert re.search(r"libzmq\.so\.5 => %s/libzmq\.so\.5" % re.escape(str(prefix / "lib")), ldd), ldd
    load = ("import importlib.util as u, sys; s = u.spec_from_file_location('zmq_cffi._zmq', sys.argv[1]); "
            "m = u.module_from_spec(s); s.loader.exec_module(m); v = m.ffi.new('int[3]'); "
            "m.lib.zmq_version(v, v + 1, v + 2); print('%d.%d.%d' % tuple(v))")
    got = run([sys.executable, "-I", "-c", load, ext], cwd=str(tmp_path)).stdout.strip()
    assert got == run(["pkg-config", "--modversion", "libzmq"]).stdout.strip()
