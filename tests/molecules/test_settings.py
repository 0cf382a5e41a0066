"""gdl_teach.molecules.settings: one place for the lesson's sizes, chosen by the device."""
from __future__ import annotations

import pytest

from gdl_teach.molecules import settings


def test_setting_follows_the_device() -> None:
    assert settings.settings("cpu") is settings.CPU and settings.settings("gpu") is settings.GPU
    with pytest.raises(ValueError, match="kind must be one of"):
        settings.settings("meta")


def test_the_networks_share_one_training_budget() -> None:
    for setting in (settings.CPU, settings.GPU):
        for data in ("freesolv", "huuskonen"):
            kwargs = setting.network_kwargs(data)
            budget = setting.training if data == "freesolv" else setting.huuskonen_training
            assert set(kwargs) == {"gnn", "descriptor_gnn", "smiles"}
            for model in kwargs.values():
                assert {k: model[k] for k in budget} == budget
    with pytest.raises(ValueError, match="data must be one of"):
        settings.CPU.network_kwargs("esol")


def test_claim_rules_hold_in_both_settings() -> None:
    assert len(settings.CPU.freesolv_splits) >= 5 and len(settings.GPU.freesolv_splits) >= 10
    assert set(settings.CPU.freesolv_splits) <= set(settings.GPU.freesolv_splits)
    assert "5 splits" not in str(settings.CPU) and "FreeSolv splits [0, 1, 2, 3, 4]" in str(settings.CPU)
