"""gdl_teach.molecules.checks: the three exercises pass on the right answer and fail with a hint."""
from __future__ import annotations

import pytest
import torch
from rdkit import Chem

from gdl_teach.exercises.core import ExerciseFailed
from gdl_teach.molecules import checks, experiments, featurize


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


def test_check_bond_features_is_not_fooled_by_an_answer_that_changes_the_bond() -> None:
    """Regression: the learner got the check's own bond, so rewriting it also rewrote the reference answer."""
    def sneaky(bond):
        bond.SetBondType(Chem.BondType.SINGLE)
        bond.SetIsAromatic(False)
        return [1.0, 0.0, 0.0, 0.0, float(bond.GetIsConjugated()), float(bond.IsInRing())]

    with pytest.raises(ExerciseFailed, match="changed the bond it was given"):
        checks.check_bond_features(sneaky)


RIGHT_MIRROR = {"SchNetLite output": "same", "signed volume": "different", "graph features": "same"}


def test_mirror_measurements_are_what_the_lesson_says() -> None:
    m = checks.mirror_measurements()
    assert {k: m[k] for k in checks.MIRROR_QUANTITIES} == RIGHT_MIRROR
    assert m["distance change"] == 0.0 and m["volume"][0] == pytest.approx(-m["volume"][1])


def test_check_mirror_prediction(capsys: pytest.CaptureFixture[str]) -> None:
    checks.check_mirror_prediction(lambda: dict(RIGHT_MIRROR))
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseFailed, match="SchNetLite output: measured same, because SchNetLite reads only"):
        checks.check_mirror_prediction(lambda: {**RIGHT_MIRROR, "SchNetLite output": "different"})
    with pytest.raises(ExerciseFailed, match="determinant -1"):
        checks.check_mirror_prediction(lambda: {**RIGHT_MIRROR, "signed volume": "same"})
    with pytest.raises(ExerciseFailed, match="never read the @/@@ tags"):
        checks.check_mirror_prediction(lambda: {**RIGHT_MIRROR, "graph features": "different"})
    with pytest.raises(ExerciseFailed, match="return a dict with the keys"):
        checks.check_mirror_prediction(lambda: {"SchNetLite output": "same"})
    with pytest.raises(ExerciseFailed, match="each value must be one of"):
        checks.check_mirror_prediction(lambda: {**RIGHT_MIRROR, "signed volume": True})

    def stub():
        raise NotImplementedError

    with pytest.raises(ExerciseFailed, match="replace the stub"):
        checks.check_mirror_prediction(stub)


def test_check_mirror_prediction_leaves_the_random_state_alone() -> None:
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    checks.check_mirror_prediction(lambda: dict(RIGHT_MIRROR))
    assert torch.equal(torch.rand(3), expected)


def _run(gnn: float, forest: float) -> experiments.ComparisonRun:
    return experiments.ComparisonRun(seed=0, test_rmse={"ECFP + ridge": 1.0, "descriptors + RF": forest,
                                                        "GNN": gnn, "GNN + descriptors": 0.7})


def test_check_huuskonen_prediction(capsys: pytest.CaptureFixture[str]) -> None:
    checks.check_huuskonen_prediction(lambda: "descriptors + RF", _run(gnn=0.8, forest=0.6))
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseFailed, match="Crippen's logP"):
        checks.check_huuskonen_prediction(lambda: "GNN", _run(gnn=0.8, forest=0.6))
    with pytest.raises(ExerciseFailed, match="graph network came out ahead"):
        checks.check_huuskonen_prediction(lambda: "descriptors + RF", _run(gnn=0.5, forest=0.6))
    with pytest.raises(ExerciseFailed, match="return one of"):
        checks.check_huuskonen_prediction(lambda: "SMILES CNN", _run(gnn=0.8, forest=0.6))
    with pytest.raises(ExerciseFailed, match="pass the Huuskonen run"):
        checks.check_huuskonen_prediction(lambda: "GNN", None)
