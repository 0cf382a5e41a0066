"""Where Colab finds the kit: the one place that defines the lessons' badge and install cell.

Every lesson starts with two cells generated from here: a markdown cell with an
"Open in Colab" badge and a code cell that installs the kit when (and only
when) it runs inside Colab. Both point at one *release*, ``RELEASE`` (a git
tag, ``v`` + the package version), not at a moving branch, so everyone in a
workshop room runs the same code. To point the lessons elsewhere (a fork, a
workshop tag), set ``GDL_TEACH_REPO`` / ``GDL_TEACH_REF`` and run
``gdl-teach sync-colab``; ``tests/test_notebooks_static.py`` fails if a notebook
drifts from this module, and ``tests/tools/test_colab.py`` fails if ``RELEASE``
drifts from the package version.

The badge image is a local copy (``notebooks/colab-badge.svg``), so a lesson
opened offline shows the badge, not a broken remote image; the link is the
same.
"""
from __future__ import annotations

import os
from pathlib import Path

REPO = "gdl-teach/gdl-teach"  # GitHub owner/name that hosts the lessons
RELEASE = "v0.2.0"  # the git tag the badge and the install cell use: "v" + the version in pyproject.toml
BADGE_IMAGE = "colab-badge.svg"  # next to the lessons, inside the folder the kit's JupyterLab serves

# What Colab lacks. Colab ships torch, numpy, scipy, pandas, scikit-learn,
# scikit-image, networkx, matplotlib, plotly, ipywidgets and tqdm; installing the kit with
# --no-deps and then only these keeps Colab's own torch build (with CUDA).
COLAB_MISSING = ["torch-geometric", "rdkit", "datamol", "eon"]
COLAB_PROVIDED = ["torch", "numpy", "scipy", "pandas", "scikit-learn", "scikit-image", "networkx", "matplotlib",
                  "plotly", "ipywidgets", "tqdm", "pygments"]
COLAB_NOT_NEEDED = ["jupyterlab", "nbval"]  # Colab is its own notebook front end; tests run elsewhere


def source() -> tuple[str, str]:
    """The configured ``(repo, ref)``: ``REPO`` and ``RELEASE``, unless ``GDL_TEACH_REPO``/``GDL_TEACH_REF`` say otherwise."""
    repo = os.environ.get("GDL_TEACH_REPO", REPO).strip()
    ref = os.environ.get("GDL_TEACH_REF", RELEASE).strip()
    if repo.count("/") != 1 or not all(repo.split("/")):
        raise ValueError(f"GDL_TEACH_REPO must look like 'owner/name', got {repo!r}")
    if not ref or any(c.isspace() for c in ref):
        raise ValueError(f"GDL_TEACH_REF must be a tag, branch or commit without spaces, got {ref!r}")
    return repo, ref


def badge_markdown(notebook: str) -> str:
    """Markdown of the "Open in Colab" badge for ``notebooks/<notebook>``."""
    if not notebook.endswith(".ipynb") or "/" in notebook:
        raise ValueError(f"notebook must be a file name like '00_setup.ipynb', got {notebook!r}")
    repo, ref = source()
    url = f"https://colab.research.google.com/github/{repo}/blob/{ref}/notebooks/{notebook}"
    return f"[![Open In Colab]({BADGE_IMAGE})]({url})"


def install_commands() -> list[list[str]]:
    """The pip argument lists the install cell runs in Colab, each after ``python -m pip install -q``.

    First the kit itself without its dependencies (so Colab's torch stays), then
    only the packages Colab lacks, with their own dependencies.
    """
    repo, ref = source()
    return [["--no-deps", f"gdl-teach @ git+https://github.com/{repo}@{ref}"], list(COLAB_MISSING)]


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
    for path in sorted([*folder.glob("[0-9][0-9]_*.ipynb"), *folder.glob("appendix_*.ipynb")]):
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
