"""The lesson's sizes in one place: a CPU setting (the default, the tested one) and a larger GPU setting.

Budgets are fixed numbers of training steps, never a wall-clock cutoff, so the
numbers repeat on any machine. On the CPU the steps of each model were chosen so
that every model gets roughly the same CPU time on a 2-core laptop (printed by
the lesson next to the parameters, so a learner can see how equal it is).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from gdl_teach.core.device import choose_setting

#: The models of the comparison, in the order of the tables.
MODEL_NAMES: tuple[str, ...] = ("MLP (xyz)", "PointNet", "PointNet++", "range U-Net", "BEV U-Net")


@dataclass(frozen=True)
class Settings:
    """Everything the lesson's experiment depends on.

    Attributes:
        name: ``"cpu"`` or ``"gpu"``.
        train_scenes, test_scenes: scene seeds for training and for the held-out test.
        seeds: training seeds (model initialisation and batch order).
        steps: training steps of each model (see :data:`MODEL_NAMES`).
        lr: Adam learning rate of each model (the better of 0.003 and 0.01 on validation scenes 2000-2003).
        num_sectors: a scan is cut into this many azimuth sectors for the point models.
        sectors_per_batch: sectors in one point-model batch.
        range_batch, range_crop: range-image windows per batch and their width (columns; 256 = whole images).
        bev_batch, bev_crop: BEV windows per batch and their side (cells).
        points_per_batch: points in one batch of the per-point MLP.
        bev_extent, bev_cell: half-side and cell size (m) of the bird's-eye grid.
        unet_channels: widths of the U-Net's levels (both grids).
    """

    name: str
    train_scenes: tuple[int, ...]
    test_scenes: tuple[int, ...]
    seeds: tuple[int, ...]
    steps: dict[str, int] = field(default_factory=dict)
    lr: dict[str, float] = field(default_factory=dict)
    num_sectors: int = 8
    sectors_per_batch: int = 4
    range_batch: int = 2
    bev_batch: int = 4
    points_per_batch: int = 4096
    bev_extent: float = 32.0
    bev_cell: float = 0.5
    unet_channels: tuple[int, ...] = (8, 16, 32)
    range_crop: int = 256
    bev_crop: int = 64

    def __str__(self) -> str:
        steps = ", ".join(f"{k} {v}" for k, v in self.steps.items())
        return (f"{self.name} setting: {len(self.train_scenes)} training scenes, {len(self.test_scenes)} test scenes, "
                f"seeds {list(self.seeds)}; steps: {steps}")


CPU = Settings(
    name="cpu",
    train_scenes=tuple(range(10)),
    test_scenes=(1000, 1001, 1002, 1003),
    seeds=(0, 1, 2),
    steps={"MLP (xyz)": 340, "PointNet": 72, "PointNet++": 90, "range U-Net": 36, "BEV U-Net": 50},
    lr={"MLP (xyz)": 0.01, "PointNet": 0.01, "PointNet++": 0.003, "range U-Net": 0.01, "BEV U-Net": 0.01},
)

GPU = Settings(
    name="gpu",
    train_scenes=tuple(range(40)),
    test_scenes=tuple(range(1000, 1008)),
    seeds=tuple(range(5)),
    steps={"MLP (xyz)": 3400, "PointNet": 720, "PointNet++": 900, "range U-Net": 360, "BEV U-Net": 500},
    lr=CPU.lr,
    unet_channels=(16, 32, 64),
)


def settings() -> Settings:
    """The GPU setting when the lesson runs on CUDA, else the CPU setting."""
    return choose_setting(CPU, GPU)
