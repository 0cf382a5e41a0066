"""Checks for lesson 01: the grid graph's edge list, sum pooling, projected distances."""
from __future__ import annotations

from collections.abc import Callable

import torch
from torch_geometric.nn import global_add_pool

from gdl_teach.core.symmetry import check_invariance, permute_rows, random_rotation, rotation_matrix
from gdl_teach.core.validate import check_batch, check_int, check_tensor
from gdl_teach.euclid.grid import make_grid_graph
from gdl_teach.euclid.projection import make_cube, pairwise_distances, project_to_plane
from gdl_teach.exercises.core import call_answer, check_close, exercise, expect, passed


# --------------------------------------------------------------------------
# exercise 1: the grid graph
# --------------------------------------------------------------------------
def reference_grid_edges(height: int, width: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The edges of the pixel grid graph (zero padding) and their offset ids.

    Args:
        height: H.
        width: W.

    Returns:
        ``(edge_index, offset)``: (2, E) edges ``j -> i`` from the pixel a 3x3
        kernel centred on ``i`` reads to ``i``, and (E,) offset ids ``k`` into
        :data:`~gdl_teach.euclid.grid.OFFSETS_3X3`.
    """
    grid = make_grid_graph(height, width, padding="zeros")
    return grid.edge_index, grid.edge_attr


def _triples(edge_index: torch.Tensor, offset: torch.Tensor) -> set[tuple[int, int, int]]:
    return set(zip(edge_index[0].tolist(), edge_index[1].tolist(), offset.tolist()))


@exercise(reference=reference_grid_edges)
def check_grid_edges(grid_edges: Callable[[int, int], tuple[torch.Tensor, torch.Tensor]]) -> None:
    """Check a learner's ``grid_edges(height, width) -> (edge_index (2, E), offset (E,))``.

    The order of the edges does not matter; each ``(source, target, offset)`` must
    appear exactly once.
    """
    for height, width in [(3, 4), (1, 1), (5, 2), (4, 4)]:
        out = call_answer("grid_edges", grid_edges, height, width)
        expect(isinstance(out, tuple) and len(out) == 2,
               f"grid_edges must return a pair (edge_index, offset), got {type(out).__name__}.")
        edge_index, offset = out
        expect(isinstance(edge_index, torch.Tensor) and edge_index.dim() == 2 and edge_index.shape[0] == 2,
               "edge_index must be a (2, E) tensor: row 0 the sending pixel j, row 1 the receiving pixel i.")
        expect(isinstance(offset, torch.Tensor) and offset.shape == (edge_index.shape[1],),
               "offset must be an (E,) tensor: one offset id per edge.")
        ref_ei, ref_off = reference_grid_edges(height, width)
        n = height * width
        expect(edge_index.numel() > 0, f"a {height}x{width} grid has {ref_ei.shape[1]} edges, you returned none.")
        expect(not edge_index.is_floating_point() and not offset.is_floating_point(),
               "edge_index and offset must be integer tensors (torch.long), not floats.")
        expect(int(edge_index.min()) >= 0 and int(edge_index.max()) < n,
               f"node ids must be in [0, {n - 1}] for a {height}x{width} grid: pixels outside the image do not "
               "exist (zero padding), so skip neighbours that fall off the border.")
        got, want = _triples(edge_index.long(), offset.long()), _triples(ref_ei, ref_off)
        expect(len(got) == edge_index.shape[1], "some edges appear twice; each (j, i, offset) belongs once.")
        if got == want:
            continue
        expect(any(k == 4 for _, _, k in got),
               "the centre pixel is read by the kernel too: add a self-loop i -> i with offset id 4 = (0, 0).")
        expect({(b, a, k) for a, b, k in got} != want,
               "the edges point the wrong way: an edge goes from the neighbour j = (row + dr, col + dc) that the "
               "kernel reads (edge_index[0]) to the centre i = (row, col) (edge_index[1]).")
        expect({(a, b) for a, b, _ in got} != {(a, b) for a, b, _ in want},
               "the edges are right but some offset ids are not: the id of (dr, dc) is its position in "
               "OFFSETS_3X3, i.e. (dr + 1) * 3 + (dc + 1).")
        expect(len(got) == len(want),
               f"a {height}x{width} grid has {len(want)} such edges, you returned {len(got)}. Border pixels have "
               "fewer neighbours; node id = row * width + col.")
        expect(False, f"the edges of the {height}x{width} grid differ from the expected ones; node id is "
               "row * width + col and the edge for offset (dr, dc) goes from (row + dr, col + dc) to (row, col).")
    passed("your grid graph has the 9 typed edges per pixel (fewer at the borders), the same as make_grid_graph.")


# --------------------------------------------------------------------------
# exercise 2: sum pooling
# --------------------------------------------------------------------------
def reference_sum_pool(x: torch.Tensor, batch: torch.Tensor, num_graphs: int) -> torch.Tensor:
    """Sum of the node features of each graph: PyG's ``global_add_pool``, which the lesson's models use.

    Args:
        x: (N, F) node features.
        batch: (N,) sorted graph id of each node.
        num_graphs: B.

    Returns:
        (B, F).
    """
    x = check_tensor("x", x, ndim=2)
    batch = check_batch("batch", batch, x.shape[0], device=x.device)
    num_graphs = check_int("num_graphs", num_graphs, min_value=int(batch.max()) + 1 if batch.numel() else 1)
    return global_add_pool(x, batch, size=num_graphs)


@exercise(reference=reference_sum_pool)
def check_sum_pool(sum_pool: Callable[[torch.Tensor, torch.Tensor, int], torch.Tensor]) -> None:
    """Check a learner's ``sum_pool(x, batch, num_graphs) -> (B, F)`` and measure its permutation invariance."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(9, 3, generator=g)
    batch = torch.tensor([0, 0, 0, 0, 1, 1, 2, 2, 2])
    got = call_answer("sum_pool", sum_pool, x, batch, 3)
    want = reference_sum_pool(x, batch, 3)
    if isinstance(got, torch.Tensor) and got.shape == want.shape:
        counts = torch.bincount(batch, minlength=3).unsqueeze(1).float()
        expect(not torch.allclose(got, want / counts, atol=1e-5),
               "you averaged (mean pooling); this exercise asks for the sum.")
    if isinstance(got, torch.Tensor) and got.shape == (3,):
        expect(False, "you summed over the feature axis; sum over the nodes of each graph, keeping the features.")
    check_close("sum_pool", got, want, hint="Row b is the sum of x[n] over the nodes n with batch[n] == b "
                "(try index_add or a loop over graphs).")
    last_empty = call_answer("sum_pool", sum_pool, x, batch, 4)
    check_close("sum_pool", last_empty, reference_sum_pool(x, batch, 4),
                hint="With num_graphs=4 and no node in graph 3, its row must be zeros: use num_graphs for the size.")
    one = torch.zeros(7, dtype=torch.long)
    report = check_invariance(lambda h: call_answer("sum_pool", sum_pool, h, one, 1), (torch.randn(7, 4, generator=g),),
                              permute_rows())
    expect(report.passed, f"sum pooling should not care about the order of the nodes, but {report}.")
    passed(f"sum_pool adds the nodes of each graph; relabelling the nodes: {report}.")


# --------------------------------------------------------------------------
# exercise 3: projected distances
# --------------------------------------------------------------------------
def reference_projected_distances(pos: torch.Tensor, rot: torch.Tensor) -> torch.Tensor:
    """Pairwise distances of 3D points after rotating them and dropping z.

    Args:
        pos: (N, 3) points.
        rot: (3, 3) rotation.

    Returns:
        (N, N) distances in the 2D picture.
    """
    return pairwise_distances(project_to_plane(pos, rot))


@exercise(reference=reference_projected_distances)
def check_projected_distances(projected_distances: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> None:
    """Check a learner's ``projected_distances(pos, rot) -> (N, N)``."""
    cube, _ = make_cube()
    g = torch.Generator().manual_seed(3)
    cases = [(cube, rotation_matrix((30.0, 20.0, 10.0), dtype=torch.float64)),
             (torch.randn(6, 3, generator=g, dtype=torch.float64), random_rotation(3, generator=g).double())]
    for pos, rot in cases:
        got = call_answer("projected_distances", projected_distances, pos, rot)
        want = reference_projected_distances(pos, rot)
        if isinstance(got, torch.Tensor) and got.shape == want.shape:
            expect(not torch.allclose(got.double(), pairwise_distances(pos), atol=1e-6),
                   "these are the true 3D distances: rotating alone preserves them. Drop z after rotating.")
            expect(not torch.allclose(got.double(), pairwise_distances((pos @ rot)[:, :2]), atol=1e-6),
                "you rotated with pos @ rot; rows are points, so the rotation is pos @ rot.T.")
        check_close("projected_distances", got, want, atol=1e-6,
                    hint="Rotate (pos @ rot.T), keep the first two coordinates, then take all pairwise distances.")
    passed("projected distances match; compare them with the true 3D distances to see the distortion.")
