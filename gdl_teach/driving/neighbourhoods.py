"""What a neighbourhood looks like on a LiDAR scan, and what it costs a local model.

A spinning sensor samples densely along each ring (one beam's sweep) and
sparsely across rings: at 10 m, neighbouring shots of a 256-column sensor are
25 cm apart, neighbouring beams on the road a metre or more. So the ``k``
nearest neighbours of a road point mostly lie on its own ring: a thin,
one-dimensional neighbourhood, and at the edge of an object a one-sided one.
A ball of fixed radius holds as much space in every direction.
"""
from __future__ import annotations

import time

import pandas as pd
import torch
import torch.nn.functional as F

from gdl_teach.core.validate import check_edge_index, check_tensor
from gdl_teach.geometry.neighbors import knn_graph
from gdl_teach.nn.edgeconv import DGCNN
from gdl_teach.nn.pointnet2 import PointNet2


def neighbourhood_shape(pos: torch.Tensor, edge_index: torch.Tensor) -> dict[str, float]:
    """Median size and lopsidedness of the neighbourhoods of an edge list (neighbour -> centre).

    For each centre: how far its neighbours reach across the ring (along the
    direction from the sensor, in the ground plane) and along it (tangential),
    and how one-sided they are, ``|mean offset| / mean |offset|`` (0: balanced
    around the centre, 1: all on one side).

    Args:
        pos: (N, 3) points in the sensor frame; edge_index: (2, E) edges.

    Returns:
        Medians over the centres, in metres (the last one has no unit).
    """
    check_tensor("pos", pos, shape=(None, 3), floating=True)
    j, i = check_edge_index("edge_index", edge_index, pos.shape[0])
    d = pos[j, :2] - pos[i, :2]
    radial = pos[i, :2] / pos[i, :2].norm(dim=1, keepdim=True).clamp_min(1e-9)
    along = torch.stack([-radial[:, 1], radial[:, 0]], dim=1)
    num = pos.shape[0]
    across_ext = torch.zeros(num).scatter_reduce(0, i, (d * radial).sum(1).abs(), "amax", include_self=False)
    along_ext = torch.zeros(num).scatter_reduce(0, i, (d * along).sum(1).abs(), "amax", include_self=False)
    count = torch.zeros(num).index_add_(0, i, torch.ones_like(i, dtype=torch.float))
    mean_off = torch.zeros(num, 2).index_add_(0, i, d) / count.clamp_min(1)[:, None]
    mean_len = torch.zeros(num).index_add_(0, i, d.norm(dim=1)) / count.clamp_min(1)
    has = count > 0
    return {"neighbours": float(count[has].median()), "reach across rings (m)": float(across_ext[has].median()),
            "reach along the ring (m)": float(along_ext[has].median()),
            "one-sidedness": float((mean_off.norm(dim=1)[has] / mean_len[has].clamp_min(1e-9)).median())}


def neighbourhood_table(pos: torch.Tensor, graphs: dict[str, torch.Tensor], centres: torch.Tensor,
                        bands: tuple[tuple[float, float], ...] = ((5, 10), (10, 15), (15, 20))) -> pd.DataFrame:
    """:func:`neighbourhood_shape` of each graph for the ``centres`` in each band of distance from the sensor.

    Args:
        pos: (N, 3) points; graphs: name -> (2, E) edges (neighbour -> centre).
        centres: (N,) bool, which points to describe (e.g. the road).
        bands: (near, far) distances in metres, in the ground plane.
    """
    check_tensor("centres", centres, shape=(pos.shape[0],))
    distance = pos[:, :2].norm(dim=1)
    rows = {}
    for name, edges in graphs.items():
        for near, far in bands:
            keep = (centres.bool() & (distance >= near) & (distance < far)).nonzero().flatten()
            rows[(name, f"{near}-{far} m")] = neighbourhood_shape(pos, edges[:, torch.isin(edges[1], keep)])
    return pd.DataFrame(rows).T.round(2)


def step_cost(pos: torch.Tensor, y: torch.Tensor, batch: torch.Tensor, num_classes: int, repeats: int = 2,
              k: int = 16) -> pd.DataFrame:
    """CPU seconds of one training step (forward, backward) of DGCNN and of the lesson's PointNet++ on one batch.

    Runs on the CPU (the tensors are copied there), whatever the lesson's device.

    Also counts the (point, neighbour) pairs each model's edge MLP runs on:
    EdgeConv on every point's ``k`` neighbours, PointNet++ only on the balls
    of its sampled centres. The graphs are built once, outside the timing.

    Args:
        pos: (N, 3) points; y: (N,) labels; batch: (N,) example of each point.
        num_classes: classes of the head.
        repeats: steps timed (the mean is reported).
        k: neighbours of EdgeConv.
    """
    pos, y, batch = pos.detach().cpu(), y.cpu(), batch.cpu()
    torch.manual_seed(0)
    dgcnn = DGCNN(3, num_classes, hidden_channels=32, num_layers=2, k=k)
    pn2 = PointNet2(0, num_classes, hidden_channels=32, ratios=(0.1, 0.25), radii=(1.0, 3.0), offsets="cylindrical")
    edges, graph = knn_graph(pos, k, batch), pn2.build_graph(pos, batch)
    runs = {f"DGCNN (EdgeConv, k={k})": (dgcnn, lambda: dgcnn(pos, pos, batch, edges),
                                         len(dgcnn.convs) * edges.shape[1]),
            "PointNet++ (ours)": (pn2, lambda: pn2(None, pos, batch, graph),
                                  sum(e.shape[1] for e in graph.edge_index))}
    rows = {}
    for name, (model, forward, pairs) in runs.items():
        F.cross_entropy(forward(), y).backward()  # warm-up
        start = time.process_time()
        for _ in range(repeats):
            model.zero_grad()
            F.cross_entropy(forward(), y).backward()
        rows[name] = {"points": pos.shape[0], "edge-MLP inputs": pairs,
                      "seconds per step": (time.process_time() - start) / repeats}
    return pd.DataFrame(rows).T
