"""gdl_teach.molecules.gnn: GINE against PyG, the sum readout, symmetry, clear errors."""
from __future__ import annotations

import pytest
import torch
from torch_geometric.data import Batch, Data
from torch_geometric.nn import GINEConv, global_add_pool

from gdl_teach.core.symmetry import check_invariance, permute_nodes
from gdl_teach.molecules import featurize, gnn


def test_gine_layer_matches_pyg(graphs: list[Data]) -> None:
    torch.manual_seed(0)
    ours = gnn.GINELayer(16, featurize.NUM_BOND_FEATURES)
    pyg = GINEConv(ours.mlp, eps=0.0, edge_dim=featurize.NUM_BOND_FEATURES)
    pyg.lin.load_state_dict(ours.edge_lin.state_dict())
    b = Batch.from_data_list(graphs)
    x = torch.randn(b.num_nodes, 16)
    with torch.no_grad():
        assert torch.allclose(ours(x, b.edge_index, b.edge_attr), pyg(x, b.edge_index, b.edge_attr), atol=1e-5)
        plain = GINEConv(torch.nn.Identity(), eps=0.0)
        e = torch.randn(b.edge_index.shape[1], 16)
        assert torch.allclose(gnn.gine_aggregate(x, b.edge_index, e) + x, plain(x, b.edge_index, e), atol=1e-5)


def test_default_sizes_come_from_the_featurizer() -> None:
    model = gnn.MoleculeGNN()
    assert (model.in_channels, model.edge_dim) == (featurize.NUM_ATOM_FEATURES, featurize.NUM_BOND_FEATURES)


def test_gnn_output_is_a_sum_of_atom_contributions(graphs: list[Data]) -> None:
    torch.manual_seed(0)
    model = gnn.MoleculeGNN(hidden_channels=16, num_layers=2, target_mean=-3.0, target_std=2.0).eval()
    b = Batch.from_data_list(graphs)
    with torch.no_grad():
        out, terms = model(b), model.atom_contributions(b)
    assert out.shape == (len(graphs), 1) and terms.shape == (b.num_nodes,)
    sums = torch.zeros(len(graphs)).index_add_(0, b.batch, terms)
    assert torch.allclose(out.squeeze(1), sums - 3.0, atol=1e-5)
    with torch.no_grad():  # a molecule alone gets the same prediction as inside the batch
        assert torch.allclose(model(graphs[2]), out[2:3], atol=1e-5)


def test_pyg_readout_adds_exactly_as_the_hand_written_one_did() -> None:
    """global_add_pool replaced ``zeros.index_add_``: same sums bit for bit on the CPU, so numbers do not move."""
    g = torch.Generator().manual_seed(0)
    terms = torch.randn(500, generator=g)
    batch = torch.sort(torch.randint(0, 40, (500,), generator=g)).values
    old = torch.zeros(int(batch.max()) + 1).index_add_(0, batch, terms)
    assert torch.equal(global_add_pool(terms.unsqueeze(-1), batch).squeeze(-1), old)


def test_a_skipped_graph_id_gives_a_row_of_zero_as_in_pyg(graphs: list[Data]) -> None:
    model = gnn.MoleculeGNN(hidden_channels=8, num_layers=1, target_mean=5.0).eval()
    d = graphs[0]
    two = Data(x=torch.cat([d.x, d.x]), edge_index=torch.cat([d.edge_index, d.edge_index + d.num_nodes], 1),
               edge_attr=torch.cat([d.edge_attr, d.edge_attr]),
               batch=torch.tensor([0] * d.num_nodes + [2] * d.num_nodes))
    with torch.no_grad():
        out = model(two)
    assert out.shape == (3, 1) and out[1].item() == 5.0  # graph 1 has no atoms: the mean alone, as PyG pools it
    assert out[0].item() == out[2].item() != 5.0


def test_gnn_is_invariant_to_atom_order(graphs: list[Data]) -> None:
    torch.manual_seed(0)
    model = gnn.MoleculeGNN(hidden_channels=16, num_layers=3).eval()
    d = graphs[2]
    f = lambda x, edge_index, edge_attr: model(Data(x=x, edge_index=edge_index, edge_attr=edge_attr))  # noqa: E731
    report = check_invariance(f, (d.x, d.edge_index, d.edge_attr), permute_nodes(), trials=5)
    assert report.passed, report


def test_gnn_rejects_bad_input(graphs: list[Data]) -> None:
    model = gnn.MoleculeGNN(hidden_channels=8, num_layers=1)
    bad = graphs[0].clone()
    bad.x = bad.x[:, :10]
    with pytest.raises(ValueError, match=r"data.x must have shape \(N, 30\)"):
        model(bad)
    bad = graphs[0].clone()
    bad.edge_index = bad.edge_index + 10
    with pytest.raises(ValueError, match="data.edge_index refers to node"):
        model(bad)
    with pytest.raises(ValueError, match="target_std must be > 0"):
        gnn.MoleculeGNN(target_std=0.0)
    with pytest.raises(ValueError, match="num_layers must be >= 0"):
        gnn.MoleculeGNN(num_layers=-1)


def test_float64_input_gets_a_clear_error_not_a_matmul_crash(graphs: list[Data]) -> None:
    model = gnn.MoleculeGNN(hidden_channels=8, num_layers=1)
    bad = graphs[0].clone()
    bad.x = bad.x.double()
    with pytest.raises(TypeError, match=r"data.x has dtype torch.float64 but MoleculeGNN's weights are torch.float32"):
        model(bad)
    bad = graphs[0].clone()
    bad.edge_attr = bad.edge_attr.double()
    with pytest.raises(TypeError, match="data.edge_attr has dtype torch.float64"):
        model(bad)
    with torch.no_grad():  # a float64 model takes float64 input
        assert model.double()(Batch.from_data_list([bad.clone().apply(lambda t: t.double(), "x")])).dtype \
            == torch.float64
