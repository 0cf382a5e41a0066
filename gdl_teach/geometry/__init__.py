"""Geometry shared by several lessons: neighbour search on point sets
(:mod:`~gdl_teach.geometry.neighbors`) and, on graphs and meshes, distances
and operators. Imports only :mod:`gdl_teach.core`.
"""
