"""Zachary's karate club: a small real social network that several lessons use."""
from __future__ import annotations

import networkx as nx
import torch
from torch_geometric.data import Data

from gdl_teach.core.splits import per_class_masks
from gdl_teach.core.validate import check_choice, check_int
from gdl_teach.data.convert import edge_index_from_networkx


def load_karate_club(features: str = "identity", train_per_class: int = 4, num_val: int = 0,
                     seed: int = 0) -> Data:
    """Zachary's karate club (Zachary 1977), as shipped with networkx.

    Real data: 34 members of a university karate club and their 78 friendships
    outside the club. The club split in two; ``y`` says which side each member
    joined (0 = Mr. Hi, 1 = Officer).

    Args:
        features: ``"identity"`` (x = (34, 34) one-hot node ids, the classic
            choice: the features say nothing but "who am I") or ``"constant"``
            (x = (34, 1) ones).
        train_per_class: labelled members per club (the rest are val/test).
        num_val: validation members (0 for training with a fixed number of epochs).
        seed: seed of the split.

    Returns:
        ``Data(x, edge_index (2, 156), y (34,), train_mask, val_mask, test_mask)``.
    """
    check_choice("features", features, ("identity", "constant"))
    train_per_class = check_int("train_per_class", train_per_class, min_value=1)
    num_val = check_int("num_val", num_val, min_value=0)
    seed = check_int("seed", seed, min_value=0)
    graph = nx.karate_club_graph()
    n = graph.number_of_nodes()
    y = torch.tensor([0 if graph.nodes[i]["club"] == "Mr. Hi" else 1 for i in range(n)])
    x = torch.eye(n) if features == "identity" else torch.ones(n, 1)
    g = torch.Generator().manual_seed(seed)
    train, val, test = per_class_masks(y, train_per_class, num_val, g)
    return Data(x=x, edge_index=edge_index_from_networkx(graph), y=y,
                train_mask=train, val_mask=val, test_mask=test, name="karate club")
