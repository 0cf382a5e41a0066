"""gdl_teach.setup.widgets: the graph tour redraws when moved and accepts only what its controls show."""
from __future__ import annotations

import pytest

from gdl_teach.setup.widgets import GraphTour


def test_graph_tour_redraws_when_controls_move() -> None:
    tour = GraphTour(kind="grid", size=36)
    assert tour.last_result == {"kind": "grid", "nodes": 36, "edges": 60, "mean degree": 3.33}
    first = tour.last_figure
    tour.controls["size"].value = 100
    assert tour.last_result["nodes"] == 100 and tour.last_figure is not first
    tour.controls["kind"].value = "karate club"
    assert tour.last_result["edges"] == 78 and tour.draw_count == 3


@pytest.mark.parametrize("kwargs,error,match", [
    ({"kind": "nope"}, ValueError, "kind must be one of"),
    ({"size": 4}, ValueError, "size must be >= 9"),     # make_toy_graph takes it; the slider would show 9
    ({"size": 200}, ValueError, "size must be <= 144"),  # ... and here 144
    ({"size": 36.0}, TypeError, "size must be an int"),
])
def test_graph_tour_rejects_what_its_controls_cannot_show(kwargs, error, match: str) -> None:  # noqa: ANN001
    with pytest.raises(error, match=match):
        GraphTour(**kwargs)


def test_the_slider_shows_the_size_given() -> None:
    assert GraphTour(kind="small world", size=9).values() == {"kind": "small world", "size": 9}
    assert GraphTour(kind="small world", size=144).controls["size"].value == 144
