"""Who is infected next? Simulated outbreaks turned into a PyG dataset (lesson 04).

A **snapshot** of an outbreak at time ``t`` holds the contact graph, everyone's
state at ``t`` and, per person, whether they are infected within
``(t, t + horizon]``. :func:`make_outbreak_dataset` takes snapshots of many
runs; :func:`split_by_run` splits them so that all snapshots of one run land
in the same split (the kit's one splitter, :func:`gdl_teach.core.splits.group_split`).
"""
from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import numpy as np
import torch
from torch_geometric.data import Data, InMemoryDataset

from gdl_teach.core.splits import group_split
from gdl_teach.core.validate import check_float, check_int, check_tensor
from gdl_teach.epidemics.outbreaks import Outbreak
from gdl_teach.epidemics.town import PERSON_FEATURES, check_graph, town_to_data

STATE_FEATURES = ("is_S", "is_I", "is_R")
GLOBAL_FEATURES = ("frac_I", "frac_R")
FEATURE_NAMES = PERSON_FEATURES + STATE_FEATURES + GLOBAL_FEATURES


def snapshot_features(x_person: torch.Tensor, states: np.ndarray | torch.Tensor) -> torch.Tensor:
    """Model inputs for one snapshot, columns :data:`FEATURE_NAMES`.

    Args:
        x_person: (N, 5) person features from :func:`~gdl_teach.epidemics.town.person_features`.
        states: (N,) SIR state codes (0 S, 1 I, 2 R).

    Returns:
        x: (N, 10) on the device of ``x_person``: person features, state
        one-hot, then the town's current fractions infectious and recovered
        (the same in every row).
    """
    states = _check_snapshot(x_person, states)
    onehot = torch.nn.functional.one_hot(states, 3).float()  # (N, 3)
    frac = onehot[:, 1:].mean(0, keepdim=True).expand(states.shape[0], 2)  # (N, 2)
    return torch.cat([x_person, onehot, frac], dim=1)


def _check_snapshot(x_person: torch.Tensor, states: np.ndarray | torch.Tensor) -> torch.Tensor:
    """The states as a long tensor on the device of ``x_person``, after checking both."""
    check_tensor("x_person", x_person, shape=(None, len(PERSON_FEATURES)), floating=True)
    states = as_states(states)
    if states.shape != (x_person.shape[0],):
        raise ValueError(f"states must have shape ({x_person.shape[0]},), got {tuple(states.shape)}")
    if states.numel() and (int(states.min()) < 0 or int(states.max()) > 2):
        raise ValueError("states must hold SIR codes 0 (S), 1 (I), 2 (R)")
    return states.to(x_person.device)


def as_states(states: np.ndarray | torch.Tensor) -> torch.Tensor:
    """SIR codes as a CPU long tensor (N,), from a NumPy array, a list or a tensor on any device.

    Args:
        states: (N,) integer state codes.
    """
    if isinstance(states, torch.Tensor):
        states = states.detach().cpu()
        if states.is_floating_point() or states.dtype == torch.bool:
            raise TypeError(f"states must hold integer SIR codes, got dtype {states.dtype}")
        return states.long()
    array = np.asarray(states)
    if array.dtype.kind not in "iu":
        raise TypeError(f"states must hold integer SIR codes, got dtype {array.dtype}")
    return torch.as_tensor(array, dtype=torch.long)


def snapshot_data(G: nx.Graph | Data, states: np.ndarray | torch.Tensor) -> Data:
    """One snapshot as a PyG ``Data``: the contact graph and everyone's state now.

    Args:
        G: the contact network, or its :func:`~gdl_teach.epidemics.town.town_to_data`
            (faster when called often).
        states: (N,) SIR codes (0 S, 1 I, 2 R).

    Returns:
        A new ``Data`` with ``x`` (N, 10) (:data:`FEATURE_NAMES`), ``edge_index``
        (2, E), ``edge_weight`` (E,), ``state`` (N,) and ``mask`` (N,), True
        for the susceptible people a model scores.
    """
    base = G if isinstance(G, Data) else town_to_data(G)
    states = as_states(states).to(base.x.device)
    return Data(x=snapshot_features(base.x, states), edge_index=base.edge_index, edge_weight=base.edge_weight,
                state=states, mask=states == 0, num_nodes=base.num_nodes)


def infected_within(outbreak: Outbreak, t: float, horizon: float) -> np.ndarray:
    """(N,) bool: susceptible at ``t`` and infected at some time in ``(t, t + horizon]``: the label.

    Args:
        outbreak: a simulated :class:`~gdl_teach.epidemics.outbreaks.Outbreak`.
        t: the snapshot time.
        horizon: h, the prediction window.
    """
    return (outbreak.t_infected > t) & (outbreak.t_infected <= t + horizon)


class OutbreakDataset(InMemoryDataset):
    """Snapshots of simulated outbreaks as a PyG dataset (one ``Data`` per snapshot).

    Each ``Data`` has ``x`` (N, 10) (columns :data:`FEATURE_NAMES`),
    ``edge_index`` (2, E), ``edge_weight`` (E,), ``state`` (N,) SIR codes,
    ``y`` (N,) 1.0 if the person is infected within the horizon, ``mask`` (N,)
    True for people susceptible at ``t`` (only they are scored), and the
    graph-level ``run`` (1,), ``t`` (1,) and ``final_size`` (1,) (fraction of
    the town infected by the end of that run).

    Args:
        data_list: the snapshots.
        horizon: h, the prediction window in days.
    """

    def __init__(self, data_list: list[Data], horizon: float) -> None:
        if not data_list:
            raise ValueError("data_list must hold at least one snapshot")
        super().__init__(root=None)
        self.horizon = float(horizon)
        self.data, self.slices = self.collate(data_list)

    def runs(self) -> torch.Tensor:
        """(S,) the run each snapshot comes from, in dataset order (a subset gives its own snapshots)."""
        return torch.cat([d.run for d in self]) if len(self) else torch.zeros(0, dtype=torch.long)


def make_outbreak_dataset(
    G: nx.Graph,
    runs: list[Outbreak],
    *,
    horizon: float = 3.0,
    snapshots_per_run: int = 2,
    min_infected: int = 5,
    seed: int = 0,
) -> OutbreakDataset:
    """Turn simulated outbreaks into (graph, current states, per-person outcome) examples.

    For each run in which at least ``min_infected`` people are infectious at
    once, ``snapshots_per_run`` times ``t`` are drawn uniformly from the period
    when that holds; a snapshot records everyone's state at ``t`` and who is
    infected in ``(t, t + horizon]``.

    Args:
        G: the contact network the runs were simulated on.
        runs: outbreaks from :func:`~gdl_teach.epidemics.outbreaks.simulate_runs`.
        horizon: h, the prediction window in days.
        snapshots_per_run: snapshots taken from each run.
        min_infected: smallest number of infectious people at a snapshot.
        seed: seeds the choice of snapshot times.

    Returns:
        An :class:`OutbreakDataset`.
    """
    num_nodes = check_graph("G", G)
    if not isinstance(runs, list) or not runs or not all(isinstance(r, Outbreak) for r in runs):
        raise TypeError("runs must be a non-empty list of Outbreak (from simulate_runs)")
    if any(r.num_nodes != num_nodes for r in runs):
        raise ValueError(f"runs must be simulated on G: every Outbreak must have {num_nodes} people")
    horizon = check_float("horizon", horizon, min_value=0.0, strict_min=True)
    snapshots_per_run = check_int("snapshots_per_run", snapshots_per_run, min_value=1)
    min_infected = check_int("min_infected", min_infected, min_value=1)
    rng = np.random.default_rng(check_int("seed", seed, min_value=0))
    base = town_to_data(G)
    data_list = []
    for r, run in enumerate(runs):
        window = run.window_with(min_infected)
        if window is None:
            continue
        for t in np.sort(rng.uniform(window[0], window[1], size=snapshots_per_run)).tolist():
            snap = snapshot_data(base, run.states_at(t))
            snap.y = torch.as_tensor(infected_within(run, t, horizon), dtype=torch.float)
            snap.run, snap.t = torch.tensor([r]), torch.tensor([t])
            snap.final_size = torch.tensor([run.final_size / num_nodes], dtype=torch.float)
            data_list.append(snap)
    if not data_list:
        raise ValueError(f"no run ever had {min_infected} people infectious at once; lower min_infected or raise tau")
    return OutbreakDataset(data_list, horizon)


def split_by_run(
    dataset: OutbreakDataset, fractions: Sequence[float] = (0.6, 0.2, 0.2), seed: int = 0
) -> dict[str, OutbreakDataset]:
    """Split snapshots into train/val/test so that all snapshots of one run land together.

    The kit's :func:`gdl_teach.core.splits.group_split` with the run as the
    group: the distinct runs are shuffled (seeded) and cut by ``fractions``;
    each split gets at least one run.

    Args:
        dataset: from :func:`make_outbreak_dataset`, or a subset of it.
        fractions: shares of runs for train, val and test (positive, sum to 1).
        seed: seeds the shuffle of runs.

    Returns:
        ``{"train": ..., "val": ..., "test": ...}``, subsets of ``dataset`` in dataset order.
    """
    if not isinstance(dataset, OutbreakDataset):
        raise TypeError(f"dataset must be an OutbreakDataset, got {type(dataset).__name__}")
    try:
        fr = np.asarray(fractions, dtype=float)
    except (TypeError, ValueError):
        fr = np.zeros(0)
    if fr.shape != (3,) or (fr <= 0).any() or not np.isclose(fr.sum(), 1.0):
        raise ValueError(f"fractions must be three positive shares (train, val, test) summing to 1, got {fractions!r}")
    run_of = dataset.runs()  # (S,) one per snapshot
    if run_of.unique().numel() < 3:
        raise ValueError(f"dataset must come from at least 3 runs to split by run, got {run_of.unique().numel()}")
    parts = group_split(run_of, tuple(fr.tolist()), check_int("seed", seed, min_value=0))
    return {name: dataset[idx] for name, idx in zip(("train", "val", "test"), parts)}
