"""The practitioner's baseline: RDKit's 2D descriptors and a random forest on them.

RDKit computes about two hundred numbers per molecule from its graph alone
(``rdkit.Chem.Descriptors``): counts (atoms, rings, hydrogen-bond donors and
acceptors), surface-area estimates (TPSA, the VSA bins), topological indices
(Balaban J, Bertz CT, Chi/Kappa), E-state indices, partial-charge extremes and
Crippen's logP and molar refractivity, two atom-additive models fitted to
thousands of measured molecules (Wildman & Crippen, J. Chem. Inf. Comput. Sci.
1999, https://doi.org/10.1021/ci990307l). They encode decades of chemistry.
scikit-learn fits the random forest (Breiman, Machine Learning 2001,
https://doi.org/10.1023/A:1010933404324); nothing here is written by hand
except the choice of descriptors.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from rdkit.Chem import Descriptors

from gdl_teach.core.validate import check_float, check_int
from gdl_teach.molecules.featurize import mol_from_smiles
from gdl_teach.molecules.fingerprints import check_features_and_labels

__all__ = ["DESCRIPTOR_NAMES", "SKIPPED_DESCRIPTORS", "rdkit_descriptors", "fit_descriptor_forest"]

#: Descriptors left out: QED and SPS are slow composites of descriptors that are already in the list, and
#: Ipc/AvgIpc (information content) are slow and reach 1e30 on larger molecules.
SKIPPED_DESCRIPTORS = ("qed", "SPS", "Ipc", "AvgIpc")
_FUNCTIONS = [(name, fn) for name, fn in Descriptors.descList if name not in SKIPPED_DESCRIPTORS]
#: The names of the columns of :func:`rdkit_descriptors` (RDKit's names, e.g. ``MolLogP``, ``TPSA``).
DESCRIPTOR_NAMES: list[str] = [name for name, _ in _FUNCTIONS]


def rdkit_descriptors(smiles: Sequence[str]) -> np.ndarray:
    """RDKit's 2D descriptors of every molecule: one row per molecule, one column per name in
    :data:`DESCRIPTOR_NAMES`.

    A descriptor RDKit cannot compute for a molecule (NaN or infinite, rare)
    is left as NaN; :func:`fit_descriptor_forest` and
    :func:`descriptor_scaling` replace it by the training median.

    Args:
        smiles: (M,) SMILES strings (all must be valid).

    Returns:
        (M, D) float64 array, ``D = len(DESCRIPTOR_NAMES)``.
    """
    if isinstance(smiles, str) or not len(smiles):
        raise ValueError("smiles must be a non-empty list of SMILES strings")
    rows = []
    for s in smiles:
        mol = mol_from_smiles(s)
        rows.append([fn(mol) for _, fn in _FUNCTIONS])
    out = np.asarray(rows, dtype=np.float64)
    out[~np.isfinite(out)] = np.nan
    return out


def fit_descriptor_forest(x_train: np.ndarray, y_train: np.ndarray, *, num_trees: int = 100,
                          max_features: float = 1 / 3, seed: int = 0) -> Any:
    """A random forest on descriptors, with the textbook settings for regression and nothing tuned.

    Each split of a tree considers a random third of the descriptors
    (Breiman's default for regression) and trees grow until their leaves are
    pure. The forest has a fixed number of trees and runs on one core
    (``n_jobs=1``), so its cost and its numbers do not depend on the machine.
    It needs no validation set: there is nothing to stop early.

    Args:
        x_train: (M, D) descriptors (NaN allowed: filled with the training median).
        y_train: (M,) labels.
        num_trees: trees in the forest.
        max_features: share of the D descriptors each split considers.
        seed: seeds the bootstrap samples and the descriptor draws.

    Returns:
        A fitted ``sklearn.pipeline.Pipeline`` (median imputer, then
        ``RandomForestRegressor``): ``predict(x)`` fills missing values the same way.
    """
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline

    x_train, y_train = check_features_and_labels(x_train, y_train, allow_nan=True)
    forest = RandomForestRegressor(n_estimators=check_int("num_trees", num_trees, min_value=1),
                                   max_features=check_float("max_features", max_features, min_value=0.0,
                                                            strict_min=True, max_value=1.0),
                                   n_jobs=1, random_state=check_int("seed", seed, min_value=0))
    return make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True), forest).fit(x_train, y_train)
