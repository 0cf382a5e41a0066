"""A molecule in 3D: a conformer from RDKit's ETKDG, seeded so a lesson repeats its coordinates."""
from __future__ import annotations

import torch
from rdkit import Chem
from rdkit.Chem import AllChem

from gdl_teach.core.validate import check_int
from gdl_teach.molecules.featurize import mol_from_smiles

__all__ = ["embed_conformer"]


def embed_conformer(smiles: str, seed: int = 0, heavy_atoms_only: bool = True) -> tuple[Chem.Mol, torch.Tensor]:
    """A 3D conformer from RDKit's ETKDG (Riniker & Landrum, J. Chem. Inf. Model. 2015,
    https://doi.org/10.1021/acs.jcim.5b00654).

    Hydrogens are added for a sound geometry and removed afterwards when
    ``heavy_atoms_only`` (atom order then matches
    :func:`gdl_teach.molecules.featurize.smiles_to_graph`).

    Args:
        smiles: a SMILES string.
        seed: ETKDG's ``randomSeed``, so the same call gives the same coordinates.
        heavy_atoms_only: drop the hydrogens after embedding.

    Returns:
        ``(mol, pos)``: the molecule with its conformer and ``pos: (N, 3)`` float32 in Angstrom.

    Raises:
        ValueError: invalid SMILES or ETKDG failed to embed the molecule.
    """
    seed = check_int("seed", seed, min_value=0)
    mol = Chem.AddHs(mol_from_smiles(smiles))
    params = AllChem.ETKDGv3()
    params.randomSeed = seed
    if AllChem.EmbedMolecule(mol, params) != 0:
        raise ValueError(f"smiles {smiles!r}: ETKDG could not embed a 3D conformer")
    if heavy_atoms_only:
        mol = Chem.RemoveHs(mol)
    pos = torch.tensor(mol.GetConformer().GetPositions(), dtype=torch.float32)  # (N, 3)
    return mol, pos
