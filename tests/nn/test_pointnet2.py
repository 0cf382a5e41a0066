"""gdl_teach.nn.pointnet2: set abstraction equals PyG's PointNetConv; interpolation equals brute force;
the network's symmetries (permutations with centres fixed; translations and turns with cylindrical offsets)."""
from __future__ import annotations

import math

import pytest
import torch
from torch_geometric.nn import PointNetConv

from gdl_teach.geometry.neighbors import fps, radius
from gdl_teach.nn.pointnet2 import PointNet2, PointNet2Graph, SetAbstraction, knn_interpolate, relative_position


def _cloud(num_points: int = 200, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.rand(num_points, 3, generator=g, dtype=torch.float64).float() * torch.tensor([6.0, 6.0, 2.0])


def _turn(pos: torch.Tensor, degrees: float, shift: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> torch.Tensor:
    a = math.radians(degrees)
    rot = torch.tensor([[math.cos(a), -math.sin(a), 0.0], [math.sin(a), math.cos(a), 0.0], [0.0, 0.0, 1.0]])
    return pos @ rot.T + torch.tensor(shift)


def test_set_abstraction_equals_pyg_pointnetconv() -> None:
    pos = _cloud()
    x = torch.randn(200, 4)
    idx = fps(pos, ratio=0.2, random_start=False)
    centre, point = radius(pos, pos[idx], 1.0, max_num_neighbors=32)
    edge_index = torch.stack([point, centre])
    torch.manual_seed(0)
    ours = SetAbstraction(4, 8, 16).eval()
    pyg = PointNetConv(local_nn=ours.mlp, global_nn=None, add_self_loops=False).eval()
    with torch.no_grad():
        want = pyg((x, None), (pos, pos[idx]), edge_index)
        got = ours(x, pos, pos[idx], edge_index)
    assert got.shape == (len(idx), 8)
    assert torch.allclose(got, want, atol=1e-5)


def test_cylindrical_offsets_ignore_turns_and_translations() -> None:
    pos, centres = _cloud(30), _cloud(5, seed=1)
    edge_index = torch.stack([torch.arange(30), torch.arange(30) % 5])
    a = relative_position(pos, centres, edge_index, "cylindrical")
    b = relative_position(_turn(pos, 73, (1, 2, 3)), _turn(centres, 73, (1, 2, 3)), edge_index, "cylindrical")
    assert a.shape == (30, 2) and torch.allclose(a, b, atol=1e-5)
    xyz = relative_position(pos, centres, edge_index, "xyz")
    assert torch.allclose(xyz, pos - centres[edge_index[1]])


def test_knn_interpolate_equals_brute_force() -> None:
    pos_x, pos_y = _cloud(40), _cloud(25, seed=3)
    x = torch.randn(40, 6)
    d2 = torch.cdist(pos_y.double(), pos_x.double()) ** 2
    dist, idx = d2.topk(3, largest=False)
    w = 1 / dist
    want = (w[..., None] * x.double()[idx]).sum(1) / w.sum(1, keepdim=True)
    assert torch.allclose(knn_interpolate(x, pos_x, pos_y, k=3).double(), want, atol=1e-4)


def _model(offsets: str, in_channels: int = 0) -> PointNet2:
    torch.manual_seed(0)
    return PointNet2(in_channels, 5, hidden_channels=8, ratios=(0.25, 0.5), radii=(1.5, 3.0), offsets=offsets).eval()


def test_shapes_graph_and_batches() -> None:
    pos = torch.cat([_cloud(120), _cloud(80, seed=2)])
    batch = torch.tensor([0] * 120 + [1] * 80)
    model = _model("xyz", in_channels=3)
    graph = model.build_graph(pos, batch)
    assert isinstance(graph, PointNet2Graph) and [len(p) for p in graph.pos] == [200, 30 + 20, 15 + 10]
    e = graph.edge_index[0]
    assert bool((batch[e[0]] == graph.batch[1][e[1]]).all()), "a ball must not reach into another example"
    with torch.no_grad():
        assert torch.equal(model(pos, pos, batch, graph), model(pos, pos, batch))


def test_turn_and_translation_invariant_with_cylindrical_offsets() -> None:
    pos = _cloud(150)
    model = _model("cylindrical")
    with torch.no_grad():
        ref = model(None, pos)
        moved = model(None, _turn(pos, 37.0, (5.0, -3.0, 1.0)))
    assert (ref - moved).abs().max() < 1e-4
    xyz = _model("xyz")
    with torch.no_grad():
        assert (xyz(None, pos) - xyz(None, _turn(pos, 37.0))).abs().max() > 1e-3, "3D offsets do turn"


def _relabel(graph: PointNet2Graph, perm: torch.Tensor) -> PointNet2Graph:
    """The same centres and groups after the points were reordered by ``perm`` (new point k = old perm[k])."""
    inverse = torch.empty_like(perm)
    inverse[perm] = torch.arange(len(perm))
    e0 = graph.edge_index[0].clone()
    e0[0] = inverse[e0[0]]
    coarse, fine = graph.up_index[0]
    return PointNet2Graph([graph.pos[0][perm], *graph.pos[1:]], [graph.batch[0][perm], *graph.batch[1:]],
                          [e0, graph.edge_index[1]], [(coarse, inverse[fine]), graph.up_index[1]],
                          list(graph.up_dist2))


def test_permutation_equivariant_with_the_centres_held_fixed() -> None:
    pos = _cloud(100)
    x = torch.randn(100, 2)
    model = _model("xyz", in_channels=2)
    graph = model.build_graph(pos)
    perm = torch.randperm(100, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        ref = model(x, pos, graph=graph)
        out = model(x[perm], pos[perm], graph=_relabel(graph, perm))
    assert torch.allclose(out, ref[perm], atol=1e-5)


def test_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="offsets must be one of"):
        PointNet2(3, 5, offsets="polar")
    with pytest.raises(ValueError, match="ratios and radii"):
        PointNet2(3, 5, ratios=(0.5,))
    with pytest.raises(ValueError, match="x must be None exactly when in_channels == 0"):
        _model("xyz")(torch.randn(10, 3), _cloud(10))
    with pytest.raises(ValueError, match="pos must have shape"):
        _model("xyz").build_graph(torch.randn(10, 2))


def test_forward_on_meta_device_with_a_given_graph() -> None:
    pos = _cloud(60)
    graph = _model("cylindrical").build_graph(pos)  # neighbour search needs real numbers
    with torch.device("meta"):
        model = PointNet2(0, 7, hidden_channels=8, ratios=(0.25, 0.5), radii=(1.5, 3.0), offsets="cylindrical")
        out = model(None, pos.to("meta"), graph=graph.to("meta"))
    assert out.shape == (60, 7) and out.device.type == "meta"
