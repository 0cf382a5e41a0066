"""Molecule models: a fingerprint baseline, a SMILES sequence model, a message-passing GNN, a 3D model.

The lesson trains the first three on the same split of FreeSolv and compares
them; the fourth shows what rotation invariance means for a model that reads
3D coordinates.

- :func:`fit_fingerprint_ridge`: ridge regression on ECFP/Morgan bits
  (Rogers & Hahn, J. Chem. Inf. Model. 2010).
- :class:`SmilesCNN` / :class:`SmilesGRU`: a 1D convolutional network or a
  bidirectional GRU (Cho et al., EMNLP 2014) reading the SMILES string token by
  token, the "molecule as a string" baseline.
- :class:`MoleculeGNN`: message passing with bond features, GINE layers
  (Hu et al., "Strategies for Pre-training Graph Neural Networks", ICLR 2020;
  GIN: Xu et al., ICLR 2019) and an atom-wise readout summed over atoms, so the
  prediction splits exactly into per-atom contributions.
- :class:`SchNetLite`: continuous-filter convolutions on interatomic distances
  (Schütt et al., "SchNet", NeurIPS 2017), invariant to rotations and
  translations by construction; :class:`CoordinateMLP` reads raw coordinates
  and is not.
"""
from __future__ import annotations

import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch_geometric.data import Batch, Data

from gdl_teach.core.metrics import r2_score, rmse
from gdl_teach.core.seed import seed_everything
from gdl_teach.core.training import History, ShuffledBatches, fit
from gdl_teach.core.validate import check_batch, check_choice, check_edge_index, check_float, check_int, check_tensor

# --- graph model ---------------------------------------------------------------


def _register_target(module: nn.Module, target_mean: float, target_std: float) -> None:
    """Store the training labels' mean and std as buffers: the network learns ``(y - mean) / std``."""
    module.register_buffer("target_mean", torch.tensor(check_float("target_mean", target_mean)))
    std = check_float("target_std", target_std, min_value=0.0, strict_min=True)
    module.register_buffer("target_std", torch.tensor(std))


def gine_aggregate(x: torch.Tensor, edge_index: torch.Tensor, edge_emb: torch.Tensor) -> torch.Tensor:
    """One message-passing step with edge features, as in GINE: ``sum_j ReLU(x_j + e_ji)``.

    Args:
        x: (N, F) atom states.
        edge_index: (2, E) directed edges ``j -> i`` (row 0 source ``j``, row 1 target ``i``).
        edge_emb: (E, F) bond embeddings, same width as ``x``.

    Returns:
        (N, F): row ``i`` is the sum over incoming edges of ``ReLU(x_j + e_ji)``.
    """
    msg = F.relu(x[edge_index[0]] + edge_emb)  # (E, F): one message per edge, from its source atom
    return torch.zeros_like(x).index_add_(0, edge_index[1], msg)  # (N, F): summed at the target atom


class GINELayer(nn.Module):
    """GINE convolution (Hu et al., ICLR 2020): ``h_i' = MLP((1 + eps) h_i + sum_j ReLU(h_j + W e_ji))``.

    Same maths as PyG's ``GINEConv(nn=MLP, edge_dim=edge_dim, train_eps=False)``.

    Args:
        hidden: width F of the atom states.
        edge_dim: number of bond features.
        eps: weight of the atom's own state.
    """

    def __init__(self, hidden: int, edge_dim: int, eps: float = 0.0) -> None:
        super().__init__()
        check_int("hidden", hidden, min_value=1)
        check_int("edge_dim", edge_dim, min_value=1)
        self.eps = check_float("eps", eps)
        self.edge_lin = nn.Linear(edge_dim, hidden)
        self.mlp = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, hidden))

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, edge_attr: torch.Tensor) -> torch.Tensor:
        """x: (N, F), edge_index: (2, E), edge_attr: (E, edge_dim) -> (N, F)."""
        agg = gine_aggregate(x, edge_index, self.edge_lin(edge_attr))  # (N, F)
        return self.mlp((1 + self.eps) * x + agg)


class MoleculeGNN(nn.Module):
    """Message-passing network for molecular property regression.

    Atom features are embedded, refined by ``layers`` GINE layers with residual
    connections, mapped atom by atom to a number, and summed over the atoms:

        y = mean + std * sum_i head(h_i)

    The sum readout makes every prediction an exact sum of per-atom terms
    (:meth:`atom_contributions`). ``mean``/``std`` are the training labels'
    statistics, so the network itself learns a standardised target.

    Args:
        atom_dim: number of atom features.
        bond_dim: number of bond features.
        hidden: width of the atom states.
        layers: number of message-passing layers (the receptive field in bonds).
        target_mean: mean of the training labels.
        target_std: standard deviation of the training labels.
    """

    def __init__(self, atom_dim: int = 30, bond_dim: int = 6, hidden: int = 64, layers: int = 3,
                 target_mean: float = 0.0, target_std: float = 1.0) -> None:
        super().__init__()
        self.atom_dim = check_int("atom_dim", atom_dim, min_value=1)
        self.bond_dim = check_int("bond_dim", bond_dim, min_value=1)
        check_int("hidden", hidden, min_value=1)
        check_int("layers", layers, min_value=0)
        self.encoder = nn.Linear(atom_dim, hidden)
        self.convs = nn.ModuleList([GINELayer(hidden, bond_dim) for _ in range(layers)])
        self.head = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1))
        _register_target(self, target_mean, target_std)

    def atom_contributions(self, data: Any) -> torch.Tensor:
        """Per-atom terms of the prediction, in label units: ``std * head(h_i)``.

        ``prediction = target_mean + sum of the contributions of its atoms``.

        Args:
            data: a PyG ``Data``/``Batch`` with ``x: (N, atom_dim)``,
                ``edge_index: (2, E)``, ``edge_attr: (E, bond_dim)``.

        Returns:
            (N,) contributions.
        """
        x = check_tensor("data.x", getattr(data, "x", None), shape=(None, self.atom_dim), floating=True, nonempty=True)
        edge_index = check_edge_index("data.edge_index", data.edge_index, x.shape[0])
        edge_attr = check_tensor("data.edge_attr", data.edge_attr, shape=(edge_index.shape[1], self.bond_dim),
                                 floating=True)
        h = self.encoder(x)  # (N, hidden)
        for conv in self.convs:
            h = h + F.relu(conv(h, edge_index, edge_attr))  # residual: (N, hidden)
        return self.target_std * self.head(h).squeeze(-1)  # (N,)

    def forward(self, data: Any) -> torch.Tensor:
        """data: a ``Data``/``Batch`` of B molecules -> (B, 1) predictions in label units."""
        terms = self.atom_contributions(data)  # (N,)
        batch = check_batch("data.batch", getattr(data, "batch", None), terms.shape[0], terms.device)
        num_graphs = int(batch.max()) + 1 if batch.numel() else 0
        out = torch.zeros(num_graphs, device=terms.device, dtype=terms.dtype).index_add_(0, batch, terms)  # (B,)
        return (self.target_mean + out).unsqueeze(-1)  # (B, 1)


# --- sequence model ------------------------------------------------------------


class SmilesGRU(nn.Module):
    """A bidirectional GRU that reads a SMILES string token by token (Cho et al., EMNLP 2014).

    The molecule reaches it only as a line of characters: ring closures and
    branches are digits and brackets far apart in the string, which the
    recurrence has to remember.

    Args:
        vocab_size: number of token ids (0 is padding).
        embed_dim: token embedding width.
        hidden: GRU state width per direction.
        target_mean: mean of the training labels.
        target_std: standard deviation of the training labels.
    """

    def __init__(self, vocab_size: int, embed_dim: int = 32, hidden: int = 64,
                 target_mean: float = 0.0, target_std: float = 1.0) -> None:
        super().__init__()
        self.vocab_size = check_int("vocab_size", vocab_size, min_value=2)
        check_int("embed_dim", embed_dim, min_value=1)
        check_int("hidden", hidden, min_value=1)
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.gru = nn.GRU(embed_dim, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1))
        _register_target(self, target_mean, target_std)

    def forward(self, data: Any) -> torch.Tensor:
        """data: has ``tokens: (B, L)`` long ids and ``lengths: (B,)`` -> (B, 1) predictions."""
        tokens = _check_tokens(data, self.vocab_size)
        lengths = check_tensor("data.lengths", getattr(data, "lengths", None), shape=(tokens.shape[0],), integer=True)
        if int(lengths.min()) < 1 or int(lengths.max()) > tokens.shape[1]:
            raise ValueError(f"data.lengths must be in [1, {tokens.shape[1]}]")
        emb = self.embed(tokens)  # (B, L, embed_dim)
        packed = nn.utils.rnn.pack_padded_sequence(emb, lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, h_last = self.gru(packed)  # (2, B, hidden): last state of each direction
        z = self.head(torch.cat([h_last[0], h_last[1]], dim=-1))  # (B, 1)
        return self.target_mean + self.target_std * z


class SmilesCNN(nn.Module):
    """A 1D convolutional network over SMILES tokens (Kim, EMNLP 2014, on characters of a molecule string).

    Each layer looks at ``kernel`` neighbouring tokens; the token states are
    summed over the string. Atoms bonded through a ring closure or across a
    branch can sit far apart in the string and are only seen together by
    luck of the window.

    Args:
        vocab_size: number of token ids (0 is padding).
        embed_dim: token embedding width.
        hidden: channels of the convolutions.
        kernel: window of each convolution, in tokens (odd).
        layers: number of convolutions.
        target_mean: mean of the training labels.
        target_std: standard deviation of the training labels.
    """

    def __init__(self, vocab_size: int, embed_dim: int = 32, hidden: int = 64, kernel: int = 5, layers: int = 2,
                 target_mean: float = 0.0, target_std: float = 1.0) -> None:
        super().__init__()
        self.vocab_size = check_int("vocab_size", vocab_size, min_value=2)
        check_int("embed_dim", embed_dim, min_value=1)
        check_int("hidden", hidden, min_value=1)
        kernel = check_int("kernel", kernel, min_value=1)
        if kernel % 2 == 0:
            raise ValueError(f"kernel must be odd (so the output has the input's length), got {kernel}")
        check_int("layers", layers, min_value=1)
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.convs = nn.ModuleList([nn.Conv1d(embed_dim if k == 0 else hidden, hidden, kernel, padding=kernel // 2)
                                    for k in range(layers)])
        self.head = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1))
        _register_target(self, target_mean, target_std)

    def forward(self, data: Any) -> torch.Tensor:
        """data: has ``tokens: (B, L)`` long ids (0 = padding) -> (B, 1) predictions."""
        tokens = _check_tokens(data, self.vocab_size)
        mask = (tokens > 0).unsqueeze(1).float()  # (B, 1, L): 1 on real tokens
        h = self.embed(tokens).transpose(1, 2)  # (B, embed_dim, L)
        for conv in self.convs:
            h = F.relu(conv(h)) * mask  # (B, hidden, L), padding kept at zero
        z = self.head(h.sum(dim=-1))  # (B, 1)
        return self.target_mean + self.target_std * z


def _check_tokens(data: Any, vocab_size: int) -> torch.Tensor:
    tokens = check_tensor("data.tokens", getattr(data, "tokens", None), ndim=2, integer=True, nonempty=True)
    if int(tokens.max()) >= vocab_size or int(tokens.min()) < 0:
        raise ValueError(f"data.tokens must be ids in [0, {vocab_size - 1}]")
    return tokens


# --- batching ------------------------------------------------------------------


def tensors_only(data: Data) -> Data:
    """A shallow copy of ``data`` with its tensor attributes only (``x``, ``edge_index``, ``edge_attr``, ``y``, ...)."""
    return Data(**{k: v for k, v in data.items() if isinstance(v, torch.Tensor)})


class TokenBatches:
    """Mini-batches of tokenised SMILES, as ``Data(tokens, lengths, y)``, reshuffled every epoch.

    Strings of similar length are batched together (sorted by length plus a
    little noise, then the batches shuffled), so a batch is padded only to its
    own longest string: about three times less work than random batches.

    Args:
        tokens: (M, L) token ids from :func:`gdl_teach.molecules.data.encode_smiles`.
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
            yield token_batch(self.tokens, self.lengths, self.y, chunks[k])


def token_batch(tokens: torch.Tensor, lengths: torch.Tensor, y: torch.Tensor, idx: torch.Tensor) -> Data:
    """The rows ``idx`` as one batch ``Data(tokens: (B, L'), lengths: (B,), y: (B, 1))``, trimmed to the longest."""
    max_len = int(lengths[idx].max())
    return Data(tokens=tokens[idx, :max_len], lengths=lengths[idx], y=y[idx].reshape(-1, 1))


# --- training helpers ----------------------------------------------------------


def train_molecule_gnn(train: Sequence[Data], val: Sequence[Data], *, seed: int = 0, hidden: int = 48,
                       layers: int = 3, lr: float = 2e-3, batch_size: int = 64, epochs: int = 120,
                       patience: int = 15, progress: bool = True) -> tuple[MoleculeGNN, History]:
    """Train a :class:`MoleculeGNN` with Adam and early stopping on the validation RMSE.

    Args:
        train: training molecules, each with ``y: (1, 1)``.
        val: validation molecules (early stopping watches their RMSE).
        seed: seeds the initial weights and the batches.
        hidden, layers: model size.
        lr: Adam's learning rate.
        batch_size: molecules per step.
        epochs: at most this many passes over ``train``.
        patience: stop after this many epochs without a better validation RMSE.
        progress: show a tqdm bar.

    Returns:
        ``(model, history)`` with the best validation weights restored.
    """
    train, val = _nonempty_graphs("train", train), _nonempty_graphs("val", val)
    y = torch.cat([d.y.reshape(-1) for d in train])
    seed_everything(seed)
    model = MoleculeGNN(train[0].x.shape[1], train[0].edge_attr.shape[1], hidden, layers,
                        float(y.mean()), float(y.std()))
    val_batch = Batch.from_data_list([tensors_only(d) for d in val])
    hist = fit(model, ShuffledBatches(train, batch_size, seed=seed), val_batch, loss_fn=F.mse_loss,
               epochs=epochs, lr=lr, metric=rmse, patience=patience, device="cpu", progress=progress,
               desc=f"GNN seed {seed}")
    return model, hist


SMILES_MODELS = {"cnn": SmilesCNN, "gru": SmilesGRU}


def train_smiles_model(train_smiles: Sequence[str], train_y: torch.Tensor, val_smiles: Sequence[str],
                       val_y: torch.Tensor, vocab: dict[str, int], *, kind: str = "cnn", seed: int = 0,
                       hidden: int = 64, lr: float = 2e-3, batch_size: int = 64, epochs: int = 120,
                       patience: int = 15, progress: bool = True) -> tuple[nn.Module, History]:
    """Train a sequence model (:class:`SmilesCNN` or :class:`SmilesGRU`) on tokenised SMILES.

    Adam on the mean squared error, early stopping on the validation RMSE.

    Args:
        train_smiles: (M,) training SMILES.
        train_y: (M,) labels.
        val_smiles: (V,) validation SMILES.
        val_y: (V,) labels.
        vocab: token ids from :func:`gdl_teach.molecules.data.build_vocab`.
        kind: ``"cnn"`` (fast) or ``"gru"`` (recurrent, about three times slower on a CPU).
        seed, hidden, lr, batch_size, epochs, patience, progress: as in :func:`train_molecule_gnn`.
    """
    from gdl_teach.molecules.data import encode_smiles

    kind = check_choice("kind", kind, list(SMILES_MODELS))
    train_y = check_tensor("train_y", train_y, shape=(len(train_smiles),), floating=True, nonempty=True)
    val_y = check_tensor("val_y", val_y, shape=(len(val_smiles),), floating=True, nonempty=True)
    tok, lens = encode_smiles(train_smiles, vocab)
    vtok, vlens = encode_smiles(val_smiles, vocab)
    seed_everything(seed)
    model = SMILES_MODELS[kind](len(vocab), hidden=hidden, target_mean=float(train_y.mean()),
                                target_std=float(train_y.std()))
    val = token_batch(vtok, vlens, val_y, torch.arange(len(val_smiles)))
    hist = fit(model, TokenBatches(tok, lens, train_y, batch_size, seed), val, loss_fn=F.mse_loss,
               epochs=epochs, lr=lr, metric=rmse, patience=patience, device="cpu", progress=progress,
               desc=f"SMILES {kind.upper()} seed {seed}")
    return model, hist


def predict_smiles(model: nn.Module, smiles: Sequence[str], vocab: dict[str, int]) -> torch.Tensor:
    """Predictions (M,) of a trained SMILES model for a list of SMILES."""
    from gdl_teach.molecules.data import encode_smiles

    tok, lens = encode_smiles(smiles, vocab)
    model.eval()
    with torch.no_grad():
        return model(Data(tokens=tok, lengths=lens)).reshape(-1)


def predict_graphs(model: nn.Module, graphs: Sequence[Data]) -> torch.Tensor:
    """Predictions (M,) of a graph model for a list of molecules, in one batch."""
    graphs = _nonempty_graphs("graphs", graphs)
    model.eval()
    with torch.no_grad():
        return model(Batch.from_data_list(graphs)).reshape(-1)


def fit_fingerprint_ridge(x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray, y_val: np.ndarray,
                          alphas: Sequence[float] = (0.3, 1.0, 3.0, 10.0)) -> Any:
    """Ridge regression on fingerprint bits, its penalty chosen on the validation set.

    Args:
        x_train: (M, B) fingerprint bits.
        y_train: (M,) labels.
        x_val: (V, B) bits.
        y_val: (V,) labels.
        alphas: candidate L2 penalties.

    Returns:
        The fitted ``sklearn.linear_model.Ridge`` with the best validation RMSE
        (its ``alpha`` attribute says which). The fits run on one BLAS thread:
        at this size more threads only add overhead, and much more of it on a
        shared CPU.
    """
    from sklearn.linear_model import Ridge
    from threadpoolctl import threadpool_limits

    x_train, x_val = np.asarray(x_train, dtype=np.float64), np.asarray(x_val, dtype=np.float64)
    y_train, y_val = np.asarray(y_train, dtype=np.float64).reshape(-1), np.asarray(y_val, dtype=np.float64).reshape(-1)
    if x_train.ndim != 2 or x_train.shape[0] == 0 or x_train.shape[0] != y_train.shape[0]:
        raise ValueError(f"x_train must be (M, B) with one row per label in y_train, "
                         f"got {x_train.shape} and {y_train.shape}")
    if x_val.ndim != 2 or x_val.shape[1] != x_train.shape[1] or x_val.shape[0] != y_val.shape[0] or not len(y_val):
        raise ValueError(f"x_val must be (V, {x_train.shape[1]}) with one row per label in y_val, got {x_val.shape}")
    if not alphas:
        raise ValueError("alphas must name at least one penalty")
    best, best_err = None, math.inf
    with threadpool_limits(limits=1):
        for alpha in alphas:
            model = Ridge(alpha=check_float("alpha", alpha, min_value=0.0, strict_min=True)).fit(x_train, y_train)
            err = float(np.sqrt(np.mean((model.predict(x_val) - y_val) ** 2)))
            if err < best_err:
                best, best_err = model, err
    return best


# --- the FreeSolv comparison ---------------------------------------------------


@dataclass
class ComparisonRun:
    """One seed of the three-model comparison: test RMSE (label units) and training seconds per model."""

    seed: int
    test_rmse: dict[str, float] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    histories: dict[str, History] = field(default_factory=dict)
    models: dict[str, Any] = field(default_factory=dict)
    split: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None


def compare_on_split(dataset: Any, seed: int = 0, *, gnn_kwargs: dict[str, Any] | None = None,
                     smiles_kwargs: dict[str, Any] | None = None, progress: bool = True) -> ComparisonRun:
    """Fingerprint ridge, SMILES sequence model and GNN on the same seeded 80/10/10 split.

    All three see the same training, validation and test molecules; the
    validation set picks the ridge penalty and stops the two networks.

    Args:
        dataset: a :class:`gdl_teach.molecules.data.MoleculeDataset` (e.g. FreeSolv).
        seed: seeds the split and the training.
        gnn_kwargs: extra arguments of :func:`train_molecule_gnn`.
        smiles_kwargs: extra arguments of :func:`train_smiles_model` (e.g. ``{"kind": "gru"}``).
        progress: show tqdm bars.

    Returns:
        A :class:`ComparisonRun` with test RMSE, training seconds, histories and models.
    """
    from gdl_teach.molecules.data import build_vocab, morgan_fingerprints, random_split

    graphs = dataset.to_list()
    smiles, y = [d.smiles for d in graphs], torch.cat([d.y.reshape(-1) for d in graphs])
    tr, va, te = random_split(len(graphs), seed)
    run = ComparisonRun(seed=seed, split=(tr, va, te))
    pick = lambda seq, idx: [seq[i] for i in idx.tolist()]  # noqa: E731

    start = time.perf_counter()
    fps = morgan_fingerprints(smiles)
    ridge = fit_fingerprint_ridge(fps[tr.numpy()], y[tr].numpy(), fps[va.numpy()], y[va].numpy())
    run.test_rmse["ECFP + ridge"] = rmse(torch.as_tensor(ridge.predict(fps[te.numpy()])), y[te])
    run.seconds["ECFP + ridge"], run.models["ECFP + ridge"] = time.perf_counter() - start, ridge

    kw = dict(smiles_kwargs or {})
    name = f"SMILES {kw.get('kind', 'cnn').upper()}"
    vocab = build_vocab(pick(smiles, tr))
    seq_model, hist = train_smiles_model(pick(smiles, tr), y[tr], pick(smiles, va), y[va], vocab, seed=seed,
                                         progress=progress, **kw)
    run.test_rmse[name] = rmse(predict_smiles(seq_model, pick(smiles, te), vocab), y[te])
    run.seconds[name], run.histories[name], run.models[name] = hist.seconds, hist, (seq_model, vocab)

    gnn, hist = train_molecule_gnn(pick(graphs, tr), pick(graphs, va), seed=seed, progress=progress,
                                   **(gnn_kwargs or {}))
    run.test_rmse["GNN (GINE)"] = rmse(predict_graphs(gnn, pick(graphs, te)), y[te])
    run.seconds["GNN (GINE)"], run.histories["GNN (GINE)"], run.models["GNN (GINE)"] = hist.seconds, hist, gnn
    return run


def paired_comparison(runs: Sequence[ComparisonRun], model: str, baseline: str) -> dict[str, float]:
    """Compare two models seed by seed: wins, mean gap and a paired t-test over the seeds.

    Each seed gives both models the same split, so the per-seed differences
    are paired; the t-test asks whether their mean could be zero.

    Args:
        runs: what :func:`compare_on_split` returned for several seeds.
        model: the model's name in ``run.test_rmse``, e.g. ``"GNN (GINE)"``.
        baseline: the other model's name.

    Returns:
        ``{"wins", "seeds", "mean_gap", "t", "p"}``: on how many seeds ``model``
        had the lower RMSE, the mean of ``baseline - model``, the paired t
        statistic and its two-sided p-value (NaN with fewer than two seeds).
    """
    from scipy.stats import ttest_rel

    if not runs:
        raise ValueError("runs must not be empty")
    for name in (model, baseline):
        if name not in runs[0].test_rmse:
            raise ValueError(f"{name!r} is not a model of these runs; expected one of {list(runs[0].test_rmse)}")
    a = np.array([r.test_rmse[model] for r in runs])
    b = np.array([r.test_rmse[baseline] for r in runs])
    t, p = ttest_rel(b, a) if len(runs) > 1 else (float("nan"), float("nan"))
    return {"wins": int((a < b).sum()), "seeds": len(runs), "mean_gap": float((b - a).mean()),
            "t": float(t), "p": float(p)}


def train_and_test_gnn(train: Sequence[Data], test: Sequence[Data], *, seed: int = 0, val_fraction: float = 0.1,
                       progress: bool = True, **gnn_kwargs: Any) -> tuple[MoleculeGNN, History, dict[str, float]]:
    """Train a :class:`MoleculeGNN` on ``train`` (a seeded share held out for early stopping), test on ``test``.

    Args:
        train: training molecules (e.g. the Huuskonen training split).
        test: test molecules, never seen during training.
        seed: seeds the validation hold-out and the training.
        val_fraction: share of ``train`` used for early stopping.
        progress: show a tqdm bar.
        gnn_kwargs: extra arguments of :func:`train_molecule_gnn`.

    Returns:
        ``(model, history, {"RMSE": ..., "R2": ...})`` on ``test``.
    """
    train, test = _nonempty_graphs("train", train), _nonempty_graphs("test", test)
    check_float("val_fraction", val_fraction, min_value=0.0, strict_min=True, max_value=0.5)
    perm = torch.randperm(len(train), generator=torch.Generator().manual_seed(check_int("seed", seed, min_value=0)))
    n_val = max(1, int(round(val_fraction * len(train))))
    val_idx, fit_idx = perm[:n_val].tolist(), perm[n_val:].tolist()
    model, hist = train_molecule_gnn([train[i] for i in fit_idx], [train[i] for i in val_idx], seed=seed,
                                     progress=progress, **gnn_kwargs)
    target = torch.cat([d.y.reshape(-1) for d in test])
    return model, hist, regression_report(predict_graphs(model, test), target)


def summarise_runs(runs: Sequence[ComparisonRun]) -> Any:
    """A table (pandas DataFrame) of test RMSE per seed, and mean, std and training seconds per model.

    Args:
        runs: what :func:`compare_on_split` returned, one per seed (seeds must differ).

    Returns:
        One row per model; columns ``seed k`` for each seed, ``mean``, ``std`` (over seeds, ``ddof=0``),
        ``train s (total)`` and ``mean ± std`` (text).
    """
    import pandas as pd

    if not runs:
        raise ValueError("runs must not be empty")
    if len({r.seed for r in runs}) != len(runs):
        raise ValueError(f"runs must have different seeds, got {[r.seed for r in runs]}")
    names = list(runs[0].test_rmse)
    table = pd.DataFrame({f"seed {r.seed}": [r.test_rmse[n] for n in names] for r in runs}, index=names)
    per_seed = table.to_numpy()
    table["mean"] = per_seed.mean(axis=1)
    table["std"] = per_seed.std(axis=1)
    table["train s (total)"] = [sum(r.seconds[n] for r in runs) for n in names]
    table["mean ± std"] = [f"{m:.3f} ± {s:.3f}" for m, s in zip(table["mean"], table["std"])]
    return table


def predict_all(run: ComparisonRun, dataset: Any, idx: torch.Tensor) -> dict[str, torch.Tensor]:
    """Predictions of the three models of ``run`` for the molecules ``idx`` of ``dataset``.

    Args:
        run: what :func:`compare_on_split` returned.
        dataset: the dataset it was trained on.
        idx: (M,) molecule indices, e.g. the test split ``run.split[2]``.

    Returns:
        model name -> (M,) predictions.
    """
    from gdl_teach.molecules.data import morgan_fingerprints

    idx = check_tensor("idx", idx, ndim=1, integer=True, nonempty=True)
    graphs = [dataset.to_list()[i] for i in idx.tolist()]
    smiles = [d.smiles for d in graphs]
    out: dict[str, torch.Tensor] = {}
    for name, model in run.models.items():
        if name.startswith("ECFP"):
            out[name] = torch.as_tensor(model.predict(morgan_fingerprints(smiles)), dtype=torch.float32)
        elif name.startswith("SMILES"):
            out[name] = predict_smiles(model[0], smiles, model[1])
        else:
            out[name] = predict_graphs(model, graphs)
    return out


def regression_report(pred: torch.Tensor, target: torch.Tensor) -> dict[str, float]:
    """RMSE and R^2 of predictions. pred, target: (M,)."""
    return {"RMSE": rmse(pred, target), "R2": r2_score(pred, target)}


def _nonempty_graphs(name: str, graphs: Any) -> list[Data]:
    graphs = list(graphs) if graphs is not None else []
    if not graphs:
        raise ValueError(f"{name} must contain at least one molecule")
    if not all(isinstance(g, Data) and getattr(g, "y", None) is not None for g in graphs):
        raise TypeError(f"{name} must be PyG Data objects with a label y")
    return graphs


# --- 3D models -----------------------------------------------------------------


def molecule_pairs(batch: torch.Tensor) -> torch.Tensor:
    """All ordered pairs ``(j, i)``, ``j != i``, of atoms in the same molecule.

    Args:
        batch: (N,) molecule id of each atom (sorted).

    Returns:
        edge_index: (2, P) with ``P = sum_m n_m (n_m - 1)``.
    """
    same = batch.unsqueeze(0) == batch.unsqueeze(1)  # (N, N)
    same.fill_diagonal_(False)
    j, i = same.nonzero(as_tuple=True)
    return torch.stack([j, i])  # (2, P)


def gaussian_rbf(dist: torch.Tensor, num: int = 32, cutoff: float = 6.0) -> torch.Tensor:
    """Expand distances in Gaussians centred on ``num`` points in ``[0, cutoff]`` (SchNet's filter input).

    Args:
        dist: (P,) distances in Angstrom.

    Returns:
        (P, num) features.
    """
    centres = torch.linspace(0.0, cutoff, num, device=dist.device, dtype=dist.dtype)
    gamma = 0.5 / (centres[1] - centres[0]) ** 2
    return torch.exp(-gamma * (dist.unsqueeze(-1) - centres) ** 2)


class SchNetLite(nn.Module):
    """A small SchNet (Schütt et al., NeurIPS 2017): messages weighted by filters of interatomic distances.

    ``h_i <- h_i + sum_j h_j * W(d_ij)`` with ``W`` an MLP of a Gaussian
    expansion of the distance ``d_ij`` (smoothly cut off at ``cutoff``), then
    an atom-wise head summed over atoms. Only distances enter, so rotating or
    translating the molecule cannot change the output.

    Args:
        atom_dim: number of atom features.
        hidden: width of the atom states.
        interactions: number of continuous-filter convolutions.
        num_rbf: Gaussians in the distance expansion.
        cutoff: distances beyond this (Angstrom) are ignored.
    """

    def __init__(self, atom_dim: int = 30, hidden: int = 32, interactions: int = 2,
                 num_rbf: int = 32, cutoff: float = 6.0) -> None:
        super().__init__()
        self.atom_dim = check_int("atom_dim", atom_dim, min_value=1)
        check_int("hidden", hidden, min_value=1)
        check_int("interactions", interactions, min_value=1)
        self.num_rbf = check_int("num_rbf", num_rbf, min_value=2)
        self.cutoff = check_float("cutoff", cutoff, min_value=0.0, strict_min=True)
        self.embed = nn.Linear(atom_dim, hidden)
        self.filters = nn.ModuleList([nn.Sequential(nn.Linear(num_rbf, hidden), nn.Tanh(), nn.Linear(hidden, hidden))
                                      for _ in range(interactions)])
        self.updates = nn.ModuleList([nn.Sequential(nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, hidden))
                                      for _ in range(interactions)])
        self.head = nn.Sequential(nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, 1))

    def forward(self, pos: torch.Tensor, x: torch.Tensor, batch: torch.Tensor | None = None) -> torch.Tensor:
        """pos: (N, 3) Angstrom, x: (N, atom_dim), batch: (N,) -> (B, 1) predictions."""
        pos = check_tensor("pos", pos, shape=(None, 3), floating=True, nonempty=True, finite=True)
        x = check_tensor("x", x, shape=(pos.shape[0], self.atom_dim), floating=True)
        batch = check_batch("batch", batch, pos.shape[0], pos.device)
        edge_index = molecule_pairs(batch)  # (2, P)
        dist = (pos[edge_index[0]] - pos[edge_index[1]]).norm(dim=-1)  # (P,)
        smooth = 0.5 * (torch.cos(dist * math.pi / self.cutoff) + 1) * (dist < self.cutoff)  # (P,)
        rbf = gaussian_rbf(dist, self.num_rbf, self.cutoff)  # (P, num_rbf)
        h = self.embed(x)  # (N, hidden)
        for filt, update in zip(self.filters, self.updates):
            msg = h[edge_index[0]] * filt(rbf) * smooth.unsqueeze(-1)  # (P, hidden)
            h = h + update(torch.zeros_like(h).index_add_(0, edge_index[1], msg))
        terms = self.head(h).squeeze(-1)  # (N,)
        out = torch.zeros(int(batch.max()) + 1, dtype=terms.dtype, device=terms.device).index_add_(0, batch, terms)
        return out.unsqueeze(-1)  # (B, 1)


class CoordinateMLP(nn.Module):
    """A per-atom MLP on ``[x_i, pos_i]`` summed over atoms: it reads raw coordinates.

    Permuting the atoms does not change its output, but rotating or moving the
    molecule does: the same molecule gets different predictions depending on
    how it sits in space.

    Args:
        atom_dim: number of atom features.
        hidden: hidden width.
    """

    def __init__(self, atom_dim: int = 30, hidden: int = 32) -> None:
        super().__init__()
        self.atom_dim = check_int("atom_dim", atom_dim, min_value=1)
        self.net = nn.Sequential(nn.Linear(atom_dim + 3, hidden), nn.Tanh(), nn.Linear(hidden, 1))

    def forward(self, pos: torch.Tensor, x: torch.Tensor, batch: torch.Tensor | None = None) -> torch.Tensor:
        """pos: (N, 3), x: (N, atom_dim), batch: (N,) -> (B, 1)."""
        pos = check_tensor("pos", pos, shape=(None, 3), floating=True, nonempty=True)
        x = check_tensor("x", x, shape=(pos.shape[0], self.atom_dim), floating=True)
        batch = check_batch("batch", batch, pos.shape[0], pos.device)
        terms = self.net(torch.cat([x, pos], dim=-1)).squeeze(-1)  # (N,)
        out = torch.zeros(int(batch.max()) + 1, dtype=terms.dtype, device=terms.device).index_add_(0, batch, terms)
        return out.unsqueeze(-1)  # (B, 1)
