"""Lesson 07's explorers: moving the first control redraws the figure; bad arguments are rejected by name."""
from __future__ import annotations

import plotly.graph_objects as go
import pytest

from gdl_teach.meshes import shape, widgets


def _first_control_redraws(explorer, new_value) -> None:  # noqa: ANN001
    before, count = explorer.last_figure.to_json(), explorer.draw_count
    first = next(iter(explorer.controls.values()))
    first.value = new_value
    assert explorer.draw_count == count + 1
    assert isinstance(explorer.last_figure, go.Figure) and explorer.last_figure.to_json() != before
    assert explorer.last_figure.data[0].type == "mesh3d"


def test_pose_explorer(animal: shape.Quadruped) -> None:
    explorer = widgets.PoseExplorer(animal)
    assert explorer.last_result["straight change"] == pytest.approx(0.0, abs=1e-6)
    _first_control_redraws(explorer, 15.0)
    result = explorer.last_result
    assert abs(result["geodesic change"]) < abs(result["straight change"]), "bending keeps surface distances"
    explorer.controls["colour"].value = "edge stretch"
    assert explorer.last_figure.data[0].intensity is not None
    with pytest.raises(TypeError, match="animal must be a Quadruped"):
        widgets.PoseExplorer("a cat")


def test_eigen_explorer(animal: shape.Quadruped, basis: tuple) -> None:
    evals, evecs, _ = basis
    explorer = widgets.EigenExplorer(animal.pos, animal.face, evals, evecs, index=1)
    _first_control_redraws(explorer, 5)
    low = explorer.last_result["edges changing sign"]
    explorer.controls["index"].value = 20
    assert explorer.last_result["edges changing sign"] > low, "higher eigenvectors oscillate faster"
    with pytest.raises(ValueError, match="index must be <="):
        widgets.EigenExplorer(animal.pos, animal.face, evals, evecs, index=len(evals))


def test_heat_explorer(animal: shape.Quadruped, basis: tuple) -> None:
    evals, evecs, mass = basis
    explorer = widgets.HeatExplorer(animal.pos, animal.face, evals, evecs, mass, shape.landmarks(animal))
    _first_control_redraws(explorer, "tail tip")
    assert explorer.last_result["total heat"] == pytest.approx(1.0, abs=1e-6)
    peak = explorer.last_result["peak"]
    explorer.controls["log10_t"].value = 0.0
    assert explorer.last_result["peak"] < peak, "heat spreads out"
    with pytest.raises(ValueError, match=r"sources\['nose'\] must be <="):
        widgets.HeatExplorer(animal.pos, animal.face, evals, evecs, mass, {"nose": 10**6})


def test_geodesic_explorer(animal: shape.Quadruped) -> None:
    marks = shape.landmarks(animal)
    explorer = widgets.GeodesicExplorer(animal.pos, animal.face, marks)
    _first_control_redraws(explorer, "tail tip")
    heat_max = explorer.last_result["max"]
    explorer.controls["method"].value = "straight line"
    assert explorer.last_result["max"] < heat_max, "through the air is shorter"
    with pytest.raises(TypeError, match="sources must be a non-empty dict"):
        widgets.GeodesicExplorer(animal.pos, animal.face, {})
