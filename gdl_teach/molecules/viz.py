"""Molecule pictures: RDKit drawings, the same molecule as a graph and as a string, atom contributions."""
from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import torch
from matplotlib.colors import TwoSlopeNorm
from rdkit import Chem
from rdkit.Chem import rdDepictor
from rdkit.Chem.Draw import SimilarityMaps, rdMolDraw2D

from gdl_teach.core.validate import check_int, check_tensor
from gdl_teach.molecules.featurize import ATOM_FEATURE_BLOCKS, NUM_ATOM_FEATURES, atom_features, mol_from_smiles
from gdl_teach.molecules.smiles import tokenize_smiles

#: Colours of the elements in graph drawings (close to the usual CPK colours).
ELEMENT_COLORS = {"C": "#909090", "N": "#3050F8", "O": "#FF0D0D", "F": "#90E050", "P": "#FF8000",
                  "S": "#FFD020", "Cl": "#1FF01F", "Br": "#A62929", "I": "#940094"}
#: What :func:`plot_molecule_graph` can colour the atoms by.
COLOR_BY = ("element", "degree", "num_Hs", "aromatic", "in_ring", "hybrid")


def _as_mol(mol: Chem.Mol | str) -> Chem.Mol:
    if isinstance(mol, str):
        return mol_from_smiles(mol)
    if not isinstance(mol, Chem.Mol):
        raise TypeError(f"mol must be an RDKit Chem.Mol or a SMILES str, got {type(mol).__name__}")
    return mol


def _png_to_array(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def molecule_image(mol: Chem.Mol | str, size: tuple[int, int] = (320, 260), atom_indices: bool = True,
                   highlight: Sequence[int] | None = None) -> np.ndarray:
    """RDKit's 2D drawing of a molecule as an RGB image array.

    Args:
        mol: an RDKit molecule or a SMILES string.
        size: (width, height) in pixels.
        atom_indices: write each atom's index (its node id in the graph).
        highlight: atom indices to highlight.

    Returns:
        (H, W, 3) uint8 image.
    """
    mol = Chem.Mol(_as_mol(mol))
    rdDepictor.Compute2DCoords(mol)
    drawer = rdMolDraw2D.MolDraw2DCairo(*size)
    drawer.drawOptions().addAtomIndices = atom_indices
    drawer.DrawMolecule(mol, highlightAtoms=list(highlight) if highlight is not None else [])
    drawer.FinishDrawing()
    return _png_to_array(drawer.GetDrawingText())


def plot_molecule(mol: Chem.Mol | str, ax: plt.Axes | None = None, title: str | None = None, **kwargs: Any) -> plt.Axes:
    """Draw a molecule (RDKit picture) on a matplotlib Axes.

    Args:
        mol: an RDKit molecule or a SMILES string.
        ax: Axes to draw on; a new figure if ``None``.
        title: Axes title.
        kwargs: passed to :func:`molecule_image`.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(3.4, 2.8))
    ax.imshow(molecule_image(mol, **kwargs))
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=9)
    return ax


def _atom_values(mol: Chem.Mol, color_by: str) -> list[Any]:
    if color_by == "element":
        return [a.GetSymbol() for a in mol.GetAtoms()]
    if color_by == "degree":
        return [a.GetDegree() for a in mol.GetAtoms()]
    if color_by == "num_Hs":
        return [a.GetTotalNumHs() for a in mol.GetAtoms()]
    if color_by == "aromatic":
        return [int(a.GetIsAromatic()) for a in mol.GetAtoms()]
    if color_by == "in_ring":
        return [int(a.IsInRing()) for a in mol.GetAtoms()]
    if color_by == "hybrid":
        return [str(a.GetHybridization()) for a in mol.GetAtoms()]
    raise ValueError(f"color_by must be one of {list(COLOR_BY)}, got {color_by!r}")


def plot_molecule_graph(mol: Chem.Mol | str, ax: plt.Axes | None = None, color_by: str = "element",
                        title: str | None = None) -> plt.Axes:
    """The molecule as the graph a GNN reads: one node per heavy atom, one edge per bond.

    Nodes sit where RDKit's drawing puts the atoms (only to make the two
    pictures easy to compare; the graph itself has no coordinates), are
    labelled ``symbol:index`` and coloured by an atom feature. Edge widths show
    the bond order (aromatic 1.5).

    Args:
        mol: an RDKit molecule or a SMILES string.
        ax: Axes to draw on; a new figure if ``None``.
        color_by: one of :data:`COLOR_BY`.
        title: Axes title.
    """
    mol = Chem.Mol(_as_mol(mol))
    values = _atom_values(mol, color_by)
    rdDepictor.Compute2DCoords(mol)
    xy = mol.GetConformer().GetPositions()[:, :2]
    g = nx.Graph()
    g.add_nodes_from(range(mol.GetNumAtoms()))
    widths = []
    for b in mol.GetBonds():
        g.add_edge(b.GetBeginAtomIdx(), b.GetEndAtomIdx())
        widths.append(1.2 * b.GetBondTypeAsDouble())
    pos = {i: xy[i] for i in range(mol.GetNumAtoms())}
    if ax is None:
        _, ax = plt.subplots(figsize=(3.4, 2.8))
    if color_by == "element":
        colors = [ELEMENT_COLORS.get(v, "#FF1493") for v in values]
    else:
        kinds = sorted(set(values), key=str)
        cmap = plt.get_cmap("tab10")
        colors = [cmap(kinds.index(v) % 10) for v in values]
        for k in kinds:
            ax.scatter([], [], color=cmap(kinds.index(k) % 10), label=f"{color_by}={k}")
        ax.legend(fontsize=7, frameon=False, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=min(len(kinds), 3))
    nx.draw_networkx_edges(g, pos, ax=ax, width=widths, edge_color="#555555")
    nx.draw_networkx_nodes(g, pos, ax=ax, node_color=colors, node_size=260, edgecolors="black", linewidths=0.6)
    labels = {i: f"{a.GetSymbol()}{i}" for i, a in enumerate(mol.GetAtoms())}
    nx.draw_networkx_labels(g, pos, labels, ax=ax, font_size=6)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=9)
    return ax


def plot_smiles_tokens(smiles: str, ax: plt.Axes | None = None, per_row: int = 16,
                       title: str | None = None) -> plt.Axes:
    """The molecule as the string a sequence model reads: one box per token.

    Digits (ring closures) and brackets (branches) are shaded: bonded atoms
    can sit far apart in this line.

    Args:
        smiles: a SMILES string.
        ax: Axes to draw on; a new figure if ``None``.
        per_row: tokens per row before wrapping.
        title: Axes title.
    """
    tokens = tokenize_smiles(smiles)
    per_row = check_int("per_row", per_row, min_value=1)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 1.2))
    rows = (len(tokens) + per_row - 1) // per_row
    for k, tok in enumerate(tokens):
        r, c = divmod(k, per_row)
        special = tok in "()=#" or tok.isdigit()
        ax.add_patch(plt.Rectangle((c, -r), 0.92, 0.9, color="#FFD8A8" if special else "#D0E4F5"))
        ax.text(c + 0.46, -r + 0.45, tok, ha="center", va="center", fontsize=8, family="monospace")
    ax.set_xlim(-0.1, per_row)
    ax.set_ylim(-rows + 0.9 - 0.1, 1.0)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=9)
    return ax


def plot_molecule_views(smiles: str, label: float | None = None, name: str = "", unit: str = "kcal/mol",
                        color_by: str = "element") -> plt.Figure:
    """One molecule three ways: RDKit drawing, graph (what a GNN reads), token string (what a GRU reads).

    Args:
        smiles: a SMILES string.
        label: the molecule's label, shown in the title.
        name: the molecule's name.
        unit: the label's unit.
        color_by: atom colouring of the graph panel (see :func:`plot_molecule_graph`).
    """
    mol = mol_from_smiles(smiles)
    fig = plt.figure(figsize=(10, 3.6))
    grid = fig.add_gridspec(2, 3, height_ratios=[3, 1.1])
    plot_molecule(mol, ax=fig.add_subplot(grid[0, 0]), title="RDKit drawing (atom indices)")
    plot_molecule_graph(mol, ax=fig.add_subplot(grid[0, 1]), color_by=color_by,
                        title=f"graph: {mol.GetNumAtoms()} nodes, {mol.GetNumBonds()} bonds")
    ax = fig.add_subplot(grid[0, 2])
    plot_feature_matrix(mol, ax=ax)
    plot_smiles_tokens(smiles, ax=fig.add_subplot(grid[1, :]), per_row=32,
                       title=f"string: {len(tokenize_smiles(smiles))} tokens of SMILES {smiles}")
    head = f"{name}: " if name else ""
    fig.suptitle(head + (f"label {label:.2f} {unit}" if label is not None else ""), fontsize=10)
    fig.tight_layout()
    return fig


def plot_feature_matrix(mol: Chem.Mol | str, ax: plt.Axes | None = None) -> plt.Axes:
    """The atom-feature matrix ``x`` (N, NUM_ATOM_FEATURES) of a molecule as a 0/1 image, columns grouped by feature.

    Args:
        mol: an RDKit molecule or a SMILES string.
        ax: Axes to draw on; a new figure if ``None``.
    """
    mol = _as_mol(mol)
    x = np.array([atom_features(a) for a in mol.GetAtoms()])
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 3))
    ax.imshow(x, cmap="Greys", aspect="auto", vmin=0, vmax=1)
    start, centres = 0, []
    for _, width in ATOM_FEATURE_BLOCKS:
        ax.axvline(start - 0.5, color="tab:red", lw=0.6)
        centres.append(start + width / 2 - 0.5)
        start += width
    ax.set_xticks(centres)
    ax.set_xticklabels([g for g, _ in ATOM_FEATURE_BLOCKS], fontsize=6, rotation=60, ha="right")
    ax.set_yticks(range(x.shape[0]))
    ax.set_yticklabels([f"{a.GetSymbol()}{i}" for i, a in enumerate(mol.GetAtoms())], fontsize=5)
    ax.set_title(f"atom features x: ({x.shape[0]}, {NUM_ATOM_FEATURES})", fontsize=9)
    return ax


def plot_parity(predictions: Mapping[str, torch.Tensor], target: torch.Tensor, ax: plt.Axes | None = None,
                unit: str = "kcal/mol") -> plt.Axes:
    """Predicted against measured values for several models on the same molecules.

    Args:
        predictions: model name -> (M,) predictions (any device; plotted from the CPU).
        target: (M,) measured values.
        ax: Axes to draw on; a new figure if ``None``.
        unit: the values' unit, for the axis labels.
    """
    target = check_tensor("target", target, ndim=1, nonempty=True).detach().cpu()
    if not predictions:
        raise ValueError("predictions must name at least one model")
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    for name, pred in predictions.items():
        label = f"predictions[{name!r}]"
        pred = check_tensor(label, check_tensor(label, pred).detach().cpu().reshape(-1), shape=(target.shape[0],))
        err = float(torch.sqrt(((pred - target) ** 2).mean()))
        ax.scatter(target.numpy(), pred.numpy(), s=12, alpha=0.7, label=f"{name} (RMSE {err:.2f})")
    lo, hi = float(target.min()) - 1, float(target.max()) + 1
    ax.plot([lo, hi], [lo, hi], "k--", lw=0.8)
    ax.set_xlabel(f"measured ({unit})")
    ax.set_ylabel(f"predicted ({unit})")
    ax.legend(fontsize=7, frameon=False)
    return ax


def contributions_image(mol: Chem.Mol | str, weights: torch.Tensor | Sequence[float],
                        size: tuple[int, int] = (320, 280)) -> np.ndarray:
    """RDKit similarity map of per-atom weights (green positive, pink negative) as an RGB array.

    Args:
        mol: an RDKit molecule or a SMILES string with N heavy atoms.
        weights: (N,) one number per atom.
        size: (width, height) in pixels.
    """
    mol = Chem.Mol(_as_mol(mol))
    w = torch.as_tensor(weights).detach().cpu().double().reshape(-1)
    if w.shape[0] != mol.GetNumAtoms():
        raise ValueError(f"weights must have one value per heavy atom ({mol.GetNumAtoms()}), got {w.shape[0]}")
    rdDepictor.Compute2DCoords(mol)
    drawer = rdMolDraw2D.MolDraw2DCairo(*size)
    drawer.drawOptions().addAtomIndices = True
    SimilarityMaps.GetSimilarityMapFromWeights(mol, [float(v) for v in w], draw2d=drawer)
    drawer.FinishDrawing()
    return _png_to_array(drawer.GetDrawingText())


def plot_atom_contributions(mol: Chem.Mol | str, weights: torch.Tensor, title: str | None = None,
                            unit: str = "kcal/mol") -> plt.Figure:
    """Per-atom contributions two ways: a similarity map on the drawing and a bar per atom.

    Args:
        mol: an RDKit molecule or a SMILES string with N heavy atoms.
        weights: (N,) contributions (e.g. from :func:`gdl_teach.molecules.training.predict_contributions`).
        title: figure title.
        unit: unit of the contributions.
    """
    mol = _as_mol(mol)
    w = check_tensor("weights", torch.as_tensor(weights).detach().cpu().float().reshape(-1), ndim=1, nonempty=True)
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(9, 3.2), gridspec_kw={"width_ratios": [1, 1.3]})
    ax0.imshow(contributions_image(mol, w))
    ax0.set_axis_off()
    bound = max(float(w.abs().max()), 1e-6)
    colors = plt.get_cmap("PiYG")(TwoSlopeNorm(0.0, -bound, bound)(w.numpy()))
    ax1.bar(range(len(w)), w.numpy(), color=colors, edgecolor="black", linewidth=0.4)
    ax1.set_xticks(range(len(w)))
    ax1.set_xticklabels([f"{a.GetSymbol()}{i}" for i, a in enumerate(mol.GetAtoms())], fontsize=7, rotation=90)
    ax1.axhline(0, color="black", lw=0.6)
    ax1.set_ylabel(f"contribution ({unit})")
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_conformer(mol: Chem.Mol, pos: torch.Tensor, ax: Any = None, title: str | None = None) -> Any:
    """A 3D conformer: atoms as coloured balls, bonds as lines (matplotlib 3D Axes).

    Args:
        mol: the RDKit molecule (for elements and bonds), N atoms.
        pos: (N, 3) coordinates in Angstrom.
        ax: a matplotlib 3D Axes; a new figure if ``None``.
        title: Axes title.
    """
    pos = check_tensor("pos", pos, shape=(mol.GetNumAtoms(), 3), floating=True)
    if ax is None:
        fig = plt.figure(figsize=(3.6, 3.4))
        ax = fig.add_subplot(projection="3d")
    p = pos.detach().cpu().numpy()
    for b in mol.GetBonds():
        i, j = b.GetBeginAtomIdx(), b.GetEndAtomIdx()
        ax.plot(*p[[i, j]].T, color="#555555", lw=1.5)
    colors = [ELEMENT_COLORS.get(a.GetSymbol(), "#FF1493") for a in mol.GetAtoms()]
    ax.scatter(*p.T, c=colors, s=80, edgecolors="black", depthshade=True)
    ax.set_xlabel("x (Å)", fontsize=7)
    ax.set_ylabel("y (Å)", fontsize=7)
    ax.set_zlabel("z (Å)", fontsize=7)
    ax.tick_params(labelsize=6)
    if title:
        ax.set_title(title, fontsize=9)
    return ax
