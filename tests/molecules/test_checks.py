"""gdl_teach.molecules.checks: the two exercises pass on the reference and fail with a hint."""
from __future__ import annotations

import pytest
import torch
from rdkit import Chem

from gdl_teach.exercises.core import ExerciseFailed
from gdl_teach.molecules import checks, featurize, gnn


def test_check_bond_features_passes_on_reference(capsys: pytest.CaptureFixture[str]) -> None:
    checks.check_bond_features(featurize.bond_features)
    assert "Correct" in capsys.readouterr().out


def test_check_bond_features_hints() -> None:
    def kekule(bond):  # aromatic bonds reported as single/double
        b = Chem.Bond.GetBondTypeAsDouble(bond)
        return [float(b == 1.0 or b == 1.5), float(b == 2.0), float(b == 3.0), 0.0,
                float(bond.GetIsConjugated()), float(bond.IsInRing())]

    with pytest.raises(ExerciseFailed, match="AROMATIC"):
        checks.check_bond_features(kekule)
    with pytest.raises(ExerciseFailed, match="conjugated"):
        checks.check_bond_features(lambda b: featurize.bond_features(b)[:4] + [0.0, float(b.IsInRing())])
    with pytest.raises(ExerciseFailed, match="returned 4 numbers; expected 6"):
        checks.check_bond_features(lambda b: featurize.bond_features(b)[:4])

    def stub(bond):
        raise NotImplementedError

    with pytest.raises(ExerciseFailed, match="replace the stub"):
        checks.check_bond_features(stub)


def test_check_gine_aggregate_passes_and_hints(capsys: pytest.CaptureFixture[str]) -> None:
    checks.check_gine_aggregate(gnn.gine_aggregate)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseFailed, match="without the ReLU"):
        checks.check_gine_aggregate(lambda x, ei, e: torch.zeros_like(x).index_add_(0, ei[1], x[ei[0]] + e))
    with pytest.raises(ExerciseFailed, match="wrong way"):
        checks.check_gine_aggregate(lambda x, ei, e: torch.zeros_like(x).index_add_(0, ei[0], torch.relu(x[ei[1]] + e)))
    with pytest.raises(ExerciseFailed, match="shape"):
        checks.check_gine_aggregate(lambda x, ei, e: torch.relu(x[ei[0]] + e))


def test_check_bond_features_is_not_fooled_by_an_answer_that_changes_the_bond() -> None:
    """Regression: the learner got the check's own bond, so rewriting it also rewrote the reference answer."""
    def sneaky(bond):
        bond.SetBondType(Chem.BondType.SINGLE)
        bond.SetIsAromatic(False)
        return [1.0, 0.0, 0.0, 0.0, float(bond.GetIsConjugated()), float(bond.IsInRing())]

    with pytest.raises(ExerciseFailed, match="changed the bond it was given"):
        checks.check_bond_features(sneaky)
