"""Data-parallel training of lesson 06's molecule GNN with ``torch.distributed``: one code path for 1 to N processes.

The same code runs as one plain Python process, as N processes on one machine,
or as N processes on each of several machines: ``torchrun`` starts the
processes and tells each one who it is (``RANK``, ``LOCAL_RANK``,
``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``). The command line, with the
``torchrun`` commands, is :mod:`gdl_teach.tools.train_ddp` (``scripts/train_ddp.py``).

- :func:`init_distributed`: joins the process group, with the ``gloo``
  backend on CPUs and ``nccl`` on CUDA GPUs (one GPU per process, ``cuda:LOCAL_RANK``).
- :func:`make_loader`: a ``DistributedSampler`` gives each process its own
  slice of one shared, seeded permutation of the training molecules, so the
  processes see disjoint mini-batches; ``set_epoch`` reshuffles every epoch.
- ``DistributedDataParallel`` (DDP) keeps one replica of the model per process
  and, during ``backward``, all-reduces the gradients and divides them by the
  number of processes: every replica applies the *average* gradient, so the
  replicas stay identical. With a per-process batch of B and mean losses, that
  average is exactly the gradient of the mean loss over the global batch of
  ``world_size * B`` molecules (``tests/tools/test_distributed.py`` checks it).
- Rank 0 alone prints the log and writes the checkpoint (a plain
  ``state_dict`` with ``torch.save``, loadable with ``weights_only=True``).

Paper: Li et al., "PyTorch Distributed: Experiences on Accelerating Data
Parallel Training" (VLDB 2020, https://arxiv.org/abs/2006.15704).
"""
from __future__ import annotations

import functools
import json
import math
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DistributedSampler
from torch_geometric.data import Batch, Data
from torch_geometric.loader import DataLoader

from gdl_teach.core.device import get_device
from gdl_teach.core.seed import seed_everything
from gdl_teach.core.validate import check_choice, check_float, check_int
from gdl_teach.molecules import datasets, gnn

__all__ = ["DDPConfig", "ProcessContext", "init_distributed", "close_distributed", "freesolv_split", "make_loader",
           "train_epoch", "evaluate_rmse", "save_checkpoint", "load_checkpoint", "scaled_lr", "train"]

CHECKPOINT = "checkpoint.pt"
LOG = "log.json"


@dataclass(frozen=True)
class DDPConfig:
    """What one training run uses; every process of a run must get the same values.

    Args:
        num_molecules: how many FreeSolv molecules (a seeded random subset of the 642).
        val_fraction: share of them held out for the validation RMSE.
        batch_size: molecules per step *per process*; the global batch is ``world_size * batch_size``.
        lr: Adam's learning rate for one process; ``lr_rule`` scales it with the number of processes.
        lr_rule: ``"none"``, ``"linear"`` or ``"sqrt"`` (:func:`scaled_lr`).
        epochs: passes over the training molecules.
        hidden_channels: width of the GNN's atom states.
        num_layers: message-passing layers.
        seed: seeds the subset, the weights and the shuffles.
        out_dir: where rank 0 writes ``checkpoint.pt`` and ``log.json`` (``""``: nowhere).
        resume: continue from ``out_dir/checkpoint.pt`` when it exists.
    """

    num_molecules: int = 256
    val_fraction: float = 0.2
    batch_size: int = 16
    lr: float = 2e-3
    lr_rule: str = "none"
    epochs: int = 5
    hidden_channels: int = 48
    num_layers: int = 3
    seed: int = 0
    out_dir: str = "runs/ddp"
    resume: bool = False

    def __post_init__(self) -> None:
        check_int("num_molecules", self.num_molecules, min_value=2)
        check_float("val_fraction", self.val_fraction, min_value=0.0, max_value=0.9)
        check_int("batch_size", self.batch_size, min_value=1)
        check_float("lr", self.lr, min_value=0.0)
        check_choice("lr_rule", self.lr_rule, ["none", "linear", "sqrt"])
        check_int("epochs", self.epochs, min_value=1)
        check_int("hidden_channels", self.hidden_channels, min_value=1)
        check_int("num_layers", self.num_layers, min_value=0)
        check_int("seed", self.seed, min_value=0)


@dataclass(frozen=True)
class ProcessContext:
    """Who this process is: its rank among ``world_size`` processes, and its device.

    Args:
        rank: 0 .. world_size - 1 over all machines; rank 0 logs and checkpoints.
        local_rank: the rank on this machine (picks the GPU).
        world_size: number of processes in the run.
        device: where this process's model replica and batches live.
        backend: ``"gloo"``, ``"nccl"``, or ``""`` for a single process without a process group.
    """

    rank: int = 0
    local_rank: int = 0
    world_size: int = 1
    device: torch.device = torch.device("cpu")
    backend: str = ""

    @property
    def distributed(self) -> bool:
        """True when a process group exists (started by ``torchrun``)."""
        return self.backend != ""

    @property
    def is_main(self) -> bool:
        """True on rank 0, the process that prints and writes files."""
        return self.rank == 0


def init_distributed(device: torch.device | str | None = None) -> ProcessContext:
    """Join the process group that ``torchrun`` set up, or describe a single process when there is none.

    The backend follows the device: ``nccl`` when :func:`gdl_teach.get_device`
    (or ``device``) is a CUDA device, each process then taking GPU
    ``LOCAL_RANK``; ``gloo`` otherwise (CPUs; ``mps`` falls back to the CPU,
    which DDP supports through gloo). ``GDL_TEACH_DEVICE=cpu`` forces gloo on a GPU machine.

    Args:
        device: overrides the automatic device choice (``"cpu"``, ``"cuda"``).

    Returns:
        This process's :class:`ProcessContext`.
    """
    kind = torch.device(device).type if device is not None else get_device().type
    if "WORLD_SIZE" not in os.environ:
        return ProcessContext(device=get_device(str(device)) if device is not None else get_device())
    rank, local_rank = int(os.environ["RANK"]), int(os.environ.get("LOCAL_RANK", "0"))
    world_size = int(os.environ["WORLD_SIZE"])
    if kind == "cuda":
        torch.cuda.set_device(local_rank)
        backend, here = "nccl", torch.device("cuda", local_rank)
    else:
        backend, here = "gloo", torch.device("cpu")
    dist.init_process_group(backend=backend, init_method="env://")  # reads MASTER_ADDR/MASTER_PORT
    return ProcessContext(rank, local_rank, world_size, here, backend)


def close_distributed(ctx: ProcessContext) -> None:
    """Leave the process group (a no-op for a single process).

    Args:
        ctx: from :func:`init_distributed`.
    """
    if ctx.distributed and dist.is_initialized():
        dist.destroy_process_group()


@functools.lru_cache(maxsize=1)
def _freesolv() -> list[Data]:
    """FreeSolv's molecules, featurized once per process (the runs below never change them)."""
    return datasets.load_freesolv().to_list()


def freesolv_split(config: DDPConfig) -> tuple[list[Data], list[Data]]:
    """A seeded subset of FreeSolv, split into training and validation molecules (tensors only).

    Every process computes the same split from the same seed, so no data has to be sent around.

    Args:
        config: uses ``num_molecules``, ``val_fraction`` and ``seed``.

    Returns:
        ``(train, val)`` lists of ``Data`` with ``x``, ``edge_index``, ``edge_attr`` and ``y: (1, 1)``.
    """
    graphs = _freesolv()
    if config.num_molecules > len(graphs):
        raise ValueError(f"num_molecules must be at most {len(graphs)} (FreeSolv's size), got {config.num_molecules}")
    order = torch.randperm(len(graphs), generator=torch.Generator().manual_seed(config.seed))[:config.num_molecules]
    tensors = [Data(**{k: v for k, v in graphs[i].items() if isinstance(v, torch.Tensor)}) for i in order.tolist()]
    num_val = round(config.val_fraction * config.num_molecules)
    return tensors[num_val:], tensors[:num_val]


def make_loader(train: Sequence[Data], batch_size: int, ctx: ProcessContext, seed: int
                ) -> tuple[DataLoader, DistributedSampler]:
    """This process's mini-batches: its slice of a seeded permutation that all processes share.

    ``DistributedSampler`` permutes ``range(M)`` with ``seed + epoch`` (the same
    permutation in every process), drops the tail so that ``M`` divides evenly
    (``drop_last=True``, instead of padding with repeated molecules), and gives
    rank ``r`` the positions ``r, r + W, r + 2W, ...``. With ``drop_last`` on the
    loader too, step ``k`` of the W processes together covers positions
    ``[k W B, (k + 1) W B)`` of the permutation: exactly the k-th batch of one
    process with batch ``W B``, which is why the two runs give the same model.

    Args:
        train: (M,) training molecules.
        batch_size: molecules per step in this process.
        ctx: this process's context.
        seed: seed of the permutations.

    Returns:
        ``(loader, sampler)``; call ``sampler.set_epoch(epoch)`` before each epoch.
    """
    sampler = DistributedSampler(list(train), num_replicas=ctx.world_size, rank=ctx.rank, shuffle=True,
                                 seed=seed, drop_last=True)
    if len(sampler) < batch_size:
        raise ValueError(f"each of the {ctx.world_size} processes gets {len(sampler)} molecules, fewer than "
                         f"batch_size={batch_size}: no full batch; use more molecules or a smaller batch")
    return DataLoader(list(train), batch_size=batch_size, sampler=sampler, drop_last=True), sampler


def train_epoch(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer,
                ctx: ProcessContext) -> float:
    """One pass over this process's batches; returns the mean training MSE over the global batches.

    Every process holds the same number of equal-sized batches, so the mean of
    the per-process batch losses (one ``all_reduce`` at the end of the epoch,
    not one per step) is the mean loss of the global batches.

    Args:
        model: the model (wrapped in ``DistributedDataParallel`` when distributed).
        loader: from :func:`make_loader`.
        optimizer: over ``model``'s parameters.
        ctx: this process's context.
    """
    model.train()
    total, steps = torch.zeros((), device=ctx.device), 0
    for batch in loader:
        batch = batch.to(ctx.device)
        loss = F.mse_loss(model(batch), batch.y)  # mean over this process's B molecules
        optimizer.zero_grad()
        loss.backward()  # DDP: gradients all-reduced and divided by world_size here
        optimizer.step()
        total, steps = total + loss.detach(), steps + 1
    if ctx.distributed:
        dist.all_reduce(total)  # sum over processes of their summed batch losses
    return float(total) / (steps * ctx.world_size)


@torch.no_grad()
def evaluate_rmse(model: nn.Module, graphs: Sequence[Data], ctx: ProcessContext) -> float:
    """Root mean squared error over ``graphs``, each process scoring its own share ``graphs[rank::world_size]``.

    The squared errors and counts are summed over the processes with
    ``all_reduce``, so the result is exact (no molecule counted twice, unlike a
    padded ``DistributedSampler``) and the same on every rank.

    Args:
        model: the bare model (not the DDP wrapper, whose forward would wait for the other processes).
        graphs: (M,) molecules with ``y: (1, 1)``.
        ctx: this process's context.
    """
    model.eval()
    share = list(graphs)[ctx.rank::ctx.world_size]
    sums = torch.zeros(2, dtype=torch.float64, device=ctx.device)  # [squared error, count]
    if share:
        batch = Batch.from_data_list(share).to(ctx.device)
        sums[0] += ((model(batch) - batch.y) ** 2).sum().double()
        sums[1] += len(share)
    if ctx.distributed:
        dist.all_reduce(sums)
    return math.sqrt(float(sums[0] / sums[1])) if sums[1] > 0 else float("nan")


def save_checkpoint(path: str | Path, model: nn.Module, optimizer: torch.optim.Optimizer, epoch: int,
                    history: list[dict[str, float]], config: DDPConfig, ctx: ProcessContext) -> None:
    """Rank 0 writes a checkpoint of plain data; the other processes wait until it is on disk.

    The file holds only tensors, numbers, strings, lists and dicts (the bare
    model's ``state_dict``, without DDP's ``module.`` prefix, the optimizer's,
    the epoch, the history and the config), so
    ``torch.load(path, weights_only=True)`` reads it without running any code.
    It is written to a temporary name and renamed, so a crash never leaves half a file.

    Args:
        path: the checkpoint file.
        model: the bare model (``ddp_model.module``).
        optimizer: its optimizer.
        epoch: the epoch just finished (0-based).
        history: one dict per finished epoch.
        config: the run's config.
        ctx: this process's context.
    """
    if ctx.is_main:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch,
                 "history": history, "config": asdict(config), "world_size": ctx.world_size}
        tmp = path.with_suffix(".tmp")
        torch.save(state, tmp)
        os.replace(tmp, path)
    if ctx.distributed:
        dist.barrier()


def load_checkpoint(path: str | Path, map_location: torch.device | str = "cpu") -> dict[str, Any]:
    """Read a checkpoint of :func:`save_checkpoint` with ``weights_only=True`` (no code runs while loading).

    Args:
        path: the checkpoint file.
        map_location: where its tensors go.

    Returns:
        ``{"model", "optimizer", "epoch", "history", "config", "world_size"}``.
    """
    return torch.load(Path(path), map_location=map_location, weights_only=True)


def scaled_lr(lr: float, world_size: int, rule: str = "none") -> float:
    """The learning rate for ``world_size`` processes, given the one tuned for a single process.

    With a fixed per-process batch B, W processes take one step per ``W B``
    molecules: W times fewer steps per epoch, each with a gradient averaged over
    W times more molecules (less noisy, not larger). ``"linear"`` multiplies the
    rate by W, so that one step covers about as much ground as the W small steps
    it replaces (Goyal et al. 2017, https://arxiv.org/abs/1706.02677, for SGD;
    with a warm-up in practice); ``"sqrt"`` multiplies it by ``sqrt(W)``, which
    keeps the step's noise scale and is often used with Adam; ``"none"`` keeps it.

    Args:
        lr: the single-process learning rate.
        world_size: number of processes W.
        rule: ``"none"``, ``"linear"`` or ``"sqrt"``.
    """
    check_float("lr", lr, min_value=0.0)
    check_int("world_size", world_size, min_value=1)
    factor = {"none": 1.0, "linear": float(world_size), "sqrt": math.sqrt(world_size)}
    return lr * factor[check_choice("rule", rule, list(factor))]


def _build_model(train_set: Sequence[Data], config: DDPConfig, ctx: ProcessContext) -> nn.Module:
    y = torch.cat([d.y.reshape(-1) for d in train_set])
    seed_everything(config.seed)  # the same initial weights in every process (DDP also copies rank 0's at wrap time)
    return gnn.MoleculeGNN(hidden_channels=config.hidden_channels, num_layers=config.num_layers,
                           target_mean=float(y.mean()), target_std=float(y.std())).to(ctx.device)


def _resume(path: Path, model: nn.Module, optimizer: torch.optim.Optimizer, ctx: ProcessContext
            ) -> list[dict[str, float]]:
    """Load ``path`` into the model and optimizer of every process when it exists; the finished epochs' history."""
    if not path.exists():
        return []
    state = load_checkpoint(path, map_location=ctx.device)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    return list(state["history"])


def train(config: DDPConfig, ctx: ProcessContext | None = None, verbose: bool = True) -> dict[str, Any]:
    """Train the molecule GNN with the same code on 1 process or on every process of a ``torchrun`` job.

    Args:
        config: the run's settings (the same in every process).
        ctx: from :func:`init_distributed`; default a single process on :func:`gdl_teach.get_device`.
        verbose: rank 0 prints one line per epoch.

    Returns:
        ``{"history", "state_dict" (on the CPU), "world_size", "global_batch", "lr"}``; rank 0 also
        writes ``checkpoint.pt`` after every epoch and ``log.json`` at the end under ``config.out_dir``.
    """
    ctx = ctx if ctx is not None else ProcessContext(device=get_device())
    train_set, val_set = freesolv_split(config)
    model = _build_model(train_set, config, ctx)
    lr = scaled_lr(config.lr, ctx.world_size, config.lr_rule)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    out = Path(config.out_dir) if config.out_dir else None
    history = _resume(out / CHECKPOINT, model, optimizer, ctx) if out is not None and config.resume else []
    ddp = model
    if ctx.distributed:
        ddp = DistributedDataParallel(model, device_ids=[ctx.local_rank] if ctx.device.type == "cuda" else None)
    loader, sampler = make_loader(train_set, config.batch_size, ctx, config.seed)
    for epoch in range(len(history), config.epochs):
        sampler.set_epoch(epoch)  # a new permutation each epoch, the same in every process
        row = {"epoch": epoch + 1, "train_mse": train_epoch(ddp, loader, optimizer, ctx),
               "val_rmse": evaluate_rmse(model, val_set, ctx)}
        history.append(row)
        if verbose and ctx.is_main:
            print(f"epoch {epoch + 1}/{config.epochs}  train MSE {row['train_mse']:.4f}  "
                  f"val RMSE {row['val_rmse']:.4f} kcal/mol", flush=True)
        if out is not None:
            save_checkpoint(out / CHECKPOINT, model, optimizer, epoch, history, config, ctx)
    result = {"history": history, "world_size": ctx.world_size, "global_batch": ctx.world_size * config.batch_size,
              "steps_per_epoch": len(loader), "lr": lr, "backend": ctx.backend or "none",
              "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()}}
    if out is not None and ctx.is_main:
        log = {k: v for k, v in result.items() if k != "state_dict"} | {"config": asdict(config)}
        (out / LOG).write_text(json.dumps(log, indent=1))
    return result
