"""`make lab` serves the lessons: start it on a free port, fetch the lab page, stop it."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

from tests.conftest import ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never a proxy
    with opener.open(url, timeout=5) as resp:
        return resp.status, resp.read().decode()


def test_make_lab_serves_the_lessons() -> None:
    port, token = _free_port(), "gdl-teach-test"
    args = f"--no-browser --ServerApp.ip=127.0.0.1 --IdentityProvider.token={token}"
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"PORT={port}", f"LAB_ARGS={args}"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        deadline, last_error = time.time() + 90, None
        while time.time() < deadline:
            if proc.poll() is not None:
                raise AssertionError(f"make lab exited early:\n{proc.stdout.read()[-3000:]}")
            try:
                status, html = _get(f"http://127.0.0.1:{port}/lab?token={token}")
                break
            except OSError as err:
                last_error = err
                time.sleep(0.5)
        else:
            raise AssertionError(f"JupyterLab did not answer within 90 s: {last_error}")
        assert status == 200 and "JupyterLab" in html
        _, listing = _get(f"http://127.0.0.1:{port}/api/contents/?token={token}")
        names = {item["name"] for item in json.loads(listing)["content"]}
        assert "00_setup.ipynb" in names, names
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # pragma: no cover
            proc.wait()
    assert proc.returncode is not None
