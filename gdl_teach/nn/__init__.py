"""Reference layers and models that more than one lesson uses.

Each module holds one layer or model family, with its paper in the docstring,
and is tested against PyG's layer where PyG has one. A model that belongs to
a single lesson lives in that lesson's subpackage instead.
"""
