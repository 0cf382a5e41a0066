"""gdl_teach.epidemics.town: the synthetic town, the karate club as a contact network, features and layout."""
from __future__ import annotations

import networkx as nx
import pytest
import torch

from gdl_teach.data.karate import load_karate_club
from gdl_teach.epidemics import town


def _edges(G: nx.Graph) -> list[tuple]:
    return sorted((a, b, d["setting"], d["weight"]) for a, b, d in G.edges(data=True))


def test_town_is_seeded(small_town: nx.Graph) -> None:
    again = town.make_town(60, seed=1)
    assert _edges(again) == _edges(small_town)
    assert [again.nodes[v] for v in again] == [small_town.nodes[v] for v in small_town]
    assert _edges(town.make_town(60, seed=2)) != _edges(small_town)
    assert again.graph["params"]["num_households"] == 60


def test_town_structure(small_town: nx.Graph) -> None:
    n = small_town.number_of_nodes()
    assert set(small_town.nodes) == set(range(n)) and n >= 60
    for _, d in small_town.nodes(data=True):
        assert d["age_group"] in (0, 1, 2)
        assert (d["school_class"] >= 0) == (d["age_group"] == 0), "children, and only children, are in a class"
        if d["workplace"] >= 0:
            assert d["age_group"] == 1, "only adults work"
        if d["age_group"] == 0:
            assert d["household_size"] >= 3, "children live with two adults"
    households: dict[int, list[int]] = {}
    for v, d in small_town.nodes(data=True):
        households.setdefault(d["household"], []).append(v)
    for members in households.values():
        assert all(small_town.nodes[m]["household_size"] == len(members) for m in members)
        for i in members:
            for j in members:
                if i < j:
                    assert small_town.edges[i, j]["setting"] == "household"
    for a, b, d in small_town.edges(data=True):
        assert d["setting"] in town.SETTINGS
        assert d["weight"] == town.DEFAULT_WEIGHTS[d["setting"]]
        if d["setting"] == "school":
            assert small_town.nodes[a]["school_class"] == small_town.nodes[b]["school_class"] >= 0
        if d["setting"] == "work":
            assert small_town.nodes[a]["workplace"] == small_town.nodes[b]["workplace"] >= 0
    summary = town.town_summary(small_town)
    assert summary["people"] == n and summary["contacts"] == small_town.number_of_edges()
    assert town.town_layout(small_town).shape == (n, 2)


def test_town_parameters_change_the_town() -> None:
    quiet = town.make_town(60, school_contacts=0.0, work_contacts=0.0, community_contacts=0.0, seed=1)
    assert {d["setting"] for _, _, d in quiet.edges(data=True)} == {"household"}
    heavy = town.make_town(60, weights={"household": 2.0}, seed=1)
    assert all(d["weight"] == 2.0 for _, _, d in heavy.edges(data=True) if d["setting"] == "household")
    singles = town.make_town(20, household_sizes=[1.0], seed=0)
    assert singles.number_of_nodes() == 20
    assert town.make_town(1, seed=0).number_of_nodes() >= 1, "one household has no neighbours to meet"


@pytest.mark.parametrize("kwargs, error, match", [
    ({"num_households": 0}, ValueError, "num_households"),
    ({"num_households": 2.5}, TypeError, "num_households"),
    ({"household_sizes": [0.5, 0.2]}, ValueError, "household_sizes"),
    ({"household_sizes": [1.2, -0.2]}, ValueError, "household_sizes"),
    ({"num_neighbourhoods": 0}, ValueError, "num_neighbourhoods"),
    ({"class_size": 1}, ValueError, "class_size"),
    ({"school_contacts": -1.0}, ValueError, "school_contacts"),
    ({"employment": 1.5}, ValueError, "employment"),
    ({"weights": {"pub": 1.0}}, ValueError, "weights"),
    ({"weights": {"school": -1.0}}, ValueError, "weights"),
    ({"weights": [1.0]}, TypeError, "weights"),
    ({"seed": -1}, ValueError, "seed"),
])
def test_town_validates_its_arguments(kwargs: dict, error: type, match: str) -> None:
    args = {"num_households": 10, **kwargs}
    with pytest.raises(error, match=match):
        town.make_town(**args)


def test_karate_town_is_the_shared_karate_club_with_town_attributes() -> None:
    G = town.karate_town()
    shared = load_karate_club()
    assert G.number_of_nodes() == 34 and G.number_of_edges() == 78
    assert {frozenset(e) for e in G.edges()} == {frozenset(e) for e in shared.edge_index.t().tolist()}
    assert {frozenset(e) for e in G.edges()} == {frozenset(e) for e in nx.karate_club_graph().edges()}
    assert all(d == {"setting": "community", "weight": 1.0} for _, _, d in G.edges(data=True))


def test_town_to_data_features_and_edges() -> None:
    G = town.karate_town()
    data = town.town_to_data(G)
    assert data.edge_index.shape == (2, 156) and data.x.shape == (34, len(town.PERSON_FEATURES))
    src, dst = data.edge_index
    assert set(zip(src.tolist(), dst.tolist())) == set(zip(dst.tolist(), src.tolist())), "both directions"
    assert torch.allclose(data.x[:, :3].sum(1), torch.ones(34))
    assert torch.allclose(data.x[:, 4], torch.log1p(torch.tensor([float(G.degree(v)) for v in range(34)])))
    assert data.edge_weight.shape == data.edge_setting.shape == (156,)


def test_town_to_data_keeps_node_ids_and_attributes_per_edge(small_town: nx.Graph) -> None:
    data = town.town_to_data(small_town)
    for (a, b), w, s in zip(data.edge_index.t().tolist(), data.edge_weight.tolist(), data.edge_setting.tolist()):
        d = small_town.edges[a, b]
        assert abs(w - d["weight"]) < 1e-6 and town.SETTINGS[s] == d["setting"]
    # a graph whose nodes were added out of order keeps its ids (PyG's from_networkx would renumber them)
    G = nx.Graph()
    G.add_edge(2, 0, weight=0.5)
    G.add_edge(1, 2)
    data = town.town_to_data(G)
    pairs = {tuple(e): w for e, w in zip(data.edge_index.t().tolist(), data.edge_weight.tolist())}
    assert pairs == {(0, 2): 0.5, (2, 0): 0.5, (1, 2): 1.0, (2, 1): 1.0}
    assert torch.allclose(data.x[:, 4], torch.log1p(torch.tensor([1.0, 1.0, 2.0])))


def test_graph_checks() -> None:
    with pytest.raises(TypeError, match="G must be an undirected"):
        town.check_graph("G", nx.DiGraph([(0, 1)]))
    with pytest.raises(ValueError, match="nodes 0..1"):
        town.check_graph("G", nx.Graph([(5, 7)]))
    with pytest.raises(ValueError, match="at least one node"):
        town.check_graph("G", nx.Graph())


def test_graph_fingerprint_sees_edges_and_weights(small_town: nx.Graph) -> None:
    same = town.make_town(60, seed=1)
    assert town.graph_fingerprint(same) == town.graph_fingerprint(small_town)
    heavier = town.make_town(60, weights={"work": 0.5}, seed=1)
    assert town.graph_fingerprint(heavier) != town.graph_fingerprint(small_town)


def test_town_layout_uses_the_map_or_a_seeded_spring_layout(small_town: nx.Graph) -> None:
    pos = town.town_layout(small_town)
    assert pos[3].tolist() == list(small_town.nodes[3]["pos"])
    karate = town.karate_town()
    a, b = town.town_layout(karate, seed=1), town.town_layout(karate, seed=1)
    assert a.shape == (34, 2) and (a == b).all()
    assert not (a == town.town_layout(karate, seed=2)).all()
