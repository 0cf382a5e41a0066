"""The lesson's sizes, chosen in one place: a CPU setting (the default) and a larger GPU setting.

The CPU setting keeps the whole lesson near a minute of one CPU core: small
networks (about 5,000 parameters for the digits, 20,000 for the particles),
150 optimiser steps per run, five seeds for the claims and three for the
training-size curves. On a GPU the digit runs stay the same (their claim is
about an equal, small step budget), and the particle runs move towards the
EGNN paper's setting (3,000 training systems, width 64, four layers, 2,000
steps of 100 systems; the paper trains for 10,000 epochs). The lesson prints which setting it uses;
its asserts are written for both, but the GPU setting has not been run on a GPU
here.
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
        digit_train_sizes: training-set sizes of the digit curves; ``digit_train_size`` is the claim's.
        digit_train_size: upright training digits of the main digit comparison.
        digit_steps: optimiser steps of every digit run (batches of ``digit_batch_size``).
        digit_batch_size: digits per step.
        cnn_channels: channels of the plain CNN (chosen so that it has about as many parameters as the p4 net).
        p4_channels: channels of the p4 network (each with 4 rotation grids).
        num_systems: simulated particle systems (training pool and test set together).
        num_test_systems: held-out systems of every N-body comparison.
        nbody_train_sizes: training-set sizes of the N-body curves; ``nbody_train_size`` is the claim's.
        nbody_train_size: training systems of the main N-body comparison.
        nbody_steps: optimiser steps of every N-body run.
        nbody_batch_size: systems per step.
        hidden_channels: width of the N-body networks.
        num_layers: depth of the N-body networks.
        seeds: seeds of the claims (one training run per seed and model).
        curve_seeds: seeds of the training-size curves.
        num_threads: torch CPU threads (1 is fastest for these small models on a busy CPU), or ``None``.
    """

    name: str
    digit_train_sizes: tuple[int, ...]
    digit_train_size: int
    digit_steps: int
    digit_batch_size: int
    cnn_channels: int
    p4_channels: int
    num_systems: int
    num_test_systems: int
    nbody_train_sizes: tuple[int, ...]
    nbody_train_size: int
    nbody_steps: int
    nbody_batch_size: int
    hidden_channels: int
    num_layers: int
    seeds: tuple[int, ...]
    curve_seeds: tuple[int, ...]
    num_threads: int | None

    def describe(self) -> str:
        """A few lines for the top of the lesson."""
        threads = f", {self.num_threads} CPU thread" if self.num_threads else ""
        return (f"setting '{self.name}'{threads}\n"
                f"  digits: {self.digit_train_size} upright training digits for the claim "
                f"(curves: {list(self.digit_train_sizes)}), {self.digit_steps} steps of {self.digit_batch_size}\n"
                f"  particles: {self.nbody_train_size} training systems for the claim "
                f"(curves: {list(self.nbody_train_sizes)}), {self.num_test_systems} test systems, "
                f"{self.nbody_steps} steps of {self.nbody_batch_size}, width {self.hidden_channels}, "
                f"{self.num_layers} layers\n"
                f"  seeds: {len(self.seeds)} for the claims, {len(self.curve_seeds)} for the curves")


CPU = Setting("cpu", digit_train_sizes=(200, 1000), digit_train_size=200, digit_steps=150, digit_batch_size=32,
              cnn_channels=16, p4_channels=8, num_systems=800, num_test_systems=300,
              nbody_train_sizes=(50, 500), nbody_train_size=500, nbody_steps=150, nbody_batch_size=32,
              hidden_channels=32, num_layers=2, seeds=(0, 1, 2, 3, 4), curve_seeds=(0, 1, 2), num_threads=1)
GPU = Setting("gpu", digit_train_sizes=(50, 200, 1000), digit_train_size=200, digit_steps=150, digit_batch_size=32,
              cnn_channels=16, p4_channels=8, num_systems=5_000, num_test_systems=2_000,
              nbody_train_sizes=(100, 300, 3000), nbody_train_size=3000, nbody_steps=2_000,
              nbody_batch_size=100, hidden_channels=64, num_layers=4, seeds=(0, 1, 2, 3, 4),
              curve_seeds=(0, 1, 2), num_threads=None)


def settings(kind: str | None = None) -> Setting:
    """The setting for ``kind`` (``"cpu"`` or ``"gpu"``); default: ``"gpu"`` when :func:`gdl_teach.get_device` is CUDA.

    With the CPU setting, torch is limited to ``num_threads`` threads for the rest of the session.

    Args:
        kind: ``"cpu"``, ``"gpu"`` or ``None`` (choose by the device).
    """
    setting = choose_setting(CPU, GPU, kind)
    if setting.num_threads is not None:
        torch.set_num_threads(setting.num_threads)
    return setting
