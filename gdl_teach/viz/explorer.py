"""The base class of the kit's interactive explorers."""
from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import clear_output, display


class Explorer(widgets.VBox):
    """Controls on top, a figure below; moving a control calls :meth:`draw`.

    Subclasses implement ``draw(**values) -> (figure, result)`` where ``figure``
    is a matplotlib Figure or plotly Figure and ``result`` is anything a test
    may want to inspect (a table, a number). ``controls`` maps names to widgets.
    """

    def __init__(self, controls: dict[str, widgets.ValueWidget], title: str = "") -> None:
        if not controls:
            raise ValueError("controls must name at least one widget")
        self.controls = controls
        self.out = widgets.Output()
        self.last_figure: Any = None
        self.last_result: Any = None
        self.draw_count = 0
        header = [widgets.HTML(f"<b>{title}</b>")] if title else []
        super().__init__(header + [widgets.HBox(list(controls.values())), self.out])
        for w in controls.values():
            w.observe(self._on_change, names="value")
        self.refresh()

    def values(self) -> dict[str, Any]:
        """The current value of every control."""
        return {name: w.value for name, w in self.controls.items()}

    def _on_change(self, _change: Any) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Redraw with the current control values.

        ``draw`` runs inside the Output area, so an error while drawing shows
        its traceback in the widget, where the learner looks, not in a log.
        """
        fig = None  # in a kernel the Output shows a drawing error and swallows it
        with self.out:
            clear_output(wait=True)
            fig, result = self.draw(**self.values())
            self.last_figure, self.last_result = fig, result
            self.draw_count += 1
            display(fig)
            if result is not None and hasattr(result, "_repr_html_"):
                display(result)
        if isinstance(fig, plt.Figure):
            plt.close(fig)

    def draw(self, **values: Any) -> tuple[Any, Any]:  # pragma: no cover - abstract
        raise NotImplementedError
