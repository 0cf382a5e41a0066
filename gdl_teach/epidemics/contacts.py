"""What a person's contacts are doing now: infectious-contact counts and a hazard model (lesson 04).

A practitioner who has the contact network does not need a GNN to see who is
exposed: counting, for every susceptible person, the infectious people among
their contacts (and among their contacts' contacts) is one fixed round (two
rounds) of message passing. These counts are the features of the
"contact counts" logistic regression, and :class:`HazardModel` turns the
weighted count into a probability with no learned parameter at all:

.. math::
    c_i = \\sum_{j \\in N(i)} w_{ij} [s_j = I], \\qquad
    p_i = 1 - \\exp(-\\tau\\, c_i\\, h) .

Edges follow PyG's convention: ``edge_index[0]`` is the source ``j``,
``edge_index[1]`` the target ``i`` that receives, and every contact is listed
in both directions.
"""
from __future__ import annotations

from typing import Any

import torch
from torch_geometric.data import Data

from gdl_teach.core.validate import check_edge_index, check_float, check_int, check_tensor

#: Columns of :func:`contact_features` (``log1p`` of each), 1-hop first.
CONTACT_FEATURES = ("infectious_contacts", "weighted_infectious_contacts", "two_hop_contacts",
                    "weighted_two_hop_contacts")


def infectious_contacts(edge_index: torch.Tensor, state: torch.Tensor,
                        edge_weight: torch.Tensor | None = None) -> torch.Tensor:
    """Infectious contacts of each person, counted or summed by contact weight: ``c_i = sum_j w_ij [s_j = I]``.

    Args:
        edge_index: (2, E) contacts, both directions (``[source j, target i]``).
        state: (N,) SIR codes (0 S, 1 I, 2 R).
        edge_weight: (E,) contact weights ``w_ij``; ``None`` counts every contact as 1.

    Returns:
        c: (N,) float, on the device of ``state``.
    """
    src, dst, w = _check_contacts(edge_index, state, edge_weight)
    infectious = (state == 1).to(w.dtype)  # (N,)
    return torch.zeros(state.shape[0], dtype=w.dtype, device=w.device).index_add_(0, dst, w * infectious[src])


def two_hop_contacts(edge_index: torch.Tensor, state: torch.Tensor,
                     edge_weight: torch.Tensor | None = None) -> torch.Tensor:
    """Infectious contacts of one's *susceptible* contacts: ``sum_j w_ij [s_j = S] c_j``.

    The chains that can reach person ``i`` within a few days through someone
    else: ``j`` is infected by one of their infectious contacts, then infects ``i``.

    Args:
        edge_index: (2, E) contacts, both directions.
        state: (N,) SIR codes.
        edge_weight: (E,) contact weights; ``None`` counts every contact as 1.

    Returns:
        (N,) float, on the device of ``state``.
    """
    src, dst, w = _check_contacts(edge_index, state, edge_weight)
    exposed_neighbours = infectious_contacts(edge_index, state, edge_weight) * (state == 0).to(w.dtype)  # (N,)
    return torch.zeros(state.shape[0], dtype=w.dtype, device=w.device).index_add_(0, dst, w * exposed_neighbours[src])


def _check_contacts(edge_index: Any, state: Any, edge_weight: Any) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(src, dst, w)`` on the device of ``state``, after checking shapes and dtypes (names the argument)."""
    check_tensor("state", state, ndim=1, integer=True)
    check_edge_index("edge_index", edge_index, state.shape[0])
    if edge_weight is None:
        edge_weight = torch.ones(edge_index.shape[1], device=state.device)
    check_tensor("edge_weight", edge_weight, shape=(edge_index.shape[1],), floating=True)
    for name, value in (("edge_index", edge_index), ("edge_weight", edge_weight)):
        if value.device != state.device:
            raise ValueError(f"{name} is on {value.device} but state is on {state.device}; put them on one device")
    return edge_index[0], edge_index[1], edge_weight


def contact_features(data: Data, hops: int = 2) -> torch.Tensor:
    """The contact-count features of one snapshot, columns :data:`CONTACT_FEATURES` (``log1p``), on the CPU.

    Plain and weighted counts of infectious contacts, then (``hops=2``) of
    infectious contacts of susceptible contacts. ``log1p`` because risk grows
    like ``1 - exp(-rate)``: its logit is close to linear in the log of the
    count, not in the count.

    Args:
        data: one snapshot ``Data`` with ``edge_index`` (2, E), ``edge_weight`` (E,), ``state`` (N,), any device.
        hops: 1 (the first two columns) or 2 (all four).

    Returns:
        (N, 2 * hops) float32 on the CPU.
    """
    hops = check_int("hops", hops, min_value=1, max_value=2)
    edge_index, state = data.edge_index.detach().cpu(), data.state.detach().cpu()
    edge_weight = data.edge_weight.detach().cpu().float()
    columns = [infectious_contacts(edge_index, state), infectious_contacts(edge_index, state, edge_weight)]
    if hops == 2:
        columns += [two_hop_contacts(edge_index, state), two_hop_contacts(edge_index, state, edge_weight)]
    return torch.log1p(torch.stack(columns, dim=1))


class HazardModel:
    """The zero-parameter hazard model: ``p_i = 1 - exp(-tau * c_i * horizon)``, ``c_i`` the weighted infectious contacts.

    It knows the simulator's transmission rate ``tau`` (a practitioner would
    have to estimate it) and nothing else. Two approximations, in opposite
    directions: every infectious contact is assumed to stay infectious for the
    whole horizon (they recover at rate gamma: too high), and chains through
    another susceptible person within the horizon are ignored (people without
    an infectious contact get exactly 0: too low, and many ties for ranking).

    Args:
        tau: transmission rate per unit of contact weight and day.
        horizon: h, the prediction window in days.
        name: label for tables.
    """

    def __init__(self, tau: float, horizon: float, name: str = "hazard model") -> None:
        self.tau = check_float("tau", tau, min_value=0.0)
        self.horizon = check_float("horizon", horizon, min_value=0.0, strict_min=True)
        self.name = name

    def scores(self, data: Data) -> torch.Tensor:
        """Predicted probability for everyone in one snapshot, (N,) float64 on the CPU.

        Args:
            data: one snapshot ``Data`` (``edge_index``, ``edge_weight``, ``state``), any device.
        """
        if not isinstance(data, Data):
            raise TypeError(f"data must be one snapshot Data, got {type(data).__name__}")
        c = infectious_contacts(data.edge_index.detach().cpu(), data.state.detach().cpu(),
                                data.edge_weight.detach().cpu().double())
        return -torch.expm1(-self.tau * c * self.horizon)  # 1 - exp(-x), exact for small x

    def predict(self, data: Any) -> tuple[torch.Tensor, torch.Tensor]:
        """``(prob, y)`` over the susceptible people of every snapshot, like ``experiments.predict_risk``.

        Args:
            data: one snapshot ``Data`` or a dataset/list of them.
        """
        snapshots = [data] if isinstance(data, Data) else list(data)
        if not snapshots:
            raise ValueError("data must hold at least one snapshot")
        probs, ys = [], []
        for d in snapshots:
            mask = d.mask.detach().cpu()
            probs.append(self.scores(d)[mask])
            ys.append(d.y.detach().cpu()[mask])
        return torch.cat(probs), torch.cat(ys)


def risk_by_contacts(data: Any, max_count: int = 3) -> Any:
    """Susceptible people grouped by their number of infectious contacts: how often each group is infected.

    Args:
        data: a dataset or list of snapshot ``Data`` (with ``y`` and ``mask``), any device.
        max_count: the last group holds ``max_count`` or more infectious contacts.

    Returns:
        A pandas DataFrame, one row per group: ``people`` (share of the susceptible people),
        ``infected`` (share of the group infected within the horizon) and ``of all infections``
        (share of the new infections that fall in the group).
    """
    import pandas as pd

    max_count = check_int("max_count", max_count, min_value=1)
    snapshots = [data] if isinstance(data, Data) else list(data)
    if not snapshots:
        raise ValueError("data must hold at least one snapshot")
    counts, ys = [], []
    for d in snapshots:
        mask = d.mask.detach().cpu()
        counts.append(infectious_contacts(d.edge_index.detach().cpu(), d.state.detach().cpu())[mask])
        ys.append(d.y.detach().cpu()[mask])
    group = torch.cat(counts).clamp(max=max_count).long()
    y = torch.cat(ys).double()
    rows = []
    for g in range(max_count + 1):
        members = group == g
        rows.append({"infectious contacts": f"{g}+" if g == max_count else str(g),
                     "people": float(members.double().mean()),
                     "infected": float(y[members].mean()) if members.any() else float("nan"),
                     "of all infections": float(y[members].sum() / y.sum().clamp(min=1.0))})
    return pd.DataFrame(rows).set_index("infectious contacts").round(4)
