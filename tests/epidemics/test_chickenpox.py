"""gdl_teach.epidemics.chickenpox: optional real data, read only from a cached copy unless download=True."""
from __future__ import annotations

import json

import pytest

from gdl_teach.epidemics import chickenpox


def test_chickenpox_needs_download_true(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="download=True"):
        chickenpox.load_chickenpox_hungary(root=tmp_path)
    with pytest.raises(TypeError, match="download"):
        chickenpox.load_chickenpox_hungary(download="yes", root=tmp_path)


def test_chickenpox_reads_a_cached_copy(tmp_path) -> None:
    fake = {"edges": [[0, 1], [1, 0], [1, 2], [2, 1]], "FX": [[0.1, 0.2, 0.3]] * 5}
    (tmp_path / "chickenpox.json").write_text(json.dumps(fake))
    data = chickenpox.load_chickenpox_hungary(root=tmp_path)
    assert data.edge_index.shape == (2, 4) and data.cases.shape == (5, 3) and data.num_nodes == 3
    (tmp_path / "chickenpox.json").write_text("{broken")
    with pytest.raises(ValueError, match="not a valid Chickenpox"):
        chickenpox.load_chickenpox_hungary(root=tmp_path)
