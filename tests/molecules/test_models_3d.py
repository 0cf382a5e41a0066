"""gdl_teach.molecules.models_3d: SchNetLite is invariant by construction, raw coordinates are not."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.core.symmetry import check_invariance, rotate_points
from gdl_teach.molecules import conformers, featurize, models_3d


@pytest.fixture(scope="module")
def paracetamol() -> tuple[torch.Tensor, torch.Tensor]:
    mol, pos = conformers.embed_conformer("CC(=O)Nc1ccc(Cl)cc1", seed=0)
    return pos, featurize.mol_to_graph(mol).x


def test_schnet_is_invariant_and_raw_coordinates_are_not(paracetamol: tuple[torch.Tensor, torch.Tensor]) -> None:
    pos, x = paracetamol
    torch.manual_seed(0)
    schnet = models_3d.SchNetLite(hidden_channels=16).eval()
    raw = models_3d.CoordinateMLP(hidden_channels=16).eval()
    move = rotate_points(translate=True)
    assert check_invariance(schnet, (pos, x), move, trials=5).passed
    assert not check_invariance(raw, (pos, x), move, trials=5).passed

    def shuffle(inputs, g):  # relabel the atoms: positions and features together
        p, f = inputs
        perm = torch.randperm(p.shape[0], generator=g)
        return p[perm], f[perm]

    assert check_invariance(schnet, (pos, x), shuffle, trials=5).passed


def test_schnet_batches_keep_molecules_apart() -> None:
    mols = [conformers.embed_conformer(s, seed=0) for s in ("CCO", "c1ccccc1O")]
    xs = [featurize.mol_to_graph(m).x for m, _ in mols]
    torch.manual_seed(0)
    model = models_3d.SchNetLite(hidden_channels=8).eval()
    pos = torch.cat([p for _, p in mols])
    batch = torch.tensor([0] * 3 + [1] * 7)
    with torch.no_grad():
        together = model(pos, torch.cat(xs), batch)
        apart = torch.cat([model(p, x) for (_, p), x in zip(mols, xs)])
    assert together.shape == (2, 1) and torch.allclose(together, apart, atol=1e-5)
    assert models_3d.molecule_pairs(batch).shape == (2, 3 * 2 + 7 * 6)
    with pytest.raises(ValueError, match=r"pos must have shape \(N, 3\)"):
        model(pos[:, :2], torch.cat(xs))
    with pytest.raises(ValueError, match="batch must have one entry per point"):
        model(pos, torch.cat(xs), batch[:5])


def test_gaussian_rbf_peaks_at_its_centres() -> None:
    rbf = models_3d.gaussian_rbf(torch.tensor([0.0, 3.0, 6.0]), num_gaussians=3, cutoff=6.0)
    assert rbf.shape == (3, 3) and torch.allclose(rbf.diagonal(), torch.ones(3))


def test_float64_coordinates_get_a_clear_error(paracetamol: tuple[torch.Tensor, torch.Tensor]) -> None:
    pos, x = paracetamol
    for model in (models_3d.SchNetLite(hidden_channels=8), models_3d.CoordinateMLP(hidden_channels=8)):
        with pytest.raises(TypeError, match=r"pos has dtype torch.float64 but .* are torch.float32; convert"):
            model(pos.double(), x)
        with pytest.raises(TypeError, match="x has dtype torch.float64"):
            model(pos, x.double())
