"""Seeding repeats numbers."""
from __future__ import annotations

import pytest
import torch

from gdl_teach import seed_everything


def test_seed_everything_repeats_numbers() -> None:
    seed_everything(3)
    a = torch.randn(5)
    seed_everything(3)
    assert torch.equal(a, torch.randn(5))
    with pytest.raises(TypeError, match="seed must be an int"):
        seed_everything(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="seed must be in"):
        seed_everything(-1)
