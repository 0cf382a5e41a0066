"""Lesson 00, set-up: how the kit works.

* :mod:`~gdl_teach.setup.toy`: a few small graphs and a torus point cloud to look at;
* :mod:`~gdl_teach.setup.batching`: PyG's mini-batching drawn (block-diagonal adjacency, ``batch`` vector);
* :mod:`~gdl_teach.setup.widgets`: the graph tour (the first explorer);
* :mod:`~gdl_teach.setup.checks`: the first two exercise checks.

A lesson subpackage imports the shared layers (core, geometry, nn, viz, data,
exercises), never another lesson.
"""
