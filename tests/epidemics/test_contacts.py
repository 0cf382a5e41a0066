"""gdl_teach.epidemics.contacts: infectious-contact counts, the hazard model and the counts table."""
from __future__ import annotations

import math

import pytest
import torch
from torch_geometric.data import Data

from gdl_teach.epidemics import contacts
from tests.fake_device import off_cpu


def _path() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """A path 0 - 1 - 2 - 3 (both directions), weights 1, 0.5, 0.25; states S, S, I, S."""
    edges = torch.tensor([[0, 1], [1, 2], [2, 3]])
    w = torch.tensor([1.0, 0.5, 0.25])
    edge_index = torch.cat([edges.t(), edges.flip(1).t()], 1)  # (2, 6)
    return edge_index, torch.cat([w, w]), torch.tensor([0, 0, 1, 0])


def _snapshot(y: list[float] | None = None) -> Data:
    edge_index, w, state = _path()
    return Data(edge_index=edge_index, edge_weight=w, state=state, mask=state == 0,
                y=torch.tensor(y or [0.0, 1.0, 0.0, 0.0]), num_nodes=4)


def test_infectious_contacts_counts_and_weights() -> None:
    edge_index, w, state = _path()
    assert contacts.infectious_contacts(edge_index, state).tolist() == [0.0, 1.0, 0.0, 1.0]
    assert contacts.infectious_contacts(edge_index, state, w).tolist() == [0.0, 0.5, 0.0, 0.25]
    two = torch.tensor([0, 1, 1, 0])  # two infectious neighbours of nobody; each S has one
    assert contacts.infectious_contacts(edge_index, two).tolist() == [1.0, 1.0, 1.0, 1.0]


def test_two_hop_counts_go_through_susceptible_contacts_only() -> None:
    edge_index, w, state = _path()
    # person 0: contact 1 is susceptible and has one infectious contact (2); person 3's contact 2 is infectious itself
    assert contacts.two_hop_contacts(edge_index, state).tolist() == [1.0, 0.0, 2.0, 0.0]
    assert contacts.two_hop_contacts(edge_index, state, w).tolist() == pytest.approx([0.5, 0.0, 0.5 * 0.5 + 0.25 * 0.25,
                                                                                     0.0])


def test_contact_features_are_log1p_of_the_counts() -> None:
    snap = _snapshot()
    one, two = contacts.contact_features(snap, hops=1), contacts.contact_features(snap)
    assert one.shape == (4, 2) and two.shape == (4, len(contacts.CONTACT_FEATURES))
    assert torch.equal(two[:, :2], one)
    assert two[1].tolist() == pytest.approx([math.log(2.0), math.log(1.5), 0.0, 0.0])
    with pytest.raises(ValueError, match="hops"):
        contacts.contact_features(snap, hops=3)


def test_hazard_model_is_one_minus_exp_of_the_weighted_exposure() -> None:
    snap = _snapshot()
    model = contacts.HazardModel(tau=0.2, horizon=3.0)
    expected = [0.0, 1 - math.exp(-0.2 * 0.5 * 3), 0.0, 1 - math.exp(-0.2 * 0.25 * 3)]
    assert model.scores(snap).tolist() == pytest.approx(expected)
    prob, y = model.predict([snap, snap])
    assert prob.shape == y.shape == (6,) and prob[:3].tolist() == pytest.approx([expected[i] for i in (0, 1, 3)])
    assert torch.equal(model.predict(snap)[0], prob[:3])
    with pytest.raises(TypeError, match="one snapshot"):
        model.scores([snap])
    with pytest.raises(ValueError, match="at least one snapshot"):
        model.predict([])
    with pytest.raises(ValueError, match="horizon"):
        contacts.HazardModel(tau=0.2, horizon=0.0)


def test_counts_check_their_inputs() -> None:
    edge_index, w, state = _path()
    with pytest.raises(ValueError, match="edge_weight"):
        contacts.infectious_contacts(edge_index, state, w[:2])
    with pytest.raises(ValueError, match="edge_index refers to node"):
        contacts.infectious_contacts(edge_index + 3, state)
    with pytest.raises(TypeError, match="state must be an integer"):
        contacts.infectious_contacts(edge_index, state.float())
    with pytest.raises(ValueError, match="edge_index is on meta"):
        contacts.infectious_contacts(edge_index.to("meta"), state)


def test_counts_stay_on_the_device_of_the_states_and_results_come_back_to_the_cpu() -> None:
    edge_index, w, state = _path()
    meta = contacts.two_hop_contacts(edge_index.to("meta"), state.to("meta"), w.to("meta"))
    assert meta.device.type == "meta" and meta.shape == (4,)
    snap = off_cpu(_snapshot())
    assert type(contacts.contact_features(snap)) is torch.Tensor
    assert type(contacts.HazardModel(0.2, 3.0).scores(snap)) is torch.Tensor
    assert contacts.risk_by_contacts([snap]).shape[0] == 4


def test_risk_by_contacts() -> None:
    table = contacts.risk_by_contacts([_snapshot([0.0, 1.0, 0.0, 1.0])], max_count=1)
    assert list(table.index) == ["0", "1+"]
    assert table.loc["0", "people"] == pytest.approx(1 / 3, abs=1e-4) and table.loc["1+", "people"] == pytest.approx(2 / 3, abs=1e-4)
    assert table.loc["1+", "infected"] == 1.0 and table.loc["0", "of all infections"] == 0.0
    with pytest.raises(ValueError, match="at least one snapshot"):
        contacts.risk_by_contacts([])
