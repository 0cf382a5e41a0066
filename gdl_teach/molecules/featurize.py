"""A molecule as a graph: the kit's atom and bond featurizer, and SMILES or RDKit molecule -> PyG ``Data``.

One node per heavy atom with the features of :func:`atom_features`, one pair
of directed edges per bond with the features of :func:`bond_features`. The
featurizer is the kit's own, small and readable on purpose (the lesson shows
it); ``torch_geometric.utils.from_smiles`` does the same job with
integer-coded features.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch_geometric.data import Data

from gdl_teach.core.validate import check_float

try:  # RDKit is a hard dependency of this lesson; give a clear message if missing.
    from rdkit import Chem, RDLogger
except ImportError as err:  # pragma: no cover - the kit declares rdkit
    raise ImportError("gdl_teach.molecules needs RDKit: pip install rdkit") from err

__all__ = ["ATOM_FEATURE_NAMES", "BOND_FEATURE_NAMES", "NUM_ATOM_FEATURES", "NUM_BOND_FEATURES",
           "atom_features", "bond_features", "mol_from_smiles", "mol_to_graph", "smiles_to_graph"]

#: Element symbols with their own one-hot slot; anything else goes to "other".
ELEMENTS = ["C", "N", "O", "F", "P", "S", "Cl", "Br", "I"]
#: Number of heavy-atom neighbours (the graph degree) 0..4; 5 or more shares the last slot.
DEGREES = [0, 1, 2, 3, 4, 5]
#: Hydrogens attached to the atom (implicit + explicit) 0..3; 4 shares the last slot.
NUM_HS = [0, 1, 2, 3, 4]
#: Formal charges -1, 0, +1 (larger charges clip to the nearest).
CHARGES = [-1, 0, 1]
#: Hybridisation of the atom's orbitals; other kinds (s, sp3d, ...) share the last slot.
HYBRIDISATIONS = ["SP", "SP2", "SP3", "other"]
#: Bond types with a one-hot slot each (every bond of an RDKit molecule is one of them).
BOND_TYPES = [Chem.BondType.SINGLE, Chem.BondType.DOUBLE, Chem.BondType.TRIPLE, Chem.BondType.AROMATIC]

#: The one-hot blocks of :func:`atom_features` and their widths, in column order.
ATOM_FEATURE_BLOCKS: list[tuple[str, int]] = [
    ("element", len(ELEMENTS) + 1), ("degree", len(DEGREES)), ("num_Hs", len(NUM_HS)),
    ("charge", len(CHARGES)), ("hybrid", len(HYBRIDISATIONS)), ("aromatic", 1), ("in_ring", 1),
]
#: Names of the columns of :func:`atom_features`, in order.
ATOM_FEATURE_NAMES: list[str] = (
    [f"element={e}" for e in ELEMENTS] + ["element=other"]
    + [f"degree={d}" for d in DEGREES[:-1]] + [f"degree>={DEGREES[-1]}"]
    + [f"num_Hs={h}" for h in NUM_HS[:-1]] + [f"num_Hs>={NUM_HS[-1]}"]
    + [f"charge={c:+d}" for c in CHARGES]
    + [f"hybrid={h}" for h in HYBRIDISATIONS]
    + ["aromatic", "in_ring"]
)
#: Names of the columns of :func:`bond_features`, in order.
BOND_FEATURE_NAMES: list[str] = ["single", "double", "triple", "aromatic", "conjugated", "in_ring"]
#: Width of ``data.x`` (30): the ``in_channels`` of the lesson's graph models.
NUM_ATOM_FEATURES = len(ATOM_FEATURE_NAMES)
#: Width of ``data.edge_attr`` (6): the ``edge_dim`` of the lesson's graph models.
NUM_BOND_FEATURES = len(BOND_FEATURE_NAMES)


def _one_hot(value: Any, choices: Sequence[Any]) -> list[float]:
    """One-hot of ``value`` over ``choices``; values not listed go to the last slot."""
    out = [0.0] * len(choices)
    out[choices.index(value) if value in choices else len(choices) - 1] = 1.0
    return out


def atom_features(atom: Chem.Atom) -> list[float]:
    """The kit's atom featurizer: a 0/1 vector of length ``NUM_ATOM_FEATURES`` (30).

    Element (10), heavy-atom degree (6), attached hydrogens (5), formal charge
    (3), hybridisation (4), aromatic (1), in a ring (1); the names are in
    :data:`ATOM_FEATURE_NAMES`.

    Args:
        atom: an RDKit atom of a molecule without explicit hydrogens.
    """
    symbol = atom.GetSymbol()
    hybrid = str(atom.GetHybridization())
    charge = max(-1, min(1, atom.GetFormalCharge()))
    return (
        _one_hot(symbol if symbol in ELEMENTS else "other", ELEMENTS + ["other"])
        + _one_hot(min(atom.GetDegree(), DEGREES[-1]), DEGREES)
        + _one_hot(min(atom.GetTotalNumHs(), NUM_HS[-1]), NUM_HS)
        + _one_hot(charge, CHARGES)
        + _one_hot(hybrid if hybrid in HYBRIDISATIONS else "other", HYBRIDISATIONS)
        + [float(atom.GetIsAromatic()), float(atom.IsInRing())]
    )


def bond_features(bond: Chem.Bond) -> list[float]:
    """The kit's bond featurizer: a 0/1 vector of length ``NUM_BOND_FEATURES`` (6).

    Bond type one-hot (single, double, triple, aromatic), then conjugated and
    in-ring flags; the names are in :data:`BOND_FEATURE_NAMES`.

    Args:
        bond: an RDKit bond.
    """
    kind = bond.GetBondType()
    return [float(kind == t) for t in BOND_TYPES] + [float(bond.GetIsConjugated()), float(bond.IsInRing())]


def mol_from_smiles(smiles: str) -> Chem.Mol:
    """Parse a SMILES string with RDKit, or raise an error that names it.

    Args:
        smiles: a SMILES string such as ``"CCO"``.

    Raises:
        TypeError: ``smiles`` is not a string.
        ValueError: ``smiles`` is empty or RDKit cannot parse it.
    """
    if not isinstance(smiles, str):
        raise TypeError(f"smiles must be a str, got {type(smiles).__name__}")
    if not smiles.strip():
        raise ValueError("smiles must not be empty")
    RDLogger.DisableLog("rdApp.*")  # we raise our own, clearer error
    try:
        mol = Chem.MolFromSmiles(smiles)
    finally:
        RDLogger.EnableLog("rdApp.*")
    if mol is None:
        raise ValueError(f"smiles {smiles!r} is not a valid SMILES: RDKit could not parse it")
    if mol.GetNumAtoms() == 0:
        raise ValueError(f"smiles {smiles!r} has no heavy atoms")
    return mol


def mol_to_graph(mol: Chem.Mol, y: float | None = None, smiles: str | None = None) -> Data:
    """Turn an RDKit molecule into a PyG graph with atom and bond features.

    Args:
        mol: an RDKit molecule (hydrogens are removed: they live in ``num_Hs``).
        y: optional label, stored as ``data.y`` of shape (1, 1).
        smiles: optional SMILES to store; default RDKit's canonical SMILES.

    Returns:
        ``Data`` with ``x: (N, NUM_ATOM_FEATURES)`` float32, ``edge_index: (2, E)``
        long (both directions of every bond), ``edge_attr: (E, NUM_BOND_FEATURES)``
        float32, ``y: (1, 1)`` float32 and ``smiles`` (str).
    """
    if not isinstance(mol, Chem.Mol):
        raise TypeError(f"mol must be an RDKit Chem.Mol, got {type(mol).__name__}")
    mol = Chem.RemoveHs(mol)
    if mol.GetNumAtoms() == 0:
        raise ValueError("mol has no heavy atoms")
    x = torch.tensor([atom_features(a) for a in mol.GetAtoms()], dtype=torch.float32)  # (N, 30)
    src, dst, attr = [], [], []
    for bond in mol.GetBonds():
        i, j, f = bond.GetBeginAtomIdx(), bond.GetEndAtomIdx(), bond_features(bond)
        src += [i, j]
        dst += [j, i]
        attr += [f, f]
    edge_index = torch.tensor([src, dst], dtype=torch.long).reshape(2, -1)  # (2, E)
    edge_attr = torch.tensor(attr, dtype=torch.float32).reshape(-1, NUM_BOND_FEATURES)  # (E, 6)
    data = Data(x=x, edge_index=edge_index, edge_attr=edge_attr,
                smiles=smiles if smiles is not None else Chem.MolToSmiles(mol))
    if y is not None:
        data.y = torch.tensor([[check_float("y", y)]], dtype=torch.float32)  # (1, 1)
    return data


def smiles_to_graph(smiles: str, y: float | None = None) -> Data:
    """Parse ``smiles`` and featurize it: :func:`mol_from_smiles` then :func:`mol_to_graph`.

    Args:
        smiles: a SMILES string.
        y: optional label stored as ``data.y`` (1, 1).

    Raises:
        ValueError: the SMILES is empty or invalid (the message names it).
    """
    return mol_to_graph(mol_from_smiles(smiles), y=y, smiles=smiles)
