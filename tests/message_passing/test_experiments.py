"""gdl_teach.message_passing.experiments: the from-scratch layers against PyG, and the timing helper."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import torch
from torch_geometric.data import Data

from gdl_teach.message_passing import experiments
from gdl_teach.nn.gcn import GCNScatter

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("seed", [0, 1])
def test_seven_layers_match_pyg(seed: int, karate: Data) -> None:
    g = torch.Generator().manual_seed(seed)
    x, edge_index = torch.randn(12, 5, generator=g), torch.randint(0, 12, (2, 40), generator=g)  # loops, repeats
    for diffs in (experiments.compare_with_pyg(x, edge_index, seed=seed),
                  experiments.compare_with_pyg(karate.x, karate.edge_index)):
        assert set(diffs) == {"GCNDense", "GCNScatter", "GCNMessagePassing", "GINDense", "GINScatter",
                              "GINMessagePassing", "GATScatter", "GATScatter attention"}
        assert max(diffs.values()) <= 1e-5, diffs
    with pytest.raises(ValueError, match="out_channels must be >= 1"):
        experiments.compare_with_pyg(x, edge_index, out_channels=0)


def test_time_layers_reports_median_and_best(karate: Data) -> None:
    layers = {"a": GCNScatter(34, 4), "b": GCNScatter(34, 4)}
    times = experiments.time_layers(layers, karate.x, karate.edge_index, repeats=3)
    assert list(times.index) == ["a", "b"] and list(times.columns) == ["median_ms", "best_ms"]
    assert (times["best_ms"] > 0).all() and (times["best_ms"] <= times["median_ms"]).all()
    assert (experiments.time_layers(layers, karate.x, karate.edge_index, repeats=1, backward=True) > 0).all().all()
    with pytest.raises(ValueError, match="repeats must be >= 1"):
        experiments.time_layers(layers, karate.x, karate.edge_index, repeats=0)
    with pytest.raises(TypeError, match="named_layers must be a non-empty dict"):
        experiments.time_layers([GCNScatter(34, 4)], karate.x, karate.edge_index)


def test_bench_script_runs_and_refuses_small_graphs(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("bench_scatter", ROOT / "scripts" / "bench_scatter.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    with pytest.raises(SystemExit):
        module.main(["--edges", "1000"])
    with pytest.raises(SystemExit):
        module.main(["--repeats", "0"])
    assert module.main(["--nodes", "5000", "--edges", "100000", "--features", "4", "--repeats", "1",
                        "--threads", "1"]) == 0
    out = capsys.readouterr().out
    assert "ratio ours / PyG" in out and "1 thread(s)" in out
