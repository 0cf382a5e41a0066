"""The charged N-body simulator: seeded, conserves momentum and energy, symmetric under E(3) and relabelling."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.equivariance import groups, nbody


def _states(num_systems: int = 6, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return nbody._initial_states(num_systems, 5, seed)


def test_forces_match_coulomb_by_hand() -> None:
    charges, pos, _ = _states(1)
    forces = nbody.coulomb_forces(pos, charges, max_force=None)[0]
    want = torch.zeros(5, 3, dtype=torch.float64)
    for i in range(5):
        for j in range(5):
            if i != j:
                d = pos[0, i] - pos[0, j]
                want[i] += charges[0, i] * charges[0, j] * d / d.norm() ** 3
    torch.testing.assert_close(forces, want)
    assert float(forces.sum(0).abs().max()) < 1e-12  # Newton's third law


def test_simulation_conserves_momentum_and_energy() -> None:
    charges, pos, vel = _states(20)
    end_pos, end_vel, _ = nbody.simulate(pos, vel, charges, 2000, max_force=None)
    torch.testing.assert_close(nbody.momentum(end_vel), nbody.momentum(vel), atol=1e-10, rtol=0)
    drift = (nbody.energy(end_pos, end_vel, charges) - nbody.energy(pos, vel, charges)).abs()
    scale = nbody.energy(pos, vel, charges).abs() + 1.0
    assert float((drift / scale).median()) < 1e-4


def test_simulation_is_equivariant_to_rotations_reflections_translations_and_relabelling() -> None:
    charges, pos, vel = _states(4)
    end, _, _ = nbody.simulate(pos, vel, charges, 300)
    q = groups.random_orthogonal(3, reflect=True, generator=torch.Generator().manual_seed(0))
    t = torch.tensor([0.3, -1.0, 2.0], dtype=torch.float64)
    moved, _, _ = nbody.simulate(pos @ q.T + t, vel @ q.T, charges, 300, max_force=None)
    plain, _, _ = nbody.simulate(pos, vel, charges, 300, max_force=None)
    torch.testing.assert_close(moved, plain @ q.T + t, atol=1e-8, rtol=0)
    perm = torch.tensor([3, 0, 4, 1, 2])
    relabelled, _, _ = nbody.simulate(pos[:, perm], vel[:, perm], charges[:, perm], 300)
    torch.testing.assert_close(relabelled, end[:, perm], atol=1e-10, rtol=0)


def test_systems_are_seeded_and_cached(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("GDL_TEACH_CACHE", str(tmp_path))
    a = nbody.simulate_charged_systems(8, num_steps=50, burn_in=20, seed=3)
    b = nbody.simulate_charged_systems(8, num_steps=50, burn_in=20, seed=3)
    c = nbody.simulate_charged_systems(8, num_steps=50, burn_in=20, seed=4)
    assert torch.equal(a.pos, b.pos) and torch.equal(a.target, b.target) and not torch.equal(a.pos, c.pos)
    assert a.pos.dtype == torch.float32 and set(a.charges.unique().tolist()) <= {-1.0, 1.0}
    torch.testing.assert_close(a.vel.norm(dim=-1).mean(), a.vel.norm(dim=-1).mean())  # finite
    assert len(list(tmp_path.glob("nbody_charged-*.pt"))) == 2


def test_batches_and_complete_graph() -> None:
    edge_index = nbody.complete_graph(3, 2)
    assert edge_index.shape == (2, 12) and int(edge_index.max()) == 5
    assert not bool((edge_index[0] == edge_index[1]).any())
    assert not bool(((edge_index[0] < 3) != (edge_index[1] < 3)).any())  # no edge between systems
    charges, pos, vel = _states(3)
    systems = nbody.NBodySystems(charges.float(), pos.float(), vel.float(), pos.float() + vel.float(), vel.float())
    rot = groups.random_orthogonals(2, 3, torch.Generator().manual_seed(0)).float()
    batch = nbody.system_batch(systems, torch.tensor([2, 0]), rot)
    assert batch.pos.shape == (10, 3) and batch.charge.shape == (10, 1) and batch.edge_index.shape == (2, 40)
    torch.testing.assert_close(batch.pos[:5], systems.pos[2] @ rot[0].T)
    torch.testing.assert_close(batch.y[5:], systems.target[0] @ rot[1].T)
    loader = nbody.NBodyBatches(systems, torch.arange(3), batch_size=2, num_batches=4, augment=True)
    assert len(list(loader)) == 4
    with pytest.raises(ValueError, match="rotations must have shape"):
        nbody.system_batch(systems, torch.tensor([0]), torch.eye(3).expand(2, 3, 3))
    with pytest.raises(ValueError, match="num_steps must be >= 0"):
        nbody.simulate(pos, vel, charges, -1)
