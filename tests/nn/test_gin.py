"""gdl_teach.nn.gin: the GIN layer three ways equals PyG's GINConv, is permutation equivariant, stays on its device."""
from __future__ import annotations

import pytest
import torch
from torch_geometric.nn import GINConv

from gdl_teach.core.symmetry import check_equivariance, permute_nodes, permute_output
from gdl_teach.data.karate import load_karate_club
from gdl_teach.nn import gcn, gin

LAYERS = [gin.GINDense, gin.GINScatter, gin.GINMessagePassing]


def _graph(num_nodes: int = 12, num_edges: int = 40, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Random features (N, 5) and random directed edges: repeats and self-loops happen."""
    g = torch.Generator().manual_seed(seed)
    return torch.randn(num_nodes, 5, generator=g), torch.randint(0, num_nodes, (2, num_edges), generator=g)


def _run(layer: torch.nn.Module, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
    graph = gcn.dense_adjacency(edge_index, x.shape[0]) if isinstance(layer, gin.GINDense) else edge_index
    return layer(x, graph)


@pytest.mark.parametrize("cls", LAYERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("eps", [0.0, 0.1])
def test_matches_pyg_ginconv(cls: type, eps: float) -> None:
    karate = load_karate_club()
    for x, edge_index in (_graph(), (karate.x, karate.edge_index)):
        torch.manual_seed(0)
        pyg = GINConv(gin.gin_mlp(x.shape[1], 8), eps=eps)
        ours = cls(gin.gin_mlp(x.shape[1], 8), eps=eps)
        ours.load_state_dict(pyg.state_dict())
        with torch.no_grad():
            assert torch.allclose(_run(ours, x, edge_index), pyg(x, edge_index), atol=1e-5)


def test_gin_mlp_shapes() -> None:
    mlp = gin.gin_mlp(5, 3, hidden_channels=7)
    assert [tuple(p.shape) for p in mlp.parameters()] == [(7, 5), (7,), (3, 7), (3,)]
    assert gin.gin_mlp(5, 3)[0].out_features == 3  # the hidden width defaults to out_channels


@pytest.mark.parametrize("cls", LAYERS, ids=lambda c: c.__name__)
def test_permutation_equivariant(cls: type) -> None:
    torch.manual_seed(0)
    layer = cls(gin.gin_mlp(5, 3), eps=0.2)
    x, edge_index = _graph()

    def f(x: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        return _run(layer, x, e)

    assert check_equivariance(f, (x, edge_index), permute_nodes(keep_perm=True), permute_output).passed


@pytest.mark.parametrize("cls", LAYERS, ids=lambda c: c.__name__)
def test_creates_no_tensor_off_the_input_device(cls: type) -> None:
    x, edge_index = _graph()
    layer = cls(gin.gin_mlp(5, 3))
    with torch.device("meta"):  # a tensor made without device= would land on meta and clash with x
        out = _run(layer, x, edge_index)
    assert out.device == x.device


def test_dense_layer_runs_on_the_device_of_its_inputs() -> None:
    x, edge_index = _graph()
    adj = gcn.dense_adjacency(edge_index, 12)
    out = gin.GINDense(gin.gin_mlp(5, 3)).to("meta")(x.to("meta"), adj.to("meta"))
    assert out.device.type == "meta" and out.shape == (12, 3)


def test_errors_name_the_argument() -> None:
    x, edge_index = _graph()
    with pytest.raises(TypeError, match="mlp must be a torch.nn.Module"):
        gin.GINScatter("mlp")
    with pytest.raises(TypeError, match="mlp must be a torch.nn.Module"):
        gin.GINMessagePassing(None)
    with pytest.raises(TypeError, match="edge_index must be an integer tensor"):
        gin.GINMessagePassing(gin.gin_mlp(5, 3))(x, edge_index.float())
    with pytest.raises(ValueError, match=r"adj must have shape \(12, 12\)"):
        gin.GINDense(gin.gin_mlp(5, 3))(x, torch.zeros(11, 11))
    with pytest.raises(TypeError, match="x is torch.float64 on cpu but the layer's weights are torch.float32"):
        gin.GINScatter(gin.gin_mlp(5, 3))(x.double(), edge_index)
    with pytest.raises(TypeError, match="eps must be a number"):
        gin.GINDense(gin.gin_mlp(5, 3), eps="0.1")
    with pytest.raises(ValueError, match="hidden_channels must be >= 1"):
        gin.gin_mlp(5, 3, hidden_channels=0)
