"""The skeleton graph: a tree of 17 joints, its mirror symmetry and GCN's propagation matrix."""
from __future__ import annotations

import networkx as nx
import pytest
import torch
from torch_geometric.nn.conv.gcn_conv import gcn_norm
from torch_geometric.utils import to_dense_adj

from gdl_teach.pose import skeleton


def test_a_tree_of_17_joints_and_16_bones() -> None:
    graph = skeleton.as_networkx()
    assert graph.number_of_nodes() == 17 and graph.number_of_edges() == 16 and nx.is_tree(graph)
    assert skeleton.edge_index().shape == (2, 32)
    assert all(p < j for j, p in enumerate(skeleton.PARENTS) if p >= 0), "parents must come first"
    data = skeleton.skeleton_graph()
    assert data.num_nodes == 17 and data.pos.shape == (17, 3) and data.names[13] == "LWrist"


def test_mirror_is_an_automorphism_swapping_left_and_right() -> None:
    mirror = skeleton.MIRROR
    assert [mirror[m] for m in mirror] == list(range(17))
    assert sorted(mirror[j] for j in skeleton.LEFT) == sorted(skeleton.RIGHT)
    bones = {frozenset(b) for b in skeleton.BONES}
    assert {frozenset((mirror[a], mirror[b])) for a, b in skeleton.BONES} == bones
    rest = skeleton.rest_positions()
    assert torch.allclose(rest[list(mirror)] * torch.tensor([-1.0, 1, 1]), rest)


def test_rest_pose_stands_upright_facing_forward() -> None:
    rest = skeleton.rest_positions()
    names = skeleton.JOINT_NAMES
    assert rest[names.index("Head"), 2] > 600 and rest[names.index("LFoot"), 2] < -800
    assert rest[names.index("RHip"), 0] > 0 > rest[names.index("LHip"), 0], "x points to the person's right"
    assert rest[names.index("Neck/Nose"), 1] > 0, "the nose points forward (+y)"


def test_paths_hops_and_subtrees() -> None:
    assert skeleton.shortest_path("RWrist", "LFoot") == [
        "RWrist", "RElbow", "RShoulder", "Thorax", "Spine", "Hip", "LHip", "LKnee", "LFoot"]
    hops = skeleton.hop_distances()
    assert hops.shape == (17, 17) and int(hops.max()) == 8 and torch.equal(hops, hops.t())
    assert skeleton.subtree("LShoulder") == [11, 12, 13]
    assert skeleton.subtree("Spine") == [7, 8, 9, 10, 11, 12, 13, 14, 15, 16]


def test_normalized_adjacency_matches_pyg() -> None:
    ei = skeleton.edge_index()
    ours = skeleton.normalized_adjacency(ei, 17)
    ei_norm, w = gcn_norm(ei, num_nodes=17, add_self_loops=True)
    theirs = to_dense_adj(ei_norm, edge_attr=w, max_num_nodes=17)[0].t()
    assert torch.allclose(ours, theirs, atol=1e-6) and torch.allclose(ours, ours.t())


def test_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="joint must be one of"):
        skeleton.joint_index("LeftWrist")
    with pytest.raises(ValueError, match="joint must be <= 16"):
        skeleton.joint_index(17)
    with pytest.raises(ValueError, match="pos must be a \\(17, 3\\) tensor"):
        skeleton.skeleton_graph(torch.zeros(16, 3))
    with pytest.raises(ValueError, match="edge_index refers to node 17"):
        skeleton.normalized_adjacency(torch.tensor([[0, 17], [17, 0]]), 17)
