"""Device choice, seeding, cache, validation and show_source."""
from __future__ import annotations

import pickle

import pytest
import torch

from gdl_teach import get_device, seed_everything, show_source
from gdl_teach.core.cache import cache_dir, cache_key, cached
from gdl_teach.core.device import torch_threads
from gdl_teach.core.source import get_source
from gdl_teach.core.validate import check_batch, check_edge_index, check_float, check_int, check_tensor


def test_get_device_default_and_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GDL_TEACH_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else ("mps" if torch.backends.mps.is_available() else "cpu")
    assert get_device().type == expected
    monkeypatch.setenv("GDL_TEACH_DEVICE", "cpu")
    assert get_device() == torch.device("cpu")


def test_get_device_rejects_bad_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDL_TEACH_DEVICE", "tpu")
    with pytest.raises(ValueError, match="GDL_TEACH_DEVICE='tpu'"):
        get_device()
    with pytest.raises(ValueError, match="prefer='gpu'"):
        get_device("gpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            get_device("cuda")


def test_seed_everything_repeats_numbers() -> None:
    seed_everything(3)
    a = torch.randn(5)
    seed_everything(3)
    assert torch.equal(a, torch.randn(5))
    with pytest.raises(TypeError, match="seed must be an int"):
        seed_everything(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="seed must be in"):
        seed_everything(-1)


def test_cache_dir_override(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("GDL_TEACH_CACHE", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c" and (tmp_path / "c").is_dir()


def test_cached_builds_once_and_rebuilds_corrupt_files(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("GDL_TEACH_CACHE", str(tmp_path))
    calls = []

    def build() -> list[int]:
        calls.append(1)
        return [1, 2, 3]

    assert cached("demo", {"n": 3}, build) == [1, 2, 3]
    assert cached("demo", {"n": 3}, build) == [1, 2, 3]
    assert len(calls) == 1
    assert cached("demo", {"n": 4}, build) == [1, 2, 3] and len(calls) == 2  # other params, other file
    path = tmp_path / cache_key("demo", {"n": 3})
    path.write_bytes(b"not a pickle")
    assert cached("demo", {"n": 3}, build) == [1, 2, 3] and len(calls) == 3  # rebuilt, not trusted
    with path.open("rb") as fh:
        assert pickle.load(fh)["value"] == [1, 2, 3]
    with pytest.raises(ValueError, match="name must be"):
        cached("bad name!", {}, build)


def test_validation_messages_name_the_argument() -> None:
    with pytest.raises(TypeError, match="pos must be a torch.Tensor, got list"):
        check_tensor("pos", [[0.0, 1.0]])
    with pytest.raises(ValueError, match=r"pos must have shape \(N, 3\), got \(4, 2\)"):
        check_tensor("pos", torch.zeros(4, 2), shape=(None, 3))
    with pytest.raises(ValueError, match="x must not be empty"):
        check_tensor("x", torch.zeros(0, 3), nonempty=True)
    with pytest.raises(ValueError, match="x contains NaN"):
        check_tensor("x", torch.tensor([float("nan")]), finite=True)
    with pytest.raises(TypeError, match="edge_index must be an integer tensor"):
        check_edge_index("edge_index", torch.zeros(2, 3))
    with pytest.raises(ValueError, match="refers to node 5 but there are only 3 nodes"):
        check_edge_index("edge_index", torch.tensor([[0, 5], [1, 2]]), num_nodes=3)
    with pytest.raises(ValueError, match="k must be >= 1"):
        check_int("k", 0, min_value=1)
    with pytest.raises(ValueError, match="r must be > 0"):
        check_float("r", 0.0, min_value=0.0, strict_min=True)
    with pytest.raises(ValueError, match="batch must be non-negative and sorted"):
        check_batch("batch", torch.tensor([1, 0]), 2)


def test_show_source_prints_real_code(capsys: pytest.CaptureFixture[str]) -> None:
    show_source(seed_everything)
    assert "def seed_everything" in capsys.readouterr().out
    with pytest.raises(TypeError, match="obj must be a Python function"):
        get_source(42)


def test_show_source_renders_html_in_ipython() -> None:
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    shell = InteractiveShell.instance()
    try:
        with capture_output() as captured:
            shell.run_cell("from gdl_teach import show_source, seed_everything\nshow_source(seed_everything)")
        html = "".join(o.data.get("text/html", "") for o in captured.outputs)
        assert "seed_everything" in html and "<span" in html  # highlighted
    finally:
        InteractiveShell.clear_instance()


def test_torch_threads_limits_and_restores() -> None:
    before = torch.get_num_threads()
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with torch_threads(None):
        assert torch.get_num_threads() == before
    with pytest.raises(ValueError, match="n must be a positive int or None"):
        with torch_threads(0):
            pass
