"""gdl_teach.nn.scatter: the written-out scatter reductions equal PyG's scatter, stay on their device, refuse bad input."""
from __future__ import annotations

import pytest
import torch
from torch_geometric.utils import scatter

from gdl_teach.nn.scatter import scatter_max, scatter_mean, scatter_sum

REDUCTIONS = [(scatter_sum, "sum"), (scatter_mean, "mean"), (scatter_max, "max")]


def _messages() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    src, index = torch.randn(30, 4, generator=g), torch.randint(0, 6, (30,), generator=g)
    index[index == 5] = 4  # row 5 receives nothing
    return src, index


@pytest.mark.parametrize(("ours", "reduce"), REDUCTIONS, ids=[r for _, r in REDUCTIONS])
def test_matches_pyg_scatter(ours, reduce: str) -> None:
    src, index = _messages()
    want = scatter(src, index, 0, dim_size=6, reduce=reduce)
    assert torch.allclose(ours(src, index, 6), want, atol=1e-6)
    assert torch.equal(ours(src, index, 6)[5], torch.zeros(4))  # a row nobody sends to is 0, as in PyG


@pytest.mark.parametrize("ours", [scatter_sum, scatter_mean])
def test_one_dimensional_values(ours) -> None:
    src, index = _messages()
    assert torch.allclose(ours(src[:, 0], index, 6), ours(src, index, 6)[:, 0])


@pytest.mark.parametrize(("ours", "reduce"), REDUCTIONS, ids=[r for _, r in REDUCTIONS])
def test_creates_no_tensor_off_the_input_device(ours, reduce: str) -> None:
    src, index = _messages()
    with torch.device("meta"):  # a tensor made without device= would land on meta and clash with src
        out = ours(src, index, 6)
    assert out.device == src.device
    meta = ours(src.to("meta"), index.to("meta"), 6)  # no values to check: the shape still comes out right
    assert meta.device.type == "meta" and meta.shape == (6, 4)


def test_errors_name_the_argument() -> None:
    src, index = _messages()
    with pytest.raises(ValueError, match="index must have one entry per row of src"):
        scatter_sum(src, index[:-1], 6)
    with pytest.raises(ValueError, match=r"index must lie in \[0, 3\]"):
        scatter_mean(src, index, 4)
    with pytest.raises(TypeError, match="index must be an integer tensor"):
        scatter_max(src, index.float(), 6)
    with pytest.raises(TypeError, match="src must be a floating-point tensor"):
        scatter_sum(index, index, 6)
    with pytest.raises(ValueError, match="src must have one row per edge"):
        scatter_sum(torch.tensor(1.0), index, 6)
    with pytest.raises(ValueError, match=r"src must have shape \(E, F\)"):
        scatter_max(src[:, 0], index, 6)
    with pytest.raises(ValueError, match="dim_size must be >= 1"):
        scatter_sum(src, index, 0)
    with pytest.raises(ValueError, match="index and src must be on the same device"):
        scatter_sum(src, index.to("meta"), 6)
