"""Every lesson follows the spine in docs/writing-lessons.md and is committed without outputs."""
from __future__ import annotations

import re

import nbformat
import pytest

from gdl_teach.tools.colab import badge_markdown, install_cell_source
from tests.conftest import NOTEBOOKS


def test_there_are_lessons() -> None:
    assert NOTEBOOKS, "no notebooks found under notebooks/"
    assert NOTEBOOKS[0].name == "00_setup.ipynb"


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


@pytest.fixture(params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def nb(request: pytest.FixtureRequest) -> nbformat.NotebookNode:
    notebook = nbformat.read(request.param, as_version=4)
    nbformat.validate(notebook)
    notebook.metadata["_name"] = request.param.name
    return notebook


def test_no_outputs_committed(nb: nbformat.NotebookNode) -> None:
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"cells {dirty} carry outputs; run `make strip` before committing"


def test_colab_badge_and_install_cell(nb: nbformat.NotebookNode) -> None:
    name = nb.metadata["_name"]
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.strip() == badge_markdown(name), \
        "first cell must be the Colab badge from gdl_teach.tools.colab; run `gdl-teach sync-colab`"
    assert nb.cells[1].cell_type == "code" and nb.cells[1].source == install_cell_source()
    assert "colab-install" in _tags(nb.cells[1])


def test_header_has_objectives_time_prerequisites(nb: nbformat.NotebookNode) -> None:
    header = nb.cells[2].source
    assert header.startswith("# "), "third cell must be the lesson title"
    for word in ("Learning objectives", "Time", "Prerequisites"):
        assert word in header, f"the header cell must state '{word}'"


def test_exercises_are_followed_by_checks(nb: nbformat.NotebookNode) -> None:
    cells = nb.cells
    exercises = [i for i, c in enumerate(cells) if "exercise" in _tags(c)]
    assert len(exercises) >= 2, "a lesson needs at least two exercises (cells tagged 'exercise')"
    for i in exercises:
        src = cells[i].source
        assert "### BEGIN SOLUTION" in src and "### END SOLUTION" in src, f"exercise cell {i} lacks solution markers"
        nxt = next(c for c in cells[i + 1:] if c.cell_type == "code")
        assert "check" in _tags(nxt) and re.search(r"\bcheck_\w+\(", nxt.source), \
            f"the code cell after exercise cell {i} must be tagged 'check' and call a check_* function"


def test_widget_claim_and_recap(nb: nbformat.NotebookNode) -> None:
    cells = nb.cells
    assert any("widget" in _tags(c) for c in cells), "a lesson needs an interactive cell tagged 'widget'"
    if nb.metadata["_name"] != "00_setup.ipynb":
        claims = [c for c in cells if "claim" in _tags(c)]
        assert claims and any("assert " in c.source for c in claims), "a lesson needs a claim cell with an assert"
    assert any(c.cell_type == "markdown" and "Recap" in c.source for c in cells), "a lesson ends with a Recap"


def test_code_cells_are_short(nb: nbformat.NotebookNode) -> None:
    long_cells = [(i, len(c.source.splitlines())) for i, c in enumerate(nb.cells)
                  if c.cell_type == "code" and len(c.source.splitlines()) > 25]
    assert not long_cells, f"cells (index, lines) longer than 25 lines: {long_cells}; move code into gdl_teach"
