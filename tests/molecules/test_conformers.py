"""gdl_teach.molecules.conformers: seeded ETKDG coordinates in the graph's atom order."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.molecules import conformers


def test_conformer_is_seeded_and_matches_the_graph() -> None:
    mol, pos = conformers.embed_conformer("CN(C)C(=O)c1ccc(cc1)OC", seed=7)
    _, pos2 = conformers.embed_conformer("CN(C)C(=O)c1ccc(cc1)OC", seed=7)
    assert pos.shape == (13, 3) and pos.dtype == torch.float32 and torch.equal(pos, pos2)
    assert [a.GetSymbol() for a in mol.GetAtoms()][:3] == ["C", "N", "C"]
    assert 1.3 < float(torch.dist(pos[0], pos[1])) < 1.6  # a C-N single bond, in Angstrom
    _, with_h = conformers.embed_conformer("CCO", seed=0, heavy_atoms_only=False)
    assert with_h.shape == (9, 3)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        conformers.embed_conformer("CCO", seed=-1)
