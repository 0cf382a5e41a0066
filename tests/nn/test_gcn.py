"""gdl_teach.nn.gcn: the GCN layer three ways equals PyG's GCNConv; its normalisation equals PyG's gcn_norm."""
from __future__ import annotations

import pytest
import torch
from torch_geometric.nn import GCNConv
from torch_geometric.nn.conv.gcn_conv import gcn_norm as pyg_gcn_norm
from torch_geometric.utils import to_dense_adj

from gdl_teach.core.symmetry import check_equivariance, permute_nodes, permute_output
from gdl_teach.data.karate import load_karate_club
from gdl_teach.nn import gcn

LAYERS = [gcn.GCNDense, gcn.GCNScatter, gcn.GCNMessagePassing]


def _graph(num_nodes: int = 12, num_edges: int = 40, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Random features (N, 5) and random directed edges: repeats and self-loops happen."""
    g = torch.Generator().manual_seed(seed)
    return torch.randn(num_nodes, 5, generator=g), torch.randint(0, num_nodes, (2, num_edges), generator=g)


def _run(cls: type, x: torch.Tensor, edge_index: torch.Tensor, layer: torch.nn.Module | None = None) -> torch.Tensor:
    layer = layer if layer is not None else cls(x.shape[1], 3)
    graph = gcn.dense_adjacency(edge_index, x.shape[0]) if cls is gcn.GCNDense else edge_index
    return layer(x, graph)


@pytest.mark.parametrize("cls", LAYERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("seed", [0, 1])
def test_matches_pyg_gcnconv(cls: type, seed: int) -> None:
    karate = load_karate_club()
    for x, edge_index in (_graph(seed=seed), (karate.x, karate.edge_index)):
        torch.manual_seed(seed)
        pyg = GCNConv(x.shape[1], 8)
        torch.nn.init.normal_(pyg.bias)  # PyG starts the bias at 0: make it count
        ours = cls(x.shape[1], 8)
        ours.load_state_dict(pyg.state_dict())
        with torch.no_grad():
            assert torch.allclose(_run(cls, x, edge_index, ours), pyg(x, edge_index), atol=1e-5)


def test_gcn_norm_matches_pyg() -> None:
    _, edge_index = _graph(num_nodes=9, num_edges=30, seed=2)
    ours_edges, ours_weight = gcn.gcn_norm(edge_index, num_nodes=9)
    pyg_edges, pyg_weight = pyg_gcn_norm(edge_index, num_nodes=9)
    assert torch.equal(ours_edges, pyg_edges) and torch.allclose(ours_weight, pyg_weight, atol=1e-7)


def test_gcn_norm_adds_one_self_loop_per_node() -> None:
    edge_index = torch.tensor([[0, 1, 1, 2, 2, 2], [1, 0, 2, 1, 2, 2]])  # node 2 has two self-loops
    ei, w = gcn.gcn_norm(edge_index, num_nodes=3)
    loops = ei[0] == ei[1]
    assert int(loops.sum()) == 3 and torch.all(w > 0)
    from_edges = torch.zeros(3, 3).index_put_((ei[1], ei[0]), w, accumulate=True)  # A_hat[i, j] for j -> i
    assert torch.allclose(gcn.gcn_norm_dense(gcn.dense_adjacency(edge_index, 3)), from_edges, atol=1e-6)


def test_dense_adjacency_puts_receivers_in_rows() -> None:
    _, edge_index = _graph(num_nodes=9, num_edges=25, seed=3)
    adj = gcn.dense_adjacency(edge_index, 9)
    assert torch.equal(adj.sum(1), torch.zeros(9).index_add_(0, edge_index[1], torch.ones(25)))  # in-degrees
    assert torch.equal(adj, to_dense_adj(edge_index, max_num_nodes=9)[0].t())  # PyG's is the transpose
    assert torch.equal(gcn.dense_adjacency(torch.tensor([[0], [1]]), 2), torch.tensor([[0.0, 0.0], [1.0, 0.0]]))


def test_dense_and_scatter_agree_on_a_directed_graph() -> None:
    x, edge_index = _graph(num_nodes=9, num_edges=25, seed=3)
    torch.manual_seed(0)
    dense, scat = gcn.GCNDense(5, 4), gcn.GCNScatter(5, 4)
    scat.load_state_dict(dense.state_dict())
    assert torch.allclose(dense(x, gcn.dense_adjacency(edge_index, 9)), scat(x, edge_index), atol=1e-5)


@pytest.mark.parametrize("cls", LAYERS, ids=lambda c: c.__name__)
def test_permutation_equivariant(cls: type) -> None:
    torch.manual_seed(0)
    layer = cls(5, 3)
    x, edge_index = _graph()

    def f(x: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        return _run(cls, x, e, layer)

    assert check_equivariance(f, (x, edge_index), permute_nodes(keep_perm=True), permute_output).passed


@pytest.mark.parametrize("cls", LAYERS, ids=lambda c: c.__name__)
def test_creates_no_tensor_off_the_input_device(cls: type) -> None:
    x, edge_index = _graph()
    layer = cls(5, 3)
    with torch.device("meta"):  # a tensor made without device= would land on meta and clash with x
        out = _run(cls, x, edge_index, layer)
    assert out.device == x.device


def test_dense_layer_runs_on_the_device_of_its_inputs() -> None:
    x, edge_index = _graph()
    adj = gcn.dense_adjacency(edge_index, 12)
    out = gcn.GCNDense(5, 3).to("meta")(x.to("meta"), adj.to("meta"))  # no value needed, nothing pinned to the CPU
    assert out.device.type == "meta" and out.shape == (12, 3)


def test_errors_name_the_argument() -> None:
    x, edge_index = _graph()
    layer = gcn.GCNScatter(5, 3)
    with pytest.raises(ValueError, match=r"x must have shape \(N, 5\)"):
        layer(x[:, :4], edge_index)
    with pytest.raises(TypeError, match="x must be a floating-point tensor"):
        layer(x.long(), edge_index)
    with pytest.raises(TypeError, match="x is torch.float64 on cpu but the layer's weights are torch.float32"):
        layer(x.double(), edge_index)
    with pytest.raises(ValueError, match="edge_index refers to node 12"):
        layer(x, torch.tensor([[0], [12]]))
    with pytest.raises(ValueError, match="adj must be a square"):
        gcn.GCNDense(5, 3)(x, torch.zeros(12, 11))
    with pytest.raises(ValueError, match=r"adj must be \(12, 12\) to match x"):
        gcn.GCNDense(5, 3)(x, torch.zeros(11, 11))
    with pytest.raises(TypeError, match="adj must have the dtype and device of x"):
        gcn.GCNDense(5, 3)(x, torch.zeros(12, 12, dtype=torch.float64))
    with pytest.raises(ValueError, match="out_channels must be >= 1"):
        gcn.GCNMessagePassing(5, 0)
    with pytest.raises(ValueError, match="num_nodes must be >= 1"):
        gcn.dense_adjacency(edge_index, 0)
    with pytest.raises(TypeError, match="adj must be a floating-point tensor"):
        gcn.gcn_norm_dense(torch.zeros(3, 3, dtype=torch.long))
    with pytest.raises(TypeError, match="positional argument"):
        gcn.gcn_norm(edge_index, 12)  # num_nodes by keyword, as PyG's gcn_norm takes edge_weight second
