"""The human skeleton as a graph: 17 joints in the Human3.6M order, 16 bones, a rest pose.

The joints and their order are those of Human3.6M (Ionescu et al. 2014), the
benchmark most 2D-to-3D lifting papers report on, so the names a learner meets
here are the ones in the papers. The rest pose is ours: a person standing
upright with the arms hanging, in millimetres, in the *body frame*

    x: the person's right,  y: where the person faces,  z: up,

with the pelvis (joint 0, ``Hip``) at the origin. The skeleton is a tree; as a
PyG ``Data`` it has both directions of every bone as edges.
"""
from __future__ import annotations

import networkx as nx
import torch
from torch_geometric.data import Data

from gdl_teach.core.validate import check_choice, check_edge_index, check_int
from gdl_teach.data.convert import networkx_from_edge_index

JOINT_NAMES: tuple[str, ...] = (
    "Hip", "RHip", "RKnee", "RFoot", "LHip", "LKnee", "LFoot", "Spine", "Thorax",
    "Neck/Nose", "Head", "LShoulder", "LElbow", "LWrist", "RShoulder", "RElbow", "RWrist",
)
NUM_JOINTS = len(JOINT_NAMES)
#: parent of every joint (-1 for the root); parents come before their children.
PARENTS: tuple[int, ...] = (-1, 0, 1, 2, 0, 4, 5, 0, 7, 8, 9, 8, 11, 12, 8, 14, 15)
#: the 16 bones as (parent, child) pairs, in the order of the child joint.
BONES: tuple[tuple[int, int], ...] = tuple((p, j) for j, p in enumerate(PARENTS) if p >= 0)
NUM_BONES = len(BONES)
#: where every joint goes in a mirror image (left and right swapped).
MIRROR: tuple[int, ...] = (0, 4, 5, 6, 1, 2, 3, 7, 8, 9, 10, 14, 15, 16, 11, 12, 13)
LEFT: tuple[int, ...] = (4, 5, 6, 11, 12, 13)
RIGHT: tuple[int, ...] = (1, 2, 3, 14, 15, 16)

#: each joint's offset from its parent in the rest pose, in mm (body frame: x right, y forward, z up).
_REST_OFFSETS = (
    (0, 0, 0),            # Hip (root)
    (130, 0, -10),        # RHip
    (0, 0, -450),         # RKnee: thigh
    (0, 0, -440),         # RFoot: shin
    (-130, 0, -10),       # LHip
    (0, 0, -450),         # LKnee
    (0, 0, -440),         # LFoot
    (0, 0, 230),          # Spine
    (0, 0, 250),          # Thorax
    (0, 60, 100),         # Neck/Nose
    (0, -40, 110),        # Head (top)
    (-150, 0, -10),       # LShoulder
    (0, 0, -280),         # LElbow: upper arm
    (0, 0, -250),         # LWrist: forearm
    (150, 0, -10),        # RShoulder
    (0, 0, -280),         # RElbow
    (0, 0, -250),         # RWrist
)


def rest_offsets() -> torch.Tensor:
    """Offsets of the rest pose: (17, 3) float32, mm; row ``j`` is joint ``j`` minus its parent."""
    return torch.tensor(_REST_OFFSETS, dtype=torch.float32)


def bone_lengths_rest() -> torch.Tensor:
    """Lengths of the 16 bones in the rest pose: (16,) mm, in the order of :data:`BONES`."""
    offsets = rest_offsets()
    return offsets[[child for _, child in BONES]].norm(dim=-1)


def edge_index() -> torch.Tensor:
    """Both directions of every bone: (2, 32) long, as PyG expects for an undirected graph."""
    e = torch.tensor(BONES, dtype=torch.long).t()  # (2, 16): parent -> child
    return torch.cat([e, e.flip(0)], dim=1)


def skeleton_graph(pos: torch.Tensor | None = None) -> Data:
    """The skeleton as a PyG ``Data``: 17 nodes, 32 directed edges (16 bones), joint names.

    Args:
        pos: optional (17, 3) joint positions; default the rest pose.

    Returns:
        ``Data(pos=(17, 3), edge_index=(2, 32), names=list of 17 str, parents=(17,))``.
    """
    if pos is None:
        pos = rest_positions()
    elif not isinstance(pos, torch.Tensor) or tuple(pos.shape) != (NUM_JOINTS, 3):
        raise ValueError(f"pos must be a (17, 3) tensor of joint positions, got "
                         f"{tuple(pos.shape) if isinstance(pos, torch.Tensor) else type(pos).__name__}")
    return Data(pos=pos.clone(), edge_index=edge_index(), names=list(JOINT_NAMES),
                parents=torch.tensor(PARENTS), num_nodes=NUM_JOINTS)


def rest_positions() -> torch.Tensor:
    """Joint positions of the rest pose: (17, 3) mm, pelvis at the origin (offsets summed down the tree)."""
    offsets = rest_offsets()
    pos = torch.zeros(NUM_JOINTS, 3)
    for j, p in enumerate(PARENTS):
        if p >= 0:
            pos[j] = pos[p] + offsets[j]
    return pos


def joint_index(name: str | int) -> int:
    """The index of a joint given by name (``"LWrist"``) or index; a clear error otherwise."""
    if isinstance(name, str):
        return JOINT_NAMES.index(check_choice("joint", name, JOINT_NAMES))
    return check_int("joint", name, min_value=0, max_value=NUM_JOINTS - 1)


def as_networkx() -> nx.Graph:
    """The skeleton as an undirected ``networkx.Graph`` on nodes ``0..16`` (for hops and paths)."""
    return networkx_from_edge_index(edge_index(), NUM_JOINTS)


def shortest_path(source: str | int, target: str | int) -> list[str]:
    """The joints on the path between two joints, by name (the skeleton is a tree: the path is unique)."""
    path = nx.shortest_path(as_networkx(), joint_index(source), joint_index(target))
    return [JOINT_NAMES[j] for j in path]


def hop_distances() -> torch.Tensor:
    """(17, 17) long: the number of bones between every two joints."""
    lengths = dict(nx.all_pairs_shortest_path_length(as_networkx()))
    return torch.tensor([[lengths[i][j] for j in range(NUM_JOINTS)] for i in range(NUM_JOINTS)])


def subtree(joint: str | int) -> list[int]:
    """The joint and every joint below it in the tree (e.g. ``LShoulder`` -> shoulder, elbow, wrist)."""
    root = joint_index(joint)
    out = [root]
    for j in range(root + 1, NUM_JOINTS):  # parents come first, so one pass finds all descendants
        if PARENTS[j] in out:
            out.append(j)
    return out


def normalized_adjacency(edge_index: torch.Tensor, num_nodes: int) -> torch.Tensor:
    """GCN's propagation matrix ``D^-1/2 (A + I) D^-1/2`` as a dense (N, N) tensor.

    Kipf & Welling, "Semi-Supervised Classification with Graph Convolutional
    Networks", ICLR 2017, https://arxiv.org/abs/1609.02907: self-loops keep a
    node's own features, and the symmetric normalisation keeps repeated
    products from growing with the degree.

    Args:
        edge_index: (2, E) both directions of every edge, no self-loops.
        num_nodes: N.

    Returns:
        (N, N) float32, symmetric, entry (i, j) = 1 / sqrt(d_i d_j) for neighbours and i = j.
    """
    num_nodes = check_int("num_nodes", num_nodes, min_value=1)
    edge_index = check_edge_index("edge_index", edge_index, num_nodes)
    adj = torch.zeros(num_nodes, num_nodes)
    adj[edge_index[1], edge_index[0]] = 1.0
    adj = adj + torch.eye(num_nodes)
    inv_sqrt = adj.sum(dim=1).rsqrt()
    return inv_sqrt[:, None] * adj * inv_sqrt[None, :]
