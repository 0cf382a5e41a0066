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


def _check_out_dir(notebooks: list[Path], out_dir: Path) -> None:
    """Refuse an output folder that is, holds, or lies inside a folder of the instructor notebooks."""
    out = out_dir.resolve()
    for path in notebooks:
        source = Path(path).resolve().parent
        if out == source or source in out.parents or out in source.parents:
            raise ValueError(
                f"out_dir {str(out_dir)!r} is, contains or lies inside the folder of the instructor notebooks "
                f"({source}); writing student copies there would replace the answer key. Choose another folder, "
                "e.g. --out student")


def _holds_solutions(path: Path) -> bool:
    """Whether an existing notebook file still holds solutions (an instructor copy), or cannot be read."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - unreadable: treat as something not to overwrite
        return True
    return nb.metadata.get("gdl_teach", {}).get("edition") != "student" or any(
        BEGIN in c.source for c in nb.cells if c.cell_type == "code")


def write_student_editions(notebooks: list[Path], out_dir: Path, force: bool = False) -> list[Path]:
    """Write a student copy of each lesson to ``out_dir`` (same file names).

    Never writes into the instructor notebooks' folder (or a folder inside it,
    or one that contains it), and never overwrites an existing file that holds
    solutions unless ``force`` is True. Existing student copies are replaced.

    Args:
        notebooks: the instructor notebooks.
        out_dir: destination folder, created if needed.
        force: overwrite existing files in ``out_dir`` even when they hold solutions.

    Returns:
        The paths written.
    """
    if not notebooks:
        raise ValueError("notebooks must name at least one lesson")
    out_dir = Path(out_dir)
    _check_out_dir(list(notebooks), out_dir)
    editions = []
    for path in notebooks:
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as err:  # noqa: BLE001 - JSON, schema or encoding errors
            raise ValueError(f"{path} is not a readable notebook ({type(err).__name__}: {err})") from None
        target = out_dir / Path(path).name
        if target.exists() and not force and _holds_solutions(target):
            raise FileExistsError(f"{target} exists and holds solutions (it is not a student edition); "
                                  "refusing to overwrite it. Pass --force (force=True) to overwrite it anyway.")
        editions.append((target, student_notebook(nb)))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for target, nb in editions:
            nbformat.write(nb, target)
    except OSError as err:
        raise OSError(f"cannot write student editions to {str(out_dir)!r}: {err.strerror}; choose a writable "
                      "folder with --out") from None
    return [target for target, _ in editions]
