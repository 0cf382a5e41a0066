"""gdl_teach.molecules.sequence_models: the SMILES CNN and GRU, padding, clear errors."""
from __future__ import annotations

import pytest
import torch
from torch_geometric.data import Data

from gdl_teach.molecules import sequence_models, smiles


def test_smiles_models_shapes_padding_and_errors(smiles_list: list[str]) -> None:
    vocab = smiles.build_vocab(smiles_list)
    tokens, lengths = smiles.encode_smiles(smiles_list, vocab)
    torch.manual_seed(0)
    for model in (sequence_models.SmilesCNN(len(vocab), hidden_channels=8),
                  sequence_models.SmilesGRU(len(vocab), hidden_channels=8)):
        model.eval()
        with torch.no_grad():
            out = model(Data(tokens=tokens, lengths=lengths))
            padded = torch.cat([tokens, torch.zeros(len(smiles_list), 5, dtype=torch.long)], dim=1)
            out_padded = model(Data(tokens=padded, lengths=lengths))
        assert out.shape == (len(smiles_list), 1)
        assert torch.allclose(out, out_padded, atol=1e-5), f"{type(model).__name__} depends on padding"
        with pytest.raises(ValueError, match="data.tokens must be ids in"):
            model(Data(tokens=tokens + 100, lengths=lengths))
        with pytest.raises(TypeError, match="data.tokens must be an integer tensor"):
            model(Data(tokens=tokens.float(), lengths=lengths))
    with pytest.raises(ValueError, match="kernel_size must be odd"):
        sequence_models.SmilesCNN(10, kernel_size=4)
    with pytest.raises(ValueError, match="data.lengths must be in"):
        sequence_models.SmilesGRU(len(vocab))(Data(tokens=tokens, lengths=lengths * 0))


def test_outputs_are_in_label_units(smiles_list: list[str]) -> None:
    vocab = smiles.build_vocab(smiles_list)
    tokens, lengths = smiles.encode_smiles(smiles_list, vocab)
    torch.manual_seed(0)
    plain = sequence_models.SmilesCNN(len(vocab), hidden_channels=8).eval()
    torch.manual_seed(0)
    scaled = sequence_models.SmilesCNN(len(vocab), hidden_channels=8, target_mean=-4.0, target_std=3.0).eval()
    with torch.no_grad():
        a, b = plain(Data(tokens=tokens)), scaled(Data(tokens=tokens))
    assert torch.allclose(b, -4.0 + 3.0 * a, atol=1e-5)
