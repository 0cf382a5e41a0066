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


def test_offline_wrapper_blocks_downloads() -> None:
    proc = subprocess.run([OFFLINE, sys.executable, "-c", FETCH], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0, "a download succeeded under scripts/offline"
    assert "URLError" in proc.stderr or "Errno" in proc.stderr or "refused" in proc.stderr.lower()


def test_offline_wrapper_keeps_loopback() -> None:
    code = (
        "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen();"
        "c = socket.create_connection(s.getsockname(), timeout=5); print('loopback ok')"
    )
    proc = subprocess.run([OFFLINE, sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
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
        assert mode in ("netns", "proxy"), "CI must run the tests through scripts/offline (make test)"
    if not mode:
        pytest.skip("not started through scripts/offline; `make test` does that")
    proc = subprocess.run([sys.executable, "-c", FETCH], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0, "the test session itself can reach the network"
