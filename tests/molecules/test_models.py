"""Lesson 06 models: GINE against PyG, symmetries, determinism, the comparison pipeline, clear errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch_geometric.data import Batch, Data
from torch_geometric.nn import GINEConv

from gdl_teach.core.symmetry import check_invariance, permute_nodes, rotate_points
from gdl_teach.molecules import data as md
from gdl_teach.molecules import models as mm

SMILES = ["CCO", "c1ccccc1O", "CC(=O)Nc1ccc(Cl)cc1", "C1CCCCC1C#N", "OC(=O)CCN", "FC(F)(F)c1ccncc1"]


@pytest.fixture(scope="module")
def graphs() -> list[Data]:
    return [md.smiles_to_graph(s, y=float(k)) for k, s in enumerate(SMILES)]


@pytest.fixture(scope="module")
def small_dataset() -> md.MoleculeDataset:
    full = md.load_freesolv()
    return md.MoleculeDataset(full.to_list()[:60], name="FreeSolv-60")


def test_gine_layer_matches_pyg(graphs: list[Data]) -> None:
    torch.manual_seed(0)
    ours = mm.GINELayer(16, md.NUM_BOND_FEATURES)
    pyg = GINEConv(ours.mlp, eps=0.0, edge_dim=md.NUM_BOND_FEATURES)
    pyg.lin.load_state_dict(ours.edge_lin.state_dict())
    b = Batch.from_data_list(graphs)
    x = torch.randn(b.num_nodes, 16)
    with torch.no_grad():
        assert torch.allclose(ours(x, b.edge_index, b.edge_attr), pyg(x, b.edge_index, b.edge_attr), atol=1e-5)
        plain = GINEConv(torch.nn.Identity(), eps=0.0)
        e = torch.randn(b.edge_index.shape[1], 16)
        assert torch.allclose(mm.gine_aggregate(x, b.edge_index, e) + x, plain(x, b.edge_index, e), atol=1e-5)


def test_gnn_output_is_a_sum_of_atom_contributions(graphs: list[Data]) -> None:
    torch.manual_seed(0)
    model = mm.MoleculeGNN(hidden=16, layers=2, target_mean=-3.0, target_std=2.0).eval()
    b = Batch.from_data_list(graphs)
    with torch.no_grad():
        out, terms = model(b), model.atom_contributions(b)
    assert out.shape == (len(graphs), 1) and terms.shape == (b.num_nodes,)
    sums = torch.zeros(len(graphs)).index_add_(0, b.batch, terms)
    assert torch.allclose(out.squeeze(1), sums - 3.0, atol=1e-5)
    with torch.no_grad():  # a molecule alone gets the same prediction as inside the batch
        assert torch.allclose(model(graphs[2]), out[2:3], atol=1e-5)


def test_gnn_is_invariant_to_atom_order(graphs: list[Data]) -> None:
    torch.manual_seed(0)
    model = mm.MoleculeGNN(hidden=16, layers=3).eval()
    d = graphs[2]
    f = lambda x, edge_index, edge_attr: model(Data(x=x, edge_index=edge_index, edge_attr=edge_attr))  # noqa: E731
    report = check_invariance(f, (d.x, d.edge_index, d.edge_attr), permute_nodes(), trials=5)
    assert report.passed, report


def test_gnn_rejects_bad_input(graphs: list[Data]) -> None:
    model = mm.MoleculeGNN(hidden=8, layers=1)
    bad = graphs[0].clone()
    bad.x = bad.x[:, :10]
    with pytest.raises(ValueError, match=r"data.x must have shape \(N, 30\)"):
        model(bad)
    bad = graphs[0].clone()
    bad.edge_index = bad.edge_index + 10
    with pytest.raises(ValueError, match="data.edge_index refers to node"):
        model(bad)
    with pytest.raises(ValueError, match="target_std must be > 0"):
        mm.MoleculeGNN(target_std=0.0)


def test_smiles_models_shapes_padding_and_errors() -> None:
    vocab = md.build_vocab(SMILES)
    tokens, lengths = md.encode_smiles(SMILES, vocab)
    torch.manual_seed(0)
    for model in (mm.SmilesCNN(len(vocab), hidden=8), mm.SmilesGRU(len(vocab), hidden=8)):
        model.eval()
        with torch.no_grad():
            out = model(Data(tokens=tokens, lengths=lengths))
            padded = torch.cat([tokens, torch.zeros(len(SMILES), 5, dtype=torch.long)], dim=1)
            out_padded = model(Data(tokens=padded, lengths=lengths))
        assert out.shape == (len(SMILES), 1)
        assert torch.allclose(out, out_padded, atol=1e-5), f"{type(model).__name__} depends on padding"
        with pytest.raises(ValueError, match="data.tokens must be ids in"):
            model(Data(tokens=tokens + 100, lengths=lengths))
    with pytest.raises(ValueError, match="kernel must be odd"):
        mm.SmilesCNN(10, kernel=4)
    with pytest.raises(ValueError, match="data.lengths must be in"):
        mm.SmilesGRU(len(vocab))(Data(tokens=tokens, lengths=lengths * 0))


def test_token_batches_cover_every_string_once() -> None:
    vocab = md.build_vocab(SMILES)
    tokens, lengths = md.encode_smiles(SMILES, vocab)
    batches = list(mm.TokenBatches(tokens, lengths, torch.arange(6.0), batch_size=4, seed=0))
    ys = torch.cat([b.y.reshape(-1) for b in batches])
    assert sorted(ys.tolist()) == list(range(6))
    assert all(b.tokens.shape[1] == int(b.lengths.max()) for b in batches)


def test_shuffled_batches_drop_strings_and_cycle(graphs: list[Data]) -> None:
    from gdl_teach.core.training import ShuffledBatches

    gb = ShuffledBatches(graphs, batch_size=4, num_orders=2, seed=0)
    first, second, third = ([b.num_graphs for b in gb] for _ in range(3))
    assert sum(first) == sum(second) == len(graphs) and first == third
    assert all(isinstance(v, torch.Tensor) for b in gb for _, v in b.items())
    with pytest.raises(ValueError, match="graphs must be a non-empty list"):
        ShuffledBatches([], batch_size=4)


def test_training_is_seeded_and_deterministic(small_dataset: md.MoleculeDataset) -> None:
    items = small_dataset.to_list()
    runs = [mm.train_molecule_gnn(items[:48], items[48:], seed=1, hidden=8, epochs=3, progress=False)
            for _ in range(2)]
    (m1, h1), (m2, h2) = runs
    assert h1.val_loss == h2.val_loss
    assert all(torch.equal(a, b) for a, b in zip(m1.state_dict().values(), m2.state_dict().values()))
    assert m1.target_mean.item() == pytest.approx(float(torch.cat([d.y for d in items[:48]]).mean()))


def test_compare_on_split_runs_three_models(small_dataset: md.MoleculeDataset) -> None:
    kw = dict(gnn_kwargs={"hidden": 8, "epochs": 2}, smiles_kwargs={"hidden": 8, "epochs": 2}, progress=False)
    run = mm.compare_on_split(small_dataset, seed=0, **kw)
    again = mm.compare_on_split(small_dataset, seed=0, **kw)
    assert list(run.test_rmse) == ["ECFP + ridge", "SMILES CNN", "GNN (GINE)"]
    assert run.test_rmse == again.test_rmse
    assert all(np.isfinite(v) and v > 0 for v in run.test_rmse.values())
    preds = mm.predict_all(run, small_dataset, run.split[2])
    assert set(preds) == set(run.test_rmse)
    target = small_dataset.y[run.split[2]]
    for name, p in preds.items():
        assert float(torch.sqrt(((p - target) ** 2).mean())) == pytest.approx(run.test_rmse[name], rel=1e-4)


def test_summarise_runs_table() -> None:
    runs = [mm.ComparisonRun(seed=s, test_rmse={"A": a, "B": b}, seconds={"A": 1.0, "B": 2.0})
            for s, a, b in [(0, 1.0, 2.0), (1, 3.0, 2.0)]]
    table = mm.summarise_runs(runs)
    assert list(table.columns) == ["seed 0", "seed 1", "mean", "std", "train s (total)", "mean ± std"]
    assert table.loc["A", "mean ± std"] == "2.000 ± 1.000"
    assert table.loc["A", "mean"] == 2.0 and table.loc["A", "std"] == 1.0 and table.loc["B", "std"] == 0.0
    assert table.loc["B", "train s (total)"] == 4.0
    with pytest.raises(ValueError, match="runs must not be empty"):
        mm.summarise_runs([])
    with pytest.raises(ValueError, match="runs must have different seeds"):
        mm.summarise_runs([runs[0], runs[0]])
    more = runs + [mm.ComparisonRun(seed=2, test_rmse={"A": 1.5, "B": 2.5})]
    vs = mm.paired_comparison(more, "A", "B")
    assert vs["wins"] == 2 and vs["seeds"] == 3 and vs["mean_gap"] == pytest.approx(1 / 3)
    from scipy.stats import ttest_rel

    assert vs["p"] == pytest.approx(ttest_rel([2.0, 2.0, 2.5], [1.0, 3.0, 1.5]).pvalue)
    with pytest.raises(ValueError, match="'C' is not a model of these runs"):
        mm.paired_comparison(more, "A", "C")


def test_train_and_test_gnn_reports_rmse_and_r2(small_dataset: md.MoleculeDataset) -> None:
    items = small_dataset.to_list()
    _, hist, report = mm.train_and_test_gnn(items[:50], items[50:], seed=0, hidden=8, epochs=2, progress=False)
    assert set(report) == {"RMSE", "R2"} and hist.epochs == 2
    with pytest.raises(ValueError, match="test must contain at least one molecule"):
        mm.train_and_test_gnn(items, [], hidden=8, epochs=1, progress=False)


def test_fingerprint_ridge_picks_alpha_and_checks_shapes() -> None:
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, (40, 32)).astype(float)
    w = rng.normal(size=32)
    model = mm.fit_fingerprint_ridge(x[:30], x[:30] @ w, x[30:], x[30:] @ w, alphas=(0.01, 100.0))
    assert model.alpha == 0.01
    with pytest.raises(ValueError, match="x_train must be"):
        mm.fit_fingerprint_ridge(x[:30], w[:5], x[30:], x[30:] @ w)
    with pytest.raises(ValueError, match="x_val must be"):
        mm.fit_fingerprint_ridge(x[:30], x[:30] @ w, x[30:, :5], x[30:] @ w)


def test_schnet_is_invariant_and_raw_coordinates_are_not() -> None:
    mol, pos = md.embed_conformer("CC(=O)Nc1ccc(Cl)cc1", seed=0)
    x = md.mol_to_graph(mol).x
    torch.manual_seed(0)
    schnet, raw = mm.SchNetLite(hidden=16).eval(), mm.CoordinateMLP(hidden=16).eval()
    move = rotate_points(translate=True)
    assert check_invariance(schnet, (pos, x), move, trials=5).passed
    assert not check_invariance(raw, (pos, x), move, trials=5).passed

    def shuffle(inputs, g):  # relabel the atoms: positions and features together
        p, f = inputs
        perm = torch.randperm(p.shape[0], generator=g)
        return p[perm], f[perm]

    assert check_invariance(schnet, (pos, x), shuffle, trials=5).passed


def test_schnet_batches_keep_molecules_apart() -> None:
    mols = [md.embed_conformer(s, seed=0) for s in ("CCO", "c1ccccc1O")]
    xs = [md.mol_to_graph(m).x for m, _ in mols]
    torch.manual_seed(0)
    model = mm.SchNetLite(hidden=8).eval()
    pos = torch.cat([p for _, p in mols])
    batch = torch.tensor([0] * 3 + [1] * 7)
    with torch.no_grad():
        together = model(pos, torch.cat(xs), batch)
        apart = torch.cat([model(p, x) for (_, p), x in zip(mols, xs)])
    assert together.shape == (2, 1) and torch.allclose(together, apart, atol=1e-5)
    assert mm.molecule_pairs(batch).shape == (2, 3 * 2 + 7 * 6)
    with pytest.raises(ValueError, match=r"pos must have shape \(N, 3\)"):
        model(pos[:, :2], torch.cat(xs))
    with pytest.raises(ValueError, match="batch must have one entry per point"):
        model(pos, torch.cat(xs), batch[:5])
