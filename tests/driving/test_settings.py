"""gdl_teach.driving.settings: one setting per device, complete for every model."""
from __future__ import annotations

from gdl_teach.driving import settings


def test_cpu_setting_is_the_default_here_and_both_are_complete() -> None:
    assert settings.settings() is settings.CPU  # the tests run on the CPU
    for cfg in (settings.CPU, settings.GPU):
        assert set(cfg.steps) == set(cfg.lr) == set(settings.MODEL_NAMES)
        assert len(cfg.seeds) >= 3 and not set(cfg.train_scenes) & set(cfg.test_scenes)
        assert "steps" in str(cfg)
