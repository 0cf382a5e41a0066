"""Lesson 04, epidemics on contact networks: its data, models, experiments, plots, widgets and checks.

One module per idea:

- :mod:`~gdl_teach.epidemics.town`: the synthetic town and the karate club as contact networks;
- :mod:`~gdl_teach.epidemics.outbreaks`: the :class:`~gdl_teach.epidemics.outbreaks.Outbreak`
  record and the EoN simulations (:mod:`~gdl_teach.epidemics.eon_adapter` seeds EoN and reads its histories);
- :mod:`~gdl_teach.epidemics.sir_seir`: SIR against SEIR over many runs (final size, peak timing);
- :mod:`~gdl_teach.epidemics.dataset`: snapshots of outbreaks as a PyG dataset, split by run;
- :mod:`~gdl_teach.epidemics.contacts`: infectious-contact counts and the zero-parameter hazard model;
- :mod:`~gdl_teach.epidemics.models`: the GNN; :mod:`~gdl_teach.epidemics.baselines`: logistic
  regressions, blind to the network or handed contact counts;
  :mod:`~gdl_teach.epidemics.experiments`: training and prediction;
- :mod:`~gdl_teach.epidemics.comparison`: the claim check, every model over several splits, paired test;
- :mod:`~gdl_teach.epidemics.monte_carlo`: the true risk by rerunning EoN, and models next to it;
- :mod:`~gdl_teach.epidemics.vaccination`: vaccination strategies compared by re-simulation;
- :mod:`~gdl_teach.epidemics.chickenpox`: optional real data (``download=True`` only);
- :mod:`~gdl_teach.epidemics.viz`, :mod:`~gdl_teach.epidemics.widgets`, :mod:`~gdl_teach.epidemics.checks`.

A lesson subpackage imports the shared layers (core, geometry, nn, viz, data,
exercises), never another lesson.
"""
