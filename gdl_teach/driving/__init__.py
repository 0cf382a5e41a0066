"""Lesson 05: segmenting driving scenes from LiDAR.

One idea per module: :mod:`~gdl_teach.driving.scene` (a seeded street scene),
:mod:`~gdl_teach.driving.lidar` (a spinning multi-beam sensor, ray-cast into
the scene), :mod:`~gdl_teach.driving.projections` (range image and bird's-eye
grid, and back to points), :mod:`~gdl_teach.driving.models` (the 2D CNNs and
the per-point baselines), :mod:`~gdl_teach.driving.experiments` (training at an
equal budget, per-class IoU, sensor changes and rotations),
:mod:`~gdl_teach.driving.boxes` (car instances and 3D box IoU),
:mod:`~gdl_teach.driving.viz`, :mod:`~gdl_teach.driving.widgets`,
:mod:`~gdl_teach.driving.checks` and :mod:`~gdl_teach.driving.settings`.

The scenes are synthetic: there is no real driving scan in any installable
package, and the lesson must run offline.
"""
