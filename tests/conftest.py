"""Shared test fixtures."""
from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test session writes generated data to its own cache folder."""
    if "GDL_TEACH_CACHE" not in os.environ:
        monkeypatch.setenv("GDL_TEACH_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
