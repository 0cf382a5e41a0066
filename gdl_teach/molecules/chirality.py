"""Mirror images: what a distance-only model cannot see, and the one number that can.

A reflection keeps every interatomic distance, so a model that reads only
distances (SchNet-style) gives a chiral molecule and its mirror image the same
output: it is invariant under E(3), rotations, translations *and*
reflections. The two mirror images can differ in the real world: (R)-carvone
smells of spearmint, (S)-carvone of caraway, because the smell receptors in
the nose are chiral themselves. Telling them apart needs a quantity that a
rotation keeps and a reflection flips, such as the signed volume spanned by
the neighbours of a stereocentre: only SE(3), rotations and translations,
leaves it unchanged. RDKit names the two forms by the Cahn-Ingold-Prelog
rules (R or S), from the graph's chiral tags or from 3D coordinates.
"""
from __future__ import annotations

import torch
from rdkit import Chem
from rdkit.Chem import rdCIPLabeler

from gdl_teach.core.validate import check_int, check_tensor
from gdl_teach.molecules.featurize import mol_from_smiles

__all__ = ["CARVONE", "mirror", "distance_matrix", "signed_volume", "stereocentre", "cip_labels",
           "cip_labels_from_3d"]

#: The two mirror images of carvone (one stereocentre): (R) smells of spearmint, (S) of caraway.
CARVONE = {"R": "CC1=CC[C@H](CC1=O)C(C)=C", "S": "CC1=CC[C@@H](CC1=O)C(C)=C"}


def mirror(pos: torch.Tensor) -> torch.Tensor:
    """The mirror image of a conformer: reflect through the plane ``x = 0``.

    Args:
        pos: (N, 3) coordinates.

    Returns:
        (N, 3) new coordinates with ``x`` negated (any plane would do: all reflections differ only by a rotation).
    """
    pos = check_tensor("pos", pos, shape=(None, 3), floating=True, nonempty=True)
    return pos * torch.tensor([-1.0, 1.0, 1.0], dtype=pos.dtype, device=pos.device)


def distance_matrix(pos: torch.Tensor) -> torch.Tensor:
    """All interatomic distances. pos: (N, 3) -> (N, N)."""
    pos = check_tensor("pos", pos, shape=(None, 3), floating=True, nonempty=True)
    return torch.cdist(pos, pos)


def signed_volume(pos: torch.Tensor, centre: int, neighbours: list[int]) -> float:
    r"""The signed volume of the first three neighbours of an atom, seen from the atom.

    .. math::
        V = (p_a - p_c) \cdot \big((p_b - p_c) \times (p_d - p_c)\big)

    A rotation or translation keeps ``V``; a reflection flips its sign: it is
    a pseudoscalar, the simplest feature that tells mirror images apart.

    Args:
        pos: (N, 3) coordinates.
        centre: index of the stereocentre.
        neighbours: indices of at least three of its neighbours, in a fixed order (e.g. the graph's).

    Returns:
        ``V`` in cubic Angstrom.
    """
    pos = check_tensor("pos", pos, shape=(None, 3), floating=True, nonempty=True)
    centre = check_int("centre", centre, min_value=0, max_value=pos.shape[0] - 1)
    if len(neighbours) < 3 or not all(0 <= int(k) < pos.shape[0] for k in neighbours):
        raise ValueError(f"neighbours must be at least three atom indices in [0, {pos.shape[0] - 1}], "
                         f"got {neighbours}")
    a, b, d = (pos[int(k)].double() - pos[centre].double() for k in neighbours[:3])
    return float(torch.dot(a, torch.linalg.cross(b, d)))


def stereocentre(mol: Chem.Mol) -> tuple[int, list[int]]:
    """The first stereocentre of a molecule and its heavy-atom neighbours, in the graph's order.

    Args:
        mol: an RDKit molecule with at least one tetrahedral stereocentre (assigned or not).

    Returns:
        ``(centre, neighbours)``.
    """
    centres = Chem.FindMolChiralCenters(mol, includeUnassigned=True, useLegacyImplementation=False)
    if not centres:
        raise ValueError(f"{Chem.MolToSmiles(mol)} has no stereocentre")
    centre = centres[0][0]
    return centre, [n.GetIdx() for n in mol.GetAtomWithIdx(centre).GetNeighbors()]


def cip_labels(smiles: str) -> dict[int, str]:
    """RDKit's Cahn-Ingold-Prelog labels (``"R"``/``"S"``) of the stereocentres written in a SMILES.

    Args:
        smiles: a SMILES with ``@``/``@@`` chiral tags.

    Returns:
        atom index -> label.
    """
    mol = mol_from_smiles(smiles)
    rdCIPLabeler.AssignCIPLabels(mol)
    return {a.GetIdx(): a.GetProp("_CIPCode") for a in mol.GetAtoms() if a.HasProp("_CIPCode")}


def cip_labels_from_3d(mol: Chem.Mol, pos: torch.Tensor) -> dict[int, str]:
    """The R/S labels RDKit reads from coordinates alone (the molecule's own chiral tags are ignored).

    Args:
        mol: the RDKit molecule (N heavy atoms, e.g. from :func:`gdl_teach.molecules.conformers.embed_conformer`).
        pos: (N, 3) coordinates in Angstrom, e.g. a :func:`mirror` image.

    Returns:
        atom index -> ``"R"`` or ``"S"``.
    """
    pos = check_tensor("pos", pos, shape=(mol.GetNumAtoms(), 3), floating=True)
    copy = Chem.Mol(mol)
    for atom in copy.GetAtoms():
        atom.SetChiralTag(Chem.ChiralType.CHI_UNSPECIFIED)
    conf = Chem.Conformer(copy.GetNumAtoms())
    for k, p in enumerate(pos.detach().cpu().double().tolist()):
        conf.SetAtomPosition(k, p)
    copy.RemoveAllConformers()
    copy.AddConformer(conf, assignId=True)
    Chem.AssignStereochemistryFrom3D(copy)
    rdCIPLabeler.AssignCIPLabels(copy)
    return {a.GetIdx(): a.GetProp("_CIPCode") for a in copy.GetAtoms() if a.HasProp("_CIPCode")}
