"""The Explorer base: draws on every change, shows errors where the learner looks, runs headless without stalls."""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import nbformat
import pytest
from nbclient import NotebookClient

from gdl_teach.viz.explorer import Explorer


class Sine(Explorer):
    def __init__(self, freq: int = 1) -> None:
        super().__init__({"freq": widgets.IntSlider(value=freq, min=1, max=9)}, title="a sine")

    def draw(self, freq: int):  # noqa: ANN201
        fig, ax = plt.subplots()
        ax.plot([0, 1, 2], [0, freq, 0])
        return fig, {"freq": freq}


def test_explorer_redraws_on_every_change() -> None:
    e = Sine()
    assert e.draw_count == 1 and e.last_result == {"freq": 1}
    e.controls["freq"].value = 4
    assert e.draw_count == 2 and e.last_result == {"freq": 4}
    assert e.values() == {"freq": 4}
    with pytest.raises(ValueError, match="controls must name at least one widget"):
        Explorer({})


def test_drawing_errors_are_raised_outside_a_kernel() -> None:
    class Broken(Explorer):
        def __init__(self) -> None:
            super().__init__({"a": widgets.IntSlider()})

        def draw(self, a: int):  # noqa: ANN201
            raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        Broken()


class _CountingClient(NotebookClient):
    """Counts how often the Output widget imitation is engaged (a widget set msg_id to capture outputs)."""

    hooks = 0

    def register_output_hook(self, msg_id, hook):  # noqa: ANN001, ANN201
        type(self).hooks += 1
        return super().register_output_hook(msg_id, hook)


def test_headless_runs_never_engage_the_output_widget_imitation(tmp_path) -> None:
    """The root cause of the stalled headless runs: nbclient's imitation of a capturing Output widget.

    With explorers that write their Output's state directly, nbclient (as used by nbconvert and
    papermill, mimicry on) never registers an output hook, shows the figure inside the widget, and
    shows a drawing error inside the widget too.
    """
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(
        "import ipywidgets as w, matplotlib.pyplot as plt\n"
        "from gdl_teach.viz.explorer import Explorer\n"
        "class Demo(Explorer):\n"
        "    def __init__(self, fail=False):\n"
        "        self.fail = fail\n"
        "        super().__init__({'a': w.IntSlider(value=1, min=1, max=5)})\n"
        "    def draw(self, a):\n"
        "        if self.fail:\n"
        "            raise ValueError('drawing failed')\n"
        "        fig, ax = plt.subplots(); ax.plot([0, a]); return fig, None\n"),
        nbformat.v4.new_code_cell("e = Demo()\nfor v in (2, 3, 4):\n    e.controls['a'].value = v\ne"),
        nbformat.v4.new_code_cell("Demo(fail=True)"),
        nbformat.v4.new_code_cell(
            "import plotly.graph_objects as go\n"
            "class Plotly(Explorer):\n"
            "    def __init__(self):\n"
            "        super().__init__({'a': w.IntSlider(value=1, min=1, max=5)})\n"
            "    def draw(self, a):\n"
            "        return go.Figure(go.Scatter3d(x=[0, a], y=[0, 1], z=[0, 1])), None\n"
            "p = Plotly()\np.controls['a'].value = 3\np"),
    ]
    _CountingClient.hooks = 0
    _CountingClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert _CountingClient.hooks == 0, "an explorer made nbclient imitate a capturing Output widget"
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    outputs = [m["state"].get("outputs", []) for m in state.values() if m["model_name"] == "OutputModel"]
    kinds = sorted(o[0]["output_type"] for o in outputs if o)
    assert kinds == ["display_data", "display_data", "error"], kinds
    shown = [o[0]["data"] for o in outputs if o and o[0]["output_type"] == "display_data"]
    assert sum("image/png" in d for d in shown) == 1
    # a plotly figure (which has an _ipython_display_ hook) lands inside the widget, as it is after the move,
    # and not as a stray output of the cell
    plotly = [d["application/vnd.plotly.v1+json"] for d in shown if "application/vnd.plotly.v1+json" in d]
    assert len(plotly) == 1 and plotly[0]["data"][0]["x"] == [0, 3], plotly
    assert not any("application/vnd.plotly.v1+json" in o.get("data", {}) for o in nb.cells[3].outputs)
    assert not any(o.output_type == "error" for c in nb.cells for o in c.outputs), "a drawing error fails no cell"
