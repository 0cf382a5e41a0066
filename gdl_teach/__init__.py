"""gdl-teach: a teaching kit for geometric deep learning.

The package is cut the way a course is: one subpackage per lesson
(:mod:`gdl_teach.setup`, :mod:`~gdl_teach.euclid`, :mod:`~gdl_teach.message_passing`,
:mod:`~gdl_teach.epidemics`, :mod:`~gdl_teach.molecules`, ...) over a small,
layered shared core: :mod:`gdl_teach.core` (device, seeds, cache, validation,
training, metrics, symmetry checks, ``show_source``), :mod:`gdl_teach.geometry`
(neighbour search, mesh operators), :mod:`gdl_teach.nn` (layers several lessons
use), :mod:`gdl_teach.data` (shared data), :mod:`gdl_teach.viz` (shared plots
and the Explorer base) and :mod:`gdl_teach.exercises` (the check mechanism).
:mod:`gdl_teach.tools` holds the ``gdl-teach`` command.
"""
from gdl_teach.core.cache import cache_dir
from gdl_teach.core.device import get_device
from gdl_teach.core.seed import seed_everything
from gdl_teach.core.source import show_source

__version__ = "0.2.0"

__all__ = ["cache_dir", "get_device", "seed_everything", "show_source", "__version__"]
