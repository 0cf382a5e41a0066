"""The install cell under a simulated Colab, and the badge's single source."""
from __future__ import annotations

import subprocess
import sys
import types

import nbformat
import pytest

from gdl_teach.tools import colab
from tests.conftest import NOTEBOOKS
from tests.test_packaging import pip_requirements


def _run_install_cell(source: str, in_colab: bool, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []
    monkeypatch.setattr(subprocess, "run", lambda args, **kw: calls.append(list(args)))
    if in_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(source, "<install cell>", "exec"), {})
    return calls


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_install_cell_does_nothing_outside_colab(path, monkeypatch: pytest.MonkeyPatch) -> None:
    cell = nbformat.read(path, as_version=4).cells[1]
    assert _run_install_cell(cell.source, in_colab=False, monkeypatch=monkeypatch) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_install_cell_in_colab_installs_kit_and_only_what_colab_lacks(path, monkeypatch: pytest.MonkeyPatch) -> None:
    cell = nbformat.read(path, as_version=4).cells[1]
    calls = _run_install_cell(cell.source, in_colab=True, monkeypatch=monkeypatch)
    repo, ref = colab.source()
    assert len(calls) == 2
    for call in calls:
        assert call[:5] == [sys.executable, "-m", "pip", "install", "-q"]
    kit, extras = calls[0][5:], calls[1][5:]
    assert kit == ["--no-deps", f"gdl-teach @ git+https://github.com/{repo}@{ref}"]
    assert "torch" not in extras, "Colab ships torch with CUDA; the cell must not replace it"
    assert set(extras) == set(colab.COLAB_MISSING)


def test_colab_lists_cover_every_dependency() -> None:
    declared = set(pip_requirements())
    covered = set(colab.COLAB_MISSING) | set(colab.COLAB_PROVIDED) | set(colab.COLAB_NOT_NEEDED)
    assert declared == covered, f"uncovered: {declared - covered}; stale: {covered - declared}"


def test_badge_points_at_the_configured_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDL_TEACH_REPO", "someone/fork")
    monkeypatch.setenv("GDL_TEACH_REF", "workshop-2027")
    assert "github/someone/fork/blob/workshop-2027/notebooks/01_x.ipynb" in colab.badge_markdown("01_x.ipynb")
    assert "git+https://github.com/someone/fork@workshop-2027" in colab.install_cell_source()
    monkeypatch.setenv("GDL_TEACH_REPO", "not-a-repo")
    with pytest.raises(ValueError, match="GDL_TEACH_REPO must look like 'owner/name'"):
        colab.source()
    with pytest.raises(ValueError, match="notebook must be a file name"):
        colab.badge_markdown("notebooks/00.ipynb")


def test_badge_and_install_cell_name_the_release_of_this_version(monkeypatch: pytest.MonkeyPatch) -> None:
    import tomllib

    from tests.conftest import ROOT

    monkeypatch.delenv("GDL_TEACH_REF", raising=False)
    monkeypatch.delenv("GDL_TEACH_REPO", raising=False)
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert colab.RELEASE == f"v{version}", "RELEASE must be the tag of this version; bump both together"
    assert f"/blob/{colab.RELEASE}/notebooks/" in colab.badge_markdown("00_setup.ipynb")
    assert f"@{colab.RELEASE}'" in colab.install_cell_source() and "@main" not in colab.install_cell_source()
    monkeypatch.setenv("GDL_TEACH_REF", "two words")
    with pytest.raises(ValueError, match="GDL_TEACH_REF must be"):
        colab.source()


def test_the_badge_image_is_local_so_lessons_read_offline() -> None:
    from tests.conftest import ROOT

    assert "/" not in colab.BADGE_IMAGE and "Open In Colab" in colab.badge_markdown("00_setup.ipynb")
    image = (ROOT / "notebooks" / colab.BADGE_IMAGE).resolve()
    assert image.is_file() and image.read_text().lstrip().startswith("<svg")
