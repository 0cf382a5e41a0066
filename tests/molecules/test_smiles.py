"""gdl_teach.molecules.smiles: tokens, vocabulary, token ids, and how far apart bonded atoms sit."""
from __future__ import annotations

import pytest

from gdl_teach.molecules import smiles


def test_tokens_vocab_and_ids() -> None:
    assert smiles.tokenize_smiles("ClCc1cc[nH]c1Br") == ["Cl", "C", "c", "1", "c", "c", "[nH]", "c", "1", "Br"]
    with pytest.raises(ValueError, match="unclosed"):
        smiles.tokenize_smiles("C[NH")
    vocab = smiles.build_vocab(["CCO", "CCCl"])
    assert vocab["<pad>"] == smiles.PAD_ID == 0 and vocab["<unk>"] == smiles.UNKNOWN_ID == 1 and "Cl" in vocab
    tokens, lengths = smiles.encode_smiles(["CCO", "CCCl", "CBr"], vocab)
    assert tokens.shape == (3, 3) and lengths.tolist() == [3, 3, 2]
    assert tokens[2, 1] == smiles.UNKNOWN_ID and tokens[2, 2] == smiles.PAD_ID  # unknown Br, then padding
    with pytest.raises(ValueError, match="non-empty list of SMILES"):
        smiles.build_vocab("CCO")


def test_encode_pads_to_max_len_and_never_cuts() -> None:
    vocab = smiles.build_vocab(["CCO"])
    tokens, lengths = smiles.encode_smiles(["CCO", "C"], vocab, max_len=5)
    assert tokens.shape == (2, 5) and lengths.tolist() == [3, 1] and tokens[1, 1:].eq(smiles.PAD_ID).all()
    with pytest.raises(ValueError, match=r"max_len=2 is shorter than the longest string \(3 tokens\)"):
        smiles.encode_smiles(["CCO", "C"], vocab, max_len=2)  # the old code silently cut the string


def test_bond_token_gaps() -> None:
    gaps = smiles.bond_token_gaps("CN(C)C(=O)c1ccc(cc1)OC")
    assert len(gaps) == 13 and (0, 1, 1) in gaps
    assert (5, 10, 7) in gaps  # the ring closure: bonded, yet 7 tokens apart
    assert smiles.bond_token_gaps("C") == []
    with pytest.raises(ValueError, match="not a valid SMILES"):
        smiles.bond_token_gaps("C1CC(")
