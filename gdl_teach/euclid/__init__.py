"""Lesson 01, Euclidean vs non-Euclidean data, one module per idea.

* :mod:`~gdl_teach.euclid.grid`: an image's pixel grid as a graph with typed edges; shifts;
* :mod:`~gdl_teach.euclid.projection`: one camera, two shapes (a cube, a flat square): what a projection loses;
* :mod:`~gdl_teach.euclid.geodesics`: a sphere and a Swiss roll; straight-line vs geodesic distance;
* :mod:`~gdl_teach.euclid.hub_graphs`: graphs with and without a hub, and renumbered copies;
* :mod:`~gdl_teach.euclid.models`: a convolution as message passing, a GNN and an adjacency MLP;
* :mod:`~gdl_teach.euclid.baselines`: what a practitioner tries before a GNN: augmentation, a canonical
  order, degree features and a degree rule;
* :mod:`~gdl_teach.euclid.experiments`: the claim, every contender at one budget over seeds, and its tables;
* :mod:`~gdl_teach.euclid.viz`, :mod:`~gdl_teach.euclid.widgets`, :mod:`~gdl_teach.euclid.checks`:
  the lesson's figures, its explorer and its exercise checks.

A lesson subpackage imports the shared layers (core, geometry, nn, viz, data,
exercises), never another lesson.
"""
