"""gdl_teach.molecules.featurize: atom and bond features, molecule -> graph, clear errors."""
from __future__ import annotations

import pytest
import torch
from rdkit import Chem

from gdl_teach.molecules import datasets, featurize


def test_graph_shapes_and_symmetric_edges(freesolv: datasets.MoleculeDataset) -> None:
    d = freesolv[0]
    mol = Chem.MolFromSmiles(d.smiles)
    assert d.x.shape == (mol.GetNumAtoms(), featurize.NUM_ATOM_FEATURES) == (13, 30)
    assert d.edge_index.shape == (2, 2 * mol.GetNumBonds())
    assert d.edge_attr.shape == (26, featurize.NUM_BOND_FEATURES) == (26, 6)
    assert d.x.dtype == d.edge_attr.dtype == d.y.dtype == torch.float32
    pairs = set(map(tuple, d.edge_index.t().tolist()))
    assert all((j, i) in pairs for i, j in pairs)
    one_hot = sum(width for _, width in featurize.ATOM_FEATURE_BLOCKS[:5])
    assert one_hot == 28 and torch.all(d.x[:, :one_hot].sum(1) == 5)  # one hot in each of the five blocks
    from torch_geometric.utils import from_smiles  # same nodes and bonds as PyG's own featurizer

    ref = from_smiles(d.smiles)
    assert ref.num_nodes == d.num_nodes
    assert set(map(tuple, ref.edge_index.t().tolist())) == pairs


def test_feature_constants_are_defined_once_and_agree() -> None:
    assert sum(width for _, width in featurize.ATOM_FEATURE_BLOCKS) == featurize.NUM_ATOM_FEATURES
    assert len(featurize.ATOM_FEATURE_NAMES) == featurize.NUM_ATOM_FEATURES == 30
    assert len(featurize.BOND_FEATURE_NAMES) == featurize.NUM_BOND_FEATURES == 6


def test_atom_features_names_and_blocks() -> None:
    mol = Chem.MolFromSmiles("c1ccccc1[NH3+]")
    feats = [featurize.atom_features(a) for a in mol.GetAtoms()]
    assert all(len(f) == featurize.NUM_ATOM_FEATURES for f in feats)
    n = dict(zip(featurize.ATOM_FEATURE_NAMES, feats[-1]))
    assert n["element=N"] == 1 and n["charge=+1"] == 1 and n["num_Hs=3"] == 1 and n["aromatic"] == 0
    c = dict(zip(featurize.ATOM_FEATURE_NAMES, feats[0]))
    assert c["aromatic"] == 1 and c["in_ring"] == 1 and c["hybrid=SP2"] == 1
    si = dict(zip(featurize.ATOM_FEATURE_NAMES, featurize.atom_features(Chem.MolFromSmiles("[SiH4]").GetAtomWithIdx(0))))
    assert si["element=other"] == 1


def test_bond_features_types() -> None:
    mol = Chem.MolFromSmiles("C#CC=Cc1ccccc1")
    kinds = [featurize.bond_features(b) for b in mol.GetBonds()]
    assert kinds[0][:4] == [0, 0, 1, 0] and kinds[2][:4] == [0, 1, 0, 0]
    assert kinds[-1][:4] == [0, 0, 0, 1] and kinds[-1][5] == 1.0
    assert kinds[1][4] == 1.0  # conjugated single bond between triple and double


def test_bad_smiles_get_clear_errors() -> None:
    with pytest.raises(ValueError, match=r"smiles 'C1CC\(' is not a valid SMILES"):
        featurize.smiles_to_graph("C1CC(")
    with pytest.raises(ValueError, match="smiles must not be empty"):
        featurize.smiles_to_graph("  ")
    with pytest.raises(TypeError, match="smiles must be a str"):
        featurize.smiles_to_graph(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="mol must be an RDKit"):
        featurize.mol_to_graph("CCO")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="y must be finite"):
        featurize.smiles_to_graph("CCO", y=float("nan"))


def test_graph_keeps_the_given_smiles_and_label() -> None:
    d = featurize.smiles_to_graph("OCC", y=-1.5)
    assert d.smiles == "OCC" and d.y.shape == (1, 1) and d.y.item() == -1.5
    assert featurize.mol_to_graph(Chem.MolFromSmiles("OCC")).smiles == "CCO"  # RDKit's canonical form
