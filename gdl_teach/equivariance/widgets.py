"""Turn the input, watch the outputs: explorers for an equivariant and a non-equivariant model side by side."""
from __future__ import annotations

import math
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from gdl_teach.core.validate import check_int, check_tensor
from gdl_teach.equivariance.groups import rotate_images
from gdl_teach.equivariance.nbody import NBodySystems, system_batch
from gdl_teach.equivariance.viz import MODEL_COLOURS, plot_system
from gdl_teach.viz.explorer import Explorer

__all__ = ["DigitTurnExplorer", "ParticleTurnExplorer", "axis_rotation"]

_TURNS = [("0°", 0), ("90°", 1), ("180°", 2), ("270°", 3)]


def _check_models(models: Any) -> dict[str, nn.Module]:
    if not isinstance(models, dict) or not models or not all(isinstance(m, nn.Module) for m in models.values()):
        raise TypeError("models must be a non-empty dict of name -> trained torch.nn.Module")
    return models


class DigitTurnExplorer(Explorer):
    """Turn a test digit by quarter turns and watch each model's class probabilities.

    ``last_result`` maps each model's name to its predicted class.

    Args:
        models: name -> trained digit classifier ``(B, 1, 8, 8) -> (B, 10)``.
        images: ``(M, 1, 8, 8)`` test digits.
        labels: ``(M,)``.
        index: the digit shown first.
        turn: the quarter turns shown first (0-3).
    """

    def __init__(self, models: dict[str, nn.Module], images: torch.Tensor, labels: torch.Tensor, index: int = 0,
                 turn: int = 1) -> None:
        self.models = _check_models(models)
        self.images = check_tensor("images", images, ndim=4, floating=True, nonempty=True)
        self.labels = check_tensor("labels", labels, shape=(images.shape[0],), integer=True)
        index = check_int("index", index, min_value=0, max_value=len(images) - 1)
        turn = check_int("turn", turn, min_value=0, max_value=3)
        controls = {"turn": widgets.SelectionSlider(options=_TURNS, value=turn, description="turn digit"),
                    "index": widgets.IntSlider(value=index, min=0, max=len(images) - 1, description="test digit")}
        super().__init__(controls, title="Turn the digit: which model's answer follows it?")

    def draw(self, turn: int, index: int) -> tuple[plt.Figure, dict[str, int]]:
        """The turned digit and a bar chart of each model's class probabilities."""
        digit = rotate_images(self.images[index:index + 1], turn)
        fig, (ax_img, ax_bar) = plt.subplots(1, 2, figsize=(10, 3.2), gridspec_kw={"width_ratios": [1, 3]})
        ax_img.imshow(digit[0, 0].cpu().numpy(), cmap="gray_r", vmin=0, vmax=1)
        ax_img.set_title(f"label {int(self.labels[index])}, turned {90 * turn}°")
        ax_img.set_xticks([]), ax_img.set_yticks([])
        width = 0.8 / len(self.models)
        result = {}
        for k, (name, model) in enumerate(self.models.items()):
            model.eval()
            with torch.no_grad():
                prob = torch.softmax(model(digit.to(next(model.parameters()).device)), -1)[0].cpu()
            result[name] = int(prob.argmax())
            ax_bar.bar(np.arange(10) + (k - (len(self.models) - 1) / 2) * width, prob.numpy(), width,
                       color=MODEL_COLOURS.get(name), label=f"{name}: says {result[name]}")
        ax_bar.set_xticks(range(10))
        ax_bar.set_xlabel("class"), ax_bar.set_ylabel("probability"), ax_bar.set_ylim(0, 1)
        ax_bar.legend(fontsize=8, loc="upper left")
        fig.tight_layout()
        return fig, result


def axis_rotation(angle: float) -> torch.Tensor:
    """Rotation by ``angle`` degrees about the diagonal axis (1, 1, 1), which moves all three coordinates: ``(3, 3)``."""
    axis = torch.ones(3, dtype=torch.float64) / math.sqrt(3.0)
    k = torch.tensor([[0.0, -axis[2], axis[1]], [axis[2], 0.0, -axis[0]], [-axis[1], axis[0], 0.0]],
                     dtype=torch.float64)  # cross-product matrix of the axis (Rodrigues' formula)
    a = math.radians(angle)
    return torch.eye(3, dtype=torch.float64) + math.sin(a) * k + (1 - math.cos(a)) * (k @ k)


class ParticleTurnExplorer(Explorer):
    """Turn a test system in 3D, let each model predict, turn the predictions back, and compare with the truth.

    An equivariant model's turned-back prediction stays put whatever the angle;
    a model of raw coordinates gives a different answer for every angle.
    ``last_result`` maps each model's name to its RMS error (over the particles) at this angle.

    Args:
        models: name -> trained N-body model (batch -> ``(N, 3)``).
        systems: the simulated systems.
        indices: ``(T,)`` the test systems one can pick.
        index: position in ``indices`` shown first.
        angle: rotation angle shown first, degrees, a multiple of 15 in [0, 345].
    """

    def __init__(self, models: dict[str, nn.Module], systems: NBodySystems, indices: torch.Tensor, index: int = 0,
                 angle: int = 90) -> None:
        self.models = _check_models(models)
        self.systems = systems
        self.indices = check_tensor("indices", indices, ndim=1, integer=True, nonempty=True)
        index = check_int("index", index, min_value=0, max_value=len(indices) - 1)
        angle = check_int("angle", angle, min_value=0, max_value=345)
        if angle % 15:
            raise ValueError(f"angle must be a multiple of 15 (the slider's step), got {angle}")
        self._curves: dict[int, dict[str, np.ndarray]] = {}
        controls = {"angle": widgets.IntSlider(value=angle, min=0, max=345, step=15, description="turn (°)"),
                    "index": widgets.IntSlider(value=index, min=0, max=len(indices) - 1, description="test system")}
        super().__init__(controls, title="Turn the system, then turn each prediction back: does it stay put?")

    def _predict_back(self, system: int, angle: float) -> dict[str, torch.Tensor]:
        rot = axis_rotation(angle).float()
        batch = system_batch(self.systems, torch.tensor([system]), rot.unsqueeze(0))
        out = {}
        for name, model in self.models.items():
            model.eval()
            with torch.no_grad():
                out[name] = model(batch.to(next(model.parameters()).device)).cpu() @ rot  # turned back: x R
        return out

    def _curve(self, system: int) -> dict[str, np.ndarray]:
        if system not in self._curves:
            truth = self.systems.target[system]
            errors = {name: [] for name in self.models}
            for angle in range(0, 360, 15):
                for name, pred in self._predict_back(system, angle).items():
                    errors[name].append(float((pred - truth).pow(2).sum(-1).mean().sqrt()))
            self._curves[system] = {name: np.array(e) for name, e in errors.items()}
        return self._curves[system]

    def draw(self, angle: int, index: int) -> tuple[plt.Figure, dict[str, float]]:
        """Left: the system from above with the turned-back predictions; right: error against angle."""
        system = int(self.indices[index])
        s = self.systems
        preds = self._predict_back(system, angle)
        fig, (ax_sys, ax_err) = plt.subplots(1, 2, figsize=(11, 4.4))
        plot_system(s.pos[system], s.vel[system], s.charges[system], s.target[system], predictions=preds, ax=ax_sys,
                    title=f"system {system}, predicted after a turn of {angle}° and turned back")
        result = {}
        for name, errors in self._curve(system).items():
            ax_err.plot(range(0, 360, 15), errors, marker=".", color=MODEL_COLOURS.get(name), label=name)
            result[name] = float(errors[angle // 15])
        ax_err.axvline(angle, color="k", lw=0.8, ls=":")
        ax_err.set_xlabel("turn (degrees) about the (1, 1, 1) axis"), ax_err.set_ylabel("RMS error of positions")
        ax_err.set_ylim(bottom=0)
        ax_err.legend(fontsize=8)
        fig.tight_layout()
        return fig, result
