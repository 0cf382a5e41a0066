"""Helpers for tests/test_browser.py: a local JupyterLab server and headless Chromium.

Kept apart from the test so that the test reads as a list of checks. Nothing
here touches the network beyond 127.0.0.1.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("GDL_TEACH_CHROMIUM", "/usr/bin/chromium")
# Headless Chromium as root, in a container, with no network: no sandbox, no GPU
# (WebGL comes from SwiftShader, which recent Chromium only enables on request),
# nothing that phones home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]
VIEWPORT = {"width": 1280, "height": 900}

# JupyterLab user settings for the test server (written to a temporary
# JUPYTERLAB_SETTINGS_DIR, so the learner's own settings are neither read nor
# changed): no autosave (the lessons on disk stay without outputs), every cell
# kept in the DOM (no windowing, so outputs far down render and can be checked),
# no news/update prompts; each cell's run time recorded (in the page only).
LAB_SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none", "recordTiming": True},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str, method: str = "GET", timeout: float = 5) -> tuple[int, str]:
    """Fetch a loopback URL, never through a proxy (scripts/offline may set one)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    req = urllib.request.Request(url, method=method)
    with opener.open(req, timeout=timeout) as resp:
        return resp.status, resp.read().decode()


@dataclass
class LabServer:
    """A running JupyterLab started by :func:`start_lab`."""

    proc: subprocess.Popen
    port: int
    token: str
    log_path: Path
    base: str = field(init=False)

    def __post_init__(self) -> None:
        self.base = f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """``path`` (e.g. ``/lab/tree/00_setup.ipynb``) with the token attached."""
        sep = "&" if "?" in path else "?"
        return f"{self.base}{path}{sep}token={self.token}"

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def shutdown_sessions(self) -> None:
        """Stop every kernel this server started (one lesson's kernel before the next)."""
        try:
            _, body = http_get(self.url("/api/sessions"))
            for session in json.loads(body):
                http_get(self.url(f"/api/sessions/{session['id']}"), method="DELETE", timeout=20)
        except OSError:
            pass

    def stop(self) -> None:
        """Terminate the server's process group (SIGTERM, then SIGKILL)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hung server
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def _gdl_teach_command() -> list[str]:
    """The kit's own ``gdl-teach`` of the environment running the tests (= ``make lab``)."""
    script = Path(sys.executable).with_name("gdl-teach")
    return [str(script)] if script.exists() else [sys.executable, "-m", "gdl_teach.tools.cli"]


def start_lab(folder: Path, workdir: Path, cache_dir: Path, timeout: float = 120) -> LabServer:
    """Start ``gdl-teach lab`` on a free port in its own process group; wait until it answers.

    Args:
        folder: the lessons folder to serve (``notebooks/``).
        workdir: a scratch folder for settings, workspaces, Jupyter config and the log.
        cache_dir: ``GDL_TEACH_CACHE`` for the kernels.
        timeout: seconds to wait for the first answer.
    """
    settings = workdir / "lab-settings"
    for name, values in LAB_SETTINGS.items():
        path = settings / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    for sub in ("workspaces", "config"):
        (workdir / sub).mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(workdir / "workspaces"),
        JUPYTER_CONFIG_DIR=str(workdir / "config"),
        GDL_TEACH_CACHE=os.environ.get("GDL_TEACH_CACHE", str(cache_dir)),
        PYTHONUNBUFFERED="1",
    )
    port, token = free_port(), "gdl-teach-browser-test"
    cmd = _gdl_teach_command() + [
        "lab", "--folder", str(folder), "--port", str(port), "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        "--LabApp.news_url=None",                   # no announcements fetched or offered
        "--LabApp.expose_app_in_browser=True",      # window.jupyterapp: kernel state, cell tags
    ]
    log_path = workdir / "lab.log"
    log = log_path.open("w")
    proc = subprocess.Popen(cmd, cwd=folder.parent, stdout=log, stderr=subprocess.STDOUT,
                            env=env, start_new_session=True)
    server = LabServer(proc, port, token, log_path)
    deadline, last_error = time.time() + timeout, None
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gdl-teach lab exited early:\n{server.log_tail()}")
        try:
            status, html = http_get(server.url("/lab"))
            if status == 200 and "JupyterLab" in html:
                return server
        except OSError as err:
            last_error = err
        time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"JupyterLab did not answer in {timeout:.0f} s ({last_error}):\n{server.log_tail()}")


# --- JavaScript evaluated in the page (window.jupyterapp is exposed by the server flag) ---

JS_NOTEBOOK_READY = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const s = w && w.sessionContext;
  return !!(w && w.content && w.context && w.context.isReady && s && s.session
            && s.session.kernel && s.session.kernel.status === 'idle');
}"""

JS_KERNEL_STATUS = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return k ? k.status : 'no kernel';
}"""

# Done = kernel idle, no cell shows [*], and the first code cell has run.
JS_RUN_FINISHED = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  if (!k || k.status !== 'idle') return false;
  const prompts = Array.from(w.content.node.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))
    .map(e => e.textContent.trim());
  return prompts.length > 0 && !prompts.some(p => p.includes('*')) && /\\[\\d+\\]/.test(prompts[0]);
}"""

JS_CELLS = """() => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  return nb.widgets.map((c, i) => {
    const m = c.model;
    c.node.setAttribute('data-gdl-cell', String(i));  // a handle for Playwright locators
    const tags = (m.getMetadata ? m.getMetadata('tags') : (m.metadata || {}).tags) || [];
    const prompt = (c.node.querySelector('.jp-InputPrompt') || {textContent: ''}).textContent.trim();
    const json = m.type === 'code' && m.outputs ? m.outputs.toJSON() : [];
    const dom = Array.from(c.node.querySelectorAll('.jp-OutputArea-output')).map(o => ({
      mime: o.getAttribute('data-mime-type'), text: (o.innerText || '').slice(0, 3000)}));
    const ex = (m.getMetadata ? m.getMetadata('execution') : (m.metadata || {}).execution) || {};
    const seconds = ex['shell.execute_reply'] && ex['iopub.execute_input']
      ? (Date.parse(ex['shell.execute_reply']) - Date.parse(ex['iopub.execute_input'])) / 1000 : null;
    return {
      index: i, type: m.type, tags: tags, prompt: prompt, seconds: seconds,
      source: m.sharedModel.getSource().slice(0, 300),
      errors: json.filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue),
      mimes: json.flatMap(o => Object.keys(o.data || {})),
      dom_outputs: dom,
      text: (c.node.querySelector('.jp-Cell-outputWrapper') || {innerText: ''}).innerText.slice(0, 20000),
      widgets: c.node.querySelectorAll('.jupyter-widgets').length,
      plotly: c.node.querySelectorAll('.js-plotly-plot').length,
    };
  });
}"""

JS_WIDGET_OUTPUT = """(i) => {
  const c = window.jupyterapp.shell.currentWidget.content.widgets[i];
  return Array.from(c.node.querySelectorAll('.widget-output')).map(o => o.innerHTML).join('\\n');
}"""

# Rendered = the Output widgets inside the cell hold a picture (img, svg, canvas, plotly).
JS_WIDGET_OUTPUT_CHANGED = """([i, before]) => {
  const w = window.jupyterapp.shell.currentWidget;
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  const outs = Array.from(w.content.widgets[i].node.querySelectorAll('.widget-output'));
  const html = outs.map(o => o.innerHTML).join('\\n');
  const drawn = outs.some(o => o.querySelector('img, svg, canvas, .js-plotly-plot'));
  return !!(k && k.status === 'idle') && drawn && html !== before;
}"""

# Every plotly plot in the notebook: drawn (its SVG layer exists) and, for 3D/GL
# traces, a WebGL canvas of non-zero size; plus any "WebGL is not supported" note.
JS_PLOTLY = """() => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  const found = [];
  nb.widgets.forEach((c, i) => {
    c.node.querySelectorAll('.js-plotly-plot').forEach(el => {
      el.setAttribute('data-gdl-plot', String(found.length));  // a handle for Playwright locators
      const types = (el._fullData || el.data || []).map(t => t.type);
      const gl = types.some(t => /3d|mesh|cone|streamtube|volume|isosurface|surface|gl/.test(t || ''));
      const canvases = Array.from(el.querySelectorAll('canvas')).filter(cv => cv.width > 0 && cv.height > 0);
      found.push({cell: i, types: types, gl: gl, svg: !!el.querySelector('.main-svg'),
                  gl_container: !!el.querySelector('.gl-container'), canvases: canvases.length,
                  no_webgl: /WebGL is not supported|webgl.*not/i.test(el.innerText || '')});
    });
  });
  return found;
}"""

JS_WIDGET_PROBLEMS = """() => {
  const text = window.jupyterapp.shell.currentWidget.content.node.innerText;
  return ['Loading widget...', 'Error displaying widget', 'model not found', 'Failed to load model class']
    .filter(s => text.includes(s));
}"""

JS_SCROLL_TO_CELL = """(i) => {
  const app = window.jupyterapp;
  if (!app.shell.leftCollapsed) app.shell.collapseLeft();
  const nb = app.shell.currentWidget.content;
  nb.activeCellIndex = i;
  nb.widgets[i].node.scrollIntoView({block: 'start'});
}"""


def dismiss_dialogs(page: Any) -> list[str]:
    """Answer JupyterLab's modal dialogs and toasts; return what they said.

    "Select Kernel" is accepted (the lessons name the python3 kernel); any other
    dialog is answered with its reject button ("No", "Cancel") and reported.
    """
    seen: list[str] = []
    for _ in range(5):
        dialog = page.locator(".jp-Dialog")
        if dialog.count() == 0 or not dialog.first.is_visible():
            break
        text = dialog.first.inner_text()
        seen.append(" ".join(text.split())[:300])
        if "select kernel" in text.lower():
            dialog.first.locator(".jp-Dialog-button.jp-mod-accept").click()
        else:
            dialog.first.locator(".jp-Dialog-button.jp-mod-reject").first.click()
        page.wait_for_timeout(300)
    for button in page.locator(".jp-toast-button, .Toastify__toast button").all():
        label = (button.inner_text() or "").strip()
        if label in {"No", "Dismiss", "Close"}:
            seen.append(f"toast answered: {label}")
            button.click()
    return seen
