"""gdl_teach.message_passing.node_task: splits redrawn per seed, every model on the same splits, deterministic."""
from __future__ import annotations

import pytest
import torch
from torch_geometric.data import Data

from gdl_teach.message_passing import node_task
from gdl_teach.message_passing.models import make_node_model


def test_steps_feed_each_model_what_it_may_see(karate: Data) -> None:
    pred, target = node_task.node_step(make_node_model("MLP", 34, 8, 2), karate, "train")
    assert pred.shape == (8, 2) and target.shape == (8,)
    pred, _ = node_task.node_step(make_node_model("GCN", 34, 8, 2), karate, "test")
    assert pred.shape == (26, 2)


def test_resplit_keeps_the_counts_and_leaves_the_data_alone(sbm: Data) -> None:
    before = sbm.train_mask.clone()
    a, b, again = node_task.resplit(sbm, 1), node_task.resplit(sbm, 2), node_task.resplit(sbm, 1)
    assert torch.equal(sbm.train_mask, before) and torch.equal(a.train_mask, again.train_mask)
    assert not torch.equal(a.train_mask, b.train_mask)
    assert torch.bincount(a.y[a.train_mask]).tolist() == torch.bincount(sbm.y[sbm.train_mask]).tolist()
    assert int(a.val_mask.sum()) == int(sbm.val_mask.sum())
    assert not bool((a.train_mask & a.val_mask).any() or (a.train_mask & a.test_mask).any())
    lopsided = sbm.clone()
    lopsided.train_mask = sbm.train_mask & (sbm.y == 0)
    lopsided.train_mask[(sbm.y == 1).nonzero()[0]] = True
    with pytest.raises(ValueError, match="same number of nodes of every class"):
        node_task.resplit(lopsided, 0)


def test_compare_node_models_is_deterministic(karate: Data, sbm: Data) -> None:
    kwargs = {"seeds": {"karate": (0, 1), "sbm": (0,)}, "models": ["MLP", "LabelProp", "LogReg+hops", "GCN"],
              "epochs": 5, "progress": False, "device": "cpu"}
    runs = [node_task.compare_node_models({"karate": karate, "sbm": sbm}, **kwargs) for _ in range(2)]
    assert runs[0].equals(runs[1])
    assert list(runs[0].columns) == ["dataset", "model", "seed", "test_acc", "epochs"]
    assert len(runs[0]) == 4 * 3 and runs[0]["test_acc"].between(0, 1).all()
    classical = runs[0][runs[0]["model"].isin(["LabelProp", "LogReg+hops"])]
    assert (classical["epochs"] == 0).all()


def test_compare_node_models_rejects_bad_arguments(karate: Data) -> None:
    with pytest.raises(TypeError, match="datasets must be a non-empty dict"):
        node_task.compare_node_models([karate])
    with pytest.raises(TypeError, match="models must be a non-empty list"):
        node_task.compare_node_models({"k": karate}, models="GCN")
    with pytest.raises(ValueError, match="models must be one of"):
        node_task.compare_node_models({"k": karate}, models=["ChebNet"])
    with pytest.raises(ValueError, match="seeds must give at least one seed"):
        node_task.compare_node_models({"k": karate}, seeds=(), progress=False)
    with pytest.raises(ValueError, match=r"datasets\['k'\] must be a PyG Data with y"):
        node_task.compare_node_models({"k": Data(x=karate.x, edge_index=karate.edge_index)}, progress=False)


def test_training_leaves_the_learners_data_where_it_was(karate: Data) -> None:
    before = {k: v.data_ptr() for k, v in karate.to_dict().items() if isinstance(v, torch.Tensor)}
    node_task.compare_node_models({"karate": karate}, seeds=(0,), models=["GCN", "MLP+adj"], epochs=2,
                                  progress=False, device="cpu")
    assert before == {k: v.data_ptr() for k, v in karate.to_dict().items() if isinstance(v, torch.Tensor)}
