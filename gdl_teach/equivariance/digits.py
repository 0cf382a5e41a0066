"""Handwritten digits, upright and turned: scikit-learn's offline 8x8 digits as a rotation test bed.

scikit-learn ships 1,797 scanned digits of 8x8 pixels (the UCI "optical
recognition of handwritten digits" test set) inside the package, so the lesson
needs no download. The training digits are all upright; the rotated test set
holds every test digit in its four orientations (0, 90, 180 and 270 degrees),
which turn a square grid onto itself exactly. A model that must recognise
turned digits after seeing only upright ones either has the rotations built in
(a p4 network) or is shown them (augmentation).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import torch
from torch_geometric.data import Data

from gdl_teach.core.splits import random_split
from gdl_teach.core.validate import check_int, check_tensor
from gdl_teach.equivariance.groups import rotate_images

__all__ = ["DigitSplit", "load_digits", "split_digits", "DigitBatches"]


@dataclass(frozen=True)
class DigitSplit:
    """The digits and a seeded split: a pool to draw training sets from, and a test set.

    Attributes:
        images: ``(1797, 1, 8, 8)`` float32 in ``[0, 1]``.
        labels: ``(1797,)`` long, the digit 0-9.
        pool: indices training sets are drawn from.
        test: indices of the test digits.
    """

    images: torch.Tensor
    labels: torch.Tensor
    pool: torch.Tensor
    test: torch.Tensor


def load_digits() -> tuple[torch.Tensor, torch.Tensor]:
    """scikit-learn's 8x8 digits as tensors (read from the installed package, no download).

    Returns:
        ``(images, labels)``: ``(1797, 1, 8, 8)`` float32 scaled to ``[0, 1]`` and ``(1797,)`` long.
    """
    from sklearn.datasets import load_digits as sklearn_digits

    bunch = sklearn_digits()
    images = torch.tensor(bunch.images, dtype=torch.float32).unsqueeze(1) / 16.0  # pixel values are 0..16
    return images, torch.tensor(bunch.target, dtype=torch.long)


def split_digits(test_fraction: float = 1 / 3, seed: int = 0) -> DigitSplit:
    """Load the digits and split them at random into a training pool and a test set.

    Args:
        test_fraction: share of the digits held out for testing.
        seed: seed of the split.
    """
    images, labels = load_digits()
    pool, _, test = random_split(len(labels), (1 - test_fraction, 0.0, test_fraction), seed=seed)
    return DigitSplit(images, labels, pool, test)


class DigitBatches:
    """Random mini-batches of digits (``Data(x=images, y=labels)``), optionally turned at random.

    Each pass over the object yields ``num_batches`` batches drawn with
    replacement from ``indices``, so a run's budget is a number of optimiser
    steps whatever the training-set size. With ``augment=True`` every digit
    of every batch is turned by a random multiple of 90 degrees: rotation
    augmentation, the practitioner's way of teaching a CNN the symmetry.

    Args:
        images: ``(M, 1, H, W)`` all digits.
        labels: ``(M,)``.
        indices: ``(n,)`` which digits to train on.
        batch_size: digits per batch.
        num_batches: batches per pass (an "epoch" of :func:`gdl_teach.core.training.fit`).
        augment: turn each digit by a random number of quarter turns.
        seed: seed of the draws.
    """

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, indices: torch.Tensor, batch_size: int = 32,
                 num_batches: int = 10, augment: bool = False, seed: int = 0) -> None:
        self.images = check_tensor("images", images, ndim=4, floating=True)
        self.labels = check_tensor("labels", labels, shape=(images.shape[0],), integer=True)
        self.indices = check_tensor("indices", indices, ndim=1, integer=True, nonempty=True)
        self.batch_size = check_int("batch_size", batch_size, min_value=1)
        self.num_batches = check_int("num_batches", num_batches, min_value=1)
        self.augment = bool(augment)
        self.generator = torch.Generator().manual_seed(check_int("seed", seed, min_value=0))

    def __len__(self) -> int:
        return self.num_batches

    def __iter__(self) -> Iterator[Data]:
        for _ in range(self.num_batches):
            pick = self.indices[torch.randint(len(self.indices), (self.batch_size,), generator=self.generator)]
            x = self.images[pick]
            if self.augment:
                x = rotate_images(x, torch.randint(4, (self.batch_size,), generator=self.generator))
            yield Data(x=x, y=self.labels[pick])
