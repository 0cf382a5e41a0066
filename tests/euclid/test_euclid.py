"""Lesson 01 package code: grid graphs, the conv-as-message-passing layer, symmetries, shapes, geodesics."""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import networkx as nx
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch_geometric.data import Batch
from torch_geometric.nn import GraphConv, RGCNConv, global_mean_pool

from gdl_teach import seed_everything
from gdl_teach.core.symmetry import (
    check_equivariance,
    check_invariance,
    permute_nodes,
    permute_output,
    permute_rows,
    rotate_points,
    rotation_matrix,
)
from gdl_teach.core.training import fit
from gdl_teach.euclid.data import (
    OFFSETS_3X3,
    compare_distances,
    corner_angles,
    graph_shortest_path,
    great_circle_distance,
    image_to_nodes,
    make_cube,
    make_grid_graph,
    make_hub_graphs,
    make_sphere_points,
    make_square,
    make_swiss_roll,
    make_toy_image,
    nearest_point,
    nodes_to_image,
    pairwise_distances,
    project_to_plane,
    projection_distortion,
    relabel_graphs,
    shift_error_map,
    shift_images,
    shift_output,
    swiss_roll_point,
    swiss_roll_unrolled,
)
from gdl_teach.euclid.models import (
    AdjacencyMLP,
    GNNClassifier,
    NeighbourSumConv,
    OffsetConv,
    graph_step,
    mean_pool,
    sum_pool,
)
from gdl_teach.euclid.viz import plot_conv_vs_graph, plot_geodesic, plot_grid_graph, plot_projection, plot_shift_errors
from gdl_teach.euclid.widgets import rotation_matrix64
from gdl_teach.geometry.neighbors import knn_graph


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """These models are tiny: one thread is fastest and does not fight other processes for the CPU."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


# --------------------------------------------------------------------------- grids
@pytest.mark.parametrize("h,w", [(1, 1), (3, 5), (16, 16)])
def test_grid_graph_edge_counts(h: int, w: int) -> None:
    zeros = make_grid_graph(h, w)
    # offset (dr, dc) exists for (h - |dr|) * (w - |dc|) pixels
    expected = sum(max(h - abs(dr), 0) * max(w - abs(dc), 0) for dr, dc in OFFSETS_3X3)
    assert zeros.edge_index.shape == (2, expected) and zeros.edge_attr.shape == (expected,)
    assert zeros.num_nodes == h * w and zeros.pos.shape == (h * w, 2)
    circ = make_grid_graph(h, w, padding="circular")
    assert circ.edge_index.shape[1] == 9 * h * w
    assert torch.bincount(circ.edge_index[1], minlength=h * w).eq(9).all()


def test_grid_graph_offsets_point_from_read_pixel_to_centre() -> None:
    g = make_grid_graph(4, 5)
    src, dst = g.edge_index
    dr = src // 5 - dst // 5
    dc = src % 5 - dst % 5
    offsets = torch.tensor(OFFSETS_3X3)[g.edge_attr]
    assert torch.equal(torch.stack([dr, dc], 1), offsets)


@pytest.mark.parametrize("padding", ["zeros", "circular"])
@pytest.mark.parametrize("c_in,c_out,h,w", [(1, 4, 16, 16), (3, 2, 5, 7)])
def test_conv2d_equals_message_passing(padding: str, c_in: int, c_out: int, h: int, w: int) -> None:
    torch.manual_seed(0)
    conv = nn.Conv2d(c_in, c_out, 3, padding=1, padding_mode=padding)
    layer = OffsetConv.from_conv2d(conv)
    grid = make_grid_graph(h, w, padding=padding)
    img = torch.randn(c_in, h, w)
    with torch.no_grad():
        want = conv(img.unsqueeze(0))[0]
        got = nodes_to_image(layer(image_to_nodes(img), grid.edge_index, grid.edge_attr), h, w)
    assert (want - got).abs().max() < 1e-5


def test_offset_conv_matches_pyg_rgcn() -> None:
    torch.manual_seed(1)
    layer = OffsetConv(3, 5)
    with torch.no_grad():
        layer.bias.normal_()
    rgcn = RGCNConv(3, 5, num_relations=9, aggr="add", root_weight=False)
    with torch.no_grad():
        rgcn.weight.copy_(layer.weight)
        rgcn.bias.copy_(layer.bias)
    grid = make_grid_graph(6, 4)
    x = torch.randn(24, 3)
    assert torch.allclose(rgcn(x, grid.edge_index, grid.edge_attr), layer(x, grid.edge_index, grid.edge_attr), atol=1e-5)


def test_offset_conv_without_bias() -> None:
    conv = nn.Conv2d(2, 3, 3, padding=1, bias=False)
    layer = OffsetConv.from_conv2d(conv)
    assert layer.bias is None
    grid = make_grid_graph(3, 3)
    out = layer(torch.randn(9, 2), grid.edge_index, grid.edge_attr)
    assert out.shape == (9, 3)


def test_offset_conv_bad_input() -> None:
    with pytest.raises(TypeError, match="conv"):
        OffsetConv.from_conv2d(nn.Linear(3, 3))
    with pytest.raises(ValueError, match="conv must have kernel_size=3"):
        OffsetConv.from_conv2d(nn.Conv2d(1, 1, 3, stride=2, padding=1))
    with pytest.raises(ValueError, match="conv must have kernel_size=3"):
        OffsetConv.from_conv2d(nn.Conv2d(1, 1, 5, padding=2))
    layer = OffsetConv(2, 3)
    grid = make_grid_graph(3, 3)
    with pytest.raises(ValueError, match="x must have shape"):
        layer(torch.randn(9, 3), grid.edge_index, grid.edge_attr)
    with pytest.raises(ValueError, match="edge_attr must hold offset ids"):
        layer(torch.randn(9, 2), grid.edge_index, grid.edge_attr + 5)
    with pytest.raises(ValueError, match="edge_attr must have shape"):
        layer(torch.randn(9, 2), grid.edge_index, grid.edge_attr[:-1])
    with pytest.raises(ValueError, match="edge_index refers to node"):
        layer(torch.randn(4, 2), grid.edge_index, grid.edge_attr)
    with pytest.raises(ValueError, match="in_channels must be >= 1"):
        OffsetConv(0, 3)


def test_grid_helpers_bad_input() -> None:
    with pytest.raises(ValueError, match="height must be >= 1"):
        make_grid_graph(0, 3)
    with pytest.raises(TypeError, match="width must be an int"):
        make_grid_graph(3, 2.5)
    with pytest.raises(ValueError, match="padding must be one of"):
        make_grid_graph(3, 3, padding="reflect")
    with pytest.raises(ValueError, match="image must have shape"):
        image_to_nodes(torch.rand(4, 4))
    with pytest.raises(ValueError, match="x must have height \\* width"):
        nodes_to_image(torch.rand(10, 1), 3, 3)
    with pytest.raises(ValueError, match="size must be >= 4"):
        make_toy_image(size=2)


def test_image_nodes_roundtrip_and_toy_image_is_seeded() -> None:
    img = make_toy_image(12, seed=3)
    assert img.shape == (1, 12, 12)
    assert torch.equal(img, make_toy_image(12, seed=3))
    x = torch.rand(3, 4, 5)
    nodes = image_to_nodes(x)
    assert nodes.shape == (20, 3) and torch.equal(nodes[1 * 5 + 2], x[:, 1, 2])
    assert torch.equal(nodes_to_image(nodes, 4, 5), x)


# --------------------------------------------------------------------------- shifts
def test_shift_equivariance_circular_exact_zero_padding_broken() -> None:
    torch.manual_seed(0)
    zero = nn.Conv2d(1, 3, 3, padding=1)
    circ = nn.Conv2d(1, 3, 3, padding=1, padding_mode="circular")
    circ.load_state_dict(zero.state_dict())
    images = torch.rand(2, 1, 12, 12)
    assert check_equivariance(circ, (images,), shift_images(keep_shift=True), shift_output).max_error < 1e-5
    assert not check_equivariance(zero, (images,), shift_images(keep_shift=True), shift_output)
    # a per-pixel map is exactly shift-equivariant with either padding
    assert check_equivariance(torch.relu, (images - 0.5,), shift_images(keep_shift=True), shift_output)


def test_shift_error_map_sits_next_to_border_and_seam() -> None:
    torch.manual_seed(0)
    zero = nn.Conv2d(1, 2, 3, padding=1)
    circ = nn.Conv2d(1, 2, 3, padding=1, padding_mode="circular")
    img = torch.rand(1, 10, 10) + 0.5
    err = shift_error_map(zero, img, shift=(3, 5))
    band = torch.zeros(10, 10, dtype=torch.bool)
    band[[0, 2, 3, 9], :] = True
    band[:, [0, 4, 5, 9]] = True
    assert err.shape == (10, 10) and float(err[band].max()) > 1e-3 and float(err[~band].max()) < 1e-6
    assert float(shift_error_map(circ, img).max()) < 1e-5
    with pytest.raises(ValueError, match="shift must be two ints"):
        shift_error_map(zero, img, shift=(1,))
    with pytest.raises(TypeError, match="f must be callable"):
        shift_error_map(3, img)
    with pytest.raises(ValueError, match="max_shift must be >= 1"):
        shift_images(max_shift=0)


# --------------------------------------------------------------------------- permutations
def _graph(seed: int = 0):
    return make_hub_graphs(2, seed=seed)[1]


def test_pooling_invariance_and_values() -> None:
    x = torch.randn(12, 5)
    assert check_invariance(sum_pool, (x,), permute_rows())
    assert check_invariance(mean_pool, (x,), permute_rows())
    batch = torch.tensor([0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2])
    assert torch.allclose(mean_pool(x, batch), global_mean_pool(x, batch), atol=1e-6)
    assert torch.allclose(sum_pool(x, batch)[1], x[2:5].sum(0))
    assert sum_pool(x, batch, num_graphs=4)[3].abs().sum() == 0
    with pytest.raises(ValueError, match="batch must be non-negative and sorted"):
        sum_pool(x, batch.flip(0))
    with pytest.raises(ValueError, match="num_graphs must be >= 3"):
        sum_pool(x, batch, num_graphs=2)
    with pytest.raises(ValueError, match="x must have shape"):
        sum_pool(torch.randn(3))


def test_gnn_layer_matches_pyg_graphconv_and_is_equivariant() -> None:
    torch.manual_seed(0)
    g = _graph()
    x = torch.randn(12, 4)
    ours = NeighbourSumConv(4, 6)
    pyg = GraphConv(4, 6, aggr="add")
    with torch.no_grad():
        pyg.lin_rel.weight.copy_(ours.lin_nbr.weight)
        pyg.lin_rel.bias.copy_(ours.lin_nbr.bias)
        pyg.lin_root.weight.copy_(ours.lin_root.weight)
    assert torch.allclose(ours(x, g.edge_index), pyg(x, g.edge_index), atol=1e-5)
    assert check_equivariance(ours, (x, g.edge_index), permute_nodes(keep_perm=True), permute_output)
    with pytest.raises(ValueError, match="x must have shape"):
        ours(torch.randn(12, 3), g.edge_index)


def test_gnn_classifier_invariant_adjacency_mlp_not() -> None:
    seed_everything(0)
    g = _graph()
    gnn = GNNClassifier(1, 16, 2)
    mlp = AdjacencyMLP(12, (16,), 2)
    assert check_invariance(gnn, (g.x, g.edge_index), permute_nodes())
    report = check_invariance(mlp, (g.x, g.edge_index), permute_nodes())
    assert not report and report.max_error > 1e-3


def test_adjacency_mlp_bad_input() -> None:
    mlp = AdjacencyMLP(12, (8,), 2)
    batch = Batch.from_data_list(make_hub_graphs(2, num_nodes=10, num_edges=12, hub_degree=5))
    with pytest.raises(ValueError, match="every graph must have num_nodes=12"):
        mlp(batch.x, batch.edge_index, batch.batch)
    with pytest.raises(TypeError, match="hidden must be a sequence"):
        AdjacencyMLP(12, 8, 2)


def test_models_shapes_and_seeded_training_repeats() -> None:
    graphs = make_hub_graphs(64, seed=0)
    batches = [Batch.from_data_list(graphs[i:i + 16]) for i in range(0, 64, 16)]

    def train_once(build):
        seed_everything(0)
        model = build()
        hist = fit(model, batches, loss_fn=F.cross_entropy, epochs=3, lr=3e-3, step=graph_step,
                   progress=False, device="cpu")
        return hist.train_loss, model(batches[0].x, batches[0].edge_index, batches[0].batch)

    for build in (lambda: GNNClassifier(1, 8, 2), lambda: AdjacencyMLP(12, (16,), 2)):
        loss_a, out_a = train_once(build)
        loss_b, out_b = train_once(build)
        assert out_a.shape == (16, 2)
        assert loss_a == loss_b and torch.equal(out_a, out_b)


# --------------------------------------------------------------------------- hub graphs
def test_hub_graphs() -> None:
    graphs = make_hub_graphs(20, num_nodes=12, num_edges=18, hub_degree=8, seed=4)
    assert [int(g.y) for g in graphs[:4]] == [0, 1, 0, 1]
    for g in graphs:
        assert g.edge_index.shape == (2, 36) and g.x.shape == (12, 1)
        pairs = set(map(tuple, g.edge_index.t().tolist()))
        assert len(pairs) == 36 and all((b, a) in pairs for a, b in pairs)  # simple, undirected
        deg0 = int((g.edge_index[0] == 0).sum())
        if int(g.y) == 1:
            assert deg0 == 8
    again = make_hub_graphs(20, num_nodes=12, num_edges=18, hub_degree=8, seed=4)
    assert all(torch.equal(a.edge_index, b.edge_index) for a, b in zip(graphs, again))
    with pytest.raises(ValueError, match="num_edges must be >= 9"):
        make_hub_graphs(4, num_edges=8, hub_degree=8)
    with pytest.raises(ValueError, match="hub_degree must be <= 11"):
        make_hub_graphs(4, hub_degree=12)
    with pytest.raises(ValueError, match="num_graphs must be >= 2"):
        make_hub_graphs(1)


def test_relabel_graphs_keeps_the_graph() -> None:
    graphs = make_hub_graphs(6, seed=0)
    rel = relabel_graphs(graphs, seed=1)
    for a, b in zip(graphs, rel):
        ga = nx.Graph(a.edge_index.t().tolist())
        gb = nx.Graph(b.edge_index.t().tolist())
        assert sorted(d for _, d in ga.degree()) == sorted(d for _, d in gb.degree())
        assert torch.equal(a.y, b.y)
    assert any(not torch.equal(a.edge_index, b.edge_index) for a, b in zip(graphs, rel))
    with pytest.raises(TypeError, match="graphs must be a non-empty list"):
        relabel_graphs([])


# --------------------------------------------------------------------------- shapes
def test_cube_and_square() -> None:
    cube, edges = make_cube()
    assert cube.shape == (8, 3) and edges.shape == (2, 12)
    assert torch.allclose((cube[edges[0]] - cube[edges[1]]).norm(dim=1), torch.ones(12, dtype=torch.float64))
    assert torch.allclose(corner_angles(cube, edges), torch.full((24,), 90.0, dtype=torch.float64))
    square, sq_edges = make_square(2.0)
    assert torch.allclose(corner_angles(square, sq_edges), torch.full((4,), 90.0, dtype=torch.float64))
    with pytest.raises(ValueError, match="side must be > 0"):
        make_cube(0.0)


def test_rotation_preserves_projection_distorts() -> None:
    cube, edges = make_cube()
    rot = rotation_matrix((30.0, 20.0, 10.0)).double()
    kept = projection_distortion(cube, cube @ rot.T, edges)
    assert kept["max_dist_error"] < 1e-6 and kept["max_angle_error"] < 1e-4
    seen = projection_distortion(cube, project_to_plane(cube, rot), edges)
    assert seen["max_dist_error"] > 0.1 and seen["max_angle_error"] > 1.0
    square, sq_edges = make_square()
    flat = projection_distortion(square, square @ rotation_matrix64(37.0).T, sq_edges)
    assert flat["max_dist_error"] < 1e-12 and flat["max_angle_error"] < 1e-9
    end_on = projection_distortion(cube, project_to_plane(cube, torch.eye(3, dtype=torch.float64)), edges)
    assert end_on["collapsed_edges"] == 4
    assert check_invariance(pairwise_distances, (cube.float(),), rotate_points())
    assert not check_invariance(lambda p: pairwise_distances(p[:, :2]), (cube.float(),), rotate_points())


def test_shape_functions_bad_input() -> None:
    cube, edges = make_cube()
    with pytest.raises(ValueError, match="pos must have shape"):
        project_to_plane(torch.rand(4, 2), torch.eye(3))
    with pytest.raises(ValueError, match="rot must have shape"):
        project_to_plane(torch.rand(4, 3), torch.eye(2))
    with pytest.raises(ValueError, match="seen_pos must have one row per corner"):
        projection_distortion(cube, cube[:5], edges)
    with pytest.raises(ValueError, match="edges refers to node"):
        corner_angles(cube[:4], edges)
    with pytest.raises(TypeError, match="pos must be a torch.Tensor"):
        pairwise_distances([[0.0, 1.0]])


# --------------------------------------------------------------------------- geodesics
def test_sphere_and_swiss_roll_samples() -> None:
    sphere = make_sphere_points(300, radius=2.0)
    assert sphere.shape == (300, 3) and torch.allclose(sphere.norm(dim=1), torch.full((300,), 2.0), atol=1e-5)
    pos, uv = make_swiss_roll(200, seed=1)
    pos2, uv2 = make_swiss_roll(200, seed=1)
    assert pos.shape == (200, 3) and uv.shape == (200, 2) and torch.equal(pos, pos2) and torch.equal(uv, uv2)
    # nearby points: distance along the unrolled surface ~ distance in space (the surface is locally flat)
    d_surface = (swiss_roll_unrolled(8.0, 1.0) - swiss_roll_unrolled(8.01, 1.0)).norm()
    d_space = (swiss_roll_point(8.0, 1.0) - swiss_roll_point(8.01, 1.0)).norm()
    assert float(d_surface) == pytest.approx(float(d_space), rel=1e-3)
    with pytest.raises(ValueError, match="num_points must be >= 2"):
        make_swiss_roll(1)


def test_graph_shortest_path_matches_networkx() -> None:
    pos = make_sphere_points(150)
    edges = knn_graph(pos, k=6)
    length, path = graph_shortest_path(pos, edges, 0, 149)
    g = nx.Graph()
    for a, b in edges.t().tolist():
        g.add_edge(a, b, weight=float((pos[a] - pos[b]).double().norm()))
    assert length == pytest.approx(nx.shortest_path_length(g, 0, 149, weight="weight"), rel=1e-9)
    assert path[0] == 0 and path[-1] == 149
    hops = sum(float((pos[a] - pos[b]).double().norm()) for a, b in zip(path[:-1], path[1:]))
    assert hops == pytest.approx(length, rel=1e-9)


def test_duplicated_edges_are_not_added_up() -> None:
    pos = torch.tensor([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    edges = torch.tensor([[0, 1, 1, 0, 1, 2], [1, 0, 0, 1, 2, 1]])  # 0-1 listed four times
    assert graph_shortest_path(pos, edges, 0, 2)[0] == pytest.approx(2.0)


def test_graph_geodesics_approach_analytic() -> None:
    sphere = make_sphere_points(800)
    c = nearest_point(sphere, torch.tensor([0.0, 0.0, 1.0]))
    d = nearest_point(sphere, torch.tensor([math.sin(math.radians(150)), 0.0, math.cos(math.radians(150))]))
    res = compare_distances(sphere, knn_graph(sphere, k=8), c, d, great_circle_distance(sphere[c], sphere[d]))
    assert res.straight < res.analytic < res.graph < 1.1 * res.analytic
    row = res.as_row()
    assert set(row) == {"straight line", "graph geodesic", "analytic geodesic", "analytic / straight",
                        "graph / analytic"}


def test_geodesic_bad_input() -> None:
    pos = torch.tensor([[0.0, 0.0], [1.0, 0.0], [5.0, 0.0]])
    edges = torch.tensor([[0], [1]])
    with pytest.raises(ValueError, match="target 2 cannot be reached"):
        graph_shortest_path(pos, edges, 0, 2)
    with pytest.raises(ValueError, match="source must be <= 2"):
        graph_shortest_path(pos, edges, 3, 0)
    with pytest.raises(ValueError, match="a and b must lie on one sphere"):
        great_circle_distance(torch.tensor([1.0, 0, 0]), torch.tensor([0.0, 3.0, 0]))
    with pytest.raises(ValueError, match="analytic must be > 0"):
        compare_distances(pos, torch.tensor([[0, 1], [1, 2]]), 0, 2, analytic=0.0)
    with pytest.raises(ValueError, match="query must have shape"):
        nearest_point(pos, torch.tensor([1.0, 2.0, 3.0]))


# --------------------------------------------------------------------------- figures
def test_figures_draw_and_validate() -> None:
    grid = make_grid_graph(5, 5)
    assert plot_grid_graph(grid, node=12) is not None
    with pytest.raises(ValueError, match="node must be <= 24"):
        plot_grid_graph(grid, node=25)
    with pytest.raises(TypeError, match="grid must be a Data"):
        plot_grid_graph(object(), node=0)
    img = torch.rand(1, 6, 6)
    out = torch.rand(2, 6, 6)
    assert len(plot_conv_vs_graph(img, out, out).axes) >= 4
    with pytest.raises(ValueError, match="graph_out must have shape"):
        plot_conv_vs_graph(img, out, out[:1])
    assert plot_shift_errors({"a": torch.rand(6, 6), "b": torch.zeros(6, 6)}) is not None
    with pytest.raises(TypeError, match="maps must be a non-empty dict"):
        plot_shift_errors({})
    cube, ce = make_cube()
    square, se = make_square()
    fig = plot_projection(cube, ce, torch.eye(3), square, se, torch.eye(2))
    assert len(fig.axes) == 3
    with pytest.raises(ValueError, match="rot must have shape"):
        plot_projection(cube, ce, torch.eye(2), square, se, torch.eye(2))
    sphere = make_sphere_points(50)
    assert plot_geodesic(sphere, [0, 1, 2]) is not None
    with pytest.raises(ValueError, match="path must be a list"):
        plot_geodesic(sphere, [0, 99])
    plt.close("all")
