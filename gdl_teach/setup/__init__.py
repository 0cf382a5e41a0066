"""Lesson 00, set-up: how the kit works: its data, models, experiments, plots, widgets and checks.

A lesson subpackage imports the shared layers (core, geometry, nn, viz, data,
exercises), never another lesson.
"""
