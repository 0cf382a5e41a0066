"""Lesson 04 models, exercises and widgets."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from torch_geometric.nn import SAGEConv  # noqa: E402

from gdl_teach.core.symmetry import check_equivariance, permute_nodes, permute_output  # noqa: E402
from gdl_teach.epidemics import data as epi  # noqa: E402
from gdl_teach.epidemics import models as em  # noqa: E402
from gdl_teach.epidemics import viz as ev  # noqa: E402
from gdl_teach.epidemics.checks import (  # noqa: E402
    check_gnn_forward,
    check_infected_within,
    check_network_r0,
    degree_moments,
    reference_network_r0,
)
from gdl_teach.epidemics.widgets import OutbreakExplorer, VaccinationExplorer  # noqa: E402
from gdl_teach.exercises.core import ExerciseFailed  # noqa: E402

TAU, GAMMA = 0.3, 0.2


@pytest.fixture(scope="module")
def town() -> nx.Graph:
    return epi.make_town(60, seed=1)


@pytest.fixture(scope="module")
def splits(town: nx.Graph) -> dict:
    runs = epi.simulate_runs(town, 9, tau=TAU, gamma=GAMMA, n_index=2, seed=0, progress=False)
    dataset = epi.make_outbreak_dataset(town, runs, horizon=2.0, snapshots_per_run=2, min_infected=2, seed=0)
    return epi.split_by_run(dataset, (0.5, 0.25, 0.25), seed=0)


def _graph(n: int = 25, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    src, dst = torch.randint(0, n, (2, 50), generator=g)
    edge_index = torch.cat([torch.stack([src, dst]), torch.stack([dst, src])], 1)
    return torch.randn(n, 10, generator=g), edge_index, torch.rand(edge_index.shape[1], generator=g)


# --------------------------------------------------------------------------- the GNN


@pytest.mark.parametrize("conv", em.CONVS)
def test_gnn_shapes_and_permutation_equivariance(conv: str) -> None:
    torch.manual_seed(0)
    model = em.EpidemicGNN(10, hidden=8, num_layers=2, conv=conv).eval()
    x, edge_index, edge_weight = _graph()
    out = model(x, edge_index, edge_weight)
    assert out.shape == (25,) and torch.isfinite(out).all()
    report = check_equivariance(model, (x, edge_index, edge_weight), permute_nodes(keep_perm=True), permute_output,
                                trials=3, atol=1e-5)
    assert report.passed, report


def test_gnn_uses_edge_weights_only_where_the_layer_can() -> None:
    x, edge_index, edge_weight = _graph()
    for conv, uses in (("sage", False), ("gcn", True), ("gat", True)):
        torch.manual_seed(0)
        model = em.EpidemicGNN(10, hidden=8, conv=conv).eval()
        changed = not torch.allclose(model(x, edge_index, edge_weight), model(x, edge_index, 3 * edge_weight + 1))
        assert changed == uses, conv


def test_sage_layer_is_a_sum_over_contacts() -> None:
    """PyG's SAGEConv(aggr='sum'), as the model uses it: W_l sum_j x_j + b + W_r x_i."""
    torch.manual_seed(0)
    model = em.EpidemicGNN(10, hidden=6, num_layers=1, conv="sage").eval()
    layer = model.convs[0]
    assert isinstance(layer, SAGEConv)
    x, edge_index, _ = _graph()
    neighbour_sum = torch.zeros_like(x).index_add_(0, edge_index[1], x[edge_index[0]])
    by_hand = layer.lin_l(neighbour_sum) + layer.lin_r(x)
    assert torch.allclose(layer(x, edge_index), by_hand, atol=1e-5)


def test_gnn_validates_inputs() -> None:
    model = em.EpidemicGNN(10)
    x, edge_index, edge_weight = _graph()
    with pytest.raises(ValueError, match="x must have shape"):
        model(x[:, :4], edge_index)
    with pytest.raises(ValueError, match="edge_index"):
        model(x, edge_index + 100)
    with pytest.raises(ValueError, match="edge_weight"):
        model(x, edge_index, edge_weight[:3])
    with pytest.raises(ValueError, match="conv"):
        em.EpidemicGNN(10, conv="gin")
    with pytest.raises(ValueError, match="num_layers"):
        em.EpidemicGNN(10, num_layers=0)


def test_training_is_seeded_and_restores_threads(splits: dict) -> None:
    threads = torch.get_num_threads()
    a, hist = em.train_risk_gnn(splits["train"], splits["val"], hidden=8, epochs=2, seed=3, progress=False)
    b, _ = em.train_risk_gnn(splits["train"], splits["val"], hidden=8, epochs=2, seed=3, progress=False)
    assert torch.get_num_threads() == threads
    assert hist.epochs >= 1
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)
    prob, y = em.predict_risk(a, splits["test"])
    n_sus = sum(int(d.mask.sum()) for d in splits["test"])
    assert prob.shape == y.shape == (n_sus,) and ((prob >= 0) & (prob <= 1)).all()
    scores = em.risk_scores(a, splits["test"][0])
    assert scores.shape == (splits["test"][0].num_nodes,)


def test_baselines_and_table(splits: dict) -> None:
    cols = [epi.FEATURE_NAMES.index(c) for c in epi.PERSON_FEATURES + epi.GLOBAL_FEATURES]
    person = em.fit_logistic(splits["train"], cols, "person features")
    prob, y = person.predict(splits["test"])
    assert prob.shape == y.shape and ((prob >= 0) & (prob <= 1)).all()
    assert person.scores(splits["test"][0]).shape == (splits["test"][0].num_nodes,)
    again = em.fit_logistic(splits["train"], cols, "person features").predict(splits["test"])[0]
    assert torch.equal(prob, again)
    y_all = torch.cat([y, torch.tensor([0.0, 1.0])])
    table = em.score_table({"a": (torch.cat([prob, torch.tensor([0.1, 0.9])]), y_all),
                            "perfect": (y_all.double(), y_all)})
    assert list(table.columns) == ["ROC-AUC", "Brier"]
    assert table.loc["perfect", "ROC-AUC"] == 1.0 and table.loc["perfect", "Brier"] == 0.0
    with pytest.raises(ValueError, match="columns"):
        em.fit_logistic(splits["train"], [99], "bad")


# --------------------------------------------------------------------------- exercises


def test_check_network_r0() -> None:
    check_network_r0(reference_network_r0)
    k = torch.tensor([3, 3, 3, 3])
    assert abs(reference_network_r0(k, 0.5, 0.5) - 1.0) < 1e-12
    assert degree_moments(k)["<k^2-k>/<k>"] == 2.0
    wrong = {
        "transmissibility": lambda d, t, g: float((d * d - d).double().mean() / d.double().mean()),
        "biased degree": lambda d, t, g: float(t / (t + g) * d.double().mean()),
        "subtract k": lambda d, t, g: float(t / (t + g) * (d * d).double().mean() / d.double().mean()),
        "mean-field": lambda d, t, g: float(t / g * (d * d - d).double().mean() / d.double().mean()),
        "expected R0": lambda d, t, g: 1.0,
    }
    for hint, fn in wrong.items():
        with pytest.raises(ExerciseFailed, match=hint):
            check_network_r0(fn)


def test_check_infected_within() -> None:
    check_infected_within(lambda t_inf, t, h: (t_inf > t) & (t_inf <= t + h))
    with pytest.raises(ExerciseFailed, match="t_infected > t"):
        check_infected_within(lambda t_inf, t, h: t_inf <= t + h)
    with pytest.raises(ExerciseFailed, match="not >="):
        check_infected_within(lambda t_inf, t, h: (t_inf >= t) & (t_inf <= t + h))
    with pytest.raises(ExerciseFailed, match="includes its end"):
        check_infected_within(lambda t_inf, t, h: (t_inf > t) & (t_inf < t + h))
    with pytest.raises(ExerciseFailed, match="NotImplementedError"):
        check_infected_within(lambda t_inf, t, h: (_ for _ in ()).throw(NotImplementedError))


def test_check_gnn_forward() -> None:
    def right(model, x, edge_index, edge_weight=None):
        h = x
        for conv in model.convs:
            h = torch.relu(conv(h, edge_index))
        return model.head(h).squeeze(-1)

    check_gnn_forward(right)
    with pytest.raises(ExerciseFailed, match="relu"):
        check_gnn_forward(lambda m, x, e, w=None: _no_relu(m, x, e))
    with pytest.raises(ExerciseFailed, match="squeeze"):
        check_gnn_forward(lambda m, x, e, w=None: right(m, x, e).unsqueeze(-1))
    with pytest.raises(ExerciseFailed, match="logits"):
        check_gnn_forward(lambda m, x, e, w=None: torch.sigmoid(right(m, x, e)))


def _no_relu(model, x, edge_index):
    h = x
    for conv in model.convs:
        h = conv(h, edge_index)
    return model.head(h).squeeze(-1)


# --------------------------------------------------------------------------- plots and widgets


def test_outbreak_explorer_moves_with_the_day(town: nx.Graph) -> None:
    run = epi.simulate_sir(town, TAU, GAMMA, initial_infecteds=[0, 1, 2], seed=2)
    explorer = OutbreakExplorer(town, run, pos=epi.town_layout(town))
    assert explorer.last_result["day"] == 0.0 and explorer.last_result["I"] == 3
    first_figure, draws = explorer.last_figure, explorer.draw_count
    explorer.controls["day"].value = explorer.controls["day"].max
    assert explorer.draw_count == draws + 1 and explorer.last_figure is not first_figure
    assert explorer.last_result["I"] == 0 and explorer.last_result["R"] == run.final_size
    with pytest.raises(ValueError, match="outbreak must be simulated on G"):
        OutbreakExplorer(epi.load_karate_club(), run, pos=None)


def test_vaccination_explorer_callback(town: nx.Graph) -> None:
    n = town.number_of_nodes()
    states = np.zeros(n, dtype=int)
    states[:3] = 1
    scores = np.random.default_rng(0).random(n)
    study = epi.vaccination_study(town, states, scores, ks=(0, 10, 40), tau=TAU, gamma=GAMMA, n_runs=3,
                                  progress=False)
    later = epi.vaccination_study(town, np.where(np.arange(n) < 8, 1, 0), scores, ks=(0, 10, 40), tau=TAU,
                                  gamma=GAMMA, n_runs=3, progress=False)
    explorer = VaccinationExplorer({"early": study, "later": later})
    assert explorer.last_result["doses"].tolist() == [40, 40, 40]
    explorer.controls["doses"].value = 10
    assert explorer.last_result["doses"].tolist() == [10, 10, 10]
    assert explorer.last_result.equals(study.table(10))
    explorer.controls["moment"].value = "later"
    assert explorer.draw_count == 3
    assert explorer.last_result.equals(later.table(10))
    with pytest.raises(TypeError, match="studies"):
        VaccinationExplorer({"x": 1})


def test_plots_validate_and_draw(town: nx.Graph) -> None:
    import matplotlib.pyplot as plt

    run = epi.simulate_sir(town, TAU, GAMMA, initial_infecteds=[0], seed=1)
    pos = epi.town_layout(town)
    ev.plot_town(town, pos)
    ev.plot_epidemic_curve([run, run], marker=2.0)
    n = town.number_of_nodes()
    states = run.states_at(1.0)
    fig = ev.plot_risk_map(town, states, np.linspace(0, 1, n), np.zeros(n, dtype=bool), pos)
    assert len(fig.axes) >= 2
    with pytest.raises(ValueError, match="states must be"):
        ev.plot_states(town, np.full(n, 7), pos)
    with pytest.raises(ValueError, match="pos must have shape"):
        ev.plot_states(town, states, np.zeros((3, 2)))
    with pytest.raises(TypeError, match="outbreaks"):
        ev.plot_epidemic_curve([])
    plt.close("all")
