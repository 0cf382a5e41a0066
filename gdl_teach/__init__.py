"""gdl-teach: a teaching kit for geometric deep learning.

The package holds what the lessons in ``notebooks/`` call: data generators and
loaders (:mod:`gdl_teach.data`), reference models (:mod:`gdl_teach.models`),
plots (:mod:`gdl_teach.viz`), widgets (:mod:`gdl_teach.widgets`), neighbour
search (:mod:`gdl_teach.ops`), symmetry checks (:mod:`gdl_teach.symmetry`),
training loops (:mod:`gdl_teach.train`) and exercise checks
(:mod:`gdl_teach.exercises`).
"""
from gdl_teach.utils import cache_dir, get_device, seed_everything
from gdl_teach.source import show_source

__version__ = "0.1.0"

__all__ = ["cache_dir", "get_device", "seed_everything", "show_source", "__version__"]
