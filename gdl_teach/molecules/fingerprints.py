"""The classical baseline: Morgan (ECFP) fingerprints and ridge regression on their bits.

An ECFP/Morgan fingerprint (Rogers & Hahn, J. Chem. Inf. Model. 2010,
https://doi.org/10.1021/ci100050t) hashes every circular neighbourhood of the
molecular graph up to a radius into a folded bit vector; RDKit computes it and
scikit-learn fits the ridge model. It reads the graph, but only through a
fixed, hand-designed summary.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from rdkit.Chem import rdFingerprintGenerator

from gdl_teach.core.device import cpu_threads
from gdl_teach.core.validate import check_float, check_int
from gdl_teach.molecules.featurize import mol_from_smiles

__all__ = ["morgan_fingerprints", "fit_fingerprint_ridge", "check_features_and_labels"]


def morgan_fingerprints(smiles: Sequence[str], radius: int = 2, num_bits: int = 2048) -> np.ndarray:
    """ECFP-style Morgan fingerprints as a bit matrix.

    Args:
        smiles: (M,) SMILES strings (all must be valid).
        radius: Morgan radius (2 gives ECFP4).
        num_bits: length of the folded bit vector.

    Returns:
        (M, num_bits) uint8 array of 0/1 bits.
    """
    if isinstance(smiles, str) or not len(smiles):
        raise ValueError("smiles must be a non-empty list of SMILES strings")
    radius = check_int("radius", radius, min_value=0)
    num_bits = check_int("num_bits", num_bits, min_value=8)
    gen = rdFingerprintGenerator.GetMorganGenerator(radius=radius, fpSize=num_bits)
    return np.stack([gen.GetFingerprintAsNumPy(mol_from_smiles(s)).astype(np.uint8) for s in smiles])


def check_features_and_labels(x_train: Any, y_train: Any, x_val: Any = None, y_val: Any = None, *,
                              allow_nan: bool = False) -> tuple[np.ndarray, ...]:
    """Check the inputs of a classical model and return them as float64 arrays.

    Args:
        x_train: (M, D) features.
        y_train: (M,) labels.
        x_val: optional (V, D) features.
        y_val: (V,) labels, given with ``x_val``.
        allow_nan: accept NaN features (a model that fills them in); labels must always be finite.

    Returns:
        ``(x_train, y_train)``, or ``(x_train, y_train, x_val, y_val)`` when ``x_val`` is given.
    """
    x_train = np.asarray(x_train, dtype=np.float64)
    y_train = np.asarray(y_train, dtype=np.float64).reshape(-1)
    if x_train.ndim != 2 or x_train.shape[0] == 0 or x_train.shape[0] != y_train.shape[0]:
        raise ValueError(f"x_train must be (M, D) with one row per label in y_train, "
                         f"got {x_train.shape} and {y_train.shape}")
    out = [x_train, y_train]
    if x_val is not None:
        x_val = np.asarray(x_val, dtype=np.float64)
        y_val = np.asarray(y_val, dtype=np.float64).reshape(-1)
        if x_val.ndim != 2 or x_val.shape[1] != x_train.shape[1] or x_val.shape[0] != y_val.shape[0] \
                or not len(y_val):
            raise ValueError(f"x_val must be (V, {x_train.shape[1]}) with one row per label in y_val, "
                             f"got {x_val.shape}")
        out += [x_val, y_val]
    for name, value in zip(("x_train", "y_train", "x_val", "y_val"), out):
        bad = np.isinf(value) if allow_nan and name.startswith("x") else ~np.isfinite(value)
        if bad.any():
            raise ValueError(f"{name} has {int(bad.sum())} non-finite values"
                             + ("" if name.startswith("y") or allow_nan else "; fill or drop them first"))
    return tuple(out)


def fit_fingerprint_ridge(x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray, y_val: np.ndarray,
                          alphas: Sequence[float] = (0.3, 1.0, 3.0, 10.0)) -> Any:
    """Ridge regression on fingerprint bits, its penalty chosen on the validation set.

    Args:
        x_train: (M, B) fingerprint bits.
        y_train: (M,) labels.
        x_val: (V, B) bits.
        y_val: (V,) labels.
        alphas: candidate L2 penalties.

    Returns:
        The fitted ``sklearn.linear_model.Ridge`` with the best validation RMSE
        (its ``alpha`` attribute says which). The fits run on one BLAS thread:
        at this size more threads only add overhead, and much more of it on a
        shared CPU.
    """
    from sklearn.linear_model import Ridge

    x_train, y_train, x_val, y_val = check_features_and_labels(x_train, y_train, x_val, y_val)
    if not alphas:
        raise ValueError("alphas must name at least one penalty")
    best, best_err = None, math.inf
    with cpu_threads(1):
        for alpha in alphas:
            model = Ridge(alpha=check_float("alpha", alpha, min_value=0.0, strict_min=True)).fit(x_train, y_train)
            err = float(np.sqrt(np.mean((model.predict(x_val) - y_val) ** 2)))
            if err < best_err:
                best, best_err = model, err
    return best
