"""Lesson 03: 3D human pose, a skeleton as a graph (skeleton, kinematics, camera, lifters, experiments)."""
