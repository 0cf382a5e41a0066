"""Mirror images: chiral molecules from RDKit, what a distance-only model sees of them, and what tells them apart.

A chiral molecule and its mirror image (its enantiomer) have the same atoms,
the same bonds and the same interatomic distances, yet they can smell
different ((R)-carvone of spearmint, (S)-carvone of caraway) or act
differently as drugs. A reflection changes no distance, so any model of
distances alone (SchNet, and every E(3)-invariant model) must give both the
same output. What changes sign under a reflection, and under no rotation, is
an oriented volume: the triple product of three bond vectors around the chiral
centre. A model that reads it is SE(3)- but no longer E(3)-invariant.

Conformers come from RDKit's ETKDG (Riniker & Landrum 2015,
https://doi.org/10.1021/acs.jcim.5b00654), seeded; R/S labels from RDKit's
CIP labelling, computed from the 3D coordinates.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import torch
from rdkit import Chem
from rdkit.Chem import AllChem
from rdkit.Geometry import Point3D

from gdl_teach.core.validate import check_int, check_tensor
from gdl_teach.equivariance.groups import mirror

__all__ = ["CHIRAL_PAIRS", "ELEMENTS", "Conformer", "embed", "atom_features", "bond_index", "cip_labels",
           "chiral_centres", "ranked_neighbours", "signed_volume", "distance_matrix", "mirror_table"]

#: Enantiomer pairs, (R, S) SMILES.
CHIRAL_PAIRS = {
    "carvone": ("CC1=CC[C@H](CC1=O)C(C)=C", "CC1=CC[C@@H](CC1=O)C(C)=C"),
    "alanine": ("C[C@H](C(=O)O)N", "C[C@@H](C(=O)O)N"),
    "bromochlorofluoromethane": ("F[C@H](Cl)Br", "F[C@@H](Cl)Br"),
}
ELEMENTS = ("H", "C", "N", "O", "F", "Cl", "Br")


@dataclass(frozen=True)
class Conformer:
    """A molecule with hydrogens and one 3D conformer.

    Attributes:
        smiles: the input SMILES.
        mol: RDKit molecule with explicit hydrogens and the conformer.
        pos: ``(N, 3)`` float64 coordinates in Angstrom.
    """

    smiles: str
    mol: Chem.Mol
    pos: torch.Tensor

    @property
    def symbols(self) -> list[str]:
        """Element symbol of each atom."""
        return [atom.GetSymbol() for atom in self.mol.GetAtoms()]


def embed(smiles: str, seed: int = 0) -> Conformer:
    """A 3D conformer with hydrogens from RDKit's ETKDG, seeded.

    Args:
        smiles: a SMILES string (with stereo marks for a chiral molecule).
        seed: ETKDG's random seed.

    Raises:
        ValueError: the SMILES does not parse or ETKDG cannot embed it.
    """
    seed = check_int("seed", seed, min_value=0)
    mol = Chem.MolFromSmiles(smiles) if isinstance(smiles, str) else None
    if mol is None:
        raise ValueError(f"smiles must be a valid SMILES string, got {smiles!r}")
    mol = Chem.AddHs(mol)
    params = AllChem.ETKDGv3()
    params.randomSeed = seed
    if AllChem.EmbedMolecule(mol, params) != 0:
        raise ValueError(f"smiles {smiles!r}: ETKDG could not embed a conformer")
    return Conformer(smiles, mol, torch.tensor(mol.GetConformer().GetPositions(), dtype=torch.float64))


def atom_features(conformer: Conformer) -> torch.Tensor:
    """One-hot element of each atom over :data:`ELEMENTS`: ``(N, 7)`` float32."""
    symbols = conformer.symbols
    unknown = sorted(set(symbols) - set(ELEMENTS))
    if unknown:
        raise ValueError(f"atom_features knows the elements {ELEMENTS}, not {unknown}")
    x = torch.zeros(len(symbols), len(ELEMENTS))
    x[torch.arange(len(symbols)), torch.tensor([ELEMENTS.index(s) for s in symbols])] = 1.0
    return x


def bond_index(conformer: Conformer) -> torch.Tensor:
    """The bonds as atom pairs: ``(2, B)`` long (each bond once)."""
    pairs = [[b.GetBeginAtomIdx(), b.GetEndAtomIdx()] for b in conformer.mol.GetBonds()]
    return torch.tensor(pairs, dtype=torch.long).reshape(-1, 2).T


def cip_labels(conformer: Conformer, pos: torch.Tensor | None = None) -> dict[int, str]:
    """R/S label of every chiral centre, read from 3D coordinates (the conformer's, or ``pos``).

    Args:
        conformer: the molecule.
        pos: optional ``(N, 3)`` coordinates to read the labels from instead (e.g. a mirror image).

    Returns:
        ``{atom index: "R" or "S"}``.
    """
    mol = Chem.Mol(conformer.mol)
    if pos is not None:
        pos = check_tensor("pos", pos, shape=(mol.GetNumAtoms(), 3), floating=True)
        conf = mol.GetConformer()
        for i, (x, y, z) in enumerate(pos.tolist()):
            conf.SetAtomPosition(i, Point3D(x, y, z))
    Chem.AssignStereochemistryFrom3D(mol)
    return dict(Chem.FindMolChiralCenters(mol, useLegacyImplementation=False))


def chiral_centres(conformer: Conformer) -> list[int]:
    """Indices of the tetrahedral chiral centres (from the molecular graph)."""
    return [i for i, _ in Chem.FindMolChiralCenters(conformer.mol, includeUnassigned=True,
                                                    useLegacyImplementation=False)]


def ranked_neighbours(conformer: Conformer, centre: int) -> list[int]:
    """The neighbours of ``centre`` ordered by RDKit's CIP rank, highest first.

    The order comes from the molecular graph, so it is the same for both
    enantiomers and for any numbering of the atoms: that is what makes a
    signed volume over these neighbours a well-defined feature.
    """
    mol = Chem.Mol(conformer.mol)
    Chem.AssignStereochemistry(mol, cleanIt=True, force=True)
    neighbours = [a.GetIdx() for a in mol.GetAtomWithIdx(check_int("centre", centre, min_value=0)).GetNeighbors()]
    return sorted(neighbours, key=lambda i: -int(mol.GetAtomWithIdx(i).GetProp("_CIPRank")))


def signed_volume(pos: torch.Tensor, centre: int, neighbours: list[int]) -> torch.Tensor:
    """The oriented volume spanned by three bonds around ``centre``: ``(a - c) . ((b - c) x (d - c))``.

    A rotation keeps it, a reflection flips its sign: the simplest feature that tells mirror images apart.

    Args:
        pos: ``(N, 3)`` coordinates.
        centre: index of the centre atom c.
        neighbours: at least three neighbour indices; the first three (a, b, d) are used, in order.

    Returns:
        A 0-d tensor (cubic Angstrom).
    """
    pos = check_tensor("pos", pos, shape=(None, 3), floating=True)
    if len(neighbours) < 3:
        raise ValueError(f"neighbours must hold at least three atom indices, got {neighbours}")
    a, b, d = (pos[i] - pos[centre] for i in neighbours[:3])
    return torch.dot(a, torch.linalg.cross(b, d))


def distance_matrix(pos: torch.Tensor) -> torch.Tensor:
    """All interatomic distances: ``(N, 3) -> (N, N)``; all a distance-only model can see."""
    pos = check_tensor("pos", pos, shape=(None, 3), floating=True)
    return torch.cdist(pos, pos)


def mirror_table(model: torch.nn.Module, pairs: dict[str, tuple[str, str]] | None = None, seed: int = 0
                 ) -> pd.DataFrame:
    """For each enantiomer pair: signed volumes at the chiral centre and a distance-only model's outputs.

    Args:
        model: a model ``model(x, pos) -> (1, 1)`` of one-hot elements and float64 positions (e.g. SchNet).
        pairs: name -> (R SMILES, S SMILES); default :data:`CHIRAL_PAIRS`.
        seed: ETKDG seed of the conformers.

    Returns:
        One row per pair: signed volume (cubic Angstrom) of the R conformer, of its mirror image and of
        RDKit's own S conformer; the model's output for R, and its change for the mirror image and for S.
    """
    rows = {}
    for name, (r_smiles, s_smiles) in (pairs or CHIRAL_PAIRS).items():
        r, s = embed(r_smiles, seed), embed(s_smiles, seed)
        mirrored = mirror(r.pos)
        centre = chiral_centres(r)[0]
        order = ranked_neighbours(r, centre)
        x = atom_features(r).to(r.pos.dtype)
        with torch.no_grad():
            out_r, out_m, out_s = (float(model(x, p)) for p in (r.pos, mirrored, s.pos))
        rows[name] = {"volume R": float(signed_volume(r.pos, centre, order)),
                      "volume mirror": float(signed_volume(mirrored, centre, order)),
                      "volume S": float(signed_volume(s.pos, centre, order)),
                      "model R": out_r, "model mirror - R": out_m - out_r, "model S - R": out_s - out_r}
    return pd.DataFrame.from_dict(rows, orient="index")
