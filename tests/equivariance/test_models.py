"""The lesson's models: shapes, symmetries, parameter budgets, errors, and forward passes on the meta device."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.core.symmetry import check_equivariance, check_invariance
from gdl_teach.equivariance import groups, models, nbody


def _turn(inputs, g):  # noqa: ANN001, ANN202
    return (groups.rotate_images(inputs[0], int(torch.randint(1, 4, (1,), generator=g))),)


def test_digit_models_have_about_the_same_budget_and_only_p4_is_invariant() -> None:
    torch.manual_seed(0)
    cnn, p4 = models.DigitCNN(16), models.P4DigitCNN(8)
    assert abs(models.count_parameters(cnn) - models.count_parameters(p4)) < 0.05 * models.count_parameters(cnn)
    x = torch.rand(6, 1, 8, 8)
    assert cnn(x).shape == p4(x).shape == (6, 10)
    assert check_invariance(p4, (x,), _turn, atol=1e-5)
    assert not check_invariance(cnn, (x,), _turn, atol=1e-5)
    with pytest.raises(ValueError, match="x must have shape"):
        p4(torch.rand(6, 3, 8, 8))


def _batch(num_systems: int = 3) -> object:
    charges, pos, vel = nbody._initial_states(num_systems, 5, 0)
    systems = nbody.NBodySystems(charges.float(), pos.float(), vel.float(), pos.float(), vel.float())
    return nbody.system_batch(systems, torch.arange(num_systems))


def _as_inputs(batch):  # noqa: ANN001, ANN202
    return batch.pos.double(), batch.vel.double(), batch.charge.double(), batch.edge_index


def _call(model):  # noqa: ANN001, ANN202
    from torch_geometric.data import Data

    def f(pos, vel, charge, edge_index):  # noqa: ANN001, ANN202
        return model(Data(pos=pos, vel=vel, charge=charge, edge_index=edge_index))
    return f


@pytest.mark.parametrize("cls", [models.ParticleEGNN, models.ParticleRadialField, models.LinearDynamics])
def test_equivariant_particle_models(cls) -> None:  # noqa: ANN001
    torch.manual_seed(0)
    model = (cls() if cls is models.LinearDynamics else cls(16, 2)).double()
    move = groups.euclidean_transform(reflect=True, translate=True, pos_index=0, vectors=(1,))
    assert check_equivariance(_call(model), _as_inputs(_batch()), move, groups.euclidean_output, atol=1e-9)


def test_coordinate_gnn_is_translation_but_not_rotation_equivariant() -> None:
    torch.manual_seed(0)
    model = models.CoordinateGNN(16, 2).double()
    inputs = _as_inputs(_batch())
    shift = groups.euclidean_transform(reflect=False, translate=True, pos_index=0, vectors=(1,))
    report = check_equivariance(_call(model), inputs, shift, groups.euclidean_output, atol=1e-9)
    assert not report and report.max_error > 1e-3
    pure_shift = lambda i, g: (i[0] + 1.5, *i[1:], None)  # noqa: E731
    assert check_equivariance(_call(model), inputs, pure_shift, lambda out, _: out + 1.5, atol=1e-9)


def test_particle_models_on_the_meta_device() -> None:
    batch = _batch(2)
    for cls in (models.CoordinateGNN, models.ParticleEGNN, models.ParticleRadialField):
        with torch.device("meta"):
            model = cls(8, 2)
        out = model(batch.to("meta"))
        assert out.device.type == "meta" and out.shape == (10, 3)
    with torch.device("meta"):
        out = models.P4DigitCNN(4)(torch.empty(2, 1, 8, 8))
    assert out.device.type == "meta" and out.shape == (2, 10)
