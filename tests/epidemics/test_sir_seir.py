"""gdl_teach.epidemics.sir_seir: many SIR and SEIR runs, their table and the comparison of distributions."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from gdl_teach.epidemics import outbreaks, sir_seir
from tests.epidemics.conftest import GAMMA, TAU


def test_peak_of_a_hand_made_outbreak() -> None:
    # infectious: 0 on [0, 4), 1 on [1, 3), 2 on [2, 5): three at once on [2, 3)
    run = outbreaks.Outbreak(np.array([0.0, 1.0, 2.0, np.inf]), np.array([4.0, 3.0, 5.0, np.inf]), 0.0, 10.0, [0])
    assert sir_seir.peak_of(run) == (2.0, 3)
    nobody = outbreaks.Outbreak(np.full(2, np.inf), np.full(2, np.inf), 1.0, 10.0, [])
    assert sir_seir.peak_of(nobody) == (1.0, 0)


@pytest.fixture(scope="module")
def both(small_town: nx.Graph) -> dict:
    return sir_seir.sir_seir_runs(small_town, TAU, 0.5, GAMMA, index_cases=[0, 1, 2], num_runs=6, progress=False)


def test_runs_are_the_wrappers_runs(small_town: nx.Graph, both: dict) -> None:
    n = small_town.number_of_nodes()
    assert set(both) == {"SIR", "SEIR"}
    for r in both.values():
        assert set(r) == {"final_size", "peak_day", "peak"} and all(v.shape == (6,) for v in r.values())
        assert ((r["final_size"] >= 3 / n) & (r["final_size"] <= 1)).all()
    run = outbreaks.simulate_seir(small_town, TAU, 0.5, GAMMA, initial_infecteds=[0, 1, 2], seed=100_003 * 0 + 4)
    assert both["SEIR"]["final_size"][4] == pytest.approx(run.final_size / n)
    assert both["SEIR"]["peak_day"][4] == sir_seir.peak_of(run)[0]
    again = sir_seir.sir_seir_runs(small_town, TAU, 0.5, GAMMA, index_cases=[2, 1, 0], num_runs=6, progress=False)
    assert np.array_equal(again["SIR"]["final_size"], both["SIR"]["final_size"])  # cached, index cases sorted


def test_table_and_test_compare_runs_that_took_off(both: dict) -> None:
    table = sir_seir.sir_seir_table(both)
    assert list(table.index) == ["SIR", "SEIR"] and (table["runs"] == 6).all()
    took_off = both["SIR"]["final_size"] > sir_seir.TAKE_OFF
    assert table.loc["SIR", "took off"] == pytest.approx(took_off.mean(), abs=1e-3)
    assert table.loc["SIR", "final size"] == pytest.approx(both["SIR"]["final_size"][took_off].mean(), abs=1e-3)
    size = sir_seir.final_size_test(both)
    assert 0.0 <= size["p"] <= 1.0
    seir_off = both["SEIR"]["final_size"] > sir_seir.TAKE_OFF
    expected = both["SEIR"]["peak_day"][seir_off].mean() - both["SIR"]["peak_day"][took_off].mean()
    assert sir_seir.final_size_test(both, "peak_day")["mean_diff"] == pytest.approx(expected)
    with pytest.raises(ValueError, match="key"):
        sir_seir.final_size_test(both, "duration")


def test_runs_validate(small_town: nx.Graph) -> None:
    with pytest.raises(ValueError, match="index_cases"):
        sir_seir.sir_seir_runs(small_town, TAU, 0.5, GAMMA, index_cases=[], num_runs=2, progress=False)
    with pytest.raises(ValueError, match="sigma"):
        sir_seir.sir_seir_runs(small_town, TAU, 0.0, GAMMA, index_cases=[0], num_runs=2, progress=False)
    with pytest.raises(ValueError, match="num_runs"):
        sir_seir.sir_seir_runs(small_town, TAU, 0.5, GAMMA, index_cases=[0], num_runs=1, progress=False)
    few = {m: {"final_size": np.array([0.0, 0.5]), "peak_day": np.array([0.0, 9.0]), "peak": np.zeros(2)}
           for m in ("SIR", "SEIR")}
    with pytest.raises(ValueError, match="took off"):
        sir_seir.final_size_test(few)
