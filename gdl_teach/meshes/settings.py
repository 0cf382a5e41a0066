"""Lesson 07's sizes, in one place: a CPU setting (the default) and a larger GPU setting."""
from __future__ import annotations

from dataclasses import dataclass, fields

from gdl_teach.core.device import choose_setting


@dataclass(frozen=True)
class MeshSettings:
    """Every size the lesson's experiments use.

    Attributes:
        grid_spacing: marching-cubes step of the training animal (smaller: more vertices).
        remesh_spacing: step of the re-meshed animal (on a turned grid).
        num_train_poses: poses the models train on.
        num_test_poses: new poses they are tested on (each also turned at random, and re-meshed).
        num_eigs: Laplacian eigenpairs k (HKS and DiffusionNet).
        num_times: HKS time scales.
        num_regions: about how many patches coarse correspondence predicts.
        hidden_channels: width of every model.
        steps: full-batch Adam steps per training run (the equal budget).
        lr: Adam learning rate.
        seeds: one training run per model, input and seed.
    """

    grid_spacing: float = 0.07
    remesh_spacing: float = 0.055
    num_train_poses: int = 2
    num_test_poses: int = 3
    num_eigs: int = 32
    num_times: int = 16
    num_regions: int = 32
    hidden_channels: int = 32
    steps: int = 100
    lr: float = 1e-2
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)

    def __str__(self) -> str:
        return ", ".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))


CPU = MeshSettings()
GPU = MeshSettings(grid_spacing=0.045, remesh_spacing=0.035, num_train_poses=8, num_test_poses=6, num_eigs=64,
                   num_regions=64, hidden_channels=64, steps=300, seeds=tuple(range(10)))


def settings() -> MeshSettings:
    """The GPU setting on a CUDA device, else the CPU setting (the numbers the lesson's prose quotes)."""
    return choose_setting(CPU, GPU)
