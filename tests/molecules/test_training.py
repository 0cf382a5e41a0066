"""gdl_teach.molecules.training: batches, seeded training on get_device(), predictions back on the CPU."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch_geometric.data import Data

from gdl_teach.core.training import History
from gdl_teach.molecules import datasets, gnn_descriptors, smiles, training


def test_token_batches_cover_every_string_once(smiles_list: list[str]) -> None:
    vocab = smiles.build_vocab(smiles_list)
    tokens, lengths = smiles.encode_smiles(smiles_list, vocab)
    batches = list(training.TokenBatches(tokens, lengths, torch.arange(6.0), batch_size=4, seed=0))
    ys = torch.cat([b.y.reshape(-1) for b in batches])
    assert sorted(ys.tolist()) == list(range(6))
    assert all(b.tokens.shape[1] == int(b.lengths.max()) for b in batches)


def test_training_is_seeded_and_deterministic(small_dataset: datasets.MoleculeDataset) -> None:
    items = small_dataset.to_list()
    runs = [training.train_molecule_gnn(items[:48], items[48:], seed=1, hidden_channels=8, epochs=3, progress=False)
            for _ in range(2)]
    (m1, h1), (m2, h2) = runs
    assert h1.val_loss == h2.val_loss
    assert all(torch.equal(a, b) for a, b in zip(m1.state_dict().values(), m2.state_dict().values()))
    assert m1.target_mean.item() == pytest.approx(float(torch.cat([d.y for d in items[:48]]).mean()))
    with pytest.raises(ValueError, match="val must contain at least one molecule"):
        training.train_molecule_gnn(items, [], progress=False)


def _spy_fit(seen: dict) -> object:
    def fake_fit(model, train, val, **kwargs):
        seen.update(kwargs, model=model)
        return History()
    return fake_fit


@pytest.mark.parametrize("trainer", ["gnn", "smiles", "descriptor_gnn"])
def test_trainers_use_get_device_unless_told(trainer: str, small_dataset: datasets.MoleculeDataset,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: both trainers used to pass device="cpu" to fit, so a GPU was never used."""
    seen: dict = {}
    monkeypatch.setattr(training, "fit", _spy_fit(seen))
    monkeypatch.setattr(training, "get_device", lambda: torch.device("meta"))  # stands in for a GPU
    items = small_dataset.to_list()
    strings, y = small_dataset.smiles, small_dataset.y

    def train(**kw):
        if trainer == "gnn":
            return training.train_molecule_gnn(items[:50], items[50:], progress=False, **kw)
        if trainer == "descriptor_gnn":
            rich = training.with_descriptors(items, np.ones((len(items), 2)))
            return training.train_descriptor_gnn(rich[:50], rich[50:], progress=False, **kw)
        return training.train_smiles_model(strings[:50], y[:50], strings[50:], y[50:], smiles.build_vocab(strings),
                                           progress=False, **kw)

    train()
    assert seen["device"] == torch.device("meta")
    train(device="cpu")
    assert seen["device"] == torch.device("cpu")


def test_smiles_trainer_takes_float64_labels(small_dataset: datasets.MoleculeDataset) -> None:
    strings, y = small_dataset.smiles, small_dataset.y
    vocab = smiles.build_vocab(strings)
    kw = dict(seed=0, hidden_channels=8, epochs=2, progress=False)
    m32, h32 = training.train_smiles_model(strings[:50], y[:50], strings[50:], y[50:], vocab, **kw)
    m64, h64 = training.train_smiles_model(strings[:50], y[:50].double(), strings[50:], y[50:].double(), vocab, **kw)
    assert h32.val_loss == h64.val_loss  # used as float32, documented, not a dtype crash inside the loss


def test_predictions_come_back_on_the_cpu_and_leave_inputs_alone(graphs: list[Data],
                                                                 smiles_list: list[str]) -> None:
    torch.manual_seed(0)
    gnn = training.MoleculeGNN(hidden_channels=8, num_layers=1)
    before = [(g.x, g.edge_index) for g in graphs]
    pred = training.predict_graphs(gnn, graphs)
    assert pred.shape == (len(graphs),) and pred.device.type == "cpu" and not pred.requires_grad
    assert all(g.x is x and g.edge_index is e for g, (x, e) in zip(graphs, before))  # nothing moved or replaced
    contrib = training.predict_contributions(gnn, graphs[2])
    assert contrib.shape == (graphs[2].num_nodes,)
    assert contrib.sum().item() + gnn.target_mean.item() == pytest.approx(pred[2].item(), abs=1e-5)
    assert "batch" not in graphs[2].keys() and graphs[2].smiles == smiles_list[2]
    with pytest.raises(TypeError, match="graph must be one PyG Data"):
        training.predict_contributions(gnn, graphs)  # type: ignore[arg-type]
    vocab = smiles.build_vocab(smiles_list)
    seq = training.SmilesCNN(len(vocab), hidden_channels=8)
    out = training.predict_smiles(seq, smiles_list, vocab)
    assert out.shape == (len(smiles_list),) and out.device.type == "cpu"


def test_with_descriptors_copies_and_checks(graphs: list[Data]) -> None:
    rows = np.arange(len(graphs) * 3, dtype=np.float64).reshape(len(graphs), 3)
    rich = training.with_descriptors(graphs, rows)
    assert all(r is not g and r.descriptors.shape == (1, 3) and r.descriptors.dtype == torch.float32
               for r, g in zip(rich, graphs))
    assert all("descriptors" not in g.keys() for g in graphs)  # the learner's graphs are not changed
    assert all(torch.equal(r.x, g.x) for r, g in zip(rich, graphs))
    with pytest.raises(ValueError, match="descriptors must have shape"):
        training.with_descriptors(graphs, rows[:2])


def test_descriptor_gnn_trains_seeded_and_needs_descriptors(small_dataset: datasets.MoleculeDataset) -> None:
    items = small_dataset.to_list()
    rich = training.with_descriptors(items, np.random.default_rng(0).normal(size=(len(items), 7)))
    kw = dict(seed=2, hidden_channels=8, epochs=3, progress=False)
    (m1, h1), (m2, h2) = (training.train_descriptor_gnn(rich[:48], rich[48:], **kw) for _ in range(2))
    assert h1.val_loss == h2.val_loss and h1.epochs == 3
    assert m1.num_descriptors == 7 and m1.descriptor_std.shape == (7,)
    train_rows = torch.cat([d.descriptors for d in rich[:48]])
    assert torch.allclose(m1.descriptor_mean, gnn_descriptors.signed_log(train_rows.double()).mean(0).float())
    with pytest.raises(ValueError, match="must carry descriptors: use with_descriptors"):
        training.train_descriptor_gnn(items[:48], items[48:], **kw)
