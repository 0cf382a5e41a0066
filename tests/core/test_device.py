"""Device choice and CPU threads."""
from __future__ import annotations

import pytest
import torch

from gdl_teach import get_device
from gdl_teach.core.device import cpu_threads


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


def test_cpu_threads_limits_and_restores() -> None:
    before = torch.get_num_threads()
    with cpu_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with cpu_threads(None):
        assert torch.get_num_threads() == before
    with pytest.raises(ValueError, match="num_threads must be a positive int or None"):
        with cpu_threads(0):
            pass


def test_choose_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from gdl_teach.core.device import choose_setting

    monkeypatch.setenv("GDL_TEACH_DEVICE", "cpu")
    assert choose_setting("small", "large") == "small"
    assert choose_setting("small", "large", "gpu") == "large"
    with pytest.raises(ValueError, match="kind must be one of"):
        choose_setting("small", "large", "cuda")
