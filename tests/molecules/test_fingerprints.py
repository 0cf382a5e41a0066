"""gdl_teach.molecules.fingerprints: Morgan bits and the ridge baseline."""
from __future__ import annotations

import numpy as np
import pytest

from gdl_teach.molecules import fingerprints


def test_morgan_fingerprints_are_bits() -> None:
    fps = fingerprints.morgan_fingerprints(["CCO", "c1ccccc1Cl"], radius=2, num_bits=512)
    assert fps.shape == (2, 512) and fps.dtype == np.uint8 and set(np.unique(fps)) <= {0, 1}
    with pytest.raises(ValueError, match="not a valid SMILES"):
        fingerprints.morgan_fingerprints(["CCO", "C1CC("])
    with pytest.raises(ValueError, match="num_bits must be >= 8"):
        fingerprints.morgan_fingerprints(["CCO"], num_bits=4)


def test_fingerprint_ridge_picks_alpha_and_checks_shapes() -> None:
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, (40, 32)).astype(float)
    w = rng.normal(size=32)
    model = fingerprints.fit_fingerprint_ridge(x[:30], x[:30] @ w, x[30:], x[30:] @ w, alphas=(0.01, 100.0))
    assert model.alpha == 0.01
    with pytest.raises(ValueError, match="x_train must be"):
        fingerprints.fit_fingerprint_ridge(x[:30], w[:5], x[30:], x[30:] @ w)
    with pytest.raises(ValueError, match="x_val must be"):
        fingerprints.fit_fingerprint_ridge(x[:30], x[:30] @ w, x[30:, :5], x[30:] @ w)
    with pytest.raises(ValueError, match="alphas must name at least one"):
        fingerprints.fit_fingerprint_ridge(x[:30], x[:30] @ w, x[30:], x[30:] @ w, alphas=())
