"""One naming table for parameters across the kit (docs/writing-lessons.md), checked over public signatures."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import gdl_teach

#: Names that must not appear as parameters of a public function, and what to use instead.
FORBIDDEN = {
    "in_dim": "in_channels", "input_dim": "in_channels", "dim_in": "in_channels",
    "out_dim": "out_channels", "output_dim": "out_channels", "dim_out": "out_channels",
    "hidden": "hidden_channels", "hidden_dim": "hidden_channels", "hidden_size": "hidden_channels",
    "n_layers": "num_layers", "nlayers": "num_layers", "layers": "num_layers", "depth": "num_layers (or num_steps)",
    "tmax": "t_max", "tmin": "t_min",
    "random_state": "seed", "rng_seed": "seed",
    "n": "num_<things> (e.g. num_nodes, num_points)",
}


def _public_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(gdl_teach.__path__, "gdl_teach."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)


def _signatures(module_name: str) -> list[tuple[str, inspect.Signature]]:
    module = importlib.import_module(module_name)
    out = []
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module_name:
            continue
        if inspect.isfunction(obj):
            out.append((f"{module_name}.{name}", inspect.signature(obj)))
        elif inspect.isclass(obj):
            for meth_name, meth in vars(obj).items():
                if inspect.isfunction(meth) and (meth_name == "__init__" or not meth_name.startswith("_")):
                    out.append((f"{module_name}.{name}.{meth_name}", inspect.signature(meth)))
    return out


@pytest.mark.parametrize("module_name", _public_modules())
def test_parameter_names_follow_the_table(module_name: str) -> None:
    bad = []
    for where, sig in _signatures(module_name):
        for param in sig.parameters:
            if param in FORBIDDEN or (param.startswith("n_") and param != "n_"):
                fix = FORBIDDEN.get(param, "num_" + param[2:])
                bad.append(f"{where}({param}): use {fix}")
    assert not bad, "parameter names outside the naming table: " + "; ".join(bad)
