#!/usr/bin/env python
"""Build a static site of the executed lessons with Sphinx and myst-nb (``make site``).

    .venv/bin/python scripts/build_site.py                          # every lesson + the appendix -> build/site/html
    .venv/bin/python scripts/build_site.py --notebooks notebooks/00_setup.ipynb --out /tmp/site
    .venv/bin/python scripts/build_site.py --executed /tmp/runs     # reuse notebooks executed elsewhere (same names)

What it does, in order:

1. runs each notebook top to bottom in a fresh kernel (the kit's headless runner,
   as ``gdl-teach bench`` does; an error stops the build), unless ``--executed``
   holds an executed copy;
2. makes the outputs static: an ipywidgets view becomes the picture its
   ``Output`` widget held after the first draw (an explorer's first setting),
   under a note that names the controls and their values, and a progress bar
   becomes its final text; the widget state is dropped from the metadata, so
   the page loads no widget manager from a CDN. A plotly figure becomes HTML
   that draws with the page's local copy of plotly.js, so it stays interactive
   offline. The Colab install cell is removed and exercise solutions are folded;
3. stages ``docs/site`` (conf.py, index.md), the notebooks under ``notebooks/``
   and the learner-facing docs under ``docs/``, with links to source files
   pointed at the repository, and runs ``sphinx-build -b html``.

Needs the ``site`` extra: ``pip install -e '.[site]'`` (Sphinx, myst-nb, sphinx-book-theme).
"""
from __future__ import annotations

import argparse
import copy
import html
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "docs" / "site"
#: The docs a learner or an instructor reads (docs/writing-lessons.md is for developers).
DOCS = ["hosting.md", "scaling.md", "instructor-guide.md"]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
PLOTLY = "application/vnd.plotly.v1+json"
SELECTIONS = {"DropdownModel", "SelectModel", "RadioButtonsModel", "ToggleButtonsModel", "SelectionSliderModel"}
VALUES = {"IntSliderModel", "FloatSliderModel", "FloatLogSliderModel", "IntRangeSliderModel", "FloatRangeSliderModel",
          "CheckboxModel", "ToggleButtonModel", "IntTextModel", "FloatTextModel", "BoundedIntTextModel",
          "BoundedFloatTextModel", "TextModel"}


def default_notebooks() -> list[Path]:
    """The lessons (``notebooks/NN_*.ipynb``) and the appendices, in order."""
    folder = ROOT / "notebooks"
    return sorted(folder.glob("[0-9][0-9]_*.ipynb")) + sorted(folder.glob("appendix_*.ipynb"))


def execute(path: Path, timeout: int) -> nbformat.NotebookNode:
    """``path`` run top to bottom in a fresh kernel, in its own folder, with the widget state stored."""
    from gdl_teach.tools.bench import notebook_client

    nb = nbformat.read(path, as_version=4)
    notebook_client(nb, path.parent, timeout=timeout).execute()
    return nb


def _widget_tree(states: dict[str, Any], model_id: str) -> list[dict[str, Any]]:
    """The widget ``model_id`` and everything below it (children), depth first."""
    found, todo = [], [model_id]
    while todo:
        model = states.get(todo.pop(0))
        if model is None:
            continue
        found.append(model)
        children = model.get("state", {}).get("children", [])
        todo = [c.removeprefix("IPY_MODEL_") for c in children] + todo
    return found


def _control_text(model: dict[str, Any]) -> str | None:
    """``description = value`` of a control, or None for anything that is not a control."""
    name, state = model.get("model_name"), model.get("state", {})
    label = state.get("description") or name.removesuffix("Model")
    if name in SELECTIONS and state.get("index") is not None:
        labels = state.get("_options_labels", [])
        index = state["index"]
        return f"{label} = {labels[index] if isinstance(index, int) and index < len(labels) else index}"
    if name in VALUES:
        return f"{label} = {state.get('value')}"
    return None


def _note(text: str) -> dict[str, Any]:
    return nbformat.v4.new_output("display_data", data={"text/html": f'<div class="gdl-widget-static">{text}</div>',
                                                        "text/plain": re.sub("<[^>]+>", "", text)})


def static_widget(model_id: str, states: dict[str, Any], fallback: str) -> list[dict[str, Any]]:
    """The static outputs that stand for one widget view (see the module docstring)."""
    models = _widget_tree(states, model_id)
    shown = [o for m in models if m.get("model_name") == "OutputModel" for o in m["state"].get("outputs", [])]
    controls = [t for t in map(_control_text, models) if t]
    if shown:
        what = f" (controls: {html.escape('; '.join(controls))})" if controls else ""
        note = (f"<b>Interactive explorer</b>, shown at its first setting{what}. Open the notebook in JupyterLab, "
                "Binder or Colab to move the controls.")
        return [_note(note)] + [nbformat.from_dict(copy.deepcopy(o)) for o in shown]
    texts = [re.sub("<[^>]+>", "", str(m["state"].get("value", ""))).strip() for m in models
             if m.get("model_name") in {"HTMLModel", "LabelModel"}]
    text = " ".join(t for t in texts if t) or fallback
    return [nbformat.v4.new_output("stream", name="stdout", text=text + "\n")] if text else []


def plotly_html(output: dict[str, Any]) -> dict[str, Any]:
    """A plotly output as HTML drawn by the page's own plotly.js (no CDN), still interactive."""
    import plotly.io as pio

    figure = output["data"][PLOTLY]
    div = pio.to_html(figure, include_plotlyjs=False, full_html=False, config={"responsive": True})
    data = {"text/html": div, "text/plain": "<plotly figure>"}
    return nbformat.v4.new_output(output["output_type"], data=data,
                                  **({"execution_count": output.get("execution_count")}
                                     if output["output_type"] == "execute_result" else {}))


def _static_outputs(outputs: list[dict[str, Any]], states: dict[str, Any]) -> list[dict[str, Any]]:
    new = []
    for out in outputs:
        data = out.get("data", {})
        if WIDGET_VIEW in data:
            stand_in = static_widget(data[WIDGET_VIEW]["model_id"], states, data.get("text/plain", ""))
            new += _static_outputs(stand_in, states)
        elif PLOTLY in data:
            new.append(plotly_html(out))
        else:
            new.append(out)
    return new


def source_links(markdown: str, repo: str, branch: str) -> str:
    """Point ``../path`` links at the repository unless the site has that page (a notebook or one of ``DOCS``)."""
    pages = {f"docs/{name}" for name in DOCS}

    def fix(match: re.Match[str]) -> str:
        target = match.group(1)
        if target in pages or (target.startswith("notebooks/") and target.endswith(".ipynb")):
            return match.group(0)
        return f"](https://github.com/{repo}/blob/{branch}/{target})"

    return re.sub(r"\]\(\.\./([^)#\s]+)\)", fix, markdown)


def make_static(nb: nbformat.NotebookNode, repo: str, branch: str) -> nbformat.NotebookNode:
    """A copy of an executed notebook ready for a static page (widgets, plotly, install cell, solutions, links)."""
    nb = copy.deepcopy(nb)
    states = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in nb.cells:
        tags = cell.metadata.setdefault("tags", [])
        if cell.cell_type == "markdown":
            cell.source = source_links(cell.source, repo, branch)
        elif cell.cell_type == "code":
            cell.outputs = _static_outputs(cell.outputs, states)
            if "colab-install" in tags:
                tags.append("remove-cell")
            if "exercise" in tags:
                tags.append("hide-input")
    nb.metadata.pop("widgets", None)
    return nb


def stage(notebooks: dict[str, nbformat.NotebookNode], src: Path) -> Path:
    """Lay out the Sphinx source folder: docs/site, the notebooks, the docs, plotly.js."""
    import plotly.offline

    from gdl_teach.tools.colab import BADGE_IMAGE, source

    repo, branch = source()
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(SITE, src, ignore=shutil.ignore_patterns("_build", "__pycache__"))
    (src / "_static").mkdir(exist_ok=True)
    (src / "_static" / "plotly.min.js").write_text(plotly.offline.get_plotlyjs(), encoding="utf-8")
    (src / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / BADGE_IMAGE, src / "notebooks" / BADGE_IMAGE)  # the lessons' local badge
    for name, nb in notebooks.items():
        nbformat.write(make_static(nb, repo, branch), src / "notebooks" / name)
    (src / "docs").mkdir()
    for name in DOCS:
        if (ROOT / "docs" / name).exists():
            text = (ROOT / "docs" / name).read_text(encoding="utf-8")
            (src / "docs" / name).write_text(source_links(text, repo, branch), encoding="utf-8")
    return src


def build_html(src: Path, html_dir: Path) -> Path:
    """Run ``sphinx-build -b html``; return the site's index page."""
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", "1", str(src), str(html_dir)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"sphinx-build failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    if proc.stderr.strip():
        print(proc.stderr.strip(), file=sys.stderr)
    return html_dir / "index.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", nargs="+", type=Path, help="default: every lesson and appendix")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site", help="default: build/site")
    parser.add_argument("--executed", type=Path, help="a folder of executed notebooks to use instead of running")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    args = parser.parse_args(argv)
    for module in ("sphinx", "myst_nb", "sphinx_book_theme"):
        if __import__("importlib").util.find_spec(module) is None:
            parser.error(f"{module} is missing: install the site extra, pip install -e '.[site]'")
    notebooks = {}
    for path in args.notebooks or default_notebooks():
        done = args.executed / path.name if args.executed else None
        start = time.perf_counter()
        notebooks[path.name] = (nbformat.read(done, as_version=4) if done is not None and done.exists()
                                else execute(path.resolve(), args.timeout))
        print(f"{path.name}: {'read' if done is not None and done.exists() else 'executed'} "
              f"in {time.perf_counter() - start:.1f} s", flush=True)
    index = build_html(stage(notebooks, args.out / "src"), args.out / "html")
    print(f"site: {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
