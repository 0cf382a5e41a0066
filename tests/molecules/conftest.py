"""Fixtures shared by the lesson-06 tests: a few molecules as graphs, FreeSolv and Huuskonen read once."""
from __future__ import annotations

import pytest
from torch_geometric.data import Data

from gdl_teach.molecules import datasets, featurize

#: Small molecules covering rings, branches, halogens, a triple bond and an aromatic nitrogen.
SMILES = ["CCO", "c1ccccc1O", "CC(=O)Nc1ccc(Cl)cc1", "C1CCCCC1C#N", "OC(=O)CCN", "FC(F)(F)c1ccncc1"]


@pytest.fixture(scope="session")
def smiles_list() -> list[str]:
    return list(SMILES)


@pytest.fixture(scope="session")
def graphs() -> list[Data]:
    """The molecules of :data:`SMILES` as graphs, labelled 0, 1, 2, ..."""
    return [featurize.smiles_to_graph(s, y=float(k)) for k, s in enumerate(SMILES)]


@pytest.fixture(scope="session")
def freesolv() -> datasets.MoleculeDataset:
    return datasets.load_freesolv()


@pytest.fixture(scope="session")
def huuskonen() -> tuple[datasets.MoleculeDataset, datasets.MoleculeDataset]:
    return datasets.load_huuskonen("train"), datasets.load_huuskonen("test")


@pytest.fixture(scope="session")
def small_dataset(freesolv: datasets.MoleculeDataset) -> datasets.MoleculeDataset:
    """The first 60 FreeSolv molecules: enough to train for two epochs in a test."""
    return datasets.MoleculeDataset(freesolv.to_list()[:60], name="FreeSolv-60")
