"""Training and prediction helpers of the lesson's networks: batches, the two trainers, predictions on the CPU.

Models and batches live on ``device`` (default :func:`gdl_teach.get_device`);
the predict helpers copy their inputs to the model's device and return CPU
tensors, ready for numpy and plots. Nothing here moves a learner's graphs.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch_geometric.data import Batch, Data

from gdl_teach.core.batches import ShuffledBatches
from gdl_teach.core.device import get_device
from gdl_teach.core.metrics import rmse
from gdl_teach.core.seed import seed_everything
from gdl_teach.core.training import History, fit
from gdl_teach.core.validate import check_choice, check_float, check_int, check_tensor
from gdl_teach.molecules.gnn import MoleculeGNN
from gdl_teach.molecules.gnn_descriptors import DescriptorGNN, descriptor_statistics
from gdl_teach.molecules.sequence_models import SmilesCNN, SmilesGRU
from gdl_teach.molecules.smiles import encode_smiles

__all__ = ["TokenBatches", "check_labelled_graphs", "with_descriptors", "train_molecule_gnn", "train_descriptor_gnn",
           "train_smiles_model", "SMILES_MODELS", "predict_graphs", "predict_smiles", "predict_contributions"]

#: The sequence models :func:`train_smiles_model` can train, by ``kind``.
SMILES_MODELS = {"cnn": SmilesCNN, "gru": SmilesGRU}


def check_labelled_graphs(name: str, graphs: Any) -> list[Data]:
    """Check that ``graphs`` is a non-empty sequence of PyG ``Data`` with a label ``y`` and return it as a list.

    Args:
        name: the argument's name, used in the error message.
        graphs: what the caller passed.
    """
    graphs = list(graphs) if graphs is not None else []
    if not graphs:
        raise ValueError(f"{name} must contain at least one molecule")
    if not all(isinstance(g, Data) and getattr(g, "y", None) is not None for g in graphs):
        raise TypeError(f"{name} must be PyG Data objects with a label y")
    return graphs


def _tensors_only(data: Data) -> Data:
    """A shallow copy of ``data`` with its tensor attributes only (strings slow collation down)."""
    return Data(**{k: v for k, v in data.items() if isinstance(v, torch.Tensor)})


def _model_device(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def _token_batch(tokens: torch.Tensor, lengths: torch.Tensor, y: torch.Tensor, idx: torch.Tensor) -> Data:
    """The rows ``idx`` as one batch ``Data(tokens: (B, L'), lengths: (B,), y: (B, 1))``, trimmed to the longest."""
    max_len = int(lengths[idx].max())
    return Data(tokens=tokens[idx, :max_len], lengths=lengths[idx], y=y[idx].reshape(-1, 1))


class TokenBatches:
    """Mini-batches of tokenised SMILES, as ``Data(tokens, lengths, y)``, reshuffled every epoch.

    Strings of similar length are batched together (sorted by length plus a
    little noise, then the batches shuffled), so a batch is padded only to its
    own longest string: about three times less work than random batches.

    Args:
        tokens: (M, L) token ids from :func:`gdl_teach.molecules.smiles.encode_smiles`.
        lengths: (M,) lengths.
        y: (M,) labels.
        batch_size: strings per batch.
        seed: seed of the shuffles.
        jitter: noise added to the lengths before sorting (in tokens).
    """

    def __init__(self, tokens: torch.Tensor, lengths: torch.Tensor, y: torch.Tensor,
                 batch_size: int = 64, seed: int = 0, jitter: float = 4.0) -> None:
        self.tokens = check_tensor("tokens", tokens, ndim=2, integer=True, nonempty=True)
        self.lengths = check_tensor("lengths", lengths, shape=(tokens.shape[0],), integer=True)
        self.y = check_tensor("y", y, shape=(tokens.shape[0],), floating=True)
        self.batch_size = check_int("batch_size", batch_size, min_value=1)
        self.jitter = check_float("jitter", jitter, min_value=0.0)
        self.generator = torch.Generator().manual_seed(check_int("seed", seed, min_value=0))

    def __iter__(self) -> Iterator[Data]:
        noise = torch.rand(self.tokens.shape[0], generator=self.generator) * self.jitter
        order = torch.argsort(self.lengths.float() + noise)  # similar lengths side by side
        chunks = list(torch.split(order, self.batch_size))
        for k in torch.randperm(len(chunks), generator=self.generator).tolist():
            yield _token_batch(self.tokens, self.lengths, self.y, chunks[k])


def with_descriptors(graphs: Sequence[Data], descriptors: Any) -> list[Data]:
    """Copies of ``graphs`` that carry their molecule's descriptors, ready for :class:`DescriptorGNN`.

    Args:
        graphs: (M,) molecules.
        descriptors: (M, D) one row per molecule (e.g. from
            :func:`gdl_teach.molecules.descriptors.rdkit_descriptors`; NaN allowed).

    Returns:
        (M,) new ``Data`` (tensors only) with ``descriptors: (1, D)`` float32, so a batch of B has ``(B, D)``;
        the input graphs are not changed.
    """
    graphs = check_labelled_graphs("graphs", graphs)
    rows = torch.as_tensor(np.asarray(descriptors, dtype=np.float32))
    check_tensor("descriptors", rows, shape=(len(graphs), None), floating=True)
    return [Data(**{k: v for k, v in d.items() if isinstance(v, torch.Tensor)}, descriptors=rows[k:k + 1])
            for k, d in enumerate(graphs)]


def _fit_graph_model(model: nn.Module, train: list[Data], val: list[Data], seed: int, lr: float, batch_size: int,
                     epochs: int, patience: int, device: torch.device | str | None, progress: bool,
                     desc: str) -> History:
    val_batch = Batch.from_data_list([_tensors_only(d) for d in val])
    return fit(model, ShuffledBatches(train, batch_size, seed=seed), val_batch, loss_fn=F.mse_loss, epochs=epochs,
               lr=lr, metric=rmse, patience=patience, progress=progress, desc=desc,
               device=torch.device(device) if device is not None else get_device())


def train_molecule_gnn(train: Sequence[Data], val: Sequence[Data], *, seed: int = 0, hidden_channels: int = 48,
                       num_layers: int = 3, lr: float = 2e-3, batch_size: int = 64, epochs: int = 120,
                       patience: int = 15, device: torch.device | str | None = None,
                       progress: bool = True) -> tuple[MoleculeGNN, History]:
    """Train a :class:`~gdl_teach.molecules.gnn.MoleculeGNN` with Adam and early stopping on the validation RMSE.

    Args:
        train: training molecules, each with ``y: (1, 1)``.
        val: validation molecules (early stopping watches their RMSE).
        seed: seeds the initial weights and the batches.
        hidden_channels, num_layers: model size.
        lr: Adam's learning rate.
        batch_size: molecules per step.
        epochs: at most this many passes over ``train``.
        patience: stop after this many epochs without a better validation RMSE.
        device: where to train; default :func:`gdl_teach.get_device`.
        progress: show a tqdm bar.

    Returns:
        ``(model, history)``: the model on ``device`` with the best validation weights restored.
    """
    train, val = check_labelled_graphs("train", train), check_labelled_graphs("val", val)
    y = torch.cat([d.y.reshape(-1) for d in train])
    seed_everything(seed)
    model = MoleculeGNN(train[0].x.shape[1], train[0].edge_attr.shape[1], hidden_channels, num_layers,
                        float(y.mean()), float(y.std()))
    hist = _fit_graph_model(model, train, val, seed, lr, batch_size, epochs, patience, device, progress,
                            f"GNN seed {seed}")
    return model, hist


def train_descriptor_gnn(train: Sequence[Data], val: Sequence[Data], *, seed: int = 0, hidden_channels: int = 48,
                         num_layers: int = 3, dropout: float = 0.1, lr: float = 2e-3, batch_size: int = 64,
                         epochs: int = 120, patience: int = 15, device: torch.device | str | None = None,
                         progress: bool = True) -> tuple[DescriptorGNN, History]:
    """Train a :class:`~gdl_teach.molecules.gnn_descriptors.DescriptorGNN` like :func:`train_molecule_gnn`.

    The descriptor scaling is fitted on the training molecules only.

    Args:
        train: training molecules from :func:`with_descriptors`, each with ``y: (1, 1)`` and ``descriptors: (1, D)``.
        val: validation molecules, the same way.
        dropout: dropout of the MLP on ``[molecule vector, descriptors]``.
        seed, hidden_channels, num_layers, lr, batch_size, epochs, patience, device, progress: as in
            :func:`train_molecule_gnn`.

    Returns:
        ``(model, history)``: the model on ``device`` with the best validation weights restored.
    """
    train, val = check_labelled_graphs("train", train), check_labelled_graphs("val", val)
    if not all(isinstance(getattr(d, "descriptors", None), torch.Tensor) for d in train + val):
        raise ValueError("train and val molecules must carry descriptors: use with_descriptors(graphs, descriptors)")
    y = torch.cat([d.y.reshape(-1) for d in train])
    stats = descriptor_statistics(torch.cat([d.descriptors for d in train]).double())
    seed_everything(seed)
    model = DescriptorGNN(stats["mean"].shape[0], stats, train[0].x.shape[1], train[0].edge_attr.shape[1],
                          hidden_channels, num_layers, dropout, float(y.mean()), float(y.std()))
    hist = _fit_graph_model(model, train, val, seed, lr, batch_size, epochs, patience, device, progress,
                            f"GNN + descriptors seed {seed}")
    return model, hist


def train_smiles_model(train_smiles: Sequence[str], train_y: torch.Tensor, val_smiles: Sequence[str],
                       val_y: torch.Tensor, vocab: dict[str, int], *, kind: str = "cnn", seed: int = 0,
                       hidden_channels: int = 64, lr: float = 2e-3, batch_size: int = 64, epochs: int = 120,
                       patience: int = 15, device: torch.device | str | None = None,
                       progress: bool = True) -> tuple[nn.Module, History]:
    """Train a sequence model (:class:`SmilesCNN` or :class:`SmilesGRU`) on tokenised SMILES.

    Adam on the mean squared error, early stopping on the validation RMSE.
    Labels are used as float32 (the models' dtype), whatever float dtype they come in.

    Args:
        train_smiles: (M,) training SMILES.
        train_y: (M,) labels.
        val_smiles: (V,) validation SMILES.
        val_y: (V,) labels.
        vocab: token ids from :func:`gdl_teach.molecules.smiles.build_vocab`.
        kind: ``"cnn"`` (fast) or ``"gru"`` (recurrent, about three times slower on a CPU).
        seed, hidden_channels, lr, batch_size, epochs, patience, device, progress: as in
            :func:`train_molecule_gnn`.

    Returns:
        ``(model, history)``: the model on ``device`` with the best validation weights restored.
    """
    kind = check_choice("kind", kind, list(SMILES_MODELS))
    train_y = check_tensor("train_y", train_y, shape=(len(train_smiles),), floating=True, nonempty=True).float()
    val_y = check_tensor("val_y", val_y, shape=(len(val_smiles),), floating=True, nonempty=True).float()
    device = torch.device(device) if device is not None else get_device()
    tok, lens = encode_smiles(train_smiles, vocab)
    vtok, vlens = encode_smiles(val_smiles, vocab)
    seed_everything(seed)
    model = SMILES_MODELS[kind](len(vocab), hidden_channels=hidden_channels, target_mean=float(train_y.mean()),
                                target_std=float(train_y.std()))
    val = _token_batch(vtok, vlens, val_y, torch.arange(len(val_smiles)))
    hist = fit(model, TokenBatches(tok, lens, train_y, batch_size, seed), val, loss_fn=F.mse_loss,
               epochs=epochs, lr=lr, metric=rmse, patience=patience, device=device, progress=progress,
               desc=f"SMILES {kind.upper()} seed {seed}")
    return model, hist


def predict_smiles(model: nn.Module, smiles: Sequence[str], vocab: dict[str, int]) -> torch.Tensor:
    """Predictions of a trained SMILES model, computed on the model's device.

    Args:
        model: a :class:`SmilesCNN` or :class:`SmilesGRU` (put in eval mode).
        smiles: (M,) SMILES strings.
        vocab: the vocabulary the model was trained with.

    Returns:
        (M,) predictions on the CPU.
    """
    tok, lens = encode_smiles(smiles, vocab)
    model.eval()
    with torch.no_grad():
        return model(Data(tokens=tok, lengths=lens).to(_model_device(model))).reshape(-1).cpu()


def predict_graphs(model: nn.Module, graphs: Sequence[Data]) -> torch.Tensor:
    """Predictions of a graph model for a list of molecules, in one batch on the model's device.

    Args:
        model: e.g. a trained :class:`~gdl_teach.molecules.gnn.MoleculeGNN` (put in eval mode).
        graphs: (M,) molecules; they are copied into the batch, never moved.

    Returns:
        (M,) predictions on the CPU.
    """
    graphs = check_labelled_graphs("graphs", graphs)
    model.eval()
    with torch.no_grad():
        return model(Batch.from_data_list(graphs).to(_model_device(model))).reshape(-1).cpu()


def predict_contributions(model: MoleculeGNN, graph: Data) -> torch.Tensor:
    """Per-atom contributions (:meth:`MoleculeGNN.atom_contributions`) of one molecule, on the CPU.

    Args:
        model: a trained :class:`~gdl_teach.molecules.gnn.MoleculeGNN` (put in eval mode).
        graph: one molecule with N atoms; it is copied to the model's device, never moved.

    Returns:
        (N,) contributions in label units; with ``model.target_mean`` they sum to the prediction.
    """
    if not isinstance(graph, Data):
        raise TypeError(f"graph must be one PyG Data, got {type(graph).__name__}")
    model.eval()
    with torch.no_grad():
        return model.atom_contributions(_tensors_only(graph).to(_model_device(model))).cpu()
