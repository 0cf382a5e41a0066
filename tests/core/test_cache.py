"""The cache: keyed by parameters, code and library versions; a format that cannot run code."""
from __future__ import annotations

import os
import pickle

import numpy as np
import pytest
import torch

from gdl_teach.core.cache import cache_dir, cached


def test_cache_dir_override(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("GDL_TEACH_CACHE", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c" and (tmp_path / "c").is_dir()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_cache_dir_unwritable_names_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.setenv("GDL_TEACH_CACHE", str(locked))
    with pytest.raises(OSError, match="GDL_TEACH_CACHE"):
        cache_dir()


def test_cache_dir_that_is_a_file_names_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("GDL_TEACH_CACHE", str(blocker / "sub"))
    with pytest.raises(OSError, match="GDL_TEACH_CACHE"):
        cache_dir()


def _only_file(folder) -> os.PathLike:
    files = [p for p in folder.iterdir() if p.suffix == ".pt"]
    assert len(files) == 1, files
    return files[0]


def test_cached_builds_once_and_rebuilds_corrupt_files(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("GDL_TEACH_CACHE", str(tmp_path))
    calls = []

    def build() -> dict:
        calls.append(1)
        return {"runs": [np.arange(3.0), np.array([True, False])], "n": 3, "pair": (1, "a"), "t": torch.ones(2)}

    first = cached("demo", {"n": 3}, build)
    again = cached("demo", {"n": 3}, build)
    assert len(calls) == 1
    assert np.array_equal(again["runs"][0], np.arange(3.0)) and again["runs"][1].dtype == bool
    assert again["pair"] == (1, "a") and torch.equal(again["t"], first["t"]) and again["n"] == 3
    path = _only_file(tmp_path)
    path.write_bytes(b"not a torch file")
    cached("demo", {"n": 3}, build)
    assert len(calls) == 2  # rebuilt, not trusted
    cached("demo", {"n": 4}, build)
    assert len(calls) == 3  # other params, other file
    with pytest.raises(ValueError, match="name must be"):
        cached("bad name!", {}, build)


def test_a_planted_pickle_cannot_run_code(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("GDL_TEACH_CACHE", str(tmp_path))
    cached("demo", {"n": 1}, lambda: [1])
    path = _only_file(tmp_path)
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):  # noqa: ANN204
            return (open, (str(marker), "w"))

    with path.open("wb") as fh:
        pickle.dump({"stamp": None, "value": Evil()}, fh)
    assert cached("demo", {"n": 1}, lambda: [2]) == [2]
    assert not marker.exists(), "loading the cache ran code from the file"


def test_cached_is_keyed_on_library_versions_and_code(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("GDL_TEACH_CACHE", str(tmp_path))
    cached("demo", {"n": 1}, lambda: [1])
    cached("demo", {"n": 1}, lambda: [1], libraries=("numpy",))
    assert len([p for p in tmp_path.iterdir() if p.suffix == ".pt"]) == 2
    import gdl_teach.core.cache as cache_module

    monkeypatch.setattr(cache_module, "_source_hash", lambda build: "other code")
    calls = []
    cached("demo", {"n": 1}, lambda: calls.append(1) or [1])
    assert calls == [1], "a cache written by other code must not be reused"


def test_cached_refuses_objects_it_cannot_store_safely(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("GDL_TEACH_CACHE", str(tmp_path))
    with pytest.raises(TypeError, match="encode=/decode="):
        cached("demo", {}, lambda: object())
    value = cached("demo2", {}, lambda: {1, 2}, encode=sorted, decode=set)
    assert value == {1, 2} and cached("demo2", {}, lambda: set(), encode=sorted, decode=set) == {1, 2}
