"""The device rule in lesson 04, tested without a GPU.

Models and batches live on the model's device (``get_device()`` when
training); results come back to the CPU before NumPy or plots; a learner's
``Data`` is never moved in place. Two stand-ins for a GPU:

- the ``meta`` device (shapes, no values): a tensor created inside a helper
  without ``device=`` lands on the CPU and the first operation mixing it with
  meta tensors fails;
- :class:`~tests.epidemics.conftest.FakeCudaTensor`: refuses ``.numpy()``
  until ``.cpu()`` is called, as a CUDA tensor does.
"""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import torch

from gdl_teach.epidemics import (
    baselines,
    comparison,
    contacts,
    dataset,
    experiments,
    models,
    monte_carlo,
    outbreaks,
    town,
    vaccination,
    viz,
)
from tests.epidemics.conftest import GAMMA, TAU
from tests.fake_device import OffCPU, off_cpu

META = torch.device("meta")
# the meta device has no data to copy: reaching this error means everything before the final .cpu() ran on meta
COPIED_TO_CPU = "Cannot copy out of meta tensor"


def test_off_cpu_tensor_fails_like_a_gpu_tensor() -> None:
    t = off_cpu(torch.arange(4))
    assert isinstance(t, OffCPU)
    with pytest.raises(RuntimeError, match="cpu"):
        t.numpy()
    assert t.cpu().numpy().tolist() == [0, 1, 2, 3]


def test_gnn_forward_runs_on_the_meta_device() -> None:
    model = models.EpidemicGNN(10, hidden_channels=8, num_layers=2, conv="sage").to(META)
    x = torch.empty(25, 10, device=META)
    edge_index = torch.empty(2, 60, dtype=torch.long, device=META)
    edge_weight = torch.empty(60, device=META)
    out = model(x, edge_index, edge_weight)
    assert out.device == META and out.shape == (25,)
    assert model.train()(x, edge_index).shape == (25,)


def _device_of(data) -> set[str]:  # noqa: ANN001
    return {v.device.type for _, v in data.items() if isinstance(v, torch.Tensor)}


def test_risk_helpers_compute_on_the_model_device_and_never_move_the_data(splits: dict) -> None:
    # "sage": the default layer builds a sparse matrix from the node ids, which the meta device does not have
    model = models.EpidemicGNN(10, hidden_channels=8, conv="sage").to(META)
    snap = splits["test"][0]
    with pytest.raises(NotImplementedError, match=COPIED_TO_CPU):
        experiments.risk_scores(model, snap)
    with pytest.raises(NotImplementedError, match=COPIED_TO_CPU):
        experiments.predict_risk(model, snap)
    with pytest.raises(NotImplementedError, match=COPIED_TO_CPU):
        experiments.predict_risk(model, splits["test"])
    assert _device_of(snap) == {"cpu"}, "the learner's snapshot must stay where it was"
    assert _device_of(splits["test"][1]) == {"cpu"}


def test_risk_helpers_return_cpu_results_for_inputs_on_another_device(splits: dict) -> None:
    model, _ = experiments.train_risk_gnn(splits["train"], splits["val"], hidden_channels=4, epochs=1,
                                          progress=False)
    snap = off_cpu(splits["test"][0])
    scores = experiments.risk_scores(model, snap)
    prob, y = experiments.predict_risk(model, snap)
    assert type(scores) is torch.Tensor and type(prob) is torch.Tensor and type(y) is torch.Tensor
    table = experiments.score_table({"gnn": (off_cpu(torch.tensor([0.2, 0.8])), off_cpu(torch.tensor([0., 1.])))})
    assert table.loc["gnn", "ROC-AUC"] == 1.0


def test_logistic_baseline_copies_to_the_cpu_before_numpy(splits: dict) -> None:
    for hops in (0, 2):
        person = baselines.fit_logistic([off_cpu(d) for d in splits["train"]], [0, 1, 4, 8], "person",
                                        contact_hops=hops)
        snap = off_cpu(splits["test"][0])
        assert type(person.scores(snap)) is torch.Tensor and person.scores(snap).shape == (snap.num_nodes,)
        prob, y = person.predict([snap])
        assert prob.shape == y.shape == (int(snap.mask.sum()),)
    hazard = contacts.HazardModel(TAU, 2.0)
    assert type(hazard.scores(snap)) is torch.Tensor and type(hazard.predict([snap])[0]) is torch.Tensor


def test_the_gnns_wrapper_scores_on_the_cpu(splits: dict) -> None:
    model, history = experiments.train_risk_gnn(splits["train"], splits["val"], hidden_channels=4, epochs=1,
                                                progress=False)
    wrapped = comparison.GNNRisk(model, history)
    snap = off_cpu(splits["test"][0])
    assert type(wrapped.scores(snap)) is torch.Tensor and type(wrapped.predict([snap])[0]) is torch.Tensor


def test_data_helpers_accept_tensors_from_any_device(small_town: nx.Graph, splits: dict) -> None:
    n = small_town.number_of_nodes()
    states = torch.zeros(n, dtype=torch.long)
    states[:3] = 1
    on_gpu = off_cpu(states)
    snap = dataset.snapshot_data(small_town, on_gpu)
    assert torch.equal(snap.state, states)
    scores = off_cpu(torch.linspace(0, 1, n))
    assert vaccination.vaccination_targets(small_town, on_gpu, 2, "gnn risk", scores=scores) == [n - 2, n - 1]
    vaccination.vaccination_study(small_town, on_gpu, scores, ks=(0, 2), tau=TAU, gamma=GAMMA, num_runs=1,
                                  progress=False)
    assert outbreaks.simulate_sir(small_town, TAU, GAMMA, initial_infecteds=off_cpu(torch.tensor([0, 4])),
                                  t_max=1.0).index_cases == [0, 4]
    gpu_snaps = [off_cpu(splits["test"][0])]
    mc, predicted = monte_carlo.monte_carlo_comparison(small_town, gpu_snaps, {"flat": lambda d: off_cpu(
        torch.full((d.num_nodes,), 0.5))}, horizon=1.0, tau=TAU, gamma=GAMMA, num_sims=2)
    assert predicted["flat"][0].shape == mc[0].shape


def test_plots_copy_to_the_cpu_before_drawing(small_town: nx.Graph) -> None:
    import matplotlib.pyplot as plt

    n = small_town.number_of_nodes()
    states = torch.zeros(n, dtype=torch.long)
    states[:3] = 1
    pos = off_cpu(torch.as_tensor(town.town_layout(small_town)))
    viz.plot_states(small_town, off_cpu(states), pos)
    viz.plot_risk_map(small_town, off_cpu(states), off_cpu(torch.rand(n)), off_cpu(states == 1), pos)
    viz.plot_risk_vs_monte_carlo([np.array([0.1, 0.3])], {"GNN": [off_cpu(torch.tensor([0.2, 0.2]))]})
    plt.close("all")
