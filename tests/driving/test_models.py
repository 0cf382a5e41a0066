"""gdl_teach.driving.models: the U-Net's shapes, its circular columns (a turn of the car shifts the output),
a forward pass on the meta device, errors."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.driving.models import UNet


def test_shapes() -> None:
    torch.manual_seed(0)
    model = UNet(3, 7, (4, 8, 16)).eval()
    assert model(torch.randn(2, 3, 32, 64)).shape == (2, 7, 32, 64)


def test_wrapped_columns_shift_with_the_input() -> None:
    torch.manual_seed(0)
    model = UNet(3, 5, (4, 8, 16), wrap_columns=True).eval()
    x = torch.randn(1, 3, 16, 64)
    with torch.no_grad():
        ref = model(x)
        for shift in (4, 12, 60):  # multiples of the pooling factor 2**2: exact
            assert torch.allclose(model(torch.roll(x, shift, dims=3)), torch.roll(ref, shift, dims=3), atol=1e-5)
        flat = UNet(3, 5, (4, 8, 16)).eval()
        flat.load_state_dict(model.state_dict())
        out = flat(torch.roll(x, 12, dims=3))
        assert (out - torch.roll(flat(x), 12, dims=3)).abs().max() > 1e-3, "zero padding breaks it at the seam"


def test_forward_on_meta_device() -> None:
    with torch.device("meta"):
        model = UNet(3, 7, wrap_columns=True)
        out = model(torch.empty(1, 3, 32, 256))
    assert out.shape == (1, 7, 32, 256) and out.device.type == "meta"


def test_errors_name_the_argument() -> None:
    model = UNet(3, 7, (4, 8, 16))
    with pytest.raises(ValueError, match="x must have shape"):
        model(torch.randn(1, 5, 32, 64))
    with pytest.raises(ValueError, match="divisible by 4"):
        model(torch.randn(1, 3, 30, 64))
    with pytest.raises(TypeError, match="hidden_channels must be a non-empty sequence"):
        UNet(3, 7, ())
