"""Lesson 08, symmetry built in: group convolutions and E(n)-equivariant networks.

One module per idea:

- :mod:`~gdl_teach.equivariance.groups`: group actions on inputs and outputs (quarter turns of images,
  rotations and reflections of point sets, relabelled nodes) and transforms for the kit's symmetry checker;
- :mod:`~gdl_teach.equivariance.digits`: scikit-learn's offline 8x8 digits, upright and turned;
- :mod:`~gdl_teach.equivariance.nbody`: the seeded charged-particle simulation of the EGNN paper;
- :mod:`~gdl_teach.equivariance.models`: CNN vs p4 network for digits; coordinate GNN, radial field,
  EGNN and straight-line motion for particles (the layers live in :mod:`gdl_teach.nn`);
- :mod:`~gdl_teach.equivariance.experiments`: equal-budget comparisons over seeds and their tables;
- :mod:`~gdl_teach.equivariance.chirality`: mirror-image molecules from RDKit, and what tells them apart;
- :mod:`~gdl_teach.equivariance.settings`: the CPU and GPU sizes, in one place;
- :mod:`~gdl_teach.equivariance.viz`, :mod:`~gdl_teach.equivariance.widgets`,
  :mod:`~gdl_teach.equivariance.checks`.

A lesson subpackage imports the shared layers (core, geometry, nn, viz, data,
exercises), never another lesson.
"""
