"""Lesson 01's code follows the device rule without a GPU to test it on.

Three stand-ins for an accelerator, each for what it can show on a CPU-only machine:

* ``meta`` as the *default* device while models run on CPU inputs: a tensor a
  function makes without ``device=`` lands on ``meta``, and the first operation
  that mixes it with the inputs raises. (The models cannot run on ``meta``
  inputs themselves: their argument checks read values, which ``meta`` tensors
  do not have.)
* ``meta`` inputs for the computations that need no values.
* :class:`tests.fake_device.OffCPU` for the figures: a CPU tensor that, like
  a CUDA one, refuses ``.numpy()`` without ``.cpu()`` and refuses to be mixed
  with ordinary CPU tensors.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
import torch
from torch import nn
from torch_geometric.data import Batch

from gdl_teach.core.training import graph_step
from gdl_teach.euclid.baselines import (
    DegreeRule,
    canonical_adjacency,
    degree_histogram,
    dense_adjacency,
    ordering_ties,
    relabel_adjacency,
)
from gdl_teach.euclid.experiments import AugmentedStep, TensorBatches, Views, make_task
from gdl_teach.euclid.geodesics import compare_distances, make_sphere_points
from gdl_teach.euclid.grid import image_to_nodes, make_grid_graph, nodes_to_image, shift_error_map, shift_output
from gdl_teach.euclid.hub_graphs import make_hub_graphs, relabel_graphs
from gdl_teach.euclid.models import AdjacencyMLP, GNNClassifier, NeighbourSumConv, OffsetConv
from gdl_teach.euclid.projection import (
    corner_angles,
    make_cube,
    make_square,
    pairwise_distances,
    projection_distortion,
)
from gdl_teach.euclid.viz import plot_conv_vs_graph, plot_geodesic, plot_grid_graph, plot_projection, plot_shift_errors
from gdl_teach.geometry.neighbors import knn_graph
from tests.fake_device import off_cpu

META = torch.device("meta")


def test_the_guards_catch_what_they_are_for() -> None:
    """Sanity: each stand-in fails on the mistake it stands for."""
    x = torch.ones(4, 2)
    with pytest.raises(RuntimeError), torch.device(META):
        torch.zeros(4, 2).index_add(0, torch.arange(4), x)  # zeros made without device=
    with pytest.raises(RuntimeError, match=r"\.cpu\(\) first"):
        off_cpu(x).numpy()
    with pytest.raises(RuntimeError, match="same device"):
        off_cpu(x) + torch.ones(4, 2)
    assert type(off_cpu(x).cpu()) is torch.Tensor


def test_models_make_every_tensor_on_their_inputs_device() -> None:
    torch.manual_seed(0)
    batch = Batch.from_data_list(make_hub_graphs(4, seed=0))
    grid = make_grid_graph(4, 4)
    gnn, mlp, offset, layer = GNNClassifier(1, 8, 2), AdjacencyMLP(12, (8,), 2), OffsetConv(2, 3), NeighbourSumConv(1, 4)
    with torch.device(META):
        outputs = [gnn(batch.x, batch.edge_index, batch.batch), gnn(batch.x[:12], batch.edge_index[:, :36]),
                   mlp(batch.x, batch.edge_index, batch.batch), mlp(batch.x[:12], batch.edge_index[:, :36]),
                   offset(torch.randn(16, 2, device="cpu"), grid.edge_index, grid.edge_attr),
                   layer(batch.x, batch.edge_index), graph_step(gnn, batch, "val")[0]]
    assert all(out.device.type == "cpu" for out in outputs)


def test_helpers_that_take_a_learners_tensors_keep_their_device() -> None:
    conv = nn.Conv2d(1, 2, 3, padding=1, padding_mode="circular")
    image = torch.rand(1, 6, 6)
    cube, edges = make_cube()
    sphere = make_sphere_points(60)
    knn = knn_graph(sphere, k=6)
    graphs = make_hub_graphs(2, seed=0)
    with torch.device(META):
        assert shift_error_map(conv, image).device.type == "cpu"
        assert projection_distortion(cube, cube[:, :2], edges)["collapsed_edges"] == 4
        assert compare_distances(sphere, knn, 0, 59, analytic=3.0).graph > 0
        relabelled = relabel_graphs(graphs, seed=0)
    assert relabelled[0].edge_index.device.type == "cpu"


def test_value_free_computations_run_on_meta() -> None:
    image = torch.empty(3, 4, 5, device=META)
    nodes = image_to_nodes(image)
    assert nodes.device == META and nodes_to_image(nodes, 4, 5).shape == (3, 4, 5)
    assert shift_output(torch.empty(1, 2, 4, 4, device=META), torch.tensor([1, 2])).device == META
    assert pairwise_distances(torch.empty(5, 3, device=META)).shape == (5, 5)


def test_from_conv2d_builds_the_layer_where_the_conv_lives() -> None:
    conv = nn.Conv2d(2, 3, 3, padding=1, device=META)
    layer = OffsetConv.from_conv2d(conv)
    assert layer.weight.device == META and layer.bias.device == META


def test_corner_angles_stay_on_the_device_of_the_points() -> None:
    cube, edges = make_cube()
    with torch.device(META):
        angles = corner_angles(cube, edges)
    assert angles.device.type == "cpu"  # made with device=pos.device, so it can meet the points again


def test_figures_copy_to_the_cpu_before_drawing() -> None:
    grid = make_grid_graph(4, 4)
    plot_grid_graph(off_cpu(grid), node=5)
    image, out = off_cpu(torch.rand(1, 5, 5)), off_cpu(torch.rand(2, 5, 5))
    plot_conv_vs_graph(image, out, out)
    plot_shift_errors({"zeros": off_cpu(torch.rand(5, 5))})
    cube, cube_edges = make_cube()
    square, square_edges = make_square()
    plot_projection(off_cpu(cube), off_cpu(cube_edges), off_cpu(square), off_cpu(square_edges),
                    off_cpu(torch.eye(3, dtype=torch.float64)))
    plot_geodesic(off_cpu(make_sphere_points(40)), [0, 1, 2])
    plt.close("all")


def test_baselines_make_their_tensors_where_the_adjacency_lives() -> None:
    graphs = make_hub_graphs(6, seed=0)
    y = torch.tensor([int(g.y) for g in graphs])
    with torch.device(META):  # anything made without device= would land on meta and fail to mix
        adj = dense_adjacency(graphs, 12)
        outs = [adj, relabel_adjacency(adj, torch.Generator().manual_seed(0)), canonical_adjacency(adj),
                degree_histogram(adj), ordering_ties(adj), DegreeRule().fit(adj, y).predict(adj)]
    assert all(out.device.type == "cpu" for out in outs)
    on_meta = torch.empty(3, 12, 12, device=META)  # value-free: the whole computation stays on the device
    for fn in (relabel_adjacency, canonical_adjacency, degree_histogram, ordering_ties):
        assert fn(on_meta).device == META


def test_the_claims_batches_and_steps_follow_the_data_to_its_device() -> None:
    views = Views.of(make_task(0, 10, num_test=2)[0])
    with torch.device(META):
        batches = list(TensorBatches(views.flat, views.y, batch_size=4, seed=0))
    assert all(adj.device.type == "cpu" for adj, _ in batches)
    adj, y = torch.empty(5, 144, device=META), torch.empty(5, dtype=torch.long, device=META)
    logits, target = AugmentedStep(seed=0)(nn.Linear(144, 2, device=META), (adj, y), "train")
    assert logits.device == META and target.device == META
    assert next(iter(TensorBatches(adj, y, batch_size=2, seed=0)))[0].device == META
