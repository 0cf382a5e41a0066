"""Data that more than one lesson uses (the karate club) and converters
between networkx and PyG. A lesson's own generators live in its subpackage.
"""
