"""The string models: a 1D CNN and a bidirectional GRU reading a SMILES string token by token.

The "molecule as a string" baselines of the lesson: they see the molecule only
as the token ids of :func:`gdl_teach.molecules.smiles.encode_smiles`, a line in
which bonded atoms can sit far apart (ring closures, branches).
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from gdl_teach.core.validate import check_int, check_tensor
from gdl_teach.molecules.model_io import register_target_scaling, values_known
from gdl_teach.molecules.smiles import PAD_ID

__all__ = ["SmilesGRU", "SmilesCNN"]


def _check_tokens(data: Any, vocab_size: int) -> torch.Tensor:
    tokens = check_tensor("data.tokens", getattr(data, "tokens", None), ndim=2, integer=True, nonempty=True)
    if values_known(tokens) and (int(tokens.max()) >= vocab_size or int(tokens.min()) < 0):
        raise ValueError(f"data.tokens must be ids in [0, {vocab_size - 1}]")
    return tokens


class SmilesGRU(nn.Module):
    r"""A bidirectional GRU that reads a SMILES string token by token (Cho et al., EMNLP 2014,
    https://arxiv.org/abs/1406.1078).

    The molecule reaches it only as a line of characters: ring closures and
    branches are digits and brackets far apart in the string, which the
    recurrence has to remember. The last states of both directions go through
    an MLP head:

    .. math::
        y = \mu + \sigma\, \mathrm{head}\big([\overrightarrow{h}_L, \overleftarrow{h}_1]\big)

    Args:
        vocab_size: number of token ids (0 is padding).
        embed_dim: token embedding width.
        hidden_channels: GRU state width per direction.
        target_mean: mean of the training labels.
        target_std: standard deviation of the training labels.

    Shapes:
        - input: ``data.tokens`` ``(B, L)`` long ids, ``data.lengths`` ``(B,)`` long
          (torch's packed sequences read the lengths on the CPU)
        - output: ``(B, 1)`` in label units
    """

    def __init__(self, vocab_size: int, embed_dim: int = 32, hidden_channels: int = 64,
                 target_mean: float = 0.0, target_std: float = 1.0) -> None:
        super().__init__()
        self.vocab_size = check_int("vocab_size", vocab_size, min_value=2)
        check_int("embed_dim", embed_dim, min_value=1)
        check_int("hidden_channels", hidden_channels, min_value=1)
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD_ID)
        self.gru = nn.GRU(embed_dim, hidden_channels, batch_first=True, bidirectional=True)
        self.head = nn.Sequential(nn.Linear(2 * hidden_channels, hidden_channels), nn.ReLU(),
                                  nn.Linear(hidden_channels, 1))
        register_target_scaling(self, target_mean, target_std)

    def forward(self, data: Any) -> torch.Tensor:
        """data: has ``tokens: (B, L)`` long ids and ``lengths: (B,)`` -> (B, 1) predictions."""
        tokens = _check_tokens(data, self.vocab_size)
        lengths = check_tensor("data.lengths", getattr(data, "lengths", None), shape=(tokens.shape[0],), integer=True)
        if int(lengths.min()) < 1 or int(lengths.max()) > tokens.shape[1]:
            raise ValueError(f"data.lengths must be in [1, {tokens.shape[1]}]")
        emb = self.embed(tokens)  # (B, L, embed_dim)
        packed = nn.utils.rnn.pack_padded_sequence(emb, lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, h_last = self.gru(packed)  # (2, B, hidden_channels): last state of each direction
        z = self.head(torch.cat([h_last[0], h_last[1]], dim=-1))  # (B, 1)
        return self.target_mean + self.target_std * z


class SmilesCNN(nn.Module):
    r"""A 1D convolutional network over SMILES tokens (Kim, EMNLP 2014, https://arxiv.org/abs/1408.5882,
    here on the tokens of a molecule string).

    Each layer looks at ``kernel_size`` neighbouring tokens; the token states
    are summed over the string (padding masked out):

    .. math::
        h^{(k+1)} = \mathrm{ReLU}(\mathrm{Conv1d}(h^{(k)})) \odot m, \qquad
        y = \mu + \sigma\, \mathrm{head}\Big(\sum_t h^{(K)}_t\Big)

    Atoms bonded through a ring closure or across a branch can sit far apart in
    the string and are only seen together by luck of the window.

    Args:
        vocab_size: number of token ids (0 is padding).
        embed_dim: token embedding width.
        hidden_channels: channels of the convolutions.
        kernel_size: window of each convolution, in tokens (odd).
        num_layers: number of convolutions.
        target_mean: mean of the training labels.
        target_std: standard deviation of the training labels.

    Shapes:
        - input: ``data.tokens`` ``(B, L)`` long ids, 0 after the end of each string
        - output: ``(B, 1)`` in label units
    """

    def __init__(self, vocab_size: int, embed_dim: int = 32, hidden_channels: int = 64, kernel_size: int = 5,
                 num_layers: int = 2, target_mean: float = 0.0, target_std: float = 1.0) -> None:
        super().__init__()
        self.vocab_size = check_int("vocab_size", vocab_size, min_value=2)
        check_int("embed_dim", embed_dim, min_value=1)
        check_int("hidden_channels", hidden_channels, min_value=1)
        kernel_size = check_int("kernel_size", kernel_size, min_value=1)
        if kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd (so the output has the input's length), got {kernel_size}")
        check_int("num_layers", num_layers, min_value=1)
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD_ID)
        self.convs = nn.ModuleList([nn.Conv1d(embed_dim if k == 0 else hidden_channels, hidden_channels,
                                              kernel_size, padding=kernel_size // 2) for k in range(num_layers)])
        self.head = nn.Sequential(nn.Linear(hidden_channels, hidden_channels), nn.ReLU(),
                                  nn.Linear(hidden_channels, 1))
        register_target_scaling(self, target_mean, target_std)

    def forward(self, data: Any) -> torch.Tensor:
        """data: has ``tokens: (B, L)`` long ids (0 = padding) -> (B, 1) predictions."""
        tokens = _check_tokens(data, self.vocab_size)
        h = self.embed(tokens).transpose(1, 2)  # (B, embed_dim, L)
        mask = (tokens != PAD_ID).unsqueeze(1).to(h.dtype)  # (B, 1, L): 1 on real tokens
        for conv in self.convs:
            h = F.relu(conv(h)) * mask  # (B, hidden_channels, L), padding kept at zero
        z = self.head(h.sum(dim=-1))  # (B, 1)
        return self.target_mean + self.target_std * z
