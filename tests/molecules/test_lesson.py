"""Lesson 06 exercises, explorer and plots: checks pass on the reference, fail with a hint; widgets redraw."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from rdkit import Chem

from gdl_teach.exercises.core import ExerciseFailed
from gdl_teach.molecules import data as md
from gdl_teach.molecules import viz as mv
from gdl_teach.molecules.checks import check_bond_features, check_gine_aggregate
from gdl_teach.molecules.models import gine_aggregate
from gdl_teach.molecules.widgets import MoleculeExplorer


def test_check_bond_features_passes_on_reference(capsys: pytest.CaptureFixture[str]) -> None:
    check_bond_features(md.bond_features)
    assert "Correct" in capsys.readouterr().out


def test_check_bond_features_hints() -> None:
    def kekule(bond):  # aromatic bonds reported as single/double
        b = Chem.Bond.GetBondTypeAsDouble(bond)
        return [float(b == 1.0 or b == 1.5), float(b == 2.0), float(b == 3.0), 0.0,
                float(bond.GetIsConjugated()), float(bond.IsInRing())]

    with pytest.raises(ExerciseFailed, match="AROMATIC"):
        check_bond_features(kekule)
    with pytest.raises(ExerciseFailed, match="conjugated"):
        check_bond_features(lambda b: md.bond_features(b)[:4] + [0.0, float(b.IsInRing())])
    with pytest.raises(ExerciseFailed, match="returned 4 numbers; expected 6"):
        check_bond_features(lambda b: md.bond_features(b)[:4])

    def stub(bond):
        raise NotImplementedError

    with pytest.raises(ExerciseFailed, match="replace the stub"):
        check_bond_features(stub)


def test_check_gine_aggregate_passes_and_hints(capsys: pytest.CaptureFixture[str]) -> None:
    check_gine_aggregate(gine_aggregate)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseFailed, match="without the ReLU"):
        check_gine_aggregate(lambda x, ei, e: torch.zeros_like(x).index_add_(0, ei[1], x[ei[0]] + e))
    with pytest.raises(ExerciseFailed, match="wrong way"):
        check_gine_aggregate(lambda x, ei, e: torch.zeros_like(x).index_add_(0, ei[0], torch.relu(x[ei[1]] + e)))
    with pytest.raises(ExerciseFailed, match="shape"):
        check_gine_aggregate(lambda x, ei, e: torch.relu(x[ei[0]] + e))


@pytest.fixture(scope="module")
def small() -> md.MoleculeDataset:
    return md.dataset_from_smiles(["CCO", "c1ccccc1O", "CC(=O)Nc1ccc(Cl)cc1"], [-5.0, -6.6, -9.0], name="tiny")


def test_explorer_redraws_on_control_changes(small: md.MoleculeDataset) -> None:
    ex = MoleculeExplorer(small, predictions={"GNN": torch.tensor([-4.0, -6.0, -8.0])})
    assert ex.last_result["smiles"] == "CCO" and ex.last_result["GNN"] == -4.0
    first_fig = ex.last_figure
    ex.controls["index"].value = 2
    assert ex.last_result["index"] == 2 and ex.last_result["label"] == pytest.approx(-9.0)
    assert ex.last_result["atoms"] == 11 and ex.last_result["bonds"] == 11
    assert ex.last_figure is not first_fig
    count = ex.draw_count
    ex.controls["color_by"].value = "aromatic"
    assert ex.draw_count == count + 1
    with pytest.raises(ValueError, match="one value per molecule"):
        MoleculeExplorer(small, predictions={"GNN": torch.zeros(2)})
    with pytest.raises(ValueError, match="index must be in"):
        MoleculeExplorer(small, index=5)
    plt.close("all")


def test_plots_return_figures_and_check_inputs() -> None:
    img = mv.molecule_image("c1ccccc1O", size=(200, 160))
    assert img.shape == (160, 200, 3) and img.dtype == np.uint8
    fig = mv.plot_molecule_views("CC(=O)Nc1ccc(Cl)cc1", label=-9.0, name="test")
    assert isinstance(fig, plt.Figure) and len(fig.axes) == 4
    ax = mv.plot_molecule_graph("c1ccccc1O", color_by="degree")
    assert ax.get_legend() is not None
    with pytest.raises(ValueError, match="color_by must be one of"):
        mv.plot_molecule_graph("CCO", color_by="mass")
    with pytest.raises(ValueError, match="weights must have one value per heavy atom"):
        mv.contributions_image("CCO", torch.zeros(5))
    fig = mv.plot_atom_contributions("CCO", torch.tensor([0.5, -0.2, -1.0]))
    assert isinstance(fig, plt.Figure)
    ax = mv.plot_parity({"m": torch.tensor([1.0, 2.0])}, torch.tensor([1.0, 3.0]))
    assert "RMSE 0.71" in ax.get_legend().get_texts()[0].get_text()
    mol, pos = md.embed_conformer("CCO", seed=0)
    with pytest.raises(ValueError, match=r"pos must have shape"):
        mv.plot_conformer(mol, pos[:2])
    with pytest.raises(ValueError, match="not a valid SMILES"):
        mv.plot_molecule("C1CC(")
    plt.close("all")
