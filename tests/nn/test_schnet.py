"""SchNet: outputs equal PyG's interaction block with the same weights; invariant to E(3), permutations."""
from __future__ import annotations

import pytest
import torch
from torch_geometric.nn.models.schnet import GaussianSmearing
from torch_geometric.nn.models.schnet import InteractionBlock as PyGInteractionBlock

from gdl_teach.core.euclidean import euclidean_transform
from gdl_teach.core.symmetry import check_invariance
from gdl_teach.nn.schnet import InteractionBlock, SchNet, all_pairs, gaussian_rbf


def test_gaussian_rbf_equals_pyg() -> None:
    dist = torch.rand(20) * 5
    torch.testing.assert_close(gaussian_rbf(dist, 50, 5.0), GaussianSmearing(0.0, 5.0, 50)(dist))


def test_interaction_block_equals_pyg_with_the_same_weights() -> None:
    torch.manual_seed(0)
    pyg = PyGInteractionBlock(16, 25, 12, cutoff=4.0)
    mine = InteractionBlock(16, 25, 12, cutoff=4.0)
    mine.load_state_dict(pyg.state_dict())
    pos, x = torch.randn(9, 3), torch.randn(9, 16)
    edge_index = all_pairs(torch.zeros(9, dtype=torch.long))
    dist = (pos[edge_index[0]] - pos[edge_index[1]]).norm(dim=-1)
    keep = dist < 4.0  # PyG's radius graph drops far pairs; the kit's filter weighs them zero
    rbf = gaussian_rbf(dist, 25, 4.0)
    with torch.no_grad():
        want = pyg(x, edge_index[:, keep], dist[keep], rbf[keep])
        got = mine(x, edge_index, dist, rbf)
    torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-5)


def _molecules() -> tuple[torch.Tensor, ...]:
    g = torch.Generator().manual_seed(1)
    x = torch.randn(11, 5, generator=g, dtype=torch.float64)
    pos = torch.randn(11, 3, generator=g, dtype=torch.float64) * 1.5
    return x, pos, torch.tensor([0] * 5 + [1] * 6)


@pytest.mark.parametrize("reflect", [False, True])
def test_schnet_is_e3_invariant(reflect: bool) -> None:
    torch.manual_seed(0)
    model = SchNet(5, 16, 16, 2, 20, 5.0).double()
    transform = euclidean_transform(reflect=reflect, pos_index=1)
    assert check_invariance(model, _molecules(), lambda i, g: transform(i, g)[:-1], atol=1e-9)


def test_schnet_sums_over_each_molecule_and_ignores_atom_order() -> None:
    torch.manual_seed(0)
    model = SchNet(5, 16, 16, 2, 20, 5.0).double()
    x, pos, batch = _molecules()
    out = model(x, pos, batch)
    assert out.shape == (2, 1)
    torch.testing.assert_close(out[:1], model(x[:5], pos[:5]))
    perm = torch.tensor([4, 0, 3, 1, 2])
    torch.testing.assert_close(model(x[perm], pos[perm]), model(x[:5], pos[:5]))


def test_errors_and_meta_device() -> None:
    model = SchNet(5, 8, 8, 1, 10)
    with pytest.raises(ValueError, match="x must have shape"):
        model(torch.randn(4, 3), torch.randn(4, 3))
    with pytest.raises(ValueError, match="cutoff"):
        SchNet(5, cutoff=0.0)
    with torch.device("meta"):
        model = SchNet(5, 8, 8, 1, 10)
        with pytest.raises(ValueError, match="num_graphs must be given"):
            model(torch.empty(4, 5), torch.empty(4, 3), torch.zeros(4, dtype=torch.long))
        out = model(torch.empty(4, 5), torch.empty(4, 3), torch.zeros(4, dtype=torch.long),
                    torch.zeros(2, 12, dtype=torch.long), num_graphs=2)
    assert out.device.type == "meta" and out.shape == (2, 1)
