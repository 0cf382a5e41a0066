"""The lesson's sizes, chosen in one place: a CPU setting (the default) and a larger GPU setting.

The CPU setting keeps the whole lesson within about a minute of one CPU core:
small lifters (a few thousand parameters), a few hundred optimiser steps, five
seeds. On a GPU the same code runs with bigger lifters, longer training and
ten seeds; the lesson prints which setting it uses, and its asserts hold for
both.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from gdl_teach.core.device import choose_setting


@dataclass(frozen=True)
class Setting:
    """Sizes of the lesson's data and training runs.

    Attributes:
        name: ``"cpu"`` or ``"gpu"``.
        num_train_poses: synthetic training poses (each filmed once by a random camera).
        num_test_poses: poses of every synthetic test condition.
        budget: trainable parameters of every lifter of the main comparison.
        num_steps: optimiser steps of every training run.
        batch_size: examples per step.
        seeds: one training run per seed and model.
        num_threads: torch CPU threads (1 is fastest for these small models on a busy CPU), or ``None``.
    """

    name: str
    num_train_poses: int
    num_test_poses: int
    budget: int
    num_steps: int
    batch_size: int
    seeds: tuple[int, ...]
    num_threads: int | None

    def describe(self) -> str:
        """One line for the top of the lesson."""
        threads = f", {self.num_threads} CPU thread" if self.num_threads else ""
        return (f"setting '{self.name}': {self.num_train_poses:,} training poses, lifters of at most "
                f"{self.budget:,} parameters, {self.num_steps} steps of {self.batch_size} examples, "
                f"{len(self.seeds)} seeds{threads}")


CPU = Setting("cpu", num_train_poses=20_000, num_test_poses=2_000, budget=4_000, num_steps=300, batch_size=128,
              seeds=(0, 1, 2, 3, 4), num_threads=1)
GPU = Setting("gpu", num_train_poses=100_000, num_test_poses=5_000, budget=4_000, num_steps=3_000,
              batch_size=256, seeds=tuple(range(10)), num_threads=None)


def settings(kind: str | None = None) -> Setting:
    """The setting for ``kind`` (``"cpu"`` or ``"gpu"``); default: ``"gpu"`` when :func:`gdl_teach.get_device` is CUDA.

    With the CPU setting, torch is limited to ``num_threads`` threads for the rest of the session.
    """
    setting = choose_setting(CPU, GPU, kind)
    if setting.num_threads is not None:
        torch.set_num_threads(setting.num_threads)
    return setting
