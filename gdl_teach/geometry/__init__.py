"""Geometry shared by several lessons, on point sets, graphs and meshes.

:mod:`~gdl_teach.geometry.neighbors` (k-NN, radius graphs, farthest point
sampling) over :mod:`~gdl_teach.geometry.search_backends`;
:mod:`~gdl_teach.geometry.mesh` (areas, normals, edges, checks),
:mod:`~gdl_teach.geometry.laplacian` (cotangent Laplacian, mass matrix,
eigenbasis), :mod:`~gdl_teach.geometry.heat` (heat diffusion, heat kernel) and
:mod:`~gdl_teach.geometry.geodesics` (Dijkstra, the heat method). Imports only
:mod:`gdl_teach.core`.
"""
