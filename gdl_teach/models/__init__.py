"""Reference models, one module per domain (graph, point cloud, mesh, pose, molecule, baselines).

Import from the domain module, e.g. ``from gdl_teach.models.baselines import MLP``.
"""
