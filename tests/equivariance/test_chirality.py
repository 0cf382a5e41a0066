"""Mirror images: same distances, opposite signed volume, same output of a distance-only model."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.equivariance import chirality, groups
from gdl_teach.nn.schnet import SchNet


@pytest.mark.parametrize("name", list(chirality.CHIRAL_PAIRS))
def test_mirror_image_has_opposite_signed_volume_and_the_other_label(name: str) -> None:
    r_smiles, s_smiles = chirality.CHIRAL_PAIRS[name]
    r, s = chirality.embed(r_smiles), chirality.embed(s_smiles)
    mirrored = groups.mirror(r.pos)
    centre = chirality.chiral_centres(r)[0]
    order = chirality.ranked_neighbours(r, centre)
    assert order == chirality.ranked_neighbours(s, centre)
    v_r, v_m, v_s = (float(chirality.signed_volume(p, centre, order)) for p in (r.pos, mirrored, s.pos))
    assert v_m == pytest.approx(-v_r) and v_r * v_s < 0
    assert set(chirality.cip_labels(r).values()) == {"R"} and set(chirality.cip_labels(s).values()) == {"S"}
    assert set(chirality.cip_labels(r, mirrored).values()) == {"S"}
    torch.testing.assert_close(chirality.distance_matrix(mirrored), chirality.distance_matrix(r.pos))


def test_signed_volume_is_rotation_invariant() -> None:
    r = chirality.embed(chirality.CHIRAL_PAIRS["alanine"][0])
    centre = chirality.chiral_centres(r)[0]
    order = chirality.ranked_neighbours(r, centre)
    q = groups.random_orthogonal(3, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(chirality.signed_volume(r.pos @ q.T + 1.0, centre, order),
                               chirality.signed_volume(r.pos, centre, order))


def test_distance_model_cannot_tell_mirror_images_apart() -> None:
    torch.manual_seed(0)
    model = SchNet(len(chirality.ELEMENTS), 16, 16, 2, 20).double()
    table = chirality.mirror_table(model, {"alanine": chirality.CHIRAL_PAIRS["alanine"]})
    assert abs(float(table.loc["alanine", "model mirror - R"])) < 1e-10
    assert float(table.loc["alanine", "volume R"]) * float(table.loc["alanine", "volume mirror"]) < 0


def test_features_bonds_and_errors() -> None:
    r = chirality.embed("F[C@H](Cl)Br", seed=1)
    x = chirality.atom_features(r)
    assert x.shape == (5, len(chirality.ELEMENTS)) and torch.equal(x.sum(1), torch.ones(5))
    assert chirality.bond_index(r).shape == (2, 4)
    assert torch.equal(chirality.embed("F[C@H](Cl)Br", seed=1).pos, r.pos)  # seeded
    with pytest.raises(ValueError, match="smiles must be a valid SMILES"):
        chirality.embed("not a molecule")
    with pytest.raises(ValueError, match="at least three"):
        chirality.signed_volume(r.pos, 1, [0, 2])
    with pytest.raises(ValueError, match="knows the elements"):
        chirality.atom_features(chirality.embed("C[Si](C)(C)C"))
