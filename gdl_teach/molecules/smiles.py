"""A molecule as a string: SMILES tokens, a vocabulary, token ids for a sequence model.

A SMILES string (Weininger, J. Chem. Inf. Comput. Sci. 1988) writes the
molecular graph as a line: atoms in the order of a depth-first walk, branches
in brackets, ring closures as matching digits. RDKit rebuilds the same graph
from it, so nothing is lost; what changes is locality, which
:func:`bond_token_gaps` measures.
"""
from __future__ import annotations

from collections.abc import Sequence

import torch

from gdl_teach.core.validate import check_int
from gdl_teach.molecules.featurize import mol_from_smiles

__all__ = ["tokenize_smiles", "bond_token_gaps", "build_vocab", "encode_smiles", "PAD_ID", "UNKNOWN_ID"]

#: Multi-character tokens of the SMILES alphabet (read before single characters).
_TWO_CHAR_TOKENS = ("Cl", "Br", "@@")
#: Token id of the padding after the end of a string.
PAD_ID = 0
#: Token id of a token the vocabulary has not seen.
UNKNOWN_ID = 1


def _check_smiles_list(smiles: Sequence[str]) -> list[str]:
    if isinstance(smiles, str) or not len(smiles):
        raise ValueError("smiles must be a non-empty list of SMILES strings")
    return list(smiles)


def tokenize_smiles(smiles: str) -> list[str]:
    """Split a SMILES into tokens: characters, except ``Cl``, ``Br``, ``@@`` and ``[...]`` atoms.

    Args:
        smiles: a SMILES string.
    """
    if not isinstance(smiles, str) or not smiles:
        raise ValueError(f"smiles must be a non-empty str, got {smiles!r}")
    tokens, i = [], 0
    while i < len(smiles):
        if smiles[i] == "[":
            j = smiles.find("]", i)
            if j < 0:
                raise ValueError(f"smiles {smiles!r} has an unclosed '['")
            tokens.append(smiles[i:j + 1])
            i = j + 1
        elif smiles[i:i + 2] in _TWO_CHAR_TOKENS:
            tokens.append(smiles[i:i + 2])
            i += 2
        else:
            tokens.append(smiles[i])
            i += 1
    return tokens


def bond_token_gaps(smiles: str) -> list[tuple[int, int, int]]:
    """How far apart bonded atoms sit in the SMILES string, counted in tokens.

    In the graph every bond joins neighbours; in the string a ring closure or
    a branch can put many tokens between two bonded atoms.

    Args:
        smiles: a SMILES string (RDKit numbers the atoms in the order they appear).

    Returns:
        One ``(i, j, gap)`` per bond: atom indices ``i < j`` and the distance
        between their tokens.
    """
    mol = mol_from_smiles(smiles)
    tokens = tokenize_smiles(smiles)
    atom_pos = [k for k, t in enumerate(tokens) if t[0] == "[" or t[0].isalpha()]  # atom tokens, in atom order
    if len(atom_pos) != mol.GetNumAtoms():
        raise ValueError(f"smiles {smiles!r}: cannot match its {len(atom_pos)} atom tokens to "
                         f"{mol.GetNumAtoms()} atoms (explicit hydrogens?)")
    gaps = []
    for b in mol.GetBonds():
        i, j = sorted((b.GetBeginAtomIdx(), b.GetEndAtomIdx()))
        gaps.append((i, j, atom_pos[j] - atom_pos[i]))
    return gaps


def build_vocab(smiles: Sequence[str]) -> dict[str, int]:
    """Token -> id, with ``PAD_ID`` (0) for padding and ``UNKNOWN_ID`` (1) for unknown tokens.

    Args:
        smiles: (M,) the SMILES whose tokens get an id (the training strings).
    """
    tokens = sorted({t for s in _check_smiles_list(smiles) for t in tokenize_smiles(s)})
    return {"<pad>": PAD_ID, "<unk>": UNKNOWN_ID, **{t: i + 2 for i, t in enumerate(tokens)}}


def encode_smiles(smiles: Sequence[str], vocab: dict[str, int], max_len: int | None = None
                  ) -> tuple[torch.Tensor, torch.Tensor]:
    """Encode SMILES as padded token ids, the input of a sequence model.

    Args:
        smiles: (M,) SMILES strings.
        vocab: from :func:`build_vocab`; tokens it lacks get ``UNKNOWN_ID``.
        max_len: pad to this length; default the longest string. A longer
            string is an error, never silently cut.

    Returns:
        ``(tokens, lengths)``: (M, L) long ids (``PAD_ID`` after the end) and (M,) long lengths.
    """
    ids = [[vocab.get(t, UNKNOWN_ID) for t in tokenize_smiles(s)] for s in _check_smiles_list(smiles)]
    longest = max(len(t) for t in ids)
    length = longest if max_len is None else check_int("max_len", max_len, min_value=1)
    if longest > length:
        raise ValueError(f"max_len={length} is shorter than the longest string ({longest} tokens); "
                         "raise it or leave it None")
    tokens = torch.full((len(ids), length), PAD_ID, dtype=torch.long)  # (M, L)
    for k, t in enumerate(ids):
        tokens[k, :len(t)] = torch.tensor(t, dtype=torch.long)
    lengths = torch.tensor([len(t) for t in ids], dtype=torch.long)  # (M,)
    return tokens, lengths
