"""Where Colab finds the kit: the one place that defines the lessons' badge and install cell.

Every lesson starts with two cells generated from here: a markdown cell with an
"Open in Colab" badge and a code cell that installs the kit when (and only
when) it runs inside Colab. Change ``REPO``/``BRANCH`` (or set
``GDL_TEACH_REPO``/``GDL_TEACH_BRANCH`` when running ``gdl-teach sync-colab``)
and re-sync; ``tests/test_notebooks_static.py`` fails if a notebook drifts.
"""
from __future__ import annotations

import os
from pathlib import Path

REPO = "gdl-teach/gdl-teach"  # GitHub owner/name that hosts the lessons
BRANCH = "main"

# What Colab lacks. Colab ships torch, numpy, scipy, pandas, scikit-learn,
# scikit-image, networkx, matplotlib, plotly, ipywidgets and tqdm; installing the kit with
# --no-deps and then only these keeps Colab's own torch build (with CUDA).
COLAB_MISSING = ["torch-geometric", "rdkit", "datamol", "eon"]
COLAB_PROVIDED = ["torch", "numpy", "scipy", "pandas", "scikit-learn", "scikit-image", "networkx", "matplotlib",
                  "plotly", "ipywidgets", "tqdm", "pygments"]
COLAB_NOT_NEEDED = ["jupyterlab", "nbval"]  # Colab is its own notebook front end; tests run elsewhere


def source() -> tuple[str, str]:
    """The configured ``(repo, branch)``; environment variables override the defaults."""
    repo = os.environ.get("GDL_TEACH_REPO", REPO).strip()
    branch = os.environ.get("GDL_TEACH_BRANCH", BRANCH).strip()
    if repo.count("/") != 1 or not all(repo.split("/")):
        raise ValueError(f"GDL_TEACH_REPO must look like 'owner/name', got {repo!r}")
    if not branch:
        raise ValueError("GDL_TEACH_BRANCH must not be empty")
    return repo, branch


def badge_markdown(notebook: str) -> str:
    """Markdown of the "Open in Colab" badge for ``notebooks/<notebook>``."""
    if not notebook.endswith(".ipynb") or "/" in notebook:
        raise ValueError(f"notebook must be a file name like '00_setup.ipynb', got {notebook!r}")
    repo, branch = source()
    url = f"https://colab.research.google.com/github/{repo}/blob/{branch}/notebooks/{notebook}"
    return f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})"


def install_commands() -> list[list[str]]:
    """The pip argument lists the install cell runs in Colab, each after ``python -m pip install -q``.

    First the kit itself without its dependencies (so Colab's torch stays), then
    only the packages Colab lacks, with their own dependencies.
    """
    repo, branch = source()
    return [["--no-deps", f"gdl-teach @ git+https://github.com/{repo}@{branch}"], list(COLAB_MISSING)]


def install_cell_source() -> str:
    """Source of the lessons' install cell: it installs in Colab and does nothing elsewhere."""
    lines = [
        "# In Google Colab this installs the kit and what Colab lacks; elsewhere it does nothing.",
        "import sys",
        "if 'google.colab' in sys.modules:",
        "    import subprocess",
    ]
    for args in install_commands():
        quoted = ", ".join(repr(a) for a in args)
        lines.append(f"    subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', {quoted}], check=True)")
    return "\n".join(lines)


def sync_notebooks(folder: str | Path = "notebooks") -> list[str]:
    """Rewrite the badge (first cell) and install cell (second cell) of every lesson.

    Returns:
        The file names that changed.
    """
    import nbformat

    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"folder must be an existing directory of notebooks, got {str(folder)!r}")
    changed = []
    for path in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        badge = nbformat.v4.new_markdown_cell(badge_markdown(path.name), id="colab-badge")
        install = nbformat.v4.new_code_cell(install_cell_source(), id="colab-install")
        install.metadata["tags"] = ["colab-install"]
        cells = list(nb.cells)
        if cells and cells[0].cell_type == "markdown" and "colab-badge" in cells[0].source:
            cells = cells[1:]
        if cells and "colab-install" in cells[0].get("metadata", {}).get("tags", []):
            cells = cells[1:]
        new_cells = [badge, install] + cells
        if [c.source for c in new_cells] != [c.source for c in nb.cells]:
            nb.cells = new_cells
            nbformat.write(nb, path)
            changed.append(path.name)
    return changed
