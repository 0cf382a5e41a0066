r"""Charged particles in 3D: the N-body task of the EGNN paper, simulated by the kit (synthetic, seeded).

Satorras, Hoogeboom & Welling (2021, https://arxiv.org/abs/2102.09844, section
5.1) take the charged-particle system of Kipf et al.'s NRI
(https://arxiv.org/abs/1802.04687) to 3D: five particles with charges
:math:`\pm 1`, positions drawn from :math:`\mathcal N(0, 1)`, speeds of 0.5 in
random directions, Coulomb forces

.. math::
    F_i = \sum_{j \ne i} q_i q_j \frac{x_i - x_j}{\lVert x_i - x_j \rVert^3}

(like charges repel), each component clipped at 100 as in their code, unit
masses, time step 0.001. After a burn-in the input is the state (positions,
velocities, charges); the target is the positions 1,000 steps later. The kit
integrates with velocity Verlet (the paper's code uses a kick-drift leapfrog);
both are accurate to well below the errors the models make.

The physics has the symmetries the lesson builds into its models: rotating,
reflecting or translating the initial state rotates, reflects or translates
the whole trajectory; relabelling the particles relabels it; and without the
force clipping it conserves momentum and, up to integration error, energy.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import torch
from torch_geometric.data import Data

from gdl_teach.core.cache import cached
from gdl_teach.core.validate import check_float, check_int, check_tensor
from gdl_teach.equivariance.groups import random_orthogonals

__all__ = ["NBodySystems", "coulomb_forces", "simulate", "simulate_charged_systems", "complete_graph",
           "system_batch", "NBodyBatches", "energy", "momentum"]


@dataclass(frozen=True)
class NBodySystems:
    """Simulated systems: initial states and the positions a fixed time later.

    Attributes:
        charges: ``(S, P)`` charges, +1 or -1.
        pos: ``(S, P, 3)`` input positions.
        vel: ``(S, P, 3)`` input velocities.
        target: ``(S, P, 3)`` positions ``num_steps`` steps later.
        target_vel: ``(S, P, 3)`` velocities then.
    """

    charges: torch.Tensor
    pos: torch.Tensor
    vel: torch.Tensor
    target: torch.Tensor
    target_vel: torch.Tensor

    def __len__(self) -> int:
        return self.pos.shape[0]

    def subset(self, idx: torch.Tensor) -> NBodySystems:
        """The systems ``idx`` as a new :class:`NBodySystems`."""
        return NBodySystems(*(t[idx] for t in (self.charges, self.pos, self.vel, self.target, self.target_vel)))


class _Pairs:
    """The pairs ``i < j`` of P particles and the +1/-1 matrix that sums pair forces onto particles."""

    def __init__(self, num_particles: int, dtype: torch.dtype, device: torch.device) -> None:
        self.first, self.second = torch.triu_indices(num_particles, num_particles, 1, device=device)
        cols = torch.arange(len(self.first), device=device)
        self.signs = torch.zeros(num_particles, len(cols), dtype=dtype, device=device)
        self.signs[self.first, cols] = 1.0  # i feels the pair force
        self.signs[self.second, cols] = -1.0  # j feels its opposite


def _pair_forces(pos: torch.Tensor, pair_charges: torch.Tensor, pairs: _Pairs, max_force: float | None
                 ) -> torch.Tensor:
    """Forces in the simulator's layout: ``pos (P, 3, S)``, ``pair_charges (pairs, 1, S)`` -> ``(P, 3, S)``.

    Particle-major with the systems last, every line works on long contiguous
    rows: three times faster than ``(S, P, 3)`` for a few particles and many systems.
    """
    diff = pos[pairs.first] - pos[pairs.second]  # (pairs, 3, S): x_i - x_j
    dist2 = (diff * diff).sum(1, keepdim=True)  # (pairs, 1, S)
    pair_force = diff * (pair_charges * dist2.pow(-1.5))  # (pairs, 3, S): force on i from j
    forces = (pairs.signs @ pair_force.flatten(1)).view_as(pos)  # (P, 3, S)
    return forces if max_force is None else forces.clamp(-max_force, max_force)


def _pair_charges(charges: torch.Tensor) -> torch.Tensor:
    first, second = torch.triu_indices(charges.shape[1], charges.shape[1], 1, device=charges.device)
    return (charges[:, first] * charges[:, second]).T.unsqueeze(1)  # (pairs, 1, S)


def coulomb_forces(pos: torch.Tensor, charges: torch.Tensor, max_force: float | None = 100.0) -> torch.Tensor:
    """Forces between charged particles: ``F_i = sum_j q_i q_j (x_i - x_j) / |x_i - x_j|^3``.

    Args:
        pos: ``(S, P, 3)`` positions.
        charges: ``(S, P)``.
        max_force: clip each force component to ``[-max_force, max_force]`` (``None``: no clipping).

    Returns:
        ``(S, P, 3)`` forces (unit masses: accelerations).
    """
    pos = check_tensor("pos", pos, shape=(None, None, 3), floating=True)
    check_tensor("charges", charges, shape=tuple(pos.shape[:2]))
    pairs = _Pairs(pos.shape[1], pos.dtype, pos.device)
    forces = _pair_forces(pos.permute(1, 2, 0), _pair_charges(charges.to(pos.dtype)), pairs, max_force)
    return forces.permute(2, 0, 1).contiguous()


def simulate(pos: torch.Tensor, vel: torch.Tensor, charges: torch.Tensor, num_steps: int, dt: float = 1e-3,
             max_force: float | None = 100.0, record_every: int = 0) -> tuple[torch.Tensor, torch.Tensor, list]:
    """Integrate ``num_steps`` steps of velocity Verlet from ``(pos, vel)`` (float64 recommended).

    Args:
        pos: ``(S, P, 3)`` positions.
        vel: ``(S, P, 3)`` velocities.
        charges: ``(S, P)``.
        num_steps: number of time steps.
        dt: the time step.
        max_force: force clipping, see :func:`coulomb_forces`.
        record_every: also return the positions every this many steps (0: none).

    Returns:
        ``(pos, vel, frames)``: the final state (new tensors) and the recorded ``(S, P, 3)`` positions,
        the initial ones first.
    """
    pos = check_tensor("pos", pos, shape=(None, None, 3), floating=True)
    check_tensor("vel", vel, shape=tuple(pos.shape), floating=True)
    check_tensor("charges", charges, shape=tuple(pos.shape[:2]))
    num_steps = check_int("num_steps", num_steps, min_value=0)
    dt = check_float("dt", dt, min_value=0.0, strict_min=True)
    record_every = check_int("record_every", record_every, min_value=0)
    x, v = pos.permute(1, 2, 0).clone(), vel.permute(1, 2, 0).clone()  # (P, 3, S)
    pair_charges, pairs = _pair_charges(charges.to(pos.dtype)), _Pairs(pos.shape[1], pos.dtype, pos.device)
    acc = _pair_forces(x, pair_charges, pairs, max_force)
    frames = [pos.clone()] if record_every else []
    for step in range(1, num_steps + 1):
        v.add_(acc, alpha=0.5 * dt)  # half kick
        x.add_(v, alpha=dt)  # drift
        acc = _pair_forces(x, pair_charges, pairs, max_force)
        v.add_(acc, alpha=0.5 * dt)  # half kick
        if record_every and step % record_every == 0:
            frames.append(x.permute(2, 0, 1).clone())
    return x.permute(2, 0, 1).contiguous(), v.permute(2, 0, 1).contiguous(), frames


def _initial_states(num_systems: int, num_particles: int, seed: int) -> tuple[torch.Tensor, torch.Tensor,
                                                                             torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    charges = torch.randint(0, 2, (num_systems, num_particles), generator=g).double() * 2 - 1
    pos = torch.randn(num_systems, num_particles, 3, generator=g, dtype=torch.float64)
    vel = torch.randn(num_systems, num_particles, 3, generator=g, dtype=torch.float64)
    vel = 0.5 * vel / vel.norm(dim=-1, keepdim=True)  # speed 0.5 in a random direction
    return charges, pos, vel


def simulate_charged_systems(num_systems: int, num_particles: int = 5, num_steps: int = 1000, burn_in: int = 3000,
                             dt: float = 1e-3, seed: int = 0) -> NBodySystems:
    """Simulate ``num_systems`` charged-particle systems as in the EGNN paper (cached on disk after the first call).

    Args:
        num_systems: number of independent systems S.
        num_particles: particles per system P.
        num_steps: steps between input and target (1,000 in the paper).
        burn_in: steps from the random start to the input state (the paper's input is at step 3,000 + 100).
        dt: time step.
        seed: seed of the initial states.

    Returns:
        :class:`NBodySystems` in float32.
    """
    num_systems = check_int("num_systems", num_systems, min_value=1)
    num_particles = check_int("num_particles", num_particles, min_value=2)
    burn_in = check_int("burn_in", burn_in, min_value=0)
    params = {"num_systems": num_systems, "num_particles": num_particles, "num_steps": num_steps, "burn_in": burn_in,
              "dt": dt, "seed": seed}

    def build() -> dict[str, torch.Tensor]:
        charges, pos, vel = _initial_states(num_systems, num_particles, seed)
        pos, vel, _ = simulate(pos, vel, charges, burn_in, dt)
        target, target_vel, _ = simulate(pos, vel, charges, num_steps, dt)
        return {"charges": charges, "pos": pos, "vel": vel, "target": target, "target_vel": target_vel}

    arrays = cached("nbody_charged", params, build, libraries=("torch",))
    return NBodySystems(**{k: v.float() for k, v in arrays.items()})


def complete_graph(num_particles: int, num_systems: int = 1) -> torch.Tensor:
    """Edges ``j -> i`` between all particles of each system, systems numbered one after the other.

    Returns:
        ``(2, S * P * (P - 1))`` long.
    """
    src, dst = torch.meshgrid(torch.arange(num_particles), torch.arange(num_particles), indexing="ij")
    keep = src != dst
    one = torch.stack([src[keep], dst[keep]])  # (2, P (P - 1))
    offsets = num_particles * torch.arange(num_systems).repeat_interleave(one.shape[1])
    return one.repeat(1, num_systems) + offsets


def system_batch(systems: NBodySystems, idx: torch.Tensor, rotations: torch.Tensor | None = None) -> Data:
    """Systems ``idx`` as one PyG batch: ``pos``, ``vel``, ``charge``, complete-graph ``edge_index``, target ``y``.

    Args:
        systems: the simulated systems.
        idx: ``(B,)`` which systems.
        rotations: optional ``(B, 3, 3)`` orthogonal matrices applied to each system's positions,
            velocities and target (augmentation, or a rotated test set).

    Returns:
        ``Data`` with ``pos, vel, y: (B * P, 3)``, ``charge: (B * P, 1)``, ``edge_index: (2, B * P * (P - 1))``,
        ``batch: (B * P,)``.
    """
    idx = check_tensor("idx", idx, ndim=1, integer=True, nonempty=True)
    pos, vel, target = systems.pos[idx], systems.vel[idx], systems.target[idx]  # (B, P, 3)
    if rotations is not None:
        rotations = check_tensor("rotations", rotations, shape=(len(idx), 3, 3)).to(pos.dtype)
        turn = rotations.transpose(1, 2)  # row vectors: x R^T
        pos, vel, target = pos @ turn, vel @ turn, target @ turn
    num_systems, num_particles = pos.shape[:2]
    return Data(pos=pos.reshape(-1, 3), vel=vel.reshape(-1, 3), charge=systems.charges[idx].reshape(-1, 1),
                edge_index=complete_graph(num_particles, num_systems), y=target.reshape(-1, 3),
                batch=torch.arange(num_systems).repeat_interleave(num_particles))


class NBodyBatches:
    """Random mini-batches of systems, optionally each turned by its own Haar-random rotation.

    Each pass yields ``num_batches`` batches (see :func:`system_batch`) drawn
    with replacement from ``indices``, so a run's budget is a number of
    optimiser steps whatever the training-set size.

    Args:
        systems: the simulated systems.
        indices: ``(n,)`` training systems.
        batch_size: systems per batch.
        num_batches: batches per pass.
        augment: rotate every system of every batch at random (rotation augmentation).
        seed: seed of the draws.
    """

    def __init__(self, systems: NBodySystems, indices: torch.Tensor, batch_size: int = 32, num_batches: int = 10,
                 augment: bool = False, seed: int = 0) -> None:
        self.systems = systems
        self.indices = check_tensor("indices", indices, ndim=1, integer=True, nonempty=True)
        self.batch_size = check_int("batch_size", batch_size, min_value=1)
        self.num_batches = check_int("num_batches", num_batches, min_value=1)
        self.augment = bool(augment)
        self.generator = torch.Generator().manual_seed(check_int("seed", seed, min_value=0))

    def __len__(self) -> int:
        return self.num_batches

    def __iter__(self) -> Iterator[Data]:
        for _ in range(self.num_batches):
            pick = self.indices[torch.randint(len(self.indices), (self.batch_size,), generator=self.generator)]
            rotations = random_orthogonals(self.batch_size, 3, self.generator) if self.augment else None
            yield system_batch(self.systems, pick, rotations)


def energy(pos: torch.Tensor, vel: torch.Tensor, charges: torch.Tensor) -> torch.Tensor:
    """Total energy of each system (unit masses): ``sum_i |v_i|^2 / 2 + sum_{i<j} q_i q_j / |x_i - x_j|``.

    Args:
        pos: ``(S, P, 3)``; vel: ``(S, P, 3)``; charges: ``(S, P)``.

    Returns:
        ``(S,)``.
    """
    kinetic = 0.5 * (vel * vel).sum(dim=(1, 2))
    dist = (pos.unsqueeze(2) - pos.unsqueeze(1)).norm(dim=-1)  # (S, P, P)
    pair = charges.unsqueeze(2) * charges.unsqueeze(1) / dist.masked_fill(dist == 0, float("inf"))
    return kinetic + 0.5 * pair.sum(dim=(1, 2))  # each pair counted twice above


def momentum(vel: torch.Tensor) -> torch.Tensor:
    """Total momentum of each system (unit masses): ``(S, P, 3) -> (S, 3)``."""
    return vel.sum(dim=1)
