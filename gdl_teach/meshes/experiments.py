"""The lesson's experiment: segmentation and correspondence on new poses, turned animals and a new meshing.

Every model predicts, for every vertex, its **part** (5 classes, left and
right legs together) and its **patch** (about 32 patches in mirror pairs:
coarse correspondence to the template) with one network and two heads. The
models train on a few poses of the template and are tested on

* ``"new pose"``: poses they never saw, same mesh, same orientation;
* ``"new pose, rotated"``: the same animals turned by a random rotation;
* ``"re-meshed"``: the same new poses of the animal meshed again at another
  resolution on a turned grid (other vertices, other triangles).

Each (model, input) pair trains for the same number of full-batch Adam steps
at the same width, once per seed (the seed sets the initial weights and the
test rotations; the poses are fixed).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from scipy import stats
from torch_geometric.data import Batch, Data
from tqdm.auto import tqdm

from gdl_teach.core.device import get_device
from gdl_teach.core.seed import seed_everything
from gdl_teach.core.symmetry import random_rotation
from gdl_teach.core.validate import check_choice
from gdl_teach.geometry.laplacian import laplacian_eigenbasis
from gdl_teach.geometry.mesh import face_to_edge_index
from gdl_teach.meshes import descriptors, shape
from gdl_teach.meshes.models import count_parameters, make_model
from gdl_teach.meshes.settings import MeshSettings

FEATURES = {"xyz": ("x_xyz",), "xyz, PCA frame": ("x_pca",), "HKS": ("x_hks",),
            "HKS + landmark": ("x_hks", "x_landmark")}
INPUTS = tuple(FEATURES)
TESTS = ("new pose", "new pose, rotated", "re-meshed")
NUM_PARTS = len(shape.PART_NAMES)
#: the (model, input) pairs of the claim check
CLAIM_RUNS = (("MLP", "xyz"), ("MLP", "xyz, PCA frame"), ("MLP", "HKS"), ("mesh GNN", "xyz"), ("mesh GNN", "HKS"),
              ("DiffusionNet", "xyz"), ("DiffusionNet", "HKS"), ("DiffusionNet", "HKS + landmark"))


@dataclass
class MeshData:
    """The animals of the experiment, as PyG graphs with every input and label.

    Attributes:
        template, remeshed: the two meshings of the animal (rest pose).
        times: (T,) HKS times (from the template's eigenvalues, used for every mesh).
        centers: (K,) template vertex at the centre of each patch; mirror: (K,) each patch's mirror patch.
        train: graphs of the training poses; tests: ``"new pose"`` and ``"re-meshed"`` graphs.
    """

    template: shape.Quadruped
    remeshed: shape.Quadruped
    times: torch.Tensor
    centers: torch.Tensor
    mirror: torch.Tensor
    train: list[Data]
    tests: dict[str, list[Data]]

    def __post_init__(self) -> None:
        self.train_batch = Batch.from_data_list(self.train)

    @property
    def num_regions(self) -> int:
        return int(self.centers.numel())


def mesh_graph(animal: shape.Quadruped, pos: torch.Tensor, region: torch.Tensor, times: torch.Tensor,
               num_eigs: int) -> Data:
    """One posed animal as a PyG graph with every input (xyz, PCA frame, HKS, landmark distance) and both labels.

    Args:
        animal: the template it was posed from (faces, parts, landmark).
        pos: (N, 3) posed vertex positions.
        region: (N,) patch labels.
        times: (T,) HKS times.
        num_eigs: k eigenpairs.

    Returns:
        ``Data`` with ``pos``, ``face``, ``edge_index``, ``x_xyz`` (N, 3), ``x_pca`` (N, 3), ``x_hks`` (N, T),
        ``x_landmark`` (N, 1), ``evals`` (1, k), ``evecs`` (N, k), ``mass`` (N,), ``y`` (N, 2) = (part, patch).
    """
    evals, evecs, mass = laplacian_eigenbasis(pos.double(), animal.face, num_eigs)
    return Data(pos=pos, face=animal.face, edge_index=face_to_edge_index(animal.face, animal.num_nodes),
                x_xyz=descriptors.centered_xyz(pos, mass), x_pca=descriptors.pca_frame(pos, mass),
                x_hks=descriptors.hks_features(evals, evecs, mass, times),
                x_landmark=descriptors.landmark_distance(pos.double(), animal.face, shape.paw_vertex(animal)),
                evals=evals[None].float(), evecs=evecs.float(), mass=mass.float(),
                y=torch.stack([animal.part, region], dim=1), num_nodes=animal.num_nodes)


def make_data(cfg: MeshSettings, progress: bool = True) -> MeshData:
    """Mesh, pose and describe every animal of the experiment (about a second on a CPU).

    Args:
        cfg: the lesson's :class:`~gdl_teach.meshes.settings.MeshSettings`.
        progress: show a progress bar.
    """
    template = shape.make_quadruped(cfg.grid_spacing)
    remeshed = shape.make_quadruped(cfg.remesh_spacing, grid_seed=1)
    region, centers, mirror = shape.correspondence_regions(template, cfg.num_regions)
    evals, _, _ = laplacian_eigenbasis(template.pos.double(), template.face, cfg.num_eigs)
    times = descriptors.hks_times(evals, cfg.num_times)
    train_poses = shape.random_poses(cfg.num_train_poses, seed=1)
    test_poses = shape.random_poses(cfg.num_test_poses, seed=2)
    jobs = ([("train", template, region, a) for a in train_poses]
            + [("new pose", template, region, a) for a in test_poses]
            + [("re-meshed", remeshed, shape.transfer_labels(template, remeshed, region), a) for a in test_poses])
    out: dict[str, list[Data]] = {"train": [], "new pose": [], "re-meshed": []}
    for split, animal, labels, angles in tqdm(jobs, desc="meshes", disable=not progress, leave=False):
        out[split].append(mesh_graph(animal, animal.pose(angles), labels, times, cfg.num_eigs))
    return MeshData(template, remeshed, times, centers, mirror, out.pop("train"), out)


def rotate_graph(data: Data, rotation: torch.Tensor) -> Data:
    """The same animal turned by ``rotation``: coordinates and PCA frame change, intrinsic inputs do not.

    Args:
        data: a graph from :func:`mesh_graph` (not changed).
        rotation: (3, 3) rotation matrix.

    The HKS, the landmark distance and the eigenbasis depend only on lengths and
    angles along the surface, which a rotation keeps; they are reused (the
    lesson checks that invariance with ``check_invariance``).
    """
    pos = data.pos @ rotation.T
    out = data.clone()
    out.pos, out.x_xyz, out.x_pca = pos, descriptors.centered_xyz(pos, data.mass), descriptors.pca_frame(pos, data.mass)
    return out


def rotated(graphs: list[Data], seed: int) -> list[Data]:
    """Each graph turned by its own uniformly random rotation.

    Args:
        graphs: graphs from :func:`mesh_graph`; seed: seed of the rotations.

    Returns:
        New graphs (the inputs are not changed).
    """
    g = torch.Generator().manual_seed(seed)
    return [rotate_graph(d, random_rotation(3, generator=g)) for d in graphs]


def feature_view(batch: Batch, input_name: str, stats_: tuple[torch.Tensor, torch.Tensor] | None = None) -> Data:
    """A light view of ``batch`` (no copies) whose ``x`` is the chosen input.

    Args:
        batch: a PyG ``Batch`` of graphs from :func:`mesh_graph`.
        input_name: one of :data:`INPUTS`.
        stats_: ``(mean, std)`` of the training inputs, (F,) each, to standardise ``x``; ``None`` leaves it raw.

    Returns:
        ``Data`` with ``x`` (N, F), ``edge_index``, ``evals``, ``evecs``, ``mass``, ``batch`` and ``y``.
    """
    check_choice("input_name", input_name, INPUTS)
    x = torch.cat([batch[key] for key in FEATURES[input_name]], dim=1)
    if stats_ is not None:
        x = (x - stats_[0]) / stats_[1]
    return Data(x=x, edge_index=batch.edge_index, evals=batch.evals, evecs=batch.evecs, mass=batch.mass,
                batch=batch.batch, y=batch.y, num_nodes=x.shape[0])


def multitask_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of the part head plus cross-entropy of the patch head.

    Args:
        pred: (N, 5 + K) logits, parts first; target: (N, 2) = (part, patch).
    """
    return F.cross_entropy(pred[:, :NUM_PARTS], target[:, 0]) + F.cross_entropy(pred[:, NUM_PARTS:], target[:, 1])


def train_steps(model: torch.nn.Module, batch: Data, steps: int, lr: float) -> list[float]:
    """The equal budget: ``steps`` full-batch Adam steps on ``batch`` with :func:`multitask_loss`.

    A plain loop (no early stopping, no validation), so every model gets exactly
    the same number of updates.

    Args:
        model: maps the batch to (N, 5 + K) logits; trained in place, on :func:`~gdl_teach.get_device`.
        batch: a :func:`feature_view` of the training graphs.
        steps: number of Adam steps; lr: learning rate.

    Returns:
        The loss after each step.
    """
    device = get_device()
    model.to(device).train()
    batch = batch.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = multitask_loss(model(batch), batch.y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def train_model(model_name: str, input_name: str, data: MeshData, seed: int,
                cfg: MeshSettings) -> tuple[torch.nn.Module, tuple[torch.Tensor, torch.Tensor]]:
    """Train one (model, input) pair with :func:`train_steps` on the training poses.

    Args:
        model_name: one of ``models.MODEL_NAMES``; input_name: one of :data:`INPUTS`.
        data: the experiment's :class:`MeshData`; seed: seeds the initial weights.
        cfg: the lesson's settings (width, steps, learning rate).

    Returns:
        ``(model, (mean, std))``: the trained model and the statistics that standardise its input.
    """
    train = data.train_batch
    raw = feature_view(train, input_name).x
    norm = (raw.mean(dim=0), raw.std(dim=0).clamp_min(1e-6))
    seed_everything(seed)
    model = make_model(model_name, raw.shape[1], NUM_PARTS + data.num_regions, cfg.hidden_channels)
    train_steps(model, feature_view(train, input_name, norm), cfg.steps, cfg.lr)
    return model, norm


def evaluate(model: torch.nn.Module, view: Data, mirror: torch.Tensor) -> dict[str, float]:
    """Part accuracy, patch accuracy, and the share of patch errors that are left/right mirror flips.

    Args:
        model: a trained model; view: a :func:`feature_view` of the test graphs.
        mirror: (K,) the mirror patch of each patch.

    Returns:
        ``{"part accuracy", "patch accuracy", "mirror flips"}``.
    """
    model.eval()
    with torch.no_grad():
        pred = model(view.to(get_device())).cpu()
    part, patch = pred[:, :NUM_PARTS].argmax(1), pred[:, NUM_PARTS:].argmax(1)
    y = view.y.cpu()
    wrong = patch != y[:, 1]
    flips = wrong & (patch == mirror[y[:, 1]])
    return {"part accuracy": float((part == y[:, 0]).float().mean()),
            "patch accuracy": float((~wrong).float().mean()),
            "mirror flips": float(flips.sum() / wrong.sum().clamp_min(1))}


@dataclass
class ClaimRun:
    """What :func:`run_claim` measured.

    Attributes:
        scores: long table, columns model, input, seed, test, metric, value, params.
        models: the trained models of the first seed, ``(model, input) -> (model, input statistics)``.
    """

    scores: pd.DataFrame
    models: dict[tuple[str, str], tuple[torch.nn.Module, tuple[torch.Tensor, torch.Tensor]]]


def run_claim(data: MeshData, cfg: MeshSettings, runs: tuple[tuple[str, str], ...] = CLAIM_RUNS,
              progress: bool = True) -> ClaimRun:
    """Train every (model, input) pair once per seed and score it on the three test sets.

    Args:
        data: the experiment's :class:`MeshData`; cfg: settings (``cfg.seeds``, steps, width).
        runs: the (model, input) pairs; progress: show a progress bar.

    Returns:
        A :class:`ClaimRun`.
    """
    rows, kept = [], {}
    bar = tqdm(total=len(runs) * len(cfg.seeds), desc="training", disable=not progress, leave=False)
    for seed in cfg.seeds:
        test_sets = {"new pose": data.tests["new pose"], "new pose, rotated": rotated(data.tests["new pose"], seed),
                     "re-meshed": data.tests["re-meshed"]}
        batches = {name: Batch.from_data_list(graphs) for name, graphs in test_sets.items()}
        for model_name, input_name in runs:
            model, norm = train_model(model_name, input_name, data, seed, cfg)
            if seed == cfg.seeds[0]:
                kept[model_name, input_name] = (model, norm)
            for test, batch in batches.items():
                for metric, value in evaluate(model, feature_view(batch, input_name, norm), data.mirror).items():
                    rows.append({"model": model_name, "input": input_name, "seed": seed, "test": test,
                                 "metric": metric, "value": value, "params": count_parameters(model)})
            bar.update()
    bar.close()
    return ClaimRun(pd.DataFrame(rows), kept)


def mean_scores(scores: pd.DataFrame, metric: str = "part accuracy") -> pd.Series:
    """Mean over seeds of ``metric``.

    Args:
        scores: :attr:`ClaimRun.scores`; metric: ``"part accuracy"``, ``"patch accuracy"`` or ``"mirror flips"``.

    Returns:
        A Series indexed by (model, input, test).
    """
    return scores[scores.metric == metric].groupby(["model", "input", "test"])["value"].mean()


ERROR_KINDS = ("right", "mirror flip", "other error")


def error_kinds(model: torch.nn.Module, graph: Data, input_name: str, norm: tuple[torch.Tensor, torch.Tensor],
                mirror: torch.Tensor) -> torch.Tensor:
    """What kind of patch error each vertex gets: 0 right, 1 mirror flip, 2 another error (:data:`ERROR_KINDS`).

    Args:
        model: a trained model; graph: one graph from :func:`mesh_graph`; input_name: the model's input;
        norm: its input statistics; mirror: (K,) the mirror patch of each patch.

    Returns:
        (N,) long tensor.
    """
    model.eval()
    with torch.no_grad():
        view = feature_view(Batch.from_data_list([graph]), input_name, norm)
        patch = model(view.to(get_device())).cpu()[:, NUM_PARTS:].argmax(1)
    truth = graph.y[:, 1]
    kind = torch.full_like(truth, 2)
    kind[patch == mirror[truth]] = 1
    kind[patch == truth] = 0
    return kind


def claim_table(results: pd.DataFrame, metric: str = "part accuracy") -> pd.DataFrame:
    """Mean ± std over seeds of ``metric``, as text: one row per (model, input), one column per test.

    Args:
        results: :attr:`ClaimRun.scores`; metric: the metric to tabulate.

    Returns:
        A DataFrame with the tests and the models' parameter counts as columns.
    """
    sub = results[results.metric == metric]
    grouped = sub.groupby(["model", "input", "test"], sort=False)["value"]
    table = (grouped.mean().map("{:.3f}".format) + " ± " + grouped.std().map("{:.3f}".format)).unstack("test")
    table = table[[t for t in TESTS if t in table.columns]]
    table["params"] = sub.groupby(["model", "input"], sort=False)["params"].first()
    return table


def paired_test(results: pd.DataFrame, a: tuple[str, str], b: tuple[str, str], test: str,
                metric: str = "part accuracy") -> dict[str, float]:
    """Compare two (model, input) pairs seed by seed on one test: mean gap a - b, wins of a, paired t-test.

    Args:
        results: :attr:`ClaimRun.scores`; a, b: the (model, input) pairs; test: one of :data:`TESTS`;
        metric: the metric compared.

    Returns:
        ``{"gap", "wins", "seeds", "t", "p"}``; ``p`` is NaN when the two agree on every seed.
    """
    def values(pair: tuple[str, str]) -> pd.Series:
        sel = results[(results.model == pair[0]) & (results.input == pair[1]) & (results.test == test)
                      & (results.metric == metric)]
        if sel.empty:
            raise ValueError(f"no results for {pair} on test {test!r} and metric {metric!r}")
        return sel.set_index("seed")["value"].sort_index()

    va, vb = values(a), values(b)
    diff = (va - vb).to_numpy()
    t, p = stats.ttest_rel(va.to_numpy(), vb.to_numpy()) if np.any(diff != 0) else (np.nan, np.nan)
    return {"gap": float(diff.mean()), "wins": int((diff > 0).sum()), "seeds": len(diff), "t": float(t),
            "p": float(p)}
