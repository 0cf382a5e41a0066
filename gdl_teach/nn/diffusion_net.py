"""A DiffusionNet-style network: per-vertex MLPs joined by learned heat diffusion on the surface.

From Sharp, Attaiki, Crane & Ovsjanikov, "DiffusionNet: Discretization
Agnostic Learning on Surfaces", ACM Transactions on Graphics 2022,
https://arxiv.org/abs/2012.00888.

The only way information moves across the surface is **heat diffusion**,
computed in the Laplacian eigenbasis (``L phi_i = lambda_i M phi_i``, see
:mod:`gdl_teach.geometry.laplacian`), with one learned time ``t_c >= 0`` per
channel:

.. math::

    h_c \\leftarrow \\sum_{i=1}^{k} e^{-\\lambda_i t_c}\\, \\langle \\phi_i, h_c \\rangle_M \\, \\phi_i ,
    \\qquad \\langle \\phi_i, h \\rangle_M = \\sum_x M_x \\phi_i(x) h(x).

A small ``t`` keeps features local, a large ``t`` averages over the whole
shape; the network learns which. Each block then applies a per-vertex MLP to
``[h, diffused h]`` and adds the result (a residual). Because diffusion is
defined by the surface and not by the triangles, the same weights work on
another meshing of the same shape. This version leaves out the paper's
spatial-gradient features (which give orientation awareness); it is small
enough to read in a lesson.

Symmetries (tested with :mod:`gdl_teach.core.symmetry`): equivariant to any
renumbering of the vertices; invariant to the sign of each eigenvector (and to
any orthonormal change of basis within an eigenspace); it never sees
coordinates, so with intrinsic inputs (e.g. the heat kernel signature) the
whole model is invariant to rotations and translations.
"""
from __future__ import annotations

import torch
from torch import nn

from gdl_teach.core.validate import check_int, check_tensor


class SpectralDiffusion(nn.Module):
    """Heat diffusion of each channel for a learned time, in a truncated Laplacian eigenbasis.

    Args:
        channels: C, one diffusion time per channel.
        init_time: the times' initial value (``0`` diffuses only as far as the
            truncation to ``k`` eigenvectors smooths).

    Shapes:
        - **input:** x ``(N, C)``, evals ``(B, k)`` or ``(k,)``, evecs ``(N, k)``,
          mass ``(N,)``, batch ``(N,)`` or ``None`` (graph of each vertex, as in PyG)
        - **output:** ``(N, C)``
    """

    def __init__(self, channels: int, init_time: float = 0.0) -> None:
        super().__init__()
        self.channels = check_int("channels", channels, min_value=1)
        self.time = nn.Parameter(torch.full((channels,), float(init_time)))

    def forward(self, x: torch.Tensor, evals: torch.Tensor, evecs: torch.Tensor, mass: torch.Tensor,
                batch: torch.Tensor | None = None) -> torch.Tensor:
        evals, batch = _check_spectral(x, evals, evecs, mass, batch, self.channels)
        t = self.time.clamp_min(0.0)
        if batch is None:
            return diffuse(x, evals[0], evecs, mass, t)
        sizes = torch.bincount(batch, minlength=evals.shape[0]).tolist()  # PyG keeps each mesh's vertices together
        return torch.cat([diffuse(*parts, t) for parts in zip(x.split(sizes), evals, evecs.split(sizes),
                                                              mass.split(sizes))])


def diffuse(x: torch.Tensor, evals: torch.Tensor, evecs: torch.Tensor, mass: torch.Tensor,
            time: torch.Tensor) -> torch.Tensor:
    """Heat diffusion of each channel of ``x`` on one mesh, channel ``c`` for ``time[c]``, in the eigenbasis.

    Args:
        x: (n, C) features; evals: (k,); evecs: (n, k) M-orthonormal; mass: (n,) vertex areas;
        time: (C,) diffusion times >= 0.

    Returns:
        (n, C) diffused features.
    """
    coeffs = evecs.T @ (mass[:, None] * x)                  # (k, C): <phi_i, x>_M
    decay = torch.exp(-evals[:, None] * time[None, :])      # (k, C): each frequency fades at its own rate
    return evecs @ (decay * coeffs)


def _check_spectral(x: torch.Tensor, evals: torch.Tensor, evecs: torch.Tensor, mass: torch.Tensor,
                    batch: torch.Tensor | None, channels: int) -> tuple[torch.Tensor, torch.Tensor | None]:
    check_tensor("x", x, shape=(None, channels), floating=True)
    check_tensor("evecs", evecs, shape=(x.shape[0], None), floating=True)
    check_tensor("mass", mass, shape=(x.shape[0],), floating=True)
    evals = check_tensor("evals", evals, floating=True)
    if evals.dim() == 1:
        evals = evals[None]
    if evals.dim() != 2 or evals.shape[1] != evecs.shape[1]:
        raise ValueError(f"evals must have shape (k,) or (B, k) with k = {evecs.shape[1]} (evecs' columns), "
                         f"got {tuple(evals.shape)}")
    if batch is None and evals.shape[0] != 1:
        raise ValueError(f"batch is needed when evals holds {evals.shape[0]} graphs")
    if batch is not None:
        check_tensor("batch", batch, shape=(x.shape[0],), integer=True)
    return evals, batch


class DiffusionNetBlock(nn.Module):
    """One DiffusionNet block: ``h + MLP([h, diffuse(h)])`` with a learned diffusion time per channel.

    Args:
        channels: C, the width kept through the block.
        hidden_channels: width of the MLP's hidden layer (default C).

    Shapes:
        - **input:** h ``(N, C)`` and the spectral inputs of :class:`SpectralDiffusion`
        - **output:** ``(N, C)``
    """

    def __init__(self, channels: int, hidden_channels: int | None = None) -> None:
        super().__init__()
        hidden_channels = channels if hidden_channels is None else check_int("hidden_channels", hidden_channels,
                                                                             min_value=1)
        self.diffusion = SpectralDiffusion(channels)
        self.mlp = nn.Sequential(nn.Linear(2 * channels, hidden_channels), nn.ReLU(),
                                 nn.Linear(hidden_channels, channels))

    def forward(self, h: torch.Tensor, evals: torch.Tensor, evecs: torch.Tensor, mass: torch.Tensor,
                batch: torch.Tensor | None = None) -> torch.Tensor:
        diffused = self.diffusion(h, evals, evecs, mass, batch)
        return h + self.mlp(torch.cat([h, diffused], dim=1))


class DiffusionNet(nn.Module):
    """A DiffusionNet-style model: linear in, ``num_blocks`` diffusion blocks, linear out.

    Args:
        in_channels: input features per vertex (e.g. 16 HKS scales).
        hidden_channels: width C of the blocks.
        out_channels: outputs per vertex (e.g. class logits).
        num_blocks: number of :class:`DiffusionNetBlock`.

    Shapes:
        - **input:** x ``(N, in_channels)``, evals ``(B, k)`` or ``(k,)``,
          evecs ``(N, k)``, mass ``(N,)``, batch ``(N,)`` or ``None``
        - **output:** ``(N, out_channels)``
    """

    def __init__(self, in_channels: int, hidden_channels: int, out_channels: int, num_blocks: int = 2) -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels, min_value=1)
        check_int("hidden_channels", hidden_channels, min_value=1)
        check_int("out_channels", out_channels, min_value=1)
        check_int("num_blocks", num_blocks, min_value=1)
        self.lin_in = nn.Linear(in_channels, hidden_channels)
        self.blocks = nn.ModuleList(DiffusionNetBlock(hidden_channels) for _ in range(num_blocks))
        self.lin_out = nn.Linear(hidden_channels, out_channels)

    def forward(self, x: torch.Tensor, evals: torch.Tensor, evecs: torch.Tensor, mass: torch.Tensor,
                batch: torch.Tensor | None = None) -> torch.Tensor:
        check_tensor("x", x, shape=(None, self.in_channels), floating=True)
        h = self.lin_in(x)
        for block in self.blocks:
            h = block(h, evals, evecs, mass, batch)
        return self.lin_out(h)
