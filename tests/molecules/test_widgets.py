"""gdl_teach.molecules.widgets: the explorer redraws and refuses values its slider cannot show."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
import torch

from gdl_teach.molecules import datasets, widgets


@pytest.fixture(scope="module")
def tiny() -> datasets.MoleculeDataset:
    return datasets.dataset_from_smiles(["CCO", "c1ccccc1O", "CC(=O)Nc1ccc(Cl)cc1"], [-5.0, -6.6, -9.0], name="tiny")


def test_explorer_redraws_on_control_changes(tiny: datasets.MoleculeDataset) -> None:
    ex = widgets.MoleculeExplorer(tiny, predictions={"GNN": torch.tensor([-4.0, -6.0, -8.0])})
    assert ex.last_result["smiles"] == "CCO" and ex.last_result["GNN"] == -4.0
    first_fig = ex.last_figure
    ex.controls["index"].value = 2
    assert ex.last_result["index"] == 2 and ex.last_result["label"] == pytest.approx(-9.0)
    assert ex.last_result["atoms"] == 11 and ex.last_result["bonds"] == 11
    assert ex.last_figure is not first_fig
    count = ex.draw_count
    ex.controls["color_by"].value = "aromatic"
    assert ex.draw_count == count + 1
    plt.close("all")


def test_explorer_rejects_what_its_controls_cannot_show(tiny: datasets.MoleculeDataset) -> None:
    with pytest.raises(ValueError, match="one value per molecule"):
        widgets.MoleculeExplorer(tiny, predictions={"GNN": torch.zeros(2)})
    with pytest.raises(ValueError, match="index must be in"):
        widgets.MoleculeExplorer(tiny, index=5)
    for index in (1.5, True):  # the slider would show 1, not what was asked
        with pytest.raises(TypeError, match="index must be an int"):
            widgets.MoleculeExplorer(tiny, index=index)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="non-empty MoleculeDataset"):
        widgets.MoleculeExplorer([])
    plt.close("all")
