"""gdl_teach.nn.edgeconv: EdgeConv equals PyG's EdgeConv on a precomputed k-NN graph; DGCNN's shapes and
permutation equivariance (measured with core.symmetry)."""
from __future__ import annotations

import pytest
import torch
from torch_geometric.nn import EdgeConv as PygEdgeConv

from gdl_teach.core.symmetry import check_equivariance, permute_output, permute_rows
from gdl_teach.geometry.neighbors import knn_graph
from gdl_teach.nn.edgeconv import DGCNN, EdgeConv


@pytest.mark.parametrize("seed", [0, 1])
def test_edgeconv_equals_pyg_edgeconv(seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    pos = torch.rand(80, 3, generator=g)
    x = torch.randn(80, 5, generator=g)
    edge_index = knn_graph(pos, k=8)
    torch.manual_seed(seed)
    ours = EdgeConv(5, 12, 16).eval()
    pyg = PygEdgeConv(ours.mlp, aggr="max").eval()
    with torch.no_grad():
        assert torch.allclose(ours(x, edge_index), pyg(x, edge_index), atol=1e-5)


def test_edgeconv_point_without_neighbours_gets_zeros() -> None:
    conv = EdgeConv(3, 4).eval()
    with torch.no_grad():
        out = conv(torch.randn(3, 3), torch.tensor([[0], [1]]))
    assert torch.equal(out[2], torch.zeros(4))


def _dgcnn(dynamic: bool = False) -> DGCNN:
    torch.manual_seed(0)
    return DGCNN(3, 6, hidden_channels=8, num_layers=2, k=6, dynamic=dynamic, global_channels=12).eval()


@pytest.mark.parametrize("dynamic", [False, True])
def test_dgcnn_shapes_and_permutation_equivariance(dynamic: bool) -> None:
    pos = torch.rand(60, 3, generator=torch.Generator().manual_seed(2))
    model = _dgcnn(dynamic)
    assert model(pos, pos).shape == (60, 6)
    report = check_equivariance(lambda p: model(p, p), (pos,), permute_rows(keep_perm=True), permute_output,
                                atol=1e-5)
    assert report, report


def test_dgcnn_given_graph_equals_built_graph_and_batches_stay_apart() -> None:
    pos = torch.rand(70, 3, generator=torch.Generator().manual_seed(3))
    batch = torch.tensor([0] * 30 + [1] * 40)
    model = _dgcnn()
    with torch.no_grad():
        built = model(pos, pos, batch)
        given = model(pos, pos, batch, knn_graph(pos, 6, batch))
        alone = model(pos[30:], pos[30:])
    assert torch.equal(built, given)
    assert torch.allclose(built[30:], alone, atol=1e-5)


def test_errors_name_the_argument() -> None:
    model = _dgcnn()
    with pytest.raises(ValueError, match="pos must have shape"):
        model(torch.randn(10, 3), torch.randn(9, 3))
    with pytest.raises(ValueError, match="edge_index refers to node"):
        EdgeConv(3, 4)(torch.randn(5, 3), torch.tensor([[0], [7]]))
    with pytest.raises(ValueError, match="k must be >= 1"):
        DGCNN(3, 4, k=0)


def test_forward_on_meta_device_with_a_given_graph() -> None:
    pos = torch.rand(40, 3)
    edges = knn_graph(pos, 6)
    with torch.device("meta"):
        model = DGCNN(3, 7, hidden_channels=8, k=6)
        out = model(pos.to("meta"), pos.to("meta"), edge_index=edges.to("meta"))
    assert out.shape == (40, 7) and out.device.type == "meta"
