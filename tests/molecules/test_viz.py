"""gdl_teach.molecules.viz: the pictures return figures, check their inputs and plot from the CPU."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from gdl_teach.molecules import conformers, featurize, viz


def test_plots_return_figures_and_check_inputs() -> None:
    img = viz.molecule_image("c1ccccc1O", size=(200, 160))
    assert img.shape == (160, 200, 3) and img.dtype == np.uint8
    fig = viz.plot_molecule_views("CC(=O)Nc1ccc(Cl)cc1", label=-9.0, name="test")
    assert isinstance(fig, plt.Figure) and len(fig.axes) == 4
    ax = viz.plot_molecule_graph("c1ccccc1O", color_by="degree")
    assert ax.get_legend() is not None
    with pytest.raises(ValueError, match="color_by must be one of"):
        viz.plot_molecule_graph("CCO", color_by="mass")
    with pytest.raises(ValueError, match="weights must have one value per heavy atom"):
        viz.contributions_image("CCO", torch.zeros(5))
    fig = viz.plot_atom_contributions("CCO", torch.tensor([0.5, -0.2, -1.0]))
    assert isinstance(fig, plt.Figure)
    ax = viz.plot_parity({"m": torch.tensor([1.0, 2.0])}, torch.tensor([1.0, 3.0]))
    assert "RMSE 0.71" in ax.get_legend().get_texts()[0].get_text()
    mol, pos = conformers.embed_conformer("CCO", seed=0)
    with pytest.raises(ValueError, match=r"pos must have shape"):
        viz.plot_conformer(mol, pos[:2])
    with pytest.raises(ValueError, match="not a valid SMILES"):
        viz.plot_molecule("C1CC(")
    with pytest.raises(TypeError, match=r"predictions\['m'\] must be a torch.Tensor"):
        viz.plot_parity({"m": [1.0, 2.0]}, torch.tensor([1.0, 3.0]))
    plt.close("all")


def test_feature_matrix_groups_follow_the_featurizer() -> None:
    ax = viz.plot_feature_matrix("c1ccccc1O")
    assert [t.get_text() for t in ax.get_xticklabels()] == [name for name, _ in featurize.ATOM_FEATURE_BLOCKS]
    assert ax.get_images()[0].get_array().shape == (7, featurize.NUM_ATOM_FEATURES)
    plt.close("all")


def test_plots_take_tensors_that_need_grad() -> None:
    """Tensors straight out of a model (requires_grad) are detached and brought to the CPU before numpy."""
    w = torch.tensor([0.5, -0.2, -1.0], requires_grad=True)
    assert isinstance(viz.plot_atom_contributions("CCO", w * 1.0), plt.Figure)
    viz.plot_parity({"m": torch.tensor([1.0, 2.0], requires_grad=True) * 1.0}, torch.tensor([1.0, 3.0]))
    mol, pos = conformers.embed_conformer("CCO", seed=0)
    viz.plot_conformer(mol, pos.requires_grad_(True) * 1.0)
    plt.close("all")
