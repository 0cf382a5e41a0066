"""The lesson's sizes in one place: a CPU setting (the default, the tested one) and a larger GPU setting.

Budgets are fixed numbers of epochs and trees, never a wall-clock cutoff, so
the numbers repeat on any machine. The three networks share one training
budget (epochs, patience, batch size, learning rate); their widths give them
parameter counts of the same order (about 19k, 23k and 29k), printed by the lesson.

The shared CPU setting was compared on the mean *validation* RMSE over FreeSolv
splits 0-4 (never a test RMSE; ``scripts/bench_molecules.py --search`` reruns
it) with four alternatives at about the same CPU cost. Mean validation RMSE in
kcal/mol, GNN / GNN + descriptors / SMILES CNN:

=====================================  =====  =====  =====
candidate                              GNN    +desc  CNN
=====================================  =====  =====  =====
lr 2e-3, batch 64 (kept)               1.165  1.059  1.366
lr 3e-3, batch 64                      1.174  1.043  1.414
lr 3e-3, batch 32                      1.157  1.053  1.344
lr 2e-3, batch 64, width 64            1.212  1.024  1.364
lr 3e-3, batch 128, 60 epochs          1.299  1.105  1.533
=====================================  =====  =====  =====

No alternative was better than the kept setting by more than 0.035, far below
the split-to-split spread (about 0.1 to 0.3), so all three networks keep one
setting. Longer training (120 epochs, patience 15) had a lower validation RMSE
for the graph networks and is the GPU setting; it does not fit the CPU budget.
Huuskonen reuses the recipe untuned, with batches of 128 and 60 epochs to stay
within the time budget on a training set twice as large.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gdl_teach.core.device import choose_setting
from gdl_teach.core.validate import check_choice

__all__ = ["Settings", "CPU", "GPU", "settings"]


@dataclass(frozen=True)
class Settings:
    """Everything the lesson's comparisons depend on.

    Attributes:
        name: ``"cpu"`` or ``"gpu"``.
        freesolv_splits: seeds of the random 80/10/10 FreeSolv splits (one comparison each).
        huuskonen_seeds: seeds of the Huuskonen runs (validation hold-out and initial weights; the test set is fixed).
        training: training settings shared by the three networks (epochs, patience, lr, batch_size).
        huuskonen_training: the same on Huuskonen, whose training set is about twice as large: batches twice
            as large keep the number of steps per epoch (and the time) about the same.
        gnn: model settings of :func:`~gdl_teach.molecules.training.train_molecule_gnn`.
        descriptor_gnn: model settings of :func:`~gdl_teach.molecules.training.train_descriptor_gnn`.
        smiles: model settings of :func:`~gdl_teach.molecules.training.train_smiles_model`.
        num_trees: trees of the descriptor random forest.
    """

    name: str
    freesolv_splits: tuple[int, ...]
    huuskonen_seeds: tuple[int, ...]
    training: dict[str, Any] = field(default_factory=dict)
    huuskonen_training: dict[str, Any] = field(default_factory=dict)
    gnn: dict[str, Any] = field(default_factory=dict)
    descriptor_gnn: dict[str, Any] = field(default_factory=dict)
    smiles: dict[str, Any] = field(default_factory=dict)
    num_trees: int = 100

    def network_kwargs(self, data: str = "freesolv") -> dict[str, dict[str, Any]]:
        """Keyword arguments of each network's trainer: the shared training budget plus the model's own size.

        Args:
            data: ``"freesolv"`` or ``"huuskonen"`` (which training budget).
        """
        budget = {"freesolv": self.training, "huuskonen": self.huuskonen_training}[check_choice(
            "data", data, ["freesolv", "huuskonen"])]
        return {"gnn": {**budget, **self.gnn}, "descriptor_gnn": {**budget, **self.descriptor_gnn},
                "smiles": {**budget, **self.smiles}}

    def __str__(self) -> str:
        budget = ", ".join(f"{k} {v}" for k, v in self.training.items())
        return (f"{self.name} setting: FreeSolv splits {list(self.freesolv_splits)}, Huuskonen seeds "
                f"{list(self.huuskonen_seeds)}; every network: {budget}; random forest: {self.num_trees} trees")


CPU = Settings(
    name="cpu",
    freesolv_splits=(0, 1, 2, 3, 4),
    huuskonen_seeds=(0,),
    training={"epochs": 80, "patience": 10, "lr": 2e-3, "batch_size": 64},
    huuskonen_training={"epochs": 60, "patience": 10, "lr": 3e-3, "batch_size": 128},
    gnn={"hidden_channels": 48, "num_layers": 3},
    descriptor_gnn={"hidden_channels": 48, "num_layers": 3, "dropout": 0.1},
    smiles={"hidden_channels": 48},
)

GPU = Settings(
    name="gpu",
    freesolv_splits=tuple(range(10)),
    huuskonen_seeds=(0, 1, 2),
    training={"epochs": 120, "patience": 15, "lr": 2e-3, "batch_size": 64},
    huuskonen_training={"epochs": 120, "patience": 15, "lr": 2e-3, "batch_size": 64},
    gnn=CPU.gnn,
    descriptor_gnn=CPU.descriptor_gnn,
    smiles=CPU.smiles,
)


def settings(kind: str | None = None) -> Settings:
    """The GPU setting on a CUDA device, else the CPU setting.

    Args:
        kind: ``"cpu"`` or ``"gpu"`` to choose explicitly; default: by :func:`gdl_teach.get_device`.
    """
    return choose_setting(CPU, GPU, kind)
