"""Explorers of lesson 08: moving the first control changes the figure; bad arguments get clear errors."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
import torch

from gdl_teach.equivariance import digits, models, nbody, widgets


def _png(fig: plt.Figure) -> bytes:
    import io
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def test_digit_explorer_turns_the_digit() -> None:
    torch.manual_seed(0)
    split = digits.split_digits()
    shown = {"CNN": models.DigitCNN(4), "p4 CNN": models.P4DigitCNN(2)}
    ex = widgets.DigitTurnExplorer(shown, split.images[:10], split.labels[:10], index=3, turn=0)
    before, first = ex.draw_count, _png(ex.last_figure)
    ex.controls["turn"].value = 2
    assert ex.draw_count == before + 1 and _png(ex.last_figure) != first
    assert set(ex.last_result) == {"CNN", "p4 CNN"}
    with pytest.raises(ValueError, match="turn must be <= 3"):
        widgets.DigitTurnExplorer(shown, split.images[:10], split.labels[:10], turn=4)
    with pytest.raises(ValueError, match="index must be <= 9"):
        widgets.DigitTurnExplorer(shown, split.images[:10], split.labels[:10], index=10)
    with pytest.raises(TypeError, match="models must be"):
        widgets.DigitTurnExplorer({}, split.images[:10], split.labels[:10])


def test_particle_explorer_equivariant_model_stays_put() -> None:
    torch.manual_seed(0)
    charges, pos, vel = nbody._initial_states(4, 5, 0)
    systems = nbody.NBodySystems(charges.float(), pos.float(), vel.float(), (pos + vel).float(), vel.float())
    shown = {"GNN": models.CoordinateGNN(8, 1), "EGNN": models.ParticleEGNN(8, 1)}
    ex = widgets.ParticleTurnExplorer(shown, systems, torch.arange(4), index=1, angle=0)
    first = _png(ex.last_figure)
    ex.controls["angle"].value = 120
    assert _png(ex.last_figure) != first
    curve = ex._curve(1)
    assert curve["EGNN"].std() < 1e-5 and curve["GNN"].std() > 1e-5
    with pytest.raises(ValueError, match="multiple of 15"):
        widgets.ParticleTurnExplorer(shown, systems, torch.arange(4), angle=20)
    with pytest.raises(ValueError, match="angle must be <= 345"):
        widgets.ParticleTurnExplorer(shown, systems, torch.arange(4), angle=360)


def test_axis_rotation_is_a_rotation_about_the_diagonal() -> None:
    r = widgets.axis_rotation(77.0)
    torch.testing.assert_close(r.T @ r, torch.eye(3, dtype=torch.float64))
    torch.testing.assert_close(r @ torch.ones(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64))
    torch.testing.assert_close(widgets.axis_rotation(120.0) @ torch.tensor([1.0, 0, 0], dtype=torch.float64),
                               torch.tensor([0.0, 1.0, 0.0], dtype=torch.float64), atol=1e-12, rtol=0)
