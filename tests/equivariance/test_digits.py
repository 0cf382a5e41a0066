"""scikit-learn's digits: loaded offline, split reproducibly, batched with and without rotation augmentation."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.equivariance import digits


def test_digits_load_offline_and_split_reproducibly() -> None:
    images, labels = digits.load_digits()
    assert images.shape == (1797, 1, 8, 8) and images.dtype == torch.float32
    assert 0.0 <= float(images.min()) and float(images.max()) <= 1.0 and set(labels.tolist()) == set(range(10))
    a, b = digits.split_digits(seed=0), digits.split_digits(seed=0)
    assert torch.equal(a.test, b.test) and not torch.equal(a.test, digits.split_digits(seed=1).test)
    assert len(set(a.pool.tolist()) & set(a.test.tolist())) == 0 and len(a.pool) + len(a.test) == 1797


def test_batches_are_seeded_and_augmentation_turns_digits() -> None:
    split = digits.split_digits()
    idx = split.pool[:20]
    plain = list(digits.DigitBatches(split.images, split.labels, idx, batch_size=8, num_batches=3, seed=0))
    again = list(digits.DigitBatches(split.images, split.labels, idx, batch_size=8, num_batches=3, seed=0))
    assert len(plain) == 3 and all(torch.equal(p.x, q.x) for p, q in zip(plain, again))
    upright = {tuple(split.images[i].flatten().tolist()) for i in idx}
    assert all(tuple(x.flatten().tolist()) in upright for b in plain for x in b.x)
    turned = list(digits.DigitBatches(split.images, split.labels, idx, batch_size=64, num_batches=1, augment=True))[0]
    assert sum(tuple(x.flatten().tolist()) not in upright for x in turned.x) > 10  # most digits were turned
    assert set(turned.y.tolist()) <= set(split.labels[idx].tolist())


def test_batches_name_bad_arguments() -> None:
    split = digits.split_digits()
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        digits.DigitBatches(split.images, split.labels, split.pool, batch_size=0)
    with pytest.raises(ValueError, match="indices must not be empty"):
        digits.DigitBatches(split.images, split.labels, split.pool[:0])
