"""Every lesson works in a real browser: JupyterLab + headless Chromium, offline.

What it checks, for each lesson ``notebooks/NN_*.ipynb`` (found by glob, so a new
lesson is covered without editing this file):

1. the lesson opens in JupyterLab (served by the kit's ``gdl-teach lab``, i.e.
   what ``make lab`` runs, on a free port of 127.0.0.1) and Run > Run All Cells
   finishes within ``GDL_TEACH_BROWSER_TIMEOUT`` seconds (default 300), every
   code cell gets an execution count and no cell shows an error or a traceback;
2. every ipywidgets control renders: no "Loading widget...", "Error displaying
   widget" or "model not found" left, and every cell tagged ``widget`` shows
   its controls;
3. plotly figures render: every plotly output in a cell becomes a drawn plot
   (the jupyterlab-plotly renderer is there), and 3D views get a WebGL canvas
   with something drawn on it (not "WebGL is not supported", not blank);
4. moving a control works: in every ``widget`` cell the first dropdown is set
   to another option (or, without one, the first slider is nudged with the
   arrow keys) and the figure in the explorer's Output area must change;
5. a screenshot of the lesson's first explorer after the move is saved as
   ``figures/lesson_NN.png`` (1280x900). On failure a screenshot goes to
   ``/tmp/gdl-teach-browser/`` and its path is in the assertion message.

The lessons on disk are not changed (checked): autosave is off in the test
server's own settings (a temporary JUPYTERLAB_SETTINGS_DIR), and a checkpoint
the server creates is removed again. Each lesson's kernel is shut down before
the next lesson opens. With ``-rP`` each lesson prints its timings.

Needs Debian's Chromium (``make browser-deps``, or ``apt-get install chromium``;
another binary via ``GDL_TEACH_CHROMIUM``) and the ``playwright`` package (pip
extra ``test``; its own browser download is not used). Without Chromium the test
is skipped, unless ``CI`` is set, where that is a failure.

Run it alone (online, then offline as ``make test`` does)::

    .venv/bin/python -m pytest tests/test_browser.py -rP
    scripts/offline .venv/bin/python -m pytest tests/test_browser.py -rP
    .venv/bin/python -m pytest tests/test_browser.py -k 00_setup   # one lesson
"""
from __future__ import annotations

import io
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest

from tests.browser_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    JS_CELLS,
    JS_KERNEL_STATUS,
    JS_NOTEBOOK_READY,
    JS_PLOTLY,
    JS_RUN_FINISHED,
    JS_SCROLL_TO_CELL,
    JS_WIDGET_OUTPUT,
    JS_WIDGET_OUTPUT_CHANGED,
    JS_WIDGET_PROBLEMS,
    VIEWPORT,
    LabServer,
    dismiss_dialogs,
    start_lab,
)
from tests.conftest import NOTEBOOKS, ROOT

pytestmark = pytest.mark.slow

FIGURES = ROOT / "figures"
FAILURES = Path(tempfile.gettempdir()) / "gdl-teach-browser"
RUN_TIMEOUT_S = float(os.environ.get("GDL_TEACH_BROWSER_TIMEOUT", "300"))
REDRAW_TIMEOUT_S = 60.0
PLOTLY_MIME = "application/vnd.plotly.v1+json"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def _require_browser() -> None:
    """Skip without Chromium or Playwright, except under CI, where that fails."""
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} (install: make browser-deps, or apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install -e '.[test]')")
    if missing:
        message = "browser test needs " + " and ".join(missing)
        if _in_ci():
            pytest.fail(message + " [CI is set, so this is a failure]", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One JupyterLab server (``gdl-teach lab``) for the whole module."""
    _require_browser()
    workdir = tmp_path_factory.mktemp("browser-lab")
    server = start_lab(ROOT / "notebooks", workdir, cache_dir=workdir / "cache")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(lab: LabServer) -> Any:
    """Headless Chromium, driven by Playwright's sync API."""
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    except Exception:
        pw.stop()
        raise
    yield chromium
    chromium.close()
    pw.stop()


class Session:
    """One lesson in one browser tab, with its log and a failure helper."""

    def __init__(self, page: Any, lab: LabServer, lesson: Path) -> None:
        self.page, self.lab, self.lesson = page, lab, lesson
        self.log: list[str] = []
        self.failed_requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.log.append(f"pageerror: {e}"))
        page.on("requestfailed", lambda r: self.failed_requests.append(r.url))

    def _console(self, msg: Any) -> None:
        if msg.type in {"error", "warning"}:
            self.log.append(f"console.{msg.type}: {msg.text}")

    def fail(self, message: str, cell: int | None = None) -> None:
        """Save a screenshot (scrolled to ``cell``) to /tmp and raise AssertionError naming it."""
        FAILURES.mkdir(parents=True, exist_ok=True)
        shot = FAILURES / f"{self.lesson.stem}-failure.png"
        try:
            if cell is not None:
                self.page.evaluate(JS_SCROLL_TO_CELL, cell)
            self.page.screenshot(path=str(shot))
            where = f"screenshot: {shot}"
        except Exception as err:  # the page itself may be gone
            where = f"(no screenshot: {err})"
        log = "\n".join(self.log[-15:]) or "(empty)"
        raise AssertionError(f"{self.lesson.name}: {message}\n{where}\nbrowser log (last lines):\n{log}")

    def wait(self, js: str, timeout_s: float, what: str, arg: Any = None,
             cell: int | None = None, hint: Callable[[], str] | None = None) -> None:
        """Poll ``js`` until true, answering dialogs meanwhile; fail after ``timeout_s``."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                self.page.wait_for_function(js, arg=arg, timeout=2000, polling=250)
                return
            except PlaywrightTimeout:
                self.dialogs += dismiss_dialogs(self.page)
        status = self.page.evaluate(JS_KERNEL_STATUS)
        self.fail(f"{what} did not happen within {timeout_s:.0f} s (kernel: {status}; "
                  f"dialogs: {self.dialogs or 'none'}){hint() if hint else ''}", cell)


def _is_clean(path: Path) -> bool:
    nb = nbformat.read(path, as_version=4)
    return not any(c.cell_type == "code" and c.outputs for c in nb.cells)


def _tracebacks(cell: dict[str, Any]) -> list[str]:
    """Error outputs of a cell: from the notebook model and as rendered text (Output widgets too)."""
    found = list(cell["errors"])
    for out in cell["dom_outputs"]:
        stderr = out["mime"] == "application/vnd.jupyter.stderr"
        if "Traceback (most recent call last)" in out["text"] or (
            stderr and re.search(r"^\w+(Error|Exception)\b", out["text"], re.M)
        ):
            found.append(out["text"][-600:])
    return found


def _drawn_fraction(canvas: Any) -> float:
    """Share of a canvas's on-screen pixels that differ from its most common colour."""
    from PIL import Image

    canvas.scroll_into_view_if_needed()
    image = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
    counts = image.getcolors(maxcolors=1 << 24) or [(0, None)]
    return 1 - max(counts)[0] / (image.width * image.height)


def _move_a_control(s: Session, cell: dict[str, Any]) -> str | None:
    """Change the first dropdown (else nudge the first slider) of a widget cell.

    Returns a description of the move, or None when the cell has neither control.
    """
    i = cell["index"]
    node = s.page.locator(f'[data-gdl-cell="{i}"]')
    before = s.page.evaluate(JS_WIDGET_OUTPUT, i)
    select = node.locator(".widget-dropdown select")
    handle = node.locator(".widget-slider .noUi-handle, .widget-slider .ui-slider-handle")
    if select.count():
        select = select.first
        current = select.input_value()
        values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
        options = [v for v in values if v != current]
        if not options:
            return None
        select.scroll_into_view_if_needed()
        select.select_option(value=options[0])
        move = f"dropdown {current!r} -> {options[0]!r}"
    elif handle.count():
        handle = handle.first
        handle.scroll_into_view_if_needed()
        handle.focus()
        now, top = handle.get_attribute("aria-valuenow"), handle.get_attribute("aria-valuemax")
        at_top = now is not None and top is not None and float(now) >= float(top)
        key = "ArrowLeft" if at_top else "ArrowRight"
        handle.press(key)
        move = f"slider {now} {key}"
    else:
        return None
    s.wait(JS_WIDGET_OUTPUT_CHANGED, REDRAW_TIMEOUT_S,
           f"cell {i}: the explorer's figure changing after {move}", arg=[i, before], cell=i,
           hint=lambda: "\n(an exception in the explorer's draw goes to JupyterLab's log console, not to the"
                        " cell: drive the control in Python to see it)\nthe explorer's output now reads: "
                        + repr(node.locator(".widget-output").first.inner_text()[-500:]))
    return move


@pytest.mark.parametrize("lesson", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_runs_and_renders_in_chromium(lesson: Path, lab: LabServer, browser: Any) -> None:
    from playwright.sync_api import Error as PlaywrightError

    checkpoint = lesson.parent / ".ipynb_checkpoints" / f"{lesson.stem}-checkpoint.ipynb"
    had_checkpoint, was_clean = checkpoint.exists(), _is_clean(lesson)
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(30_000)
    s = Session(page, lab, lesson)
    timings: dict[str, float] = {}
    t0 = time.monotonic()
    try:
        # 1. open, then Run > Run All Cells, and wait for the last cell
        page.goto(lab.url(f"/lab/tree/{lesson.name}?reset"))  # ?reset: reopen no tab of the last lesson
        s.wait(JS_NOTEBOOK_READY, 120, "the notebook opening with an idle python3 kernel")
        timings["open"] = time.monotonic() - t0
        page.evaluate(JS_SCROLL_TO_CELL, 0)  # also folds the file browser away
        page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        t_run = time.monotonic()
        s.wait(JS_RUN_FINISHED, RUN_TIMEOUT_S, "Run All Cells finishing")
        timings["run all"] = time.monotonic() - t_run

        cells = page.evaluate(JS_CELLS)
        code = [c for c in cells if c["type"] == "code"]
        for c in code:
            if _tracebacks(c):
                errors = "\n".join(_tracebacks(c))
                s.fail(f"cell {c['index']} shows an error:\n{c['source'][:200]}\n---\n{errors}", c["index"])
        not_run = [c["index"] for c in code if not re.fullmatch(r"\[\d+\]:?", c["prompt"])]
        if not_run:
            s.fail(f"cells {not_run} did not run (prompts {[cells[i]['prompt'] for i in not_run]})")

        # 2. widgets rendered
        t_w = time.monotonic()
        deadline = time.monotonic() + 30  # widget views render a moment after their cell ran
        while (problems := page.evaluate(JS_WIDGET_PROBLEMS)) and time.monotonic() < deadline:
            page.wait_for_timeout(250)
        if problems:
            s.fail(f"widgets did not render: the notebook shows {problems}")
        widget_cells = [c for c in code if "widget" in c["tags"]]
        if not widget_cells:
            s.fail("no code cell is tagged `widget` (docs/writing-lessons.md asks for an explorer)")
        for c in widget_cells:
            if c["widgets"] == 0:
                s.fail(f"widget cell {c['index']} shows no ipywidgets: {c['text'][:300]!r}", c["index"])

        # 3. plotly outputs are drawn; 3D ones on a WebGL canvas
        plots = page.evaluate(JS_PLOTLY)
        for c in code:
            if PLOTLY_MIME in c["mimes"] and c["plotly"] == 0:
                s.fail(f"cell {c['index']} returned a plotly figure but no plot was drawn "
                       f"(rendered as {[o['mime'] for o in c['dom_outputs']]}; is the jupyterlab-plotly "
                       f"extension installed? `jupyter labextension list`)")
        for n, p in enumerate(plots):
            if not p["svg"] or (p["gl"] and (p["canvases"] == 0 or p["no_webgl"])):
                s.fail(f"plotly figure in cell {p['cell']} is not drawn: {p}", p["cell"])
            if p["gl"]:
                canvas = page.locator(f'[data-gdl-plot="{n}"] .gl-container canvas').first
                p["drawn"] = _drawn_fraction(canvas)
                if p["drawn"] < 0.02:
                    s.fail(f"3D plotly view in cell {p['cell']} is blank (drawn: {p['drawn']:.1%})", p["cell"])

        # 4. moving a control redraws its figure
        moves = {c["index"]: _move_a_control(s, c) for c in widget_cells}
        if not any(moves.values()):
            s.fail(f"no widget cell has a dropdown or slider to move: {moves}")
        problems = page.evaluate(JS_WIDGET_PROBLEMS)
        if problems:
            s.fail(f"after moving the controls the notebook shows {problems}")
        for c in page.evaluate(JS_CELLS):
            if c["index"] in moves and _tracebacks(c):
                s.fail(f"widget cell {c['index']} shows an error after {moves[c['index']]}:\n"
                       + "\n".join(_tracebacks(c)), c["index"])
        timings["widgets"] = time.monotonic() - t_w

        # 5. the learner's view: the first explorer, after the move
        page.evaluate(JS_SCROLL_TO_CELL, widget_cells[0]["index"])
        page.mouse.move(0, 0)
        page.wait_for_timeout(500)
        FIGURES.mkdir(exist_ok=True)
        page.screenshot(path=str(FIGURES / f"lesson_{lesson.name[:2]}.png"))
    except PlaywrightError as err:
        s.fail(f"browser step failed: {err}")
    finally:
        context.close()
        lab.shutdown_sessions()
        if not had_checkpoint and checkpoint.exists():
            checkpoint.unlink()
            try:
                checkpoint.parent.rmdir()
            except OSError:
                pass
    timings["total"] = time.monotonic() - t0
    drawn = [round(p["drawn"], 2) for p in plots if p["gl"]]
    slowest = sorted((c for c in code if c["seconds"] is not None), key=lambda c: -c["seconds"])[:3]
    print(f"{lesson.name}: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
          + f"; controls moved: {moves}; plotly plots: {len(plots)} ({len(drawn)} 3D, share drawn {drawn}); "
          + f"dialogs: {s.dialogs or 'none'}; failed requests: {s.failed_requests or 'none'}; "
          + "slowest cells: " + ", ".join(f"[{c['index']}] {c['seconds']:.1f} s" for c in slowest))
    if was_clean:
        assert _is_clean(lesson), f"{lesson.name} on disk now has outputs: the browser session saved it"
