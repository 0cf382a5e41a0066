"""gdl_teach.nn.gat: the attention step equals PyG's GATConv (heads=1), its softmax PyG's, and it stays on its device."""
from __future__ import annotations

import pytest
import torch
from torch.func import functional_call
from torch_geometric.nn import GATConv
from torch_geometric.utils import softmax as pyg_softmax

from gdl_teach.core.symmetry import check_equivariance, permute_nodes, permute_output
from gdl_teach.data.karate import load_karate_club
from gdl_teach.nn import gat
from tests.fake_device import OffCPU, off_cpu


def _graph(num_nodes: int = 12, num_edges: int = 40, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Random features (N, 5) and random directed edges: repeats and self-loops happen."""
    g = torch.Generator().manual_seed(seed)
    return torch.randn(num_nodes, 5, generator=g), torch.randint(0, num_nodes, (2, num_edges), generator=g)


def _pair(in_channels: int, out_channels: int, seed: int) -> tuple[GATConv, gat.GATScatter]:
    torch.manual_seed(seed)
    pyg = GATConv(in_channels, out_channels, heads=1)
    torch.nn.init.normal_(pyg.bias)  # PyG starts the bias at 0: make it count
    ours = gat.GATScatter(in_channels, out_channels)
    ours.load_state_dict(pyg.state_dict())
    return pyg, ours


@pytest.mark.parametrize("seed", [0, 1])
def test_matches_pyg_gatconv_outputs_and_attention(seed: int) -> None:
    karate = load_karate_club()
    for x, edge_index in (_graph(seed=seed), (karate.x, karate.edge_index)):
        pyg, ours = _pair(x.shape[1], 4, seed)
        with torch.no_grad():
            out, (edges, alpha) = ours(x, edge_index, return_attention_weights=True)
            want, (pyg_edges, pyg_alpha) = pyg(x, edge_index, return_attention_weights=True)
        assert torch.allclose(out, want, atol=1e-5)
        assert torch.equal(edges, pyg_edges) and alpha.shape == pyg_alpha.shape
        assert torch.allclose(alpha, pyg_alpha, atol=1e-6)
        assert torch.allclose(ours(x, edge_index), out)


def test_attention_weights_into_every_node_sum_to_one() -> None:
    x, edge_index = _graph()
    _, (edges, alpha) = gat.GATScatter(5, 3)(x, edge_index, return_attention_weights=True)
    totals = torch.zeros(12).index_add_(0, edges[1], alpha.view(-1).detach())
    assert torch.allclose(totals, torch.ones(12), atol=1e-6) and bool((alpha > 0).all())


def test_edge_softmax_matches_pyg_and_does_not_overflow() -> None:
    g = torch.Generator().manual_seed(0)
    scores, index = torch.randn(30, generator=g), torch.randint(0, 6, (30,), generator=g)
    index[index == 5] = 4  # node 5 receives nothing
    assert torch.allclose(gat.edge_softmax(scores, index, 6), pyg_softmax(scores, index, num_nodes=6), atol=1e-6)
    big = gat.edge_softmax(scores * 1e4, index, 6)  # exp(1e4) overflows without the shift
    assert bool(torch.isfinite(big).all())
    assert torch.allclose(torch.zeros(6).index_add_(0, index, big)[:5], torch.ones(5), atol=1e-5)


def test_replace_self_loops_leaves_exactly_one_per_node() -> None:
    edge_index = torch.tensor([[0, 1, 2, 2, 2], [1, 0, 2, 2, 1]])  # node 2 has two loops
    out = gat.replace_self_loops(edge_index, 4)
    loops = out[:, out[0] == out[1]]
    assert loops[0].tolist() == [0, 1, 2, 3]
    assert out[:, out[0] != out[1]].tolist() == [[0, 1, 2], [1, 0, 1]]


def test_permutation_equivariant() -> None:
    torch.manual_seed(0)
    layer = gat.GATScatter(5, 3)
    x, edge_index = _graph()
    report = check_equivariance(layer, (x, edge_index), permute_nodes(keep_perm=True), permute_output)
    assert report.passed, report


def test_creates_no_tensor_off_the_input_device() -> None:
    x, edge_index = _graph()
    layer = gat.GATScatter(5, 3)
    with torch.device("meta"):  # a tensor made without device= would land on meta and clash with x
        out = layer(x, edge_index)
    assert out.device == x.device  # (all-meta inputs cannot run: dropping the old self-loops needs their values)


def test_runs_on_an_accelerator_stand_in() -> None:
    x, edge_index = _graph()
    layer = gat.GATScatter(5, 3)
    params = {name: off_cpu(p.detach().clone()) for name, p in layer.state_dict().items()}  # weights "on the GPU"
    with torch.no_grad():
        out, (edges, alpha) = functional_call(layer, params, (off_cpu(x), off_cpu(edge_index)),
                                              {"return_attention_weights": True})
    assert isinstance(out, OffCPU) and isinstance(alpha, OffCPU) and isinstance(edges, OffCPU)
    assert torch.allclose(out.cpu(), layer(x, edge_index).detach(), atol=1e-6)


def test_errors_name_the_argument() -> None:
    x, edge_index = _graph()
    layer = gat.GATScatter(5, 3)
    with pytest.raises(ValueError, match=r"x must have shape \(N, 5\)"):
        layer(x[:, :4], edge_index)
    with pytest.raises(TypeError, match="x is torch.float64 on cpu but the layer's weights are torch.float32"):
        layer(x.double(), edge_index)
    with pytest.raises(ValueError, match="edge_index refers to node 12"):
        layer(x, torch.tensor([[0], [12]]))
    with pytest.raises(ValueError, match="negative_slope must be >= 0.0"):
        gat.GATScatter(5, 3, negative_slope=-0.1)
    with pytest.raises(TypeError, match="scores must be a floating-point tensor"):
        gat.edge_softmax(torch.ones(3, dtype=torch.long), torch.zeros(3, dtype=torch.long), 2)
    with pytest.raises(ValueError, match="index must have one entry per row of src"):
        gat.edge_softmax(torch.ones(3), torch.zeros(2, dtype=torch.long), 2)
