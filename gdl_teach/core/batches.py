"""Mini-batches of graphs collated once and reshuffled every epoch."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import torch

from gdl_teach.core.validate import check_int


class ShuffledBatches:
    """Mini-batches of graphs, collated once: ``num_orders`` shuffles, one per epoch in turn.

    Collating PyG graphs into a ``Batch`` costs more than training a small GNN
    on it, so the batches are built up front; each pass over the object yields
    the batches of the next shuffle, so consecutive epochs still see different
    batch orders and compositions. :meth:`set_epoch` chooses the shuffle
    explicitly, as ``torch.utils.data.DistributedSampler.set_epoch`` does, so a
    second training run on the same object can start from the first shuffle.

    Only tensor attributes are kept (strings such as SMILES or names only slow
    collation down).

    Args:
        graphs: PyG ``Data`` objects.
        batch_size: graphs per batch.
        num_orders: how many different shuffles to prepare.
        seed: seed of the shuffles.
    """

    def __init__(self, graphs: Sequence[Any], batch_size: int = 32, num_orders: int = 4, seed: int = 0) -> None:
        from torch_geometric.data import Batch, Data

        if not isinstance(graphs, (list, tuple)) or not graphs:
            raise ValueError(f"graphs must be a non-empty list of PyG Data objects, got {type(graphs).__name__}")
        graphs = [Data(**{k: v for k, v in d.items() if isinstance(v, torch.Tensor)}) for d in graphs]
        batch_size = check_int("batch_size", batch_size, min_value=1)
        num_orders = check_int("num_orders", num_orders, min_value=1)
        g = torch.Generator().manual_seed(check_int("seed", seed, min_value=0))
        self.orders = []
        for _ in range(num_orders):
            perm = torch.randperm(len(graphs), generator=g).tolist()
            self.orders.append([Batch.from_data_list([graphs[i] for i in perm[k:k + batch_size]])
                                for k in range(0, len(graphs), batch_size)])
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """Make the next pass yield the batches of shuffle ``epoch % num_orders``."""
        self.epoch = check_int("epoch", epoch, min_value=0)

    def __iter__(self) -> Iterator[Any]:
        batches = self.orders[self.epoch % len(self.orders)]
        self.epoch += 1
        return iter(batches)

    def __len__(self) -> int:
        return len(self.orders[0])
