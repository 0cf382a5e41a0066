"""gdl_teach.molecules.chirality: a mirror image keeps every distance and flips the signed volume."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.core.symmetry import random_rotation
from gdl_teach.molecules import chirality, conformers, featurize, models_3d


@pytest.fixture(scope="module")
def carvone() -> tuple[object, torch.Tensor]:
    return conformers.embed_conformer(chirality.CARVONE["R"], seed=0)


def test_the_two_carvones_are_r_and_s() -> None:
    assert list(chirality.cip_labels(chirality.CARVONE["R"]).values()) == ["R"]
    assert list(chirality.cip_labels(chirality.CARVONE["S"]).values()) == ["S"]


def test_the_mirror_image_is_the_other_carvone(carvone: tuple[object, torch.Tensor]) -> None:
    mol, pos = carvone
    assert chirality.cip_labels_from_3d(mol, pos) == {4: "R"}
    assert chirality.cip_labels_from_3d(mol, chirality.mirror(pos)) == {4: "S"}
    assert mol.GetAtomWithIdx(4).GetChiralTag() != 0  # reading labels from 3D left the molecule's own tags alone


def test_signed_volume_is_a_pseudoscalar(carvone: tuple[object, torch.Tensor]) -> None:
    mol, pos = carvone
    centre, neighbours = chirality.stereocentre(mol)
    assert centre == 4 and len(neighbours) == 3
    v = chirality.signed_volume(pos, centre, neighbours)
    rot = random_rotation(generator=torch.Generator().manual_seed(1))
    assert abs(v) > 1.0
    assert chirality.signed_volume(pos @ rot.T + 2.0, centre, neighbours) == pytest.approx(v, abs=1e-4)
    assert chirality.signed_volume(chirality.mirror(pos), centre, neighbours) == pytest.approx(-v, abs=1e-9)
    with pytest.raises(ValueError, match="neighbours must be at least three"):
        chirality.signed_volume(pos, centre, neighbours[:2])
    with pytest.raises(ValueError, match="has no stereocentre"):
        chirality.stereocentre(featurize.mol_from_smiles("CCO"))


def test_distance_models_and_2d_features_cannot_tell_them_apart(carvone: tuple[object, torch.Tensor]) -> None:
    mol, pos = carvone
    image = chirality.mirror(pos)
    assert torch.equal(chirality.distance_matrix(pos), chirality.distance_matrix(image))
    x = featurize.mol_to_graph(mol).x
    torch.manual_seed(0)
    model = models_3d.SchNetLite(hidden_channels=8).eval()
    with torch.no_grad():
        assert torch.allclose(model(pos, x), model(image, x), atol=1e-6)
    r, s = (featurize.smiles_to_graph(chirality.CARVONE[k]) for k in "RS")
    assert torch.equal(r.x, s.x) and torch.equal(r.edge_index, s.edge_index) and torch.equal(r.edge_attr, s.edge_attr)


def test_mirror_checks_and_copies() -> None:
    pos = torch.randn(4, 3)
    before = pos.clone()
    out = chirality.mirror(pos)
    assert torch.equal(pos, before) and torch.equal(out[:, 0], -pos[:, 0])
    with pytest.raises(ValueError, match=r"pos must have shape \(N, 3\)"):
        chirality.mirror(torch.randn(4, 2))
