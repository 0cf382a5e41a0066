"""Lesson 07's setting: the CPU one on a CPU, printed in one line."""
from __future__ import annotations

import pytest

from gdl_teach.meshes import settings


def test_cpu_setting_on_a_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDL_TEACH_DEVICE", "cpu")
    assert settings.settings() is settings.CPU
    assert "grid_spacing=0.07" in str(settings.CPU) and len(settings.CPU.seeds) >= 5
    assert settings.GPU.steps >= settings.CPU.steps and len(settings.GPU.seeds) >= len(settings.CPU.seeds)
