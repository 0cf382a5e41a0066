"""The base class of the kit's interactive explorers.

How a redraw reaches the page. The figure is rendered to its display formats
(PNG for matplotlib, plotly's JSON for plotly) in the kernel and written into
the ``Output`` widget's ``outputs`` state in one assignment. The usual idiom,
``with out: clear_output(wait=True); display(fig)``, instead sets the Output's
``msg_id`` so that the front end routes the cell's display messages into the
widget. Headless executors (nbclient, nbconvert, papermill) imitate that
routing by sending an ``update`` comm message back to the kernel on the shell
channel for every captured output, while the same client is waiting on that
channel for the cell's reply; that race stalled about one headless run in five
until the cell timed out (jupyter/nbclient#312). Writing ``outputs`` directly
never sets ``msg_id``, so there is nothing to imitate and nothing to race.
"""
from __future__ import annotations

import traceback
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the kit
        return False
    return get_ipython() is not None


def display_output(obj: Any) -> dict[str, Any]:
    """``obj`` as a ``display_data`` output (all the formats IPython would show), for an Output widget.

    Objects with an ``_ipython_display_`` method (plotly figures have one) would
    publish themselves to the cell that is running, or to nowhere when a control
    moved, and leave the Output empty; that hook is switched off while the
    formats are computed, so the figure lands in the widget.
    """
    from IPython import get_ipython

    formatter = get_ipython().display_formatter
    hook = formatter.ipython_display_formatter
    enabled, hook.enabled = hook.enabled, False
    try:
        data, metadata = formatter.format(obj)
    finally:
        hook.enabled = enabled
    if not data:
        raise TypeError(f"{type(obj).__name__} has no display format an Output widget can show")
    return {"output_type": "display_data", "data": data, "metadata": metadata}


def error_output(err: BaseException) -> dict[str, Any]:
    """An ``error`` output with the traceback of ``err``, as a notebook shows one."""
    lines = traceback.format_exception(type(err), err, err.__traceback__)
    return {"output_type": "error", "ename": type(err).__name__, "evalue": str(err), "traceback": lines}


class Explorer(widgets.VBox):
    """Controls on top, a figure below; moving a control calls :meth:`draw`.

    Subclasses implement ``draw(**values) -> (figure, result)`` where ``figure``
    is a matplotlib Figure or plotly Figure and ``result`` is anything a test
    may want to inspect (a table, a number; shown too when it has an HTML form).
    ``controls`` maps names to widgets. ``last_figure``, ``last_result`` and
    ``draw_count`` let tests drive the same callbacks a learner's mouse does.
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
        """Redraw with the current control values and show the result in the Output area.

        In a kernel a drawing error is shown in the widget, where the learner
        looks (not in a log), and the controls keep working; outside a kernel
        (tests, scripts) it is raised.
        """
        in_kernel = _in_kernel()
        try:
            fig, result = self.draw(**self.values())
        except Exception as err:
            if not in_kernel:
                raise
            self.out.outputs = (error_output(err),)
            return
        self.last_figure, self.last_result = fig, result
        self.draw_count += 1
        if in_kernel:
            shown = [display_output(fig)]
            if result is not None and hasattr(result, "_repr_html_"):
                shown.append(display_output(result))
            self.out.outputs = tuple(shown)
        if isinstance(fig, plt.Figure):
            plt.close(fig)

    def draw(self, **values: Any) -> tuple[Any, Any]:  # pragma: no cover - abstract
        raise NotImplementedError
