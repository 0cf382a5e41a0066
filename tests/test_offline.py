"""The kit runs offline, and the test harness proves it: downloads fail under scripts/offline."""
from __future__ import annotations

import os
import subprocess
import sys

import nbformat
import pytest

from tests.conftest import ROOT

OFFLINE = str(ROOT / "scripts" / "offline")
FETCH = "import urllib.request; urllib.request.urlopen('https://pypi.org/simple/', timeout=10)"
# Clients that ignore proxies: a raw TCP connection to a public address, a UDP datagram, a name lookup.
RAW_TCP = "import socket; socket.create_connection(('151.101.0.223', 443), timeout=10)"
RAW_UDP = "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b'x', ('1.1.1.1', 53))"
LOOKUP = "import socket; socket.getaddrinfo('pypi.org', 443)"
MODES = {"netns": {}, "guard": {"GDL_TEACH_OFFLINE_MODE": "guard"}}


def _run(mode: str, code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("GDL_TEACH_OFFLINE_MODE", "GDL_TEACH_OFFLINE")}
    return subprocess.run([OFFLINE, sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**env, **MODES[mode]})


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("client", [FETCH, RAW_TCP, RAW_UDP, LOOKUP], ids=["urllib", "raw-tcp", "udp", "dns"])
def test_offline_wrapper_blocks_every_client(mode: str, client: str) -> None:
    if mode == "netns" and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0:
        pytest.skip("network namespaces are not allowed here; the guard mode is tested instead")
    proc = _run(mode, client)
    assert proc.returncode != 0, f"{client!r} reached the network under scripts/offline ({mode})"
    assert "Error" in proc.stderr or "error" in proc.stderr, proc.stderr[-500:]


@pytest.mark.parametrize("mode", MODES)
def test_offline_wrapper_keeps_loopback(mode: str) -> None:
    code = (
        "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen();"
        "c = socket.create_connection(s.getsockname(), timeout=5); socket.getaddrinfo('localhost', 80);"
        "print('loopback ok')"
    )
    proc = _run(mode, code)
    assert proc.returncode == 0 and "loopback ok" in proc.stdout, proc.stderr


def test_a_lesson_that_downloads_fails_its_notebook_test(tmp_path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print('before')"), nbformat.v4.new_code_cell(FETCH)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "99_downloads.ipynb"
    nbformat.write(nb, path)
    proc = subprocess.run(
        [OFFLINE, sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q", str(path)],
        capture_output=True, text=True, timeout=180, cwd=tmp_path,
    )
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert "1 failed" in proc.stdout and "URLError" in proc.stdout


def test_this_run_is_offline_under_make_test() -> None:
    mode = os.environ.get("GDL_TEACH_OFFLINE")
    if os.environ.get("CI"):
        assert mode in ("netns", "guard"), "CI must run the tests through scripts/offline (make test)"
    if not mode:
        pytest.skip("not started through scripts/offline; `make test` does that")
    for client in (FETCH, RAW_TCP):
        proc = subprocess.run([sys.executable, "-c", client], capture_output=True, text=True, timeout=60)
        assert proc.returncode != 0, f"the test session itself can reach the network with {client!r}"
