"""Device readiness without a GPU: the models run with weights and inputs on the ``meta`` device.

A meta tensor has a shape and a dtype but no values, and torch refuses to mix
it with a CPU tensor, so any tensor that a forward pass or a predict helper
creates without ``device=`` (or any input a helper forgets to move) fails here
as it would on a GPU. Two code paths cannot run on meta and are covered by
:func:`test_no_tensor_is_created_without_a_device_in_model_code` instead:
:class:`SchNetLite` (its atom pairs come from ``nonzero``, whose size depends
on values) and :class:`SmilesGRU` (torch's packed sequences read the lengths
on the CPU, by design).
"""
from __future__ import annotations

import ast
import inspect
from typing import Any

import pytest
import torch
from torch import nn
from torch_geometric.data import Batch, Data

from gdl_teach.molecules import (
    featurize,
    gnn,
    gnn_descriptors,
    model_io,
    models_3d,
    sequence_models,
    smiles,
    training,
)

META = torch.device("meta")


def _meta(num_rows: int, num_cols: int | None = None, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    shape = (num_rows,) if num_cols is None else (num_rows, num_cols)
    return torch.empty(shape, dtype=dtype, device=META)


def test_gine_layer_and_aggregate_on_meta() -> None:
    layer = gnn.GINELayer(16, featurize.NUM_BOND_FEATURES).to(META)
    x, edge_index = _meta(7, 16), _meta(2, 12, torch.long)
    out = layer(x, edge_index, _meta(12, featurize.NUM_BOND_FEATURES))
    assert out.is_meta and out.shape == (7, 16)
    assert gnn.gine_aggregate(x, edge_index, _meta(12, 16)).is_meta


def test_molecule_gnn_on_meta(graphs: list[Data]) -> None:
    model = gnn.MoleculeGNN(hidden_channels=8, num_layers=2, target_mean=-3.0, target_std=2.0).to(META)
    batch = Batch.from_data_list(graphs).to(META)
    out, terms = model(batch), model.atom_contributions(batch)
    assert out.is_meta and out.shape == (len(graphs), 1)
    assert terms.is_meta and terms.shape == (batch.num_nodes,)
    single = graphs[0].clone().to(META)  # a Data without a batch vector: one molecule
    assert model(single).shape == (1, 1)


def test_descriptor_gnn_on_meta(graphs: list[Data]) -> None:
    stats = {"median": torch.zeros(5), "mean": torch.zeros(5), "std": torch.ones(5)}
    model = gnn_descriptors.DescriptorGNN(5, stats, hidden_channels=8, num_layers=2, target_mean=1.0).to(META)
    rich = training.with_descriptors(graphs, torch.randn(len(graphs), 5).numpy())
    out = model(Batch.from_data_list(rich).to(META))
    assert out.is_meta and out.shape == (len(graphs), 1)
    assert model.descriptor_std.is_meta  # the scaling statistics are buffers: they move with the model


def test_smiles_cnn_and_coordinate_mlp_on_meta() -> None:
    cnn = sequence_models.SmilesCNN(12, hidden_channels=8).to(META)
    out = cnn(Data(tokens=_meta(4, 9, torch.long)))
    assert out.is_meta and out.shape == (4, 1)
    mlp = models_3d.CoordinateMLP(hidden_channels=8).to(META)
    out = mlp(_meta(5, 3), _meta(5, featurize.NUM_ATOM_FEATURES))
    assert out.is_meta and out.shape == (1, 1)
    assert models_3d.gaussian_rbf(_meta(10), num_gaussians=4).shape == (10, 4)


class _OnMeta(nn.Module):
    """A real model on meta; returns CPU zeros of its output's shape so the helper's ``.cpu()`` can run."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model.to(META)
        self.shapes: list[torch.Size] = []

    def _cpu(self, out: torch.Tensor) -> torch.Tensor:
        assert out.is_meta
        self.shapes.append(out.shape)
        return torch.zeros(out.shape)

    def forward(self, data: Any) -> torch.Tensor:
        return self._cpu(self.model(data))

    def atom_contributions(self, data: Any) -> torch.Tensor:
        return self._cpu(self.model.atom_contributions(data))


def test_predict_helpers_send_cpu_inputs_to_a_meta_model(graphs: list[Data], smiles_list: list[str]) -> None:
    """Regression: the predict helpers fed CPU inputs to the model wherever the model lived."""
    model = _OnMeta(gnn.MoleculeGNN(hidden_channels=8, num_layers=1))
    assert training.predict_graphs(model, graphs).shape == (len(graphs),)
    assert training.predict_contributions(model, graphs[1]).shape == (graphs[1].num_nodes,)
    assert model.shapes == [torch.Size([len(graphs), 1]), torch.Size([graphs[1].num_nodes])]
    assert all(g.x.device.type == "cpu" for g in graphs)  # the learner's graphs stay where they were
    vocab = smiles.build_vocab(smiles_list)
    seq = _OnMeta(sequence_models.SmilesCNN(len(vocab), hidden_channels=8))
    assert training.predict_smiles(seq, smiles_list, vocab).shape == (len(smiles_list),)


_FACTORIES = {"zeros", "ones", "empty", "full", "arange", "linspace", "tensor", "rand", "randn", "randint", "eye"}
_MODEL_MODULES = [gnn, gnn_descriptors, sequence_models, models_3d, model_io]


@pytest.mark.parametrize("module", _MODEL_MODULES, ids=[m.__name__.rsplit(".", 1)[1] for m in _MODEL_MODULES])
def test_no_tensor_is_created_without_a_device_in_model_code(module: Any) -> None:
    """Outside constructors (whose buffers move with the model), a torch factory call must say ``device=``."""
    bad = []
    for func in ast.walk(ast.parse(inspect.getsource(module))):
        if not isinstance(func, ast.FunctionDef) or func.name in ("__init__", "register_target_scaling"):
            continue
        for call in ast.walk(func):
            if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in _FACTORIES
                    and isinstance(call.func.value, ast.Name) and call.func.value.id == "torch"
                    and not any(k.arg == "device" for k in call.keywords)):
                bad.append(f"{func.name}: line {call.lineno} torch.{call.func.attr}(...)")
    assert not bad, f"{module.__name__} creates tensors without device=: {bad}"
