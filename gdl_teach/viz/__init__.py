"""Plots: ``plot_*`` functions (matplotlib, return the Axes/Figure) and plotly 3D views.

One module per domain: :mod:`gdl_teach.viz.graph`, :mod:`gdl_teach.viz.training`,
:mod:`gdl_teach.viz.pointcloud`, and the lessons' own modules.
"""
from gdl_teach.viz.graph import plot_graph
from gdl_teach.viz.pointcloud import plot_point_cloud
from gdl_teach.viz.training import plot_history

__all__ = ["plot_graph", "plot_history", "plot_point_cloud"]
