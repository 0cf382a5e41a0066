"""Workshop editions: student copies of the lessons with the solutions taken out.

In an instructor copy (the lessons as committed) each exercise cell, tagged
``exercise``, holds the reference solution between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` lines. The student copy replaces those lines by a stub,
``# YOUR CODE HERE`` and ``raise NotImplementedError``, at the same
indentation, and keeps the ``check_*`` cell that follows, so a learner who runs
the stub reads the check's hint instead of a crash.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
STUB_MARKER = "# YOUR CODE HERE"


def stub_solution(source: str) -> str:
    """Replace every ``BEGIN``/``END SOLUTION`` block of a cell's source by a stub.

    Raises:
        ValueError: when markers are missing or unbalanced.
    """
    if not isinstance(source, str):
        raise TypeError(f"source must be a str, got {type(source).__name__}")
    lines = source.splitlines()
    out: list[str] = []
    inside = False
    blocks = 0
    for line in lines:
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError("source has a nested '### BEGIN SOLUTION'")
            inside, blocks = True, blocks + 1
            indent = re.match(r"\s*", line).group(0)  # type: ignore[union-attr]
            out += [f"{indent}{STUB_MARKER}", f"{indent}raise NotImplementedError"]
        elif stripped == END:
            if not inside:
                raise ValueError("source has '### END SOLUTION' without a matching BEGIN")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError("source has '### BEGIN SOLUTION' without a matching END")
    if blocks == 0:
        raise ValueError("source has no '### BEGIN SOLUTION' block to replace")
    return "\n".join(out)


def student_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A student copy of a lesson: solutions stubbed, outputs removed."""
    copy = nbformat.from_dict(nb)
    exercises = 0
    for cell in copy.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if "exercise" in cell.get("metadata", {}).get("tags", []):
            cell.source = stub_solution(cell.source)
            exercises += 1
    if exercises == 0:
        raise ValueError("notebook has no cell tagged 'exercise'")
    copy.metadata["gdl_teach"] = {"edition": "student"}
    return copy


def write_student_editions(notebooks: list[Path], out_dir: Path) -> list[Path]:
    """Write a student copy of each lesson to ``out_dir`` (same file names).

    Args:
        notebooks: the instructor notebooks.
        out_dir: destination folder, created if needed.

    Returns:
        The paths written.
    """
    if not notebooks:
        raise ValueError("notebooks must name at least one lesson")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        target = out_dir / Path(path).name
        nbformat.write(student_notebook(nb), target)
        written.append(target)
    return written
