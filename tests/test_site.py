"""`make site`: scripts/build_site.py runs a small notebook, makes its widgets static and builds an HTML page
with Sphinx + myst-nb, which headless Chromium then shows with the notebook's content.

The post-processing is checked without Sphinx; the build and the browser need the ``site`` extra (Sphinx,
myst-nb, sphinx-book-theme: part of the ``test`` extra) and Debian's Chromium (``make browser-deps``); without
them the build test is skipped, unless ``CI`` is set, where that is a failure.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import nbformat
import pytest

from tests.browser_helpers import CHROMIUM, CHROMIUM_ARGS, VIEWPORT
from tests.conftest import ROOT

MARK = "gdl-teach site test 41"  # text that must reach the page from the notebook's own output

TINY_CELLS = [
    ("markdown", "# A tiny lesson\n\nThe site shows this paragraph, and [the kit's code](../gdl_teach/core/seed.py)."),
    ("code", f"print('{MARK}')"),
    ("code", "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(3, 2))\nax.plot([0, 1], [1, 0])\n"
             "plt.show()"),
    # an explorer as the kit builds one: a control and an Output widget whose outputs are written directly
    ("code", "import ipywidgets as widgets\nfrom IPython import get_ipython\n"
             "fig, ax = plt.subplots(figsize=(3, 2))\nax.bar([0, 1], [2, 3])\n"
             "data, meta = get_ipython().display_formatter.format(fig)\nplt.close(fig)\n"
             "out = widgets.Output()\n"
             "out.outputs = ({'output_type': 'display_data', 'data': data, 'metadata': meta},)\n"
             "widgets.VBox([widgets.Dropdown(options=['ring', 'star'], value='star', description='graph'), out])"),
    ("code", "import plotly.graph_objects as go\ngo.Figure(go.Scatter3d(x=[0, 1], y=[1, 0], z=[0, 1]))"),
]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def _load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_site", ROOT / "scripts" / "build_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _require(what: list[tuple[bool, str]]) -> None:
    missing = [name for ok, name in what if not ok]
    if missing:
        message = "site test needs " + " and ".join(missing)
        if _in_ci():
            pytest.fail(message + " [CI is set, so this is a failure]", pytrace=False)
        pytest.skip(message)


def _tiny_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(src) if kind == "markdown" else nbformat.v4.new_code_cell(src)
                for kind, src in TINY_CELLS]
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    path = folder / "tiny.ipynb"
    nbformat.write(nb, path)
    return path


def test_widgets_become_their_first_picture_and_plotly_becomes_html() -> None:
    builder = _load_builder()
    states = {
        "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_dd", "IPY_MODEL_out"]}},
        "dd": {"model_name": "DropdownModel", "state": {"description": "graph", "index": 1,
                                                        "_options_labels": ["ring", "star"]}},
        "out": {"model_name": "OutputModel", "state": {"outputs": [
            {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"},
             "metadata": {}}]}},
        "bar": {"model_name": "HBoxModel", "state": {"children": ["IPY_MODEL_label", "IPY_MODEL_done"]}},
        "label": {"model_name": "HTMLModel", "state": {"value": "training: 100%"}},
        "done": {"model_name": "HTMLModel", "state": {"value": "150/150 [00:01&lt;00:00]"}},
    }
    nb = nbformat.v4.new_notebook()
    view = {builder.WIDGET_VIEW: {"model_id": "box", "version_major": 2}, "text/plain": "VBox(...)"}
    bar = {builder.WIDGET_VIEW: {"model_id": "bar", "version_major": 2}, "text/plain": "training: 0%"}
    figure = {builder.PLOTLY: {"data": [{"type": "scatter", "x": [1], "y": [2]}], "layout": {}}}
    cell = nbformat.v4.new_code_cell("explorer", outputs=[nbformat.v4.new_output("display_data", data=d)
                                                          for d in (view, bar, figure)])
    nb.cells = [cell, nbformat.v4.new_markdown_cell("[seed](../gdl_teach/core/seed.py), [guide](../docs/hosting.md)")]
    nb.metadata["widgets"] = {builder.WIDGET_STATE: {"state": states, "version_major": 2, "version_minor": 0}}
    static = builder.make_static(nb, "owner/repo", "main")
    outputs = static.cells[0].outputs
    assert "widgets" not in static.metadata and "widgets" in nb.metadata, "the copy loses the state, not the input"
    assert "first setting (controls: graph = star)" in outputs[0]["data"]["text/html"]
    assert outputs[1]["data"]["image/png"] == "iVBORw0KGgo="
    assert outputs[2]["output_type"] == "stream" and outputs[2]["text"].startswith("training: 100% 150/150")
    assert builder.PLOTLY not in outputs[3]["data"] and "Plotly.newPlot" in outputs[3]["data"]["text/html"]
    assert "https://github.com/owner/repo/blob/main/gdl_teach/core/seed.py" in static.cells[1].source
    assert "](../docs/hosting.md)" in static.cells[1].source, "a page of the site stays a page of the site"


@pytest.mark.slow
def test_site_builds_and_chromium_shows_the_notebook(tmp_path: Path) -> None:
    _require([(all(importlib.util.find_spec(m) for m in ("sphinx", "myst_nb", "sphinx_book_theme")),
               "the site extra (pip install -e '.[site]')"),
              (Path(CHROMIUM).exists(), f"{CHROMIUM} (make browser-deps)"),
              (importlib.util.find_spec("playwright") is not None, "playwright (the test extra)")])
    notebook = _tiny_notebook(tmp_path)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_site.py"), "--notebooks", str(notebook),
                           "--out", str(tmp_path / "site"), "--timeout", "120"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, f"build_site.py failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    page = tmp_path / "site" / "html" / "notebooks" / "tiny.html"
    assert page.exists(), proc.stdout
    built = time.perf_counter() - start

    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            tab = browser.new_page(viewport=VIEWPORT)
            tab.goto(page.as_uri())
            tab.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)  # local plotly.js drew the figure
            text = tab.inner_text("main")
            images = tab.locator("main img").count()
            tab.screenshot(path=str(tmp_path / "tiny.png"), full_page=True)
            index = tab.goto((tmp_path / "site" / "html" / "index.html").as_uri())
            assert index is not None and index.ok
            toc = tab.inner_text("body")
        finally:
            browser.close()
    assert "A tiny lesson" in text and "The site shows this paragraph" in text
    assert MARK in text, "the notebook's printed output must be on the page"
    assert "Interactive explorer, shown at its first setting (controls: graph = star)" in text
    assert images >= 2, f"the matplotlib figure and the explorer's picture, got {images} images"
    assert "A tiny lesson" in toc, "the index page lists the notebook"
    print(f"site built in {built:.1f} s")
