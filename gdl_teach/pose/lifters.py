"""2D-to-3D lifters: an MLP on the flattened keypoints and graph networks on the skeleton.

All lifters map ``(B, 17, 3)`` keypoints ``(u, v, visible)`` to ``(B, 17, 3)``
root-relative joints in mm, and can produce them in two output spaces:

- ``"joints"``: free 3D coordinates for every joint (what the papers do);
- ``"bones"``: a direction for every bone and one body scale; the joints then
  follow by forward kinematics along the tree with the template's bone
  lengths times the scale, so bone lengths and left/right symmetry are exact by
  construction (:func:`bones_to_joints`).
"""
from __future__ import annotations

import torch
from torch import nn

from gdl_teach.core.validate import check_choice, check_int, check_tensor
from gdl_teach.pose.graph_layers import DenseGCNConv, SemGraphConv
from gdl_teach.pose.skeleton import NUM_JOINTS, PARENTS, bone_lengths_rest, edge_index, normalized_adjacency

OUTPUTS = ("joints", "bones")
MM_PER_UNIT = 1000.0  # networks work in metres; targets and predictions are in mm


def bones_to_joints(raw: torch.Tensor) -> torch.Tensor:
    """Joints from bone directions by forward kinematics: (B, 17, 3) raw output -> (B, 17, 3) mm.

    Row ``j >= 1`` of ``raw`` points along the bone from ``PARENTS[j]`` to ``j``
    (its length is ignored); ``raw[:, 0, 0]`` is the log of the body scale. The
    bone lengths are the template's (:func:`~gdl_teach.pose.skeleton.bone_lengths_rest`) times the scale.
    """
    check_tensor("raw", raw, shape=(None, NUM_JOINTS, 3), floating=True)
    lengths = bone_lengths_rest().to(raw) * torch.exp(raw[:, 0, :1])  # (B, 16)
    direction = raw[:, 1:] / raw[:, 1:].norm(dim=-1, keepdim=True).clamp(min=1e-6)
    bones = direction * lengths[..., None]
    joints = [torch.zeros_like(raw[:, 0])]
    for j in range(1, NUM_JOINTS):
        joints.append(joints[PARENTS[j]] + bones[:, j - 1])
    return torch.stack(joints, dim=1)


def _to_output(raw: torch.Tensor, output: str) -> torch.Tensor:
    if output == "bones":
        return bones_to_joints(raw)
    return (raw - raw[:, :1]) * MM_PER_UNIT  # root-relative, like the target


class MLPLifter(nn.Module):
    """The "simple baseline" lifter: an MLP with residual blocks on the flattened 2D pose.

    Martinez, Hossain, Romero, Little, "A simple yet effective baseline for 3d
    human pose estimation", ICCV 2017, https://arxiv.org/abs/1705.03098:
    ``Linear -> [BN, ReLU] -> num_blocks x (2 x (Linear, BN, ReLU) + skip) -> Linear``
    (their model: 1024 wide, 2 blocks, dropout 0.5; here much smaller).

    Args:
        hidden_channels: width C.
        num_blocks: residual blocks.
        output: ``"joints"`` or ``"bones"`` (see the module docstring).

    Shapes:
        input (B, 17, 3) -> output (B, 17, 3) mm.
    """

    def __init__(self, hidden_channels: int = 64, num_blocks: int = 1, output: str = "joints") -> None:
        super().__init__()
        check_int("hidden_channels", hidden_channels, min_value=1)
        check_int("num_blocks", num_blocks, min_value=0)
        self.output = check_choice("output", output, OUTPUTS)
        size = NUM_JOINTS * 3
        self.inp = nn.Sequential(nn.Linear(size, hidden_channels), nn.BatchNorm1d(hidden_channels), nn.ReLU())
        self.blocks = nn.ModuleList(
            nn.Sequential(nn.Linear(hidden_channels, hidden_channels), nn.BatchNorm1d(hidden_channels), nn.ReLU(),
                          nn.Linear(hidden_channels, hidden_channels), nn.BatchNorm1d(hidden_channels), nn.ReLU())
            for _ in range(num_blocks))
        self.out = nn.Linear(hidden_channels, size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_tensor("x", x, shape=(None, NUM_JOINTS, 3), floating=True)
        h = self.inp(x.flatten(1))  # (B, 51) -> (B, C): every joint sees every other joint at once
        for block in self.blocks:
            h = h + block(h)
        return _to_output(self.out(h).view(-1, NUM_JOINTS, 3), self.output)


class _NodeNorm(nn.Module):
    """BatchNorm over channels for (B, N, C) node features (statistics over batch and nodes)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm1d(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(x.flatten(0, 1)).view_as(x)


class GraphLifter(nn.Module):
    """A lifter that passes messages along the skeleton's bones.

    ``conv -> BN -> ReLU``, then ``num_blocks`` residual blocks of two such
    layers, then a last conv to 3 numbers per joint; the layout of SemGCN
    (Zhao et al. 2019, https://arxiv.org/abs/1904.03345) without its non-local
    layer. With ``conv="gcn"`` every layer is :class:`~gdl_teach.pose.graph_layers.DenseGCNConv`
    (Kipf & Welling 2017, https://arxiv.org/abs/1609.02907), with ``conv="sem"``
    :class:`~gdl_teach.pose.graph_layers.SemGraphConv`.

    Args:
        hidden_channels: width C per joint.
        num_blocks: residual blocks (each adds two layers: the receptive field grows by 2 bones).
        conv: ``"gcn"`` or ``"sem"``.
        output: ``"joints"`` or ``"bones"``.

    Shapes:
        input (B, 17, 3) -> output (B, 17, 3) mm.
    """

    def __init__(self, hidden_channels: int = 64, num_blocks: int = 3, conv: str = "sem",
                 output: str = "joints") -> None:
        super().__init__()
        check_int("hidden_channels", hidden_channels, min_value=1)
        check_int("num_blocks", num_blocks, min_value=0)
        self.conv_kind = check_choice("conv", conv, ("gcn", "sem"))
        self.output = check_choice("output", output, OUTPUTS)
        ei = edge_index()
        if conv == "gcn":
            adjacency = normalized_adjacency(ei, NUM_JOINTS)
        else:
            adjacency = torch.zeros(NUM_JOINTS, NUM_JOINTS)
            adjacency[ei[1], ei[0]] = 1.0
        layer = DenseGCNConv if conv == "gcn" else SemGraphConv
        c = hidden_channels
        self.inp = layer(3, c, adjacency)
        self.convs = nn.ModuleList(layer(c, c, adjacency) for _ in range(2 * num_blocks))
        self.norms = nn.ModuleList(_NodeNorm(c) for _ in range(2 * num_blocks + 1))
        self.out = layer(c, 3, adjacency)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_tensor("x", x, shape=(None, NUM_JOINTS, 3), floating=True)
        h = torch.relu(self.norms[0](self.inp(x)))
        for k in range(0, len(self.convs), 2):
            y = torch.relu(self.norms[k + 1](self.convs[k](h)))
            h = h + torch.relu(self.norms[k + 2](self.convs[k + 1](y)))
        return _to_output(self.out(h), self.output)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def make_lifter(kind: str, budget: int, output: str = "joints") -> nn.Module:
    """The widest lifter of a kind whose parameter count stays within ``budget``.

    Args:
        kind: ``"mlp"``, ``"gcn"`` or ``"sem"`` (depths: 1 block for the MLP, 3 for the graph lifters).
        budget: the most trainable parameters allowed.
        output: ``"joints"`` or ``"bones"``.
    """
    check_choice("kind", kind, ("mlp", "gcn", "sem"))
    budget = check_int("budget", budget, min_value=500)

    def build(width: int) -> nn.Module:
        if kind == "mlp":
            return MLPLifter(width, num_blocks=1, output=output)
        return GraphLifter(width, num_blocks=3, conv=kind, output=output)

    width = 2
    while count_parameters(build(width + 1)) <= budget:
        width += 1
    if count_parameters(build(width)) > budget:
        raise ValueError(f"budget must allow the smallest {kind} lifter ({count_parameters(build(width))} "
                         f"parameters), got {budget}")
    return build(width)
