"""OPTIONAL real data for lesson 04: weekly chickenpox cases in Hungary's counties (``download=True`` only)."""
from __future__ import annotations

import json
from pathlib import Path

import torch
from torch_geometric.data import Data

from gdl_teach.core.cache import cache_dir

CHICKENPOX_URL = (
    "https://raw.githubusercontent.com/benedekrozemberczki/pytorch_geometric_temporal/"
    "master/dataset/chickenpox.json"
)


def load_chickenpox_hungary(download: bool = False, root: str | Path | None = None) -> Data:
    """OPTIONAL. Weekly chickenpox cases in Hungary's 20 counties, 2005-2014 (real data).

    Rozemberczki et al., "Chickenpox Cases in Hungary: a Benchmark Dataset for
    Spatiotemporal Signal Processing with Graph Neural Networks" (2021,
    https://arxiv.org/abs/2102.08100), as published with PyTorch Geometric
    Temporal. Never on a lesson's default path: without ``download=True`` it
    only reads a copy already in the cache.

    Args:
        download: fetch the JSON file from GitHub if it is not cached yet.
        root: folder of the cached ``chickenpox.json``; default :func:`cache_dir`.

    Returns:
        ``Data`` with ``edge_index`` (2, E) county adjacency, ``cases`` (T, 20)
        weekly counts (standardised, as published) and ``num_nodes`` 20.

    Raises:
        FileNotFoundError: no cached file and ``download`` is False.
    """
    if not isinstance(download, bool):
        raise TypeError(f"download must be True or False, got {type(download).__name__}")
    folder = Path(root).expanduser() if root is not None else cache_dir()
    path = folder / "chickenpox.json"
    if not path.exists():
        if not download:
            raise FileNotFoundError(
                f"Chickenpox Hungary is not cached at {path}. It is optional real data from the internet: call "
                "load_chickenpox_hungary(download=True) on a machine with a connection to fetch it once.")
        import urllib.request

        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with urllib.request.urlopen(CHICKENPOX_URL, timeout=60) as response:  # noqa: S310 - fixed https URL
            tmp.write_bytes(response.read())
        tmp.replace(path)
    try:
        raw = json.loads(path.read_text())
        edges = torch.tensor(raw["edges"], dtype=torch.long).t().contiguous()
        cases = torch.tensor(raw["FX"], dtype=torch.float)
    except (ValueError, KeyError, TypeError) as err:
        raise ValueError(
            f"{path} is not a valid Chickenpox Hungary file ({err}); delete it and download again") from None
    if edges.dim() != 2 or edges.shape[0] != 2 or cases.dim() != 2:
        raise ValueError(f"{path} has unexpected shapes: edges {tuple(edges.shape)}, FX {tuple(cases.shape)}")
    return Data(edge_index=edges, cases=cases, num_nodes=cases.shape[1])
