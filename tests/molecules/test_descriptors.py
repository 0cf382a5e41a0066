"""gdl_teach.molecules.descriptors: RDKit's 2D descriptors and the random forest on them."""
from __future__ import annotations

import numpy as np
import pytest
from rdkit.Chem import Crippen, Descriptors

from gdl_teach.molecules import descriptors, featurize


def test_descriptors_are_rdkits_in_the_documented_order(smiles_list: list[str]) -> None:
    x = descriptors.rdkit_descriptors(smiles_list)
    assert x.shape == (len(smiles_list), len(descriptors.DESCRIPTOR_NAMES)) and x.dtype == np.float64
    assert not set(descriptors.SKIPPED_DESCRIPTORS) & set(descriptors.DESCRIPTOR_NAMES)
    assert len(descriptors.DESCRIPTOR_NAMES) == len(Descriptors.descList) - len(descriptors.SKIPPED_DESCRIPTORS)
    mol = featurize.mol_from_smiles(smiles_list[2])
    logp = descriptors.DESCRIPTOR_NAMES.index("MolLogP")
    assert x[2, logp] == pytest.approx(Crippen.MolLogP(mol))
    assert x[2, descriptors.DESCRIPTOR_NAMES.index("TPSA")] == pytest.approx(Descriptors.TPSA(mol))


def test_descriptors_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="non-empty list of SMILES"):
        descriptors.rdkit_descriptors("CCO")
    with pytest.raises(ValueError, match="not a valid SMILES"):
        descriptors.rdkit_descriptors(["CCO", "C1CC("])


def test_forest_is_seeded_fills_missing_values_and_learns() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 6))
    y = 3 * x[:, 0] + 0.1 * x[:, 1]
    x_nan = x.copy()
    x_nan[::7, 2] = np.nan  # a descriptor RDKit could not compute for some molecules
    a = descriptors.fit_descriptor_forest(x_nan[:100], y[:100], num_trees=20, seed=3)
    b = descriptors.fit_descriptor_forest(x_nan[:100], y[:100], num_trees=20, seed=3)
    pred = a.predict(x_nan[100:])
    assert np.array_equal(pred, b.predict(x_nan[100:]))
    assert np.sqrt(np.mean((pred - y[100:]) ** 2)) < 0.6 * y.std()
    forest = a[-1]
    assert forest.n_estimators == 20 and forest.n_jobs == 1 and forest.max_features == pytest.approx(1 / 3)


def test_forest_checks_its_arguments() -> None:
    x, y = np.zeros((10, 3)), np.zeros(10)
    with pytest.raises(ValueError, match="x_train must be"):
        descriptors.fit_descriptor_forest(x, y[:5])
    with pytest.raises(ValueError, match="max_features must be <= 1.0"):
        descriptors.fit_descriptor_forest(x, y, max_features=2.0)
    with pytest.raises(ValueError, match="y_train has 1 non-finite"):
        descriptors.fit_descriptor_forest(x, np.r_[np.nan, np.zeros(9)])
    with pytest.raises(ValueError, match="x_train has 1 non-finite"):
        descriptors.fit_descriptor_forest(np.r_[[[np.inf, 0, 0]], np.zeros((9, 3))], y)
