"""Lifters: shapes, equal budgets, the skeleton's symmetries, the bones output, the meta device."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.pose import kinematics, lifters, skeleton

ARM_SWAP = list(range(11)) + [14, 15, 16, 11, 12, 13]
LEG_SWAP = [0, 4, 5, 6, 1, 2, 3] + list(range(7, 17))


@pytest.mark.parametrize("kind", ["mlp", "gcn", "sem"])
@pytest.mark.parametrize("output", ["joints", "bones"])
def test_shapes_and_budget(kind: str, output: str) -> None:
    model = lifters.make_lifter(kind, 3000, output).eval()
    assert 2000 < lifters.count_parameters(model) <= 3000
    out = model(torch.randn(5, 17, 3))
    assert out.shape == (5, 17, 3) and torch.equal(out[:, 0], torch.zeros(5, 3))


def test_bones_output_keeps_template_proportions_and_symmetry() -> None:
    raw = torch.randn(6, 17, 3)
    pos = lifters.bones_to_joints(raw)
    lengths = kinematics.bone_lengths(pos)
    scale = torch.exp(raw[:, 0, :1])
    assert torch.allclose(lengths, skeleton.bone_lengths_rest() * scale, atol=1e-3)
    assert torch.allclose(lengths[:, :3], lengths[:, 3:6], atol=1e-3), "left and right legs match"


@pytest.mark.parametrize("swap", [ARM_SWAP, LEG_SWAP], ids=["arms", "legs"])
def test_gcn_is_equivariant_to_the_skeletons_automorphisms(swap: list[int]) -> None:
    torch.manual_seed(0)
    x = torch.randn(16, 17, 3)
    gcn = lifters.GraphLifter(8, 1, conv="gcn").eval()
    assert torch.allclose(gcn(x[:, swap]), gcn(x)[:, swap], atol=1e-4)
    mlp = lifters.MLPLifter(8).eval()
    assert not torch.allclose(mlp(x[:, swap]), mlp(x)[:, swap], atol=1e-3)


def test_forward_on_the_meta_device() -> None:
    for model in (lifters.MLPLifter(8, output="bones"), lifters.GraphLifter(8, 1, conv="sem")):
        model = model.to("meta").eval()
        out = model(torch.empty(4, 17, 3, device="meta"))
        assert out.shape == (4, 17, 3) and out.device.type == "meta"


def test_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        lifters.make_lifter("transformer", 3000)
    with pytest.raises(ValueError, match="budget must allow the smallest sem lifter"):
        lifters.make_lifter("sem", 505)
    with pytest.raises(ValueError, match="output must be one of"):
        lifters.MLPLifter(8, output="angles")
    with pytest.raises(ValueError, match="x must have shape"):
        lifters.MLPLifter(8)(torch.zeros(2, 17, 2))
