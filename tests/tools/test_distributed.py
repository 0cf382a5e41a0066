"""DDP training of the molecule GNN (gdl_teach.tools.distributed / train_ddp, scripts/train_ddp.py).

The main check runs the script with torchrun on 2 CPU processes (gloo, over
127.0.0.1) and compares it with one process given the equivalent global batch.
"""
from __future__ import annotations

import json
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from torch_geometric.data import Data

from gdl_teach.tools import distributed, train_ddp
from tests.conftest import ROOT

#: A small run: 96 molecules (77 train), 2 epochs, a small model: seconds per process.
SMALL = distributed.DDPConfig(num_molecules=96, val_fraction=0.2, batch_size=8, epochs=2, hidden_channels=32,
                              num_layers=2, seed=3, out_dir="")
CPU = distributed.ProcessContext(device=torch.device("cpu"))


def _labelled(num: int) -> list[Data]:
    return [Data(x=torch.zeros(1, 1), y=torch.tensor([[float(i)]])) for i in range(num)]


def _ids(batch: Data) -> list[int]:
    return sorted(int(v) for v in batch.y.view(-1))


def test_two_ranks_together_see_the_single_process_batches() -> None:
    """Step k of ranks 0 and 1 (batch B each) covers exactly step k of one process with batch 2B."""
    graphs, batch_size = _labelled(45), 4
    single, sampler = distributed.make_loader(graphs, 2 * batch_size, CPU, seed=7)
    ranks = [distributed.make_loader(graphs, batch_size, replace(CPU, rank=r, world_size=2), seed=7) for r in (0, 1)]
    for epoch in (0, 1):
        sampler.set_epoch(epoch)
        for _, s in ranks:
            s.set_epoch(epoch)
        one = [_ids(b) for b in single]
        two = [sorted(_ids(a) + _ids(b)) for a, b in zip(ranks[0][0], ranks[1][0])]
        assert one == two and len(one) == 45 // 8  # drop_last: 5 full global batches, the same ones
    assert not set(_ids(next(iter(ranks[0][0])))) & set(_ids(next(iter(ranks[1][0])))), "ranks must not overlap"


def test_loader_refuses_a_batch_larger_than_a_rank_share() -> None:
    with pytest.raises(ValueError, match="fewer than batch_size"):
        distributed.make_loader(_labelled(10), 8, replace(CPU, rank=0, world_size=2), seed=0)


def test_scaled_lr_rules() -> None:
    assert distributed.scaled_lr(1e-3, 4, "none") == pytest.approx(1e-3)
    assert distributed.scaled_lr(1e-3, 4, "linear") == pytest.approx(4e-3)
    assert distributed.scaled_lr(1e-3, 4, "sqrt") == pytest.approx(2e-3)
    with pytest.raises(ValueError, match="rule"):
        distributed.scaled_lr(1e-3, 4, "cubic")


def test_config_rejects_bad_values() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        distributed.DDPConfig(batch_size=0)
    with pytest.raises(ValueError, match="lr_rule"):
        distributed.DDPConfig(lr_rule="fast")
    with pytest.raises(ValueError, match="num_molecules must be at most 642"):
        distributed.freesolv_split(distributed.DDPConfig(num_molecules=10_000))


def test_command_line_round_trip_and_torchrun_command() -> None:
    config = replace(SMALL, lr_rule="sqrt", resume=True, out_dir="runs/x")
    parsed, threads = train_ddp.parse_arguments(train_ddp.config_arguments(config))
    assert parsed == config and threads == 1
    cmd = train_ddp.torchrun_command(["--epochs", "1"], nproc=2, port=12345, script="scripts/train_ddp.py")
    assert cmd[1:4] == ["-m", "torch.distributed.run", "--nnodes=1"]
    assert "--nproc_per_node=2" in cmd and "--master_addr=127.0.0.1" in cmd and "--master_port=12345" in cmd
    assert cmd[-3:] == ["scripts/train_ddp.py", "--epochs", "1"]
    assert train_ddp.torchrun_command([], nproc=1)[-2:] == ["-m", "gdl_teach.tools.train_ddp"]


def test_checkpoint_loads_with_weights_only_and_resume_continues_the_run(tmp_path: Path) -> None:
    torch.set_num_threads(1)
    straight = distributed.train(replace(SMALL, out_dir=str(tmp_path / "a")), CPU)
    distributed.train(replace(SMALL, epochs=1, out_dir=str(tmp_path / "b")), CPU)
    resumed = distributed.train(replace(SMALL, resume=True, out_dir=str(tmp_path / "b")), CPU)
    state = distributed.load_checkpoint(tmp_path / "b" / distributed.CHECKPOINT)  # weights_only=True inside
    assert state["epoch"] == 1 and len(state["history"]) == 2 and state["config"]["resume"] is True
    assert not any(k.startswith("module.") for k in state["model"]), "the bare model's keys, not DDP's"
    for key, value in straight["state_dict"].items():
        torch.testing.assert_close(resumed["state_dict"][key], value, rtol=1e-5, atol=1e-6)
    log = json.loads((tmp_path / "a" / distributed.LOG).read_text())
    assert log["world_size"] == 1 and log["global_batch"] == SMALL.batch_size and len(log["history"]) == 2


@pytest.mark.slow
def test_two_processes_equal_one_process_with_the_global_batch(tmp_path: Path) -> None:
    """torchrun, 2 CPU processes with batch B = 1 process with batch 2B (same seed, same permutations)."""
    torch.set_num_threads(1)
    two = replace(SMALL, out_dir=str(tmp_path / "ddp"))
    cmd = train_ddp.torchrun_command(train_ddp.config_arguments(two), nproc=2, script=ROOT / "scripts/train_ddp.py")
    env = dict(os.environ, GDL_TEACH_DEVICE="cpu", OMP_NUM_THREADS="1", PYTHONPATH=str(ROOT))
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, f"torchrun failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    assert "2 process(es), backend gloo" in proc.stdout and proc.stdout.count("epoch ") == SMALL.epochs, proc.stdout

    ddp = distributed.load_checkpoint(tmp_path / "ddp" / distributed.CHECKPOINT)  # weights_only=True
    assert ddp["world_size"] == 2 and ddp["epoch"] == SMALL.epochs - 1
    one = distributed.train(replace(SMALL, batch_size=2 * SMALL.batch_size), CPU)
    for key, value in one["state_dict"].items():
        torch.testing.assert_close(ddp["model"][key], value, rtol=1e-4, atol=1e-5, msg=f"parameter {key}")
    for a, b in zip(ddp["history"], one["history"]):
        assert a["train_mse"] == pytest.approx(b["train_mse"], rel=1e-4)
        assert a["val_rmse"] == pytest.approx(b["val_rmse"], rel=1e-4)

    # The comparison can fail: one process with the per-rank batch B is a different run.
    other = distributed.train(SMALL, CPU)
    gap = max(float((other["state_dict"][k] - v).abs().max()) for k, v in ddp["model"].items())
    assert gap > 1e-3, f"batch B and batch 2B runs should differ, max difference {gap}"
    assert json.loads((tmp_path / "ddp" / distributed.LOG).read_text())["backend"] == "gloo"
