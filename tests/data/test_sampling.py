"""The kit's neighbour sampler: PyG NeighborLoader's output format, exact against full-batch inference."""
from __future__ import annotations

import pytest
import torch
from torch_geometric.data import Data
from torch_geometric.nn.models import GraphSAGE

from gdl_teach.data import planted_partition, sampling


@pytest.fixture(scope="module")
def graph() -> Data:
    data = planted_partition.planted_partition_graph(num_nodes=1500, num_classes=4, avg_degree=8, seed=2)
    data.edge_attr = torch.arange(data.num_edges, dtype=torch.float32).unsqueeze(-1)  # (E, 1): its own edge id
    return data


def test_in_edges_groups_by_target_and_keeps_the_order() -> None:
    edge_index = torch.tensor([[3, 0, 2, 1, 0], [1, 2, 1, 0, 1]])
    g = sampling.in_edges(edge_index, num_nodes=4)
    assert g.ptr.tolist() == [0, 1, 4, 5, 5]
    assert g.eid.tolist() == [3, 0, 2, 4, 1]  # node 1's in-edges in their original order: columns 0, 2, 4
    assert g.src.tolist() == [1, 3, 2, 0, 0]


@pytest.mark.parametrize("num_layers", [1, 2, 3])
def test_full_fanout_equals_full_batch_inference(graph: Data, num_layers: int) -> None:
    torch.manual_seed(0)
    model = GraphSAGE(graph.num_features, 16, num_layers, out_channels=4).eval()
    with torch.no_grad():
        full = model(graph.x, graph.edge_index)  # (N, 4)
        seen = []
        for batch in sampling.NeighborBatches(graph, [-1] * num_layers, batch_size=256, shuffle=True, seed=1):
            out = model(batch.x, batch.edge_index)[:batch.batch_size]
            assert torch.equal(out, full[batch.n_id[:batch.batch_size]]), "sampled output must equal full batch"
            seen.append(batch.n_id[:batch.batch_size])
    assert torch.equal(torch.sort(torch.cat(seen)).values, torch.arange(graph.num_nodes)), "one epoch = every seed once"


def test_output_has_neighbor_loader_format(graph: Data) -> None:
    seeds = torch.tensor([5, 17, 3, 900])
    batch = next(iter(sampling.NeighborBatches(graph, [4, 3], input_nodes=seeds, batch_size=4, seed=0)))
    assert batch.batch_size == 4 and torch.equal(batch.n_id[:4], seeds) and batch.input_id.tolist() == [0, 1, 2, 3]
    assert batch.n_id.unique().numel() == batch.n_id.numel() == batch.num_nodes == sum(batch.num_sampled_nodes)
    assert sum(batch.num_sampled_edges) == batch.edge_index.shape[1] == batch.e_id.numel()
    assert torch.equal(graph.edge_index[:, batch.e_id], batch.n_id[batch.edge_index]), "edges relabelled into n_id"
    assert torch.equal(batch.edge_attr.view(-1), batch.e_id.float()), "edge attributes follow e_id"
    assert torch.equal(batch.x, graph.x[batch.n_id]) and torch.equal(batch.y, graph.y[batch.n_id])
    assert torch.equal(batch.train_mask, graph.train_mask[batch.n_id])
    hop1 = batch.edge_index[:, :batch.num_sampled_edges[0]]
    assert bool((hop1[1] < 4).all()), "hop 1 edges point at the seeds"
    counts = torch.bincount(hop1[1], minlength=4)
    degree = torch.bincount(graph.edge_index[1], minlength=graph.num_nodes)[seeds]
    assert torch.equal(counts, degree.clamp(max=4)), "each seed keeps min(degree, fan-out) neighbours"
    hop2 = batch.edge_index[:, batch.num_sampled_edges[0]:]
    assert bool((hop2[1] >= 4).all()) and bool((torch.bincount(hop2[1]) <= 3).all())


def test_seeded_and_uniform() -> None:
    # node 0 has 10 in-neighbours (1..10): fan-out 3 must pick each with probability 3/10
    star = Data(edge_index=torch.stack([torch.arange(1, 11), torch.zeros(10, dtype=torch.long)]), num_nodes=11)
    loader = sampling.NeighborBatches(star, [3], input_nodes=torch.tensor([0]), seed=4)
    picks = torch.cat([b.n_id[1:] for _ in range(1000) for b in loader])
    counts = torch.bincount(picks, minlength=11)[1:].float()
    assert counts.sum() == 3000 and bool(((counts - 300).abs() < 5 * (300 * 0.7) ** 0.5).all()), counts
    again = sampling.NeighborBatches(star, [3], input_nodes=torch.tensor([0]), seed=4)
    assert torch.equal(torch.cat([b.n_id[1:] for _ in range(1000) for b in again]), picks), "same seed, same draws"


def test_input_nodes_as_mask_and_bad_arguments(graph: Data) -> None:
    loader = sampling.NeighborBatches(graph, [2], input_nodes=graph.train_mask, batch_size=50)
    assert len(loader) == -(-int(graph.train_mask.sum()) // 50)
    assert torch.equal(torch.cat([b.n_id[:b.batch_size] for b in loader]), graph.train_mask.nonzero().view(-1))
    with pytest.raises(ValueError, match="repeat"):
        sampling.NeighborBatches(graph, [2], input_nodes=torch.tensor([1, 1]))
    with pytest.raises(ValueError, match=r"\[0, 1500\)"):
        sampling.NeighborBatches(graph, [2], input_nodes=torch.tensor([1500]))
    with pytest.raises(ValueError, match="num_neighbors"):
        sampling.NeighborBatches(graph, [0])
    with pytest.raises(TypeError, match="num_neighbors"):
        sampling.NeighborBatches(graph, 5)


def test_neighbor_loader_picks_a_backend(graph: Data) -> None:
    assert sampling.neighbor_loader(graph, [2], backend="kit").__class__ is sampling.NeighborBatches
    if sampling.pyg_sampler_available():
        from torch_geometric.loader import NeighborLoader

        assert isinstance(sampling.neighbor_loader(graph, [2]), NeighborLoader)
    else:
        assert isinstance(sampling.neighbor_loader(graph, [2]), sampling.NeighborBatches)
        with pytest.raises(ImportError, match="pyg-lib or torch-sparse"):
            sampling.neighbor_loader(graph, [2], backend="pyg")
