"""The one splitter module: random, by group, per class."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.core.splits import group_split, per_class_masks, random_split


def test_random_split_partitions_and_repeats() -> None:
    tr, va, te = random_split(100, (0.8, 0.1, 0.1), seed=3)
    assert (len(tr), len(va), len(te)) == (80, 10, 10)
    assert sorted(torch.cat([tr, va, te]).tolist()) == list(range(100))
    assert torch.equal(tr, random_split(100, (0.8, 0.1, 0.1), seed=3)[0])
    assert not torch.equal(tr, random_split(100, (0.8, 0.1, 0.1), seed=4)[0])


def test_a_zero_share_stays_empty() -> None:
    tr, va, te = random_split(1025, (0.9, 0.1, 0.0), seed=0)
    assert len(te) == 0 and len(tr) + len(va) == 1025


def test_group_split_keeps_groups_together() -> None:
    groups = torch.arange(30).repeat_interleave(4)  # 30 groups of 4 items
    tr, va, te = group_split(groups, (0.6, 0.2, 0.2), seed=0)
    assert sorted(torch.cat([tr, va, te]).tolist()) == list(range(120))
    seen = [set(groups[idx].tolist()) for idx in (tr, va, te)]
    assert not (seen[0] & seen[1] or seen[0] & seen[2] or seen[1] & seen[2])
    with pytest.raises(ValueError, match="at least 3 distinct groups"):
        group_split([0, 0, 1], (0.6, 0.2, 0.2))


def test_per_class_masks() -> None:
    y = torch.arange(4).repeat(10)
    train, val, test = per_class_masks(y, 3, 8, seed=0)
    assert int(train.sum()) == 12 and int(val.sum()) == 8 and int(test.sum()) == 20
    assert all(int((y[train] == c).sum()) == 3 for c in range(4))
    assert not bool((train & val).any() or (train & test).any() or (val & test).any())


@pytest.mark.parametrize("fractions", [(0.5, 0.5), (0.9, 0.2, 0.1), (0.0, 0.5, 0.5), (-0.1, 0.6, 0.5)])
def test_bad_fractions_name_the_argument(fractions) -> None:
    with pytest.raises(ValueError, match="fractions must be"):
        random_split(10, fractions)
