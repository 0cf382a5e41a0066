"""Shared plots and the Explorer base: :mod:`~gdl_teach.viz.graph` (a PyG graph with networkx),
:mod:`~gdl_teach.viz.curves` (training curves), :mod:`~gdl_teach.viz.pointcloud` (rotatable 3D views
in plotly), :mod:`~gdl_teach.viz.layout` (one spring layout) and :mod:`~gdl_teach.viz.explorer`
(controls + a figure that redraws). A lesson's own plots live in its ``viz.py``.
"""
from gdl_teach.viz.curves import plot_history
from gdl_teach.viz.graph import plot_graph
from gdl_teach.viz.pointcloud import plot_point_cloud

__all__ = ["plot_graph", "plot_history", "plot_point_cloud"]
