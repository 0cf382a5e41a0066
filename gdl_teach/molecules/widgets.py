"""An explorer of a molecule data set: pick a molecule, see its drawing, graph, string and label."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets
import torch

from gdl_teach.core.validate import check_int
from gdl_teach.molecules.viz import COLOR_BY, plot_molecule_views
from gdl_teach.viz.explorer import Explorer


class MoleculeExplorer(Explorer):
    """Pick a molecule of a dataset with a slider and see it as picture, graph and SMILES string.

    ``last_result`` is a dict with the molecule's name, SMILES, label, atom
    and bond counts, and the models' predictions when ``predictions`` is given.

    Args:
        dataset: a :class:`gdl_teach.molecules.datasets.MoleculeDataset` (e.g. FreeSolv).
        predictions: optional model name -> (M,) predictions for every molecule of ``dataset``.
        unit: unit of the labels.
        index: the molecule shown first.
    """

    def __init__(self, dataset: Any, predictions: Mapping[str, torch.Tensor] | None = None,
                 unit: str = "kcal/mol", index: int = 0) -> None:
        if not hasattr(dataset, "to_list") or len(dataset) == 0:
            raise TypeError("dataset must be a non-empty MoleculeDataset (see gdl_teach.molecules.datasets)")
        self.graphs = dataset.to_list()
        self.predictions = dict(predictions or {})
        for name, pred in self.predictions.items():
            if not isinstance(pred, torch.Tensor) or pred.reshape(-1).shape[0] != len(self.graphs):
                raise ValueError(f"predictions[{name!r}] must be a tensor with one value per molecule "
                                 f"({len(self.graphs)})")
        self.predictions = {name: pred.detach().cpu().reshape(-1) for name, pred in self.predictions.items()}
        self.unit = unit
        index = check_int("index", index)  # the slider shows integers only: 1.5 or True is an error, not 1
        if not 0 <= index < len(self.graphs):
            raise ValueError(f"index must be in [0, {len(self.graphs) - 1}], got {index}")
        controls = {
            "index": widgets.IntSlider(value=index, min=0, max=len(self.graphs) - 1, description="molecule"),
            "color_by": widgets.Dropdown(options=list(COLOR_BY), value="element", description="colour by"),
        }
        super().__init__(controls, title=f"{getattr(dataset, 'name', 'molecules')}: one molecule, three views")

    def draw(self, index: int, color_by: str) -> tuple[Any, dict[str, Any]]:
        """Figure of molecule ``index`` and a dict describing it."""
        d = self.graphs[index]
        label = float(d.y.reshape(-1)[0])
        fig = plot_molecule_views(d.smiles, label=label, name=getattr(d, "name", "") or f"#{index}",
                                  unit=self.unit, color_by=color_by)
        result = {"index": index, "name": getattr(d, "name", ""), "smiles": d.smiles, "label": label,
                  "atoms": int(d.num_nodes), "bonds": int(d.edge_index.shape[1] // 2)}
        for name, pred in self.predictions.items():
            result[name] = float(pred.reshape(-1)[index])
        if self.predictions:
            text = ", ".join(f"{k}: {result[k]:.2f}" for k in self.predictions)
            fig.text(0.5, 0.01, f"predicted ({self.unit}) - {text}", ha="center", fontsize=8)
        return fig, result
