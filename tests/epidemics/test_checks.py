"""gdl_teach.epidemics.checks: the four exercises accept the right answer and name the usual mistakes."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from gdl_teach.epidemics import checks, comparison
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


def _runs(size_shift: float = 0.0) -> dict:
    """Made-up runs: the same final sizes in both models (plus ``size_shift`` for SEIR), SEIR peaks 40 days later."""
    rng = np.random.default_rng(0)
    sizes = np.concatenate([np.full(5, 0.01), rng.normal(0.48, 0.04, 45)])
    days = rng.normal(40, 10, 50)
    return {"SIR": {"final_size": sizes, "peak_day": days, "peak": np.full(50, 0.07)},
            "SEIR": {"final_size": sizes + size_shift, "peak_day": days + 40, "peak": np.full(50, 0.04)}}


def test_check_seir_vs_sir(capsys: pytest.CaptureFixture) -> None:
    checks.check_seir_vs_sir(lambda: {"final size": "about the same", "peak day": "later"}, _runs())
    out = capsys.readouterr().out
    assert out.startswith("Correct") and "peak day SIR 41, SEIR 81" in out
    wrong = {
        ("larger", "later"): "same probability",
        ("smaller", "later"): "one random draw",
        ("about the same", "earlier"): "grows more slowly",
        ("about the same", "about the same"): "delays add up",
    }
    for (size, day), hint in wrong.items():
        with pytest.raises(ExerciseFailed, match=hint):
            checks.check_seir_vs_sir(lambda s=size, d=day: {"final size": s, "peak day": d}, _runs())
    for bad, hint in ((lambda: "later", "must be a dict"), (lambda: {"final size": "same", "peak day": "later"},
                                                             "must be one of"),
                      (lambda: (_ for _ in ()).throw(NotImplementedError), "NotImplementedError")):
        with pytest.raises(ExerciseFailed, match=hint):
            checks.check_seir_vs_sir(bad, _runs())
    assert checks.check_seir_vs_sir.reference is None


def _comparison() -> comparison.ModelComparison:
    means = {"global rate": (0.77, 0.0138), "person features": (0.83, 0.0135), "contact counts, 1 hop": (0.93, 0.0118),
             "contact counts, 2 hops": (0.95, 0.0117), "hazard model": (0.87, 0.0113), "GNN": (0.948, 0.0115)}
    rows = [{"seed": s, "model": m, "ROC-AUC": a + 0.001 * s, "Brier": b + 0.0001 * s}
            for s in range(3) for m, (a, b) in means.items()]
    return comparison.ModelComparison(pd.DataFrame(rows), {s: {} for s in range(3)}, {})


def test_check_closest_baseline(capsys: pytest.CaptureFixture) -> None:
    measured = _comparison()
    checks.check_closest_baseline(lambda: {"ROC-AUC": "contact counts, 2 hops", "Brier": "hazard model"}, measured)
    assert capsys.readouterr().out.startswith("Correct")
    wrong = {
        ("hazard model", "hazard model"): "ROC-AUC: for ranking, the hazard model gives exactly 0",
        ("contact counts, 1 hop", "hazard model"): "chains through a susceptible contact",
        ("person features", "hazard model"): "who you are",
        ("contact counts, 2 hops", "contact counts, 2 hops"): "Brier: .*logistic curve",
        ("contact counts, 2 hops", "global rate"): "same probability",
    }
    for (auc, brier), hint in wrong.items():
        with pytest.raises(ExerciseFailed, match=hint):
            checks.check_closest_baseline(lambda a=auc, b=brier: {"ROC-AUC": a, "Brier": b}, measured)
    with pytest.raises(ExerciseFailed, match="must be one of"):
        checks.check_closest_baseline(lambda: {"ROC-AUC": "GNN", "Brier": "hazard model"}, measured)
    with pytest.raises(ExerciseFailed, match="keys"):
        checks.check_closest_baseline(lambda: {"AUC": "GNN"}, measured)
