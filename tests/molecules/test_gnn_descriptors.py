"""gdl_teach.molecules.gnn_descriptors: the chemprop-style GNN with descriptors at the readout."""
from __future__ import annotations

import pytest
import torch
from torch_geometric.data import Batch, Data

from gdl_teach.core.symmetry import check_invariance, permute_nodes
from gdl_teach.molecules import descriptors, gnn_descriptors, training


@pytest.fixture(scope="module")
def rich(graphs: list[Data], smiles_list: list[str]) -> list[Data]:
    return training.with_descriptors(graphs, descriptors.rdkit_descriptors(smiles_list))


def _model(rich: list[Data], **kw) -> gnn_descriptors.DescriptorGNN:
    stats = gnn_descriptors.descriptor_statistics(torch.cat([d.descriptors for d in rich]).double())
    torch.manual_seed(0)
    return gnn_descriptors.DescriptorGNN(stats["mean"].shape[0], stats, hidden_channels=8, num_layers=2, **kw).eval()


def test_signed_log_keeps_sign_and_tames_size() -> None:
    x = torch.tensor([-1e6, -1.0, 0.0, 1.0, 1e6])
    out = gnn_descriptors.signed_log(x)
    assert torch.equal(torch.sign(out), torch.sign(x)) and out.abs().max() < 14
    assert torch.allclose(out, -gnn_descriptors.signed_log(-x))


def test_statistics_fill_nan_and_guard_constant_columns() -> None:
    d = torch.tensor([[1.0, 5.0, float("nan")], [3.0, 5.0, 2.0], [float("nan"), 5.0, 4.0]], dtype=torch.float64)
    stats = gnn_descriptors.descriptor_statistics(d)
    assert torch.allclose(stats["median"], torch.tensor([1.0, 5.0, 2.0]))  # torch's lower median of two values
    assert stats["std"][1] == 1.0  # a constant column is not divided by zero
    with pytest.raises(ValueError, match="at least two rows"):
        gnn_descriptors.descriptor_statistics(d[:1])


def test_descriptor_gnn_shapes_invariance_and_scaling(rich: list[Data]) -> None:
    model = _model(rich)
    batch = Batch.from_data_list(rich)
    with torch.no_grad():
        out = model(batch)
        alone = model(rich[2])
    assert out.shape == (len(rich), 1) and torch.allclose(alone, out[2:3], atol=1e-5)
    d = rich[3]

    def f(x, edge_index, edge_attr):  # noqa: ANN001, ANN202
        return model(Data(x=x, edge_index=edge_index, edge_attr=edge_attr, descriptors=d.descriptors))

    assert check_invariance(f, (d.x, d.edge_index, d.edge_attr), permute_nodes(), trials=3).passed
    z = model.scale_descriptors(batch.descriptors)
    assert z.abs().max() <= gnn_descriptors.CLIP and torch.isfinite(z).all()
    missing = batch.descriptors.clone()
    missing[0, 0] = float("nan")
    assert torch.isfinite(model.scale_descriptors(missing)).all()


def test_descriptors_change_the_prediction(rich: list[Data]) -> None:
    """The readout really reads them: a molecule with another molecule's descriptors gets another prediction."""
    model = _model(rich, dropout=0.0)
    swapped = rich[0].clone()
    swapped.descriptors = rich[5].descriptors.clone()
    with torch.no_grad():
        assert not torch.allclose(model(rich[0]), model(swapped))


def test_descriptor_gnn_errors(rich: list[Data], graphs: list[Data]) -> None:
    model = _model(rich)
    with pytest.raises(ValueError, match="data.descriptors"):
        model(graphs[0])
    wrong = rich[0].clone()
    wrong.descriptors = wrong.descriptors[:, :5]
    with pytest.raises(ValueError, match="data.descriptors must have shape"):
        model(wrong)
    with pytest.raises(ValueError, match=r"statistics\['mean'\] must have shape"):
        gnn_descriptors.DescriptorGNN(3, {"median": torch.zeros(3), "mean": torch.zeros(2), "std": torch.ones(3)})
    with pytest.raises(TypeError, match="data.descriptors has dtype torch.float64"):
        bad = rich[0].clone()
        bad.descriptors = bad.descriptors.double()
        model(bad)
