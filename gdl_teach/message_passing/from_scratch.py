"""Message passing from scratch, in three steps, for two layers: GCN and GIN.

1. **Dense**: a graph is an adjacency matrix ``A`` (N, N) and a layer is a
   matrix product, ``H = A_hat X W`` (:class:`GCNDense`, :class:`GINDense`).
   Simple, but ``A`` costs N^2 memory however few edges there are.
2. **Scatter**: keep only the edge list ``edge_index`` (2, E); gather the
   sender's features along every edge, weight them, and *scatter-add* them
   into the receivers with ``index_add_`` (:class:`GCNScatter`,
   :class:`GINScatter`). Memory and time grow with E, not N^2.
3. **MessagePassing**: the same computation written as PyG's
   ``MessagePassing`` subclass, which does the gather and scatter for us; we
   write only ``message`` (:class:`GCNMessagePassing`, :class:`GINMessagePassing`).

Convention (PyG's): an edge ``j -> i`` is a column ``(j, i)`` of
``edge_index``; row 0 holds sources (senders), row 1 targets (receivers). In
the dense form ``A[i, j]`` counts the edges ``j -> i``, so row ``i`` of ``A X``
sums what ``i`` receives.

Every layer keeps its parameters under the same names as PyG's ``GCNConv``
(``lin.weight``, ``bias``) and ``GINConv`` (``nn.*``, ``eps``), so
``mine.load_state_dict(pyg_layer.state_dict())`` copies PyG's weights in and
the outputs can be compared to 1e-5.

References: Kipf & Welling, *Semi-Supervised Classification with Graph
Convolutional Networks*, ICLR 2017; Xu et al., *How Powerful are Graph Neural
Networks?*, ICLR 2019; Gilmer et al., *Neural Message Passing for Quantum
Chemistry*, ICML 2017.
"""
from __future__ import annotations

import time
from typing import Any

import torch
from torch import nn
from torch_geometric.nn import MessagePassing

from gdl_teach.core.device import torch_threads
from gdl_teach.core.validate import check_edge_index, check_float, check_int, check_tensor

# --------------------------------------------------------------------------- helpers


def _check_x(x: Any, in_dim: int | None = None) -> torch.Tensor:
    return check_tensor("x", x, shape=(None, in_dim) if in_dim else None, ndim=None if in_dim else 2,
                        floating=True, nonempty=True)


def to_dense_adj(edge_index: torch.Tensor, num_nodes: int) -> torch.Tensor:
    """The (N, N) adjacency matrix of an edge list; ``A[i, j]`` counts the edges ``j -> i``.

    Args:
        edge_index: (2, E) edges ``source -> target``.
        num_nodes: N.

    Returns:
        A: (N, N) float tensor (a repeated edge counts twice).
    """
    num_nodes = check_int("num_nodes", num_nodes, min_value=1)
    edge_index = check_edge_index("edge_index", edge_index, num_nodes)
    src, dst = edge_index
    adj = torch.zeros(num_nodes, num_nodes, device=edge_index.device)
    adj.index_put_((dst, src), torch.ones(src.numel(), device=edge_index.device), accumulate=True)
    return adj


def _check_adj(adj: Any) -> torch.Tensor:
    adj = check_tensor("adj", adj, ndim=2, floating=True, nonempty=True)
    if adj.shape[0] != adj.shape[1]:
        raise ValueError(f"adj must be a square (N, N) matrix, got {tuple(adj.shape)}")
    return adj


def gcn_norm_dense(adj: torch.Tensor) -> torch.Tensor:
    """GCN's normalised adjacency ``A_hat = D^-1/2 (A + I) D^-1/2``.

    ``D`` is the diagonal degree matrix of ``A + I`` (row sums: edges
    received, self-loop included), so every node has degree >= 1. Existing
    self-loops are replaced by one loop of weight 1, as PyG's ``GCNConv`` does.

    Args:
        adj: (N, N) adjacency, ``adj[i, j]`` = weight of edge ``j -> i``.

    Returns:
        A_hat: (N, N).
    """
    adj = _check_adj(adj)
    eye = torch.eye(adj.shape[0], dtype=adj.dtype, device=adj.device)
    a_tilde = adj * (1 - eye) + eye  # (N, N): exactly one self-loop per node
    deg = a_tilde.sum(dim=1)  # (N,) in-degree + 1
    inv_sqrt = deg.pow(-0.5)
    return inv_sqrt.view(-1, 1) * a_tilde * inv_sqrt.view(1, -1)


def _check_scatter(src: Any, index: Any, dim_size: Any) -> tuple[torch.Tensor, torch.Tensor, int]:
    src = check_tensor("src", src, floating=True)
    if src.dim() == 0:
        raise ValueError("src must have one row per edge, shape (E, F) or (E,), got a scalar")
    index = check_tensor("index", index, ndim=1, integer=True)
    dim_size = check_int("dim_size", dim_size, min_value=1)
    if index.shape[0] != src.shape[0]:
        raise ValueError(f"index must have one entry per row of src ({src.shape[0]}), got {index.shape[0]}")
    if index.numel() and (int(index.min()) < 0 or int(index.max()) >= dim_size):
        raise ValueError(f"index must lie in [0, {dim_size - 1}] (dim_size={dim_size}), "
                         f"got values in [{int(index.min())}, {int(index.max())}]")
    return src, index, dim_size


def scatter_sum(src: torch.Tensor, index: torch.Tensor, dim_size: int) -> torch.Tensor:
    """Add row ``e`` of ``src`` into row ``index[e]`` of a zero tensor: ``out[i] = sum_{e: index[e]=i} src[e]``.

    Args:
        src: (E, F) values, one row per edge.
        index: (E,) target row of every value.
        dim_size: N, the number of output rows.

    Returns:
        out: (N, F).
    """
    src, index, dim_size = _check_scatter(src, index, dim_size)
    out = src.new_zeros((dim_size, *src.shape[1:]))
    return out.index_add_(0, index, src)


def scatter_mean(src: torch.Tensor, index: torch.Tensor, dim_size: int) -> torch.Tensor:
    """Mean of the rows of ``src`` that land on each output row (0 where none lands).

    Args:
        src: (E, F) values.
        index: (E,) target row of every value.
        dim_size: N.

    Returns:
        out: (N, F).
    """
    src, index, dim_size = _check_scatter(src, index, dim_size)
    total = scatter_sum(src, index, dim_size)
    count = torch.zeros(dim_size, dtype=src.dtype, device=src.device).index_add_(
        0, index, torch.ones(index.numel(), dtype=src.dtype, device=src.device))
    return total / count.clamp(min=1).view(-1, *([1] * (src.dim() - 1)))


def scatter_max(src: torch.Tensor, index: torch.Tensor, dim_size: int) -> torch.Tensor:
    """Element-wise maximum of the rows of ``src`` that land on each output row (0 where none lands).

    Args:
        src: (E, F) values.
        index: (E,) target row of every value.
        dim_size: N.

    Returns:
        out: (N, F).
    """
    src, index, dim_size = _check_scatter(src, index, dim_size)
    if src.dim() != 2:
        raise ValueError(f"src must have shape (E, F), got {tuple(src.shape)}")
    out = src.new_zeros(dim_size, src.shape[1])
    idx = index.view(-1, 1).expand_as(src)  # (E, F)
    return out.scatter_reduce_(0, idx, src, reduce="amax", include_self=False)


def gcn_norm(edge_index: torch.Tensor, num_nodes: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The edge-list form of ``A_hat``: self-loops added, one weight per edge.

    ``w_ji = 1 / sqrt(deg(j) * deg(i))`` for every edge ``j -> i``, where
    ``deg`` counts received edges plus the self-loop. Existing self-loops are
    replaced by one loop per node, as PyG's ``GCNConv`` does.

    Args:
        edge_index: (2, E) edges ``source -> target``.
        num_nodes: N.

    Returns:
        ``(edge_index, edge_weight)``: (2, E' ) edges with self-loops and (E',) weights.
    """
    num_nodes = check_int("num_nodes", num_nodes, min_value=1)
    edge_index = check_edge_index("edge_index", edge_index, num_nodes)
    src, dst = edge_index
    keep = src != dst
    loops = torch.arange(num_nodes, device=edge_index.device)
    src = torch.cat([src[keep], loops])  # (E',)
    dst = torch.cat([dst[keep], loops])  # (E',)
    deg = torch.zeros(num_nodes, device=edge_index.device).index_add_(
        0, dst, torch.ones(dst.numel(), device=edge_index.device))  # (N,) >= 1
    inv_sqrt = deg.pow(-0.5)
    return torch.stack([src, dst]), inv_sqrt[src] * inv_sqrt[dst]


# --------------------------------------------------------------------------- GCN, three ways


class _GCNBase(nn.Module):
    """Parameters of a GCN layer, named as in PyG's ``GCNConv``: ``lin.weight`` (out, in), ``bias`` (out,)."""

    def __init__(self, in_dim: int, out_dim: int) -> None:
        super().__init__()
        self.in_dim = check_int("in_dim", in_dim, min_value=1)
        self.out_dim = check_int("out_dim", out_dim, min_value=1)
        self.lin = nn.Linear(in_dim, out_dim, bias=False)
        self.bias = nn.Parameter(torch.zeros(out_dim))
        nn.init.xavier_uniform_(self.lin.weight)


class GCNDense(_GCNBase):
    """GCN layer as a dense matrix product: ``H = A_hat X W + b`` (Kipf & Welling, ICLR 2017).

    Args:
        in_dim: input features F.
        out_dim: output features F'.
    """

    def forward(self, x: torch.Tensor, adj: torch.Tensor) -> torch.Tensor:
        """x: (N, F), adj: (N, N) with ``adj[i, j]`` = edge ``j -> i`` -> (N, F')."""
        x = _check_x(x, self.in_dim)
        adj = _check_adj(adj)
        if adj.shape[0] != x.shape[0]:
            raise ValueError(f"adj must be ({x.shape[0]}, {x.shape[0]}) to match x, got {tuple(adj.shape)}")
        return gcn_norm_dense(adj) @ self.lin(x) + self.bias


class GCNScatter(_GCNBase):
    """GCN layer on an edge list with gather + ``index_add_`` (no PyG): ``h_i = sum_j w_ji W x_j + b``.

    Args:
        in_dim: input features F.
        out_dim: output features F'.
    """

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        """x: (N, F), edge_index: (2, E) -> (N, F')."""
        x = _check_x(x, self.in_dim)
        edge_index, weight = gcn_norm(edge_index, x.shape[0])
        src, dst = edge_index
        h = self.lin(x)  # (N, F')
        msg = h.index_select(0, src) * weight.view(-1, 1)  # (E', F'): one message per edge
        out = torch.zeros_like(h).index_add_(0, dst, msg)  # (N, F'): sum at the receivers
        return out + self.bias


class GCNMessagePassing(MessagePassing):
    """GCN layer as a PyG ``MessagePassing`` subclass: we write ``message``, PyG gathers and sums.

    Args:
        in_dim: input features F.
        out_dim: output features F'.
    """

    def __init__(self, in_dim: int, out_dim: int) -> None:
        super().__init__(aggr="add")  # sum the messages at each receiver
        self.in_dim = check_int("in_dim", in_dim, min_value=1)
        self.out_dim = check_int("out_dim", out_dim, min_value=1)
        self.lin = nn.Linear(in_dim, out_dim, bias=False)
        self.bias = nn.Parameter(torch.zeros(out_dim))
        nn.init.xavier_uniform_(self.lin.weight)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        """x: (N, F), edge_index: (2, E) -> (N, F')."""
        x = _check_x(x, self.in_dim)
        edge_index, weight = gcn_norm(edge_index, x.shape[0])
        return self.propagate(edge_index, x=self.lin(x), weight=weight) + self.bias

    def message(self, x_j: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        """x_j: (E, F') sender features, weight: (E,) -> (E, F') messages."""
        return weight.view(-1, 1) * x_j


# --------------------------------------------------------------------------- GIN, three ways


def gin_mlp(in_dim: int, out_dim: int, hidden: int | None = None) -> nn.Sequential:
    """The two-layer MLP inside a GIN layer: Linear, ReLU, Linear.

    Args:
        in_dim: input features F.
        out_dim: output features F'.
        hidden: hidden width (default ``out_dim``).
    """
    in_dim = check_int("in_dim", in_dim, min_value=1)
    out_dim = check_int("out_dim", out_dim, min_value=1)
    hidden = out_dim if hidden is None else check_int("hidden", hidden, min_value=1)
    return nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU(), nn.Linear(hidden, out_dim))


class _GINBase(nn.Module):
    """Parameters of a GIN layer, named as in PyG's ``GINConv``: ``nn.*`` and the buffer ``eps``."""

    def __init__(self, mlp: nn.Module, eps: float = 0.0) -> None:
        super().__init__()
        if not isinstance(mlp, nn.Module):
            raise TypeError(f"mlp must be a torch.nn.Module (e.g. gin_mlp(F, F')), got {type(mlp).__name__}")
        self.nn = mlp
        self.register_buffer("eps", torch.tensor([check_float("eps", eps)]))


class GINDense(_GINBase):
    """GIN layer as a dense product: ``H = MLP(((1 + eps) I + A) X)`` (Xu et al., ICLR 2019).

    Args:
        mlp: the update network, e.g. :func:`gin_mlp`.
        eps: weight of a node's own features beyond 1.
    """

    def forward(self, x: torch.Tensor, adj: torch.Tensor) -> torch.Tensor:
        """x: (N, F), adj: (N, N) -> (N, F')."""
        x = _check_x(x)
        adj = _check_adj(adj)
        if adj.shape[0] != x.shape[0]:
            raise ValueError(f"adj must be ({x.shape[0]}, {x.shape[0]}) to match x, got {tuple(adj.shape)}")
        return self.nn((1 + self.eps) * x + adj @ x)


class GINScatter(_GINBase):
    """GIN layer on an edge list with ``index_add_``: ``h_i = MLP((1 + eps) x_i + sum_{j -> i} x_j)``.

    Args:
        mlp: the update network, e.g. :func:`gin_mlp`.
        eps: weight of a node's own features beyond 1.
    """

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        """x: (N, F), edge_index: (2, E) -> (N, F')."""
        x = _check_x(x)
        src, dst = check_edge_index("edge_index", edge_index, x.shape[0])
        agg = torch.zeros_like(x).index_add_(0, dst, x.index_select(0, src))  # (N, F)
        return self.nn((1 + self.eps) * x + agg)


class GINMessagePassing(MessagePassing):
    """GIN layer as a PyG ``MessagePassing`` subclass with sum aggregation.

    Args:
        mlp: the update network, e.g. :func:`gin_mlp`.
        eps: weight of a node's own features beyond 1.
    """

    def __init__(self, mlp: nn.Module, eps: float = 0.0) -> None:
        super().__init__(aggr="add")
        if not isinstance(mlp, nn.Module):
            raise TypeError(f"mlp must be a torch.nn.Module (e.g. gin_mlp(F, F')), got {type(mlp).__name__}")
        self.nn = mlp
        self.register_buffer("eps", torch.tensor([check_float("eps", eps)]))

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        """x: (N, F), edge_index: (2, E) -> (N, F')."""
        x = _check_x(x)
        edge_index = check_edge_index("edge_index", edge_index, x.shape[0])
        return self.nn((1 + self.eps) * x + self.propagate(edge_index, x=x))

    def message(self, x_j: torch.Tensor) -> torch.Tensor:
        """x_j: (E, F) -> (E, F): the sender's features, unchanged."""
        return x_j


# --------------------------------------------------------------------------- comparing with PyG


def compare_with_pyg(x: torch.Tensor, edge_index: torch.Tensor, out_dim: int = 8, seed: int = 0) -> dict[str, float]:
    """Run the six from-scratch layers and PyG's ``GCNConv``/``GINConv`` with the same weights.

    PyG's layers are built first; their ``state_dict`` is copied into ours.

    Args:
        x: (N, F) node features.
        edge_index: (2, E) edges.
        out_dim: F' of the layers.
        seed: seed of PyG's initial weights.

    Returns:
        ``{"GCNDense": max |ours - PyG|, ...}`` for the six layers.
    """
    from torch_geometric.nn import GCNConv, GINConv

    x = _check_x(x)
    edge_index = check_edge_index("edge_index", edge_index, x.shape[0])
    out_dim = check_int("out_dim", out_dim, min_value=1)
    torch.manual_seed(check_int("seed", seed, min_value=0))
    in_dim = x.shape[1]
    pyg_gcn, pyg_gin = GCNConv(in_dim, out_dim), GINConv(gin_mlp(in_dim, out_dim), eps=0.1)
    adj = to_dense_adj(edge_index, x.shape[0])
    diffs: dict[str, float] = {}
    with torch.no_grad():
        ref_gcn, ref_gin = pyg_gcn(x, edge_index), pyg_gin(x, edge_index)
        for cls, graph in ((GCNDense, adj), (GCNScatter, edge_index), (GCNMessagePassing, edge_index)):
            layer = cls(in_dim, out_dim)
            layer.load_state_dict(pyg_gcn.state_dict())
            diffs[cls.__name__] = float((layer(x, graph) - ref_gcn).abs().max())
        for cls, graph in ((GINDense, adj), (GINScatter, edge_index), (GINMessagePassing, edge_index)):
            layer = cls(gin_mlp(in_dim, out_dim))
            layer.load_state_dict(pyg_gin.state_dict())
            diffs[cls.__name__] = float((layer(x, graph) - ref_gin).abs().max())
    return diffs


def random_graph(num_nodes: int, num_edges: int, num_features: int = 64, seed: int = 0
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """Random features and a random directed edge list (uniform endpoints), for benchmarks.

    Args:
        num_nodes: N.
        num_edges: E.
        num_features: F.
        seed: seed.

    Returns:
        ``(x (N, F), edge_index (2, E))``.
    """
    num_nodes = check_int("num_nodes", num_nodes, min_value=1)
    num_edges = check_int("num_edges", num_edges, min_value=0)
    num_features = check_int("num_features", num_features, min_value=1)
    g = torch.Generator().manual_seed(check_int("seed", seed, min_value=0))
    return (torch.randn(num_nodes, num_features, generator=g),
            torch.randint(0, num_nodes, (2, num_edges), generator=g))


def benchmark_gcn_scatter(num_nodes: int = 20_000, num_edges: int = 200_000, num_features: int = 64,
                          repeats: int = 20, backward: bool = False, seed: int = 0,
                          num_threads: int | None = None) -> dict[str, float]:
    """Time :class:`GCNScatter` against PyG's ``GCNConv`` on the same graph and weights.

    Both compute the normalisation on every call (``GCNConv(cached=False)``,
    the default). The two layers are timed alternately, ``repeats`` times
    each after one warm-up call. The median time of each is reported, and
    the ratio of the best times as a second opinion (on a shared machine a
    single lucky call can be several times faster than typical, so the
    median is the steadier number).

    Args:
        num_nodes: N.
        num_edges: E (random directed edges).
        num_features: F = F'.
        repeats: timed calls per layer.
        backward: time forward + backward instead of forward only.
        seed: seed of graph and weights.
        num_threads: CPU threads for the timing (restored afterwards); ``None`` keeps torch's setting.

    Returns:
        ``{"ours_ms", "pyg_ms"`` (median times), ``"ratio"`` (ours / PyG, medians), ``"ratio_best"``
        (of the best times), ``"max_abs_diff", "num_nodes", "num_edges", "threads"}``.
    """
    from torch_geometric.nn import GCNConv

    repeats = check_int("repeats", repeats, min_value=1)
    x, edge_index = random_graph(num_nodes, num_edges, num_features, seed)
    torch.manual_seed(seed)
    pyg = GCNConv(num_features, num_features)
    ours = GCNScatter(num_features, num_features)
    ours.load_state_dict(pyg.state_dict())

    def call(layer: nn.Module) -> torch.Tensor:
        if backward:
            out = layer(x, edge_index)
            out.sum().backward()
            return out.detach()
        with torch.no_grad():
            return layer(x, edge_index)

    if num_threads is not None:
        check_int("num_threads", num_threads, min_value=1)
    with torch_threads(num_threads):
        diff = float((call(ours) - call(pyg)).abs().max())  # also the warm-up
        times: dict[str, list[float]] = {"ours": [], "pyg": []}
        for _ in range(repeats):
            for name, layer in (("ours", ours), ("pyg", pyg)):
                start = time.perf_counter()
                call(layer)
                times[name].append(time.perf_counter() - start)
        threads = torch.get_num_threads()
    ours_ms = 1000 * float(torch.tensor(times["ours"]).median())
    pyg_ms = 1000 * float(torch.tensor(times["pyg"]).median())
    ratio_best = min(times["ours"]) / min(times["pyg"])
    return {"ours_ms": ours_ms, "pyg_ms": pyg_ms, "ratio": ours_ms / pyg_ms, "ratio_best": ratio_best,
            "max_abs_diff": diff,
            "num_nodes": float(num_nodes), "num_edges": float(num_edges), "threads": float(threads)}


# --------------------------------------------------------------------------- over-smoothing


def propagate_gcn(x: torch.Tensor, edge_index: torch.Tensor, depth: int) -> list[torch.Tensor]:
    """Apply ``A_hat`` again and again, without weights: ``[X, A_hat X, ..., A_hat^depth X]``.

    This is a GCN with identity weights and no non-linearity (as in SGC, Wu et
    al. 2019): what stacking many GCN layers does to the features.

    Args:
        x: (N, F) node features.
        edge_index: (2, E) edges.
        depth: number of propagation steps K.

    Returns:
        K + 1 tensors of shape (N, F).
    """
    x = _check_x(x)
    depth = check_int("depth", depth, min_value=0)
    edge_index, weight = gcn_norm(edge_index, x.shape[0])
    src, dst = edge_index
    out = [x]
    with torch_threads(1):
        for _ in range(depth):
            h = out[-1]
            out.append(torch.zeros_like(h).index_add_(0, dst, h.index_select(0, src) * weight.view(-1, 1)))
    return out


def dirichlet_energy(x: torch.Tensor, edge_index: torch.Tensor) -> float:
    """GCN-normalised Dirichlet energy: how much features change across edges.

    ``E(X) = 1/(2N) sum_{edges j -> i} || x_i / sqrt(1 + d_i) - x_j / sqrt(1 + d_j) ||^2``
    with ``d`` the in-degree. It is 0 exactly when ``A_hat X = X``, the fixed
    point that deep GCN propagation converges to (Cai & Wang 2020).

    Args:
        x: (N, F) node features.
        edge_index: (2, E) edges (self-loops are ignored).

    Returns:
        The energy, a float >= 0.
    """
    x = _check_x(x)
    edge_index = check_edge_index("edge_index", edge_index, x.shape[0])
    src, dst = edge_index[:, edge_index[0] != edge_index[1]]
    deg = torch.ones(x.shape[0], dtype=x.dtype).index_add_(0, dst, torch.ones(dst.numel(), dtype=x.dtype))
    z = x / deg.sqrt().view(-1, 1)  # (N, F)
    return float(((z[dst] - z[src]) ** 2).sum() / (2 * x.shape[0]))


def mean_pairwise_distance(x: torch.Tensor) -> float:
    """Mean Euclidean distance between the unit-length rows of ``x``: 0 when all point the same way.

    Args:
        x: (N, F) node embeddings (N >= 2).
    """
    x = _check_x(x)
    if x.shape[0] < 2:
        raise ValueError(f"x must have at least 2 rows to measure distances, got {x.shape[0]}")
    z = x / x.norm(dim=1, keepdim=True).clamp(min=1e-12)
    n = z.shape[0]
    return float(torch.cdist(z, z).sum() / (n * (n - 1)))


def nearest_centroid_accuracy(x: torch.Tensor, y: torch.Tensor, train_mask: torch.Tensor,
                              test_mask: torch.Tensor) -> float:
    """Accuracy of the simplest classifier: assign each test node to the closest training-class mean.

    Rows are scaled to unit length first, so only their direction counts.

    Args:
        x: (N, F) node embeddings.
        y: (N,) class labels.
        train_mask: (N,) bool, nodes whose labels build the class means.
        test_mask: (N,) bool, nodes to classify.
    """
    x = _check_x(x)
    n = x.shape[0]
    y = check_tensor("y", y, shape=(n,), integer=True)
    train_mask = check_tensor("train_mask", train_mask, shape=(n,))
    test_mask = check_tensor("test_mask", test_mask, shape=(n,))
    if train_mask.dtype != torch.bool or test_mask.dtype != torch.bool:
        raise TypeError("train_mask and test_mask must be bool tensors")
    if not bool(test_mask.any()):
        raise ValueError("test_mask selects no node")
    z = x / x.norm(dim=1, keepdim=True).clamp(min=1e-12)
    classes = torch.unique(y[train_mask])
    if classes.numel() == 0:
        raise ValueError("train_mask selects no node")
    centroids = torch.stack([z[train_mask & (y == c)].mean(0) for c in classes])  # (C, F)
    pred = classes[torch.cdist(z[test_mask], centroids).argmin(1)]
    return float((pred == y[test_mask]).float().mean())


def oversmoothing_curve(data: Any, depths: list[int]) -> Any:
    """Dirichlet energy, mean pairwise distance and nearest-centroid accuracy of ``A_hat^k X``.

    Args:
        data: a PyG ``Data`` with ``x`` (N, F), ``edge_index``, ``y`` and
            ``train_mask``/``test_mask``.
        depths: the depths k to report, e.g. ``[0, 1, 2, 4, 8, 16, 32, 64]``.

    Returns:
        A pandas DataFrame indexed by depth with columns ``dirichlet_energy``,
        ``mean_distance`` and ``centroid_accuracy``.
    """
    import pandas as pd

    for attr in ("x", "edge_index", "y", "train_mask", "test_mask"):
        if getattr(data, attr, None) is None:
            raise ValueError(f"data must have {attr} (a node-task Data such as make_sbm_node_task())")
    if not depths or not all(isinstance(d, int) and d >= 0 for d in depths):
        raise ValueError(f"depths must be a non-empty list of ints >= 0, got {depths!r}")
    hs = propagate_gcn(data.x, data.edge_index, max(depths))
    with torch_threads(1):
        rows = [{"depth": k, "dirichlet_energy": dirichlet_energy(hs[k], data.edge_index),
                 "mean_distance": mean_pairwise_distance(hs[k]),
                 "centroid_accuracy": nearest_centroid_accuracy(hs[k], data.y, data.train_mask, data.test_mask)}
                for k in depths]
    return pd.DataFrame(rows).set_index("depth")
