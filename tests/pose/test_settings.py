"""The lesson's setting: CPU by default, printed in one line."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.pose import settings


def test_cpu_setting_is_the_default_here_and_limits_threads() -> None:
    before = torch.get_num_threads()
    try:
        s = settings.settings("cpu")
        assert s.name == "cpu" and len(s.seeds) >= 5 and torch.get_num_threads() == 1
        assert "5 seeds" in s.describe()
        assert settings.settings("gpu").num_steps > s.num_steps
    finally:
        torch.set_num_threads(before)
    with pytest.raises(ValueError, match="kind must be one of"):
        settings.settings("tpu")
