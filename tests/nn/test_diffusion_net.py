"""Tests for gdl_teach.nn.diffusion_net: shapes, the diffusion itself, and the symmetries it claims
(vertex renumbering, eigenvector signs, rotations through intrinsic inputs), measured with the kit's checker."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.core.symmetry import check_equivariance, check_invariance, permute_output, rotate_points
from gdl_teach.geometry import laplacian, mesh
from gdl_teach.nn.diffusion_net import DiffusionNet, SpectralDiffusion


@pytest.fixture(scope="module")
def ellipsoid() -> dict:
    pos, face = mesh.icosphere(2)
    pos = pos * torch.tensor([1.4, 1.0, 0.7], dtype=pos.dtype)
    evals, evecs, mass = laplacian.laplacian_eigenbasis(pos, face, num_eigs=16)
    return {"pos": pos, "face": face, "evals": evals.float(), "evecs": evecs.float(), "mass": mass.float()}


def _model() -> DiffusionNet:
    torch.manual_seed(0)
    model = DiffusionNet(in_channels=4, hidden_channels=8, out_channels=3, num_blocks=2)
    with torch.no_grad():
        for block in model.blocks:
            block.diffusion.time.uniform_(0.01, 0.5)  # trained-looking times, not the initial zeros
    return model.eval()


def test_shapes_and_one_graph_equals_a_batch_of_one(ellipsoid: dict) -> None:
    model, n = _model(), ellipsoid["pos"].shape[0]
    x = torch.randn(n, 4)
    out = model(x, ellipsoid["evals"], ellipsoid["evecs"], ellipsoid["mass"])
    assert out.shape == (n, 3)
    batched = model(torch.cat([x, x]), torch.stack([ellipsoid["evals"]] * 2), torch.cat([ellipsoid["evecs"]] * 2),
                    torch.cat([ellipsoid["mass"]] * 2), torch.arange(2).repeat_interleave(n))
    assert torch.allclose(batched, torch.cat([out, out]), atol=1e-5), "meshes in a batch do not mix"


def test_diffusion_is_heat_flow_in_the_eigenbasis(ellipsoid: dict) -> None:
    layer = SpectralDiffusion(2)
    evecs, evals, mass = ellipsoid["evecs"], ellipsoid["evals"], ellipsoid["mass"]
    x = evecs[:, [1, 5]] * 3.0  # two eigenfunctions: each should decay as exp(-lambda t)
    with torch.no_grad():
        layer.time.copy_(torch.tensor([0.2, 0.05]))
        out = layer(x, evals, evecs, mass)
        expected = x * torch.exp(-evals[[1, 5]] * torch.tensor([0.2, 0.05]))
        assert torch.allclose(out, expected, atol=1e-4)
        layer.time.fill_(1e3)  # long enough: only the area-weighted mean survives
        flat = layer(torch.randn(x.shape[0], 2), evals, evecs, mass)
        assert float(flat.std(dim=0).max()) < 1e-4


def _renumber(inputs: tuple, g: torch.Generator) -> tuple:
    x, evals, evecs, mass = inputs
    perm = torch.randperm(x.shape[0], generator=g)
    return x[perm], evals, evecs[perm], mass[perm], perm


def _flip_signs(inputs: tuple, g: torch.Generator) -> tuple:
    x, evals, evecs, mass = inputs
    signs = torch.randint(0, 2, (evecs.shape[1],), generator=g).float() * 2 - 1
    return x, evals, evecs * signs, mass


def test_equivariant_to_vertex_renumbering(ellipsoid: dict) -> None:
    inputs = (torch.randn(ellipsoid["pos"].shape[0], 4), ellipsoid["evals"], ellipsoid["evecs"], ellipsoid["mass"])
    report = check_equivariance(_model(), inputs, _renumber, permute_output, trials=4, atol=1e-4)
    assert report.passed, report


def test_invariant_to_eigenvector_signs(ellipsoid: dict) -> None:
    inputs = (torch.randn(ellipsoid["pos"].shape[0], 4), ellipsoid["evals"], ellipsoid["evecs"], ellipsoid["mass"])
    report = check_invariance(_model(), inputs, _flip_signs, trials=4, atol=1e-4)
    assert report.passed, report


def test_rotation_invariant_when_fed_intrinsic_inputs(ellipsoid: dict) -> None:
    """pos -> eigenbasis -> HKS-like input -> DiffusionNet: turning the surface changes nothing."""
    model, face = _model(), ellipsoid["face"]

    def pipeline(pos: torch.Tensor) -> torch.Tensor:
        evals, evecs, mass = laplacian.laplacian_eigenbasis(pos, face, num_eigs=16)
        times = torch.tensor([0.05, 0.1, 0.3, 1.0], dtype=evals.dtype)
        hks = (evecs ** 2) @ torch.exp(-evals[:, None] * times)
        return model(hks.float(), evals.float(), evecs.float(), mass.float())

    assert check_invariance(pipeline, (ellipsoid["pos"],), rotate_points(translate=True), trials=3, atol=1e-4)
    raw = DiffusionNet(3, 8, 3).eval()
    coords = lambda pos: raw(pos.float(), ellipsoid["evals"], ellipsoid["evecs"], ellipsoid["mass"])  # noqa: E731
    assert not check_invariance(coords, (ellipsoid["pos"],), rotate_points(), trials=3, atol=1e-4)


def test_forward_on_the_meta_device() -> None:
    model = DiffusionNet(4, 8, 3).to("meta")
    n, k = 50, 6
    out = model(torch.empty(n, 4, device="meta"), torch.empty(k, device="meta"), torch.empty(n, k, device="meta"),
                torch.empty(n, device="meta"))
    assert out.shape == (n, 3) and out.device.type == "meta"


def test_errors_name_the_argument(ellipsoid: dict) -> None:
    model, n = _model(), ellipsoid["pos"].shape[0]
    x = torch.randn(n, 4)
    with pytest.raises(ValueError, match="x must have shape"):
        model(torch.randn(n, 5), ellipsoid["evals"], ellipsoid["evecs"], ellipsoid["mass"])
    with pytest.raises(ValueError, match="evals must have shape"):
        model(x, ellipsoid["evals"][:5], ellipsoid["evecs"], ellipsoid["mass"])
    with pytest.raises(ValueError, match="batch is needed"):
        model(x, torch.stack([ellipsoid["evals"]] * 2), ellipsoid["evecs"], ellipsoid["mass"])
    with pytest.raises(ValueError, match="num_blocks must be >= 1"):
        DiffusionNet(4, 8, 3, num_blocks=0)
