"""Tests for gdl_teach.meshes.models: shapes, EdgeConv against PyG, devices, errors."""
from __future__ import annotations

import pytest
import torch
from torch import nn
from torch_geometric.data import Data
from torch_geometric.nn import EdgeConv

from gdl_teach.geometry import mesh
from gdl_teach.meshes import models, shape


def _batch(animal: shape.Quadruped, basis: tuple, in_channels: int = 5) -> Data:
    evals, evecs, mass = basis
    return Data(x=torch.randn(animal.num_nodes, in_channels), edge_index=mesh.face_to_edge_index(animal.face),
                evals=evals[None].float(), evecs=evecs.float(), mass=mass.float(),
                batch=torch.zeros(animal.num_nodes, dtype=torch.long))


@pytest.mark.parametrize("name", models.MODEL_NAMES)
def test_every_model_maps_vertices_to_logits(name: str, animal: shape.Quadruped, basis: tuple) -> None:
    torch.manual_seed(0)
    model = models.make_model(name, in_channels=5, out_channels=7, hidden_channels=16)
    out = model(_batch(animal, basis))
    assert out.shape == (animal.num_nodes, 7)
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters() if p.requires_grad)
    assert models.count_parameters(model) > 0


def test_mesh_edge_conv_equals_pygs_edgeconv_with_a_linear_edge_function(animal: shape.Quadruped) -> None:
    torch.manual_seed(0)
    ours = models.MeshEdgeConv(6, 4)
    theirs = EdgeConv(nn.Linear(12, 4), aggr="mean")  # its constructor re-initialises the linear layer
    with torch.no_grad():  # PyG's h_Theta([h_i, h_j - h_i]) = A h_i + B (h_j - h_i) + b
        theirs.nn.weight.copy_(torch.cat([ours.lin_self.weight, ours.lin_edge.weight], dim=1))
        theirs.nn.bias.copy_(ours.lin_self.bias)
    x, edge_index = torch.randn(animal.num_nodes, 6), mesh.face_to_edge_index(animal.face)
    assert torch.allclose(ours(x, edge_index), theirs(x, edge_index), atol=1e-5)


@pytest.mark.parametrize("conv", ["feast", "edge-max"])
def test_other_mesh_convolutions_run(conv: str, animal: shape.Quadruped, basis: tuple) -> None:
    model = models.MeshGNN(5, 8, 3, num_layers=1, conv=conv)
    assert model(_batch(animal, basis)).shape == (animal.num_nodes, 3)


@pytest.mark.parametrize("name", models.MODEL_NAMES)
def test_forward_on_the_meta_device(name: str) -> None:
    model = models.make_model(name, in_channels=4, out_channels=3, hidden_channels=8).to("meta")
    n, k = 30, 5
    meta = {"device": "meta"}
    data = Data(x=torch.empty(n, 4, **meta), edge_index=torch.empty(2, 90, dtype=torch.long, **meta),
                evals=torch.empty(1, k, **meta), evecs=torch.empty(n, k, **meta), mass=torch.empty(n, **meta),
                batch=None)
    out = model(data)
    assert out.shape == (n, 3) and out.device.type == "meta"


def test_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="name must be one of"):
        models.make_model("CNN", 3, 3)
    with pytest.raises(ValueError, match="conv must be one of"):
        models.MeshGNN(3, 8, 3, conv="spline")
    with pytest.raises(ValueError, match="h must have shape|edge_index must have shape"):
        models.MeshEdgeConv(3, 4)(torch.randn(5, 3), torch.zeros(3, 4, dtype=torch.long))


def test_mesh_gnn_is_equivariant_to_vertex_renumbering(animal: shape.Quadruped) -> None:
    from gdl_teach.core.symmetry import check_equivariance, permute_nodes, permute_output

    torch.manual_seed(0)
    gnn = models.MeshGNN(5, 8, 3).eval()
    layer = lambda x, edge_index: gnn(Data(x=x, edge_index=edge_index))  # noqa: E731
    inputs = (torch.randn(animal.num_nodes, 5), mesh.face_to_edge_index(animal.face))
    report = check_equivariance(layer, inputs, permute_nodes(keep_perm=True), permute_output, trials=3, atol=1e-5)
    assert report.passed, report
