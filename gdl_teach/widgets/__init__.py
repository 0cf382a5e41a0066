"""ipywidgets explorers used by the lessons, one module per lesson topic.

Every explorer derives from :class:`gdl_teach.widgets.base.Explorer`: it has
named ``controls``, redraws into an ``Output`` when a control moves, and keeps
what it drew last in ``last_figure`` and ``last_result``, so tests can drive
the same callbacks a learner's mouse does.
"""
from gdl_teach.widgets.base import Explorer

__all__ = ["Explorer"]
