"""gdl_teach.epidemics.checks: the three exercises accept the right answer and name the usual mistakes."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.epidemics import checks
from gdl_teach.exercises.core import ExerciseFailed


def test_check_network_r0() -> None:
    checks.check_network_r0(checks.reference_network_r0)
    k = torch.tensor([3, 3, 3, 3])
    assert abs(checks.reference_network_r0(k, 0.5, 0.5) - 1.0) < 1e-12
    assert checks.degree_moments(k)["<k^2-k>/<k>"] == 2.0
    wrong = {
        "transmissibility": lambda d, t, g: float((d * d - d).double().mean() / d.double().mean()),
        "biased degree": lambda d, t, g: float(t / (t + g) * d.double().mean()),
        "subtract k": lambda d, t, g: float(t / (t + g) * (d * d).double().mean() / d.double().mean()),
        "mean-field": lambda d, t, g: float(t / g * (d * d - d).double().mean() / d.double().mean()),
        "expected R0": lambda d, t, g: 1.0,
        "must return a number": lambda d, t, g: "two",
    }
    for hint, fn in wrong.items():
        with pytest.raises(ExerciseFailed, match=hint):
            checks.check_network_r0(fn)


def test_check_infected_within() -> None:
    checks.check_infected_within(lambda t_inf, t, h: (t_inf > t) & (t_inf <= t + h))
    with pytest.raises(ExerciseFailed, match="t_infected > t"):
        checks.check_infected_within(lambda t_inf, t, h: t_inf <= t + h)
    with pytest.raises(ExerciseFailed, match="not >="):
        checks.check_infected_within(lambda t_inf, t, h: (t_inf >= t) & (t_inf <= t + h))
    with pytest.raises(ExerciseFailed, match="includes its end"):
        checks.check_infected_within(lambda t_inf, t, h: (t_inf > t) & (t_inf < t + h))
    with pytest.raises(ExerciseFailed, match="NotImplementedError"):
        checks.check_infected_within(lambda t_inf, t, h: (_ for _ in ()).throw(NotImplementedError))
    with pytest.raises(ExerciseFailed, match="in place"):
        checks.check_infected_within(lambda t_inf, t, h: (t_inf > t) & (t_inf.clamp_(max=1e9) <= t + h))


def _right(model, x, edge_index, edge_weight=None):  # noqa: ANN001, ANN202
    h = x
    for conv in model.convs:
        h = torch.relu(conv(h, edge_index))
    return model.head(h).squeeze(-1)


def _no_relu(model, x, edge_index):  # noqa: ANN001, ANN202
    h = x
    for conv in model.convs:
        h = conv(h, edge_index)
    return model.head(h).squeeze(-1)


def test_check_gnn_forward() -> None:
    checks.check_gnn_forward(_right)
    with pytest.raises(ExerciseFailed, match="relu"):
        checks.check_gnn_forward(lambda m, x, e, w=None: _no_relu(m, x, e))
    with pytest.raises(ExerciseFailed, match="squeeze"):
        checks.check_gnn_forward(lambda m, x, e, w=None: _right(m, x, e).unsqueeze(-1))
    with pytest.raises(ExerciseFailed, match="logits"):
        checks.check_gnn_forward(lambda m, x, e, w=None: torch.sigmoid(_right(m, x, e)))
