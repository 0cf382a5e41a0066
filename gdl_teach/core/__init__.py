"""The shared core every lesson stands on.

One idea per module: :mod:`~gdl_teach.core.device` (the device, CPU threads),
:mod:`~gdl_teach.core.seed`, :mod:`~gdl_teach.core.cache` (generated data on
disk), :mod:`~gdl_teach.core.validate` (argument checks whose errors name the
argument), :mod:`~gdl_teach.core.training` (the training loop),
:mod:`~gdl_teach.core.metrics`, :mod:`~gdl_teach.core.symmetry` (group actions
and invariance/equivariance checks) and :mod:`~gdl_teach.core.source`
(``show_source``). The core imports nothing else from the kit.
"""
