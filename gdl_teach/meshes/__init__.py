"""Lesson 07: surfaces as meshes, and the spectral view of graphs.

:mod:`~gdl_teach.meshes.shape` generates a posable four-legged animal (an
implicit surface of capsules, marching cubes, linear-blend skinning);
:mod:`~gdl_teach.meshes.descriptors` computes what the models are fed (the
heat kernel signature, a landmark distance, coordinates, a PCA frame);
:mod:`~gdl_teach.meshes.models` holds the per-vertex MLP, the mesh GNN and the
DiffusionNet-style model; :mod:`~gdl_teach.meshes.experiments` trains them on
segmentation and correspondence and tests them on new poses, rotations and a
re-meshed animal; :mod:`~gdl_teach.meshes.measurements` holds the smaller
measurements (geodesic errors against exact answers, distances between poses,
repeated averaging on a graph); :mod:`~gdl_teach.meshes.viz` and
:mod:`~gdl_teach.meshes.widgets` draw it all with plotly;
:mod:`~gdl_teach.meshes.checks` holds the exercises' checks and
:mod:`~gdl_teach.meshes.settings` the CPU/GPU setting. The mesh operators
themselves (Laplacian, heat, geodesics) are shared, in :mod:`gdl_teach.geometry`.
"""
