"""Lesson 07's pictures: Mesh3d traces coloured by values or classes, banded scales, the smoothing plot."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from gdl_teach.meshes import shape, viz


def test_plot_mesh_by_value_and_by_class(animal: shape.Quadruped) -> None:
    by_class = viz.plot_mesh(animal.pos, animal.face, animal.part, labels=shape.PART_NAMES, title="parts")
    trace = by_class.data[0]
    assert trace.type == "mesh3d" and len(trace.vertexcolor) == animal.num_nodes
    assert len(by_class.data) == 1 + len(shape.PART_NAMES), "one legend entry per class"
    by_value = viz.plot_mesh(animal.pos, animal.face, animal.pos[:, 0], cmin=-1.0, cmax=1.0)
    assert by_value.data[0].intensity is not None and by_value.data[0].cmin == -1.0
    plain = viz.plot_mesh(animal.pos, animal.face)
    assert plain.data[0].color is not None
    with pytest.raises(ValueError, match="color must have shape"):
        viz.plot_mesh(animal.pos, animal.face, animal.part[:10])


def test_plot_meshes_side_by_side(animal: shape.Quadruped) -> None:
    fig = viz.plot_meshes([(animal.pos, animal.face, animal.pos[:, 2])] * 3, ["a", "b", "c"])
    assert len(fig.data) == 3 and [t.showscale for t in fig.data] == [False, False, True]
    with pytest.raises(ValueError, match="equal length"):
        viz.plot_meshes([(animal.pos, animal.face, None)], ["a", "b"])


def test_banded_colorscale_alternates() -> None:
    scale = viz.banded_colorscale(4)
    assert len(scale) == 8 and scale[0][0] == 0.0 and scale[-1][0] == 1.0
    assert scale[0][1] == scale[1][1] and scale[2][1] != scale[1][1]


def test_plot_smoothing() -> None:
    steps = list(range(0, 10, 2))
    fig = viz.plot_smoothing(steps, [0.5 ** k for k in steps], {0: np.ones(5), 4: np.arange(5.0)},
                             np.array([1.0, 0.5, 0.2, 0.1, 0.0]))
    assert len(fig.axes) == 2
    plt.close(fig)
