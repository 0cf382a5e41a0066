"""Checks for lesson 03: forward kinematics of one chain, P-MPJPE, and two predictions to test."""
from __future__ import annotations

from collections.abc import Callable

import torch

from gdl_teach.exercises.core import ExerciseFailed, call_answer, check_close, exercise, expect, passed
from gdl_teach.pose.kinematics import rotation_from_angles
from gdl_teach.pose.metrics import mpjpe, procrustes_align


def reference_chain_fk(rotations: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
    """Positions along one chain of bones, starting at the origin: (K, 3, 3), (K, 3) -> (K + 1, 3).

    ``F_k = F_{k-1} R_k`` (``F_0 = I``), ``p_k = p_{k-1} + F_k o_k``: each
    rotation turns its own bone and everything after it.
    """
    frame = torch.eye(3, dtype=offsets.dtype)
    points = [torch.zeros(3, dtype=offsets.dtype)]
    for rot, offset in zip(rotations, offsets):
        frame = frame @ rot
        points.append(points[-1] + frame @ offset)
    return torch.stack(points)


def _chain_cases() -> list[tuple[torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(3)
    arm = torch.tensor([[-150.0, 0, -10], [0, 0, -280], [0, 0, -250]])
    bent = rotation_from_angles(torch.deg2rad(torch.tensor([[0.0, 20, 0], [45, 60, 0], [90, 0, 0]])))
    random = rotation_from_angles(torch.rand(4, 3, generator=g) * 3 - 1.5)
    return [(bent, arm), (random, torch.randn(4, 3, generator=g) * 100)]


@exercise(reference=reference_chain_fk)
def check_chain_fk(chain_fk: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> None:
    """Check a learner's ``chain_fk(rotations (K, 3, 3), offsets (K, 3)) -> (K + 1, 3)``."""
    for rotations, offsets in _chain_cases():
        got = call_answer("chain_fk", chain_fk, rotations, offsets)
        want = reference_chain_fk(rotations, offsets)
        expect(isinstance(got, torch.Tensor), f"chain_fk must return a torch.Tensor, got {type(got).__name__}.")
        if tuple(got.shape) == (len(offsets), 3):
            expect(False, "return K + 1 points: the chain's start (the origin) and the end of every bone.")
        expect(tuple(got.shape) == tuple(want.shape), f"chain_fk returned shape {tuple(got.shape)}, expected "
               f"{tuple(want.shape)}.")
        own = torch.cat([torch.zeros(1, 3), torch.cumsum((rotations @ offsets[..., None])[..., 0], 0)])
        if torch.allclose(got, own, atol=1e-3):
            expect(False, "each bone used only its own rotation; rotations accumulate down the chain "
                   "(frame = frame @ R_k): bending the elbow moves the wrist, and so does lifting the shoulder.")
        frame, points = torch.eye(3), [torch.zeros(3)]
        for rot, offset in zip(rotations, offsets):
            frame = rot @ frame
            points.append(points[-1] + frame @ offset)
        if torch.allclose(got, torch.stack(points), atol=1e-3) and not torch.allclose(got, want, atol=1e-3):
            expect(False, "the product is in the wrong order: a child's frame is its parent's frame times its "
                   "own rotation, frame @ R_k (R_k acts in the parent's frame), not R_k @ frame.")
        check_close("chain_fk", got, want, atol=1e-3,
                    hint="p_0 = 0; for every bone: frame = frame @ R_k, then p_k = p_{k-1} + frame @ o_k.")
    passed("forward kinematics: frames multiply down the chain, and every bone keeps its length.")


@exercise(reference=lambda pred, target: torch.tensor(mpjpe(procrustes_align(pred, target), target)))
def check_p_mpjpe(p_mpjpe: Callable[[torch.Tensor, torch.Tensor], torch.Tensor | float]) -> None:
    """Check a learner's ``p_mpjpe(pred (N, J, 3), target (N, J, 3))`` -> the mean error after alignment."""
    g = torch.Generator().manual_seed(5)
    target = torch.randn(6, 17, 3, generator=g, dtype=torch.float64) * 300
    rot = torch.linalg.qr(torch.randn(6, 3, 3, generator=g, dtype=torch.float64))[0]
    rot = rot * torch.linalg.det(rot)[:, None, None]  # proper rotations
    moved = 1.3 * target @ rot + torch.tensor([100.0, -50.0, 2000.0], dtype=torch.float64)
    noisy = moved + 20 * torch.randn(6, 17, 3, generator=g, dtype=torch.float64)
    mirrored = target * torch.tensor([-1.0, 1.0, 1.0], dtype=torch.float64)
    cases = {"moved": (moved, target), "noisy": (noisy, target), "mirrored": (mirrored, target)}
    values = {}
    for name, (pred, tgt) in cases.items():
        got = call_answer("p_mpjpe", p_mpjpe, pred, tgt)
        try:
            values[name] = float(got)
        except (TypeError, ValueError):
            raise ExerciseFailed(f"Not yet: p_mpjpe must return a number (or a 0-dim tensor), got "
                                 f"{type(got).__name__}.") from None
    want = {name: mpjpe(procrustes_align(*pair), pair[1]) for name, pair in cases.items()}
    expect(abs(values["moved"]) < 1e-3 * 300 or abs(values["moved"] - want["moved"]) < 1e-3,
           f"a pose that is only rotated, scaled by 1.3 and shifted should score ~0 after alignment, got "
           f"{values['moved']:.2f}. Did you centre both poses, fit the rotation from the SVD of "
           f"pred_c^T @ target_c, and the scale?")
    if values["mirrored"] < 1.0:
        expect(False, "a mirror image scored ~0: your alignment allowed a reflection. When det(U @ Vh) < 0, "
               "flip the sign of the last column of U (and of the last singular value) so that det = +1: a "
               "mirrored pose is a different pose.")
    expect(abs(values["noisy"] - want["noisy"]) < 0.5 and abs(values["mirrored"] - want["mirrored"]) < 0.5,
           f"expected {want['noisy']:.2f} and {want['mirrored']:.2f} mm, got {values['noisy']:.2f} and "
           f"{values['mirrored']:.2f}. The scale is trace(S with the sign fix) / sum(pred_c ** 2).")
    passed("P-MPJPE aligns rotation, scale and translation, and never a reflection.")


def reference_swap_prediction() -> dict[str, bool]:
    """The answer of the swap question: the plain GCN swaps with its input, SemGCN's learned weights do not."""
    return {"GCN": True, "SemGCN": False, "MLP": False}


@exercise(reference=reference_swap_prediction)
def check_swap_prediction(predict_swaps: Callable[[], dict[str, bool]]) -> None:
    """Check a learner's predictions: does swapping the arms in the input swap them in the output?"""
    from gdl_teach.pose.lifters import GraphLifter, MLPLifter
    from gdl_teach.pose.skeleton import NUM_JOINTS

    got = call_answer("predict_swaps", predict_swaps)
    expect(isinstance(got, dict) and set(got) == {"GCN", "SemGCN", "MLP"} and
           all(isinstance(v, bool) for v in got.values()),
           "return a dict with keys 'GCN', 'SemGCN' and 'MLP' and True/False values.")
    torch.manual_seed(0)
    models = {"GCN": GraphLifter(16, 1, conv="gcn"), "SemGCN": GraphLifter(16, 1, conv="sem"), "MLP": MLPLifter(16)}
    with torch.no_grad():
        for conv in models["SemGCN"].modules():
            if hasattr(conv, "edge_weight"):
                conv.edge_weight.normal_()  # as after training: left and right edges weighted differently
    arms = list(range(NUM_JOINTS))
    arms[11:14], arms[14:17] = [14, 15, 16], [11, 12, 13]
    x = torch.randn(64, NUM_JOINTS, 3)
    truth = {}
    for name, model in models.items():
        model.eval()
        with torch.no_grad():
            truth[name] = bool(torch.allclose(model(x[:, arms]), model(x)[:, arms], atol=1e-3))
    wrong = [name for name in truth if got[name] != truth[name]]
    hints = {"GCN": "the GCN uses the same weights at every joint and a propagation matrix that the swap leaves "
                    "unchanged (the arms are an automorphism of the skeleton), so it is equivariant to the swap",
             "SemGCN": "SemGCN learns one weight per edge; once training makes the left and right edges differ, "
                       "the swap is no longer a symmetry of the network",
             "MLP": "the MLP's first layer has a different weight for every input coordinate; nothing ties the "
                    "left arm's weights to the right arm's"}
    expect(not wrong, "measured: " + "; ".join(f"{n} {'swaps' if truth[n] else 'does not swap'}: {hints[n]}"
                                               for n in wrong) + ".")
    passed("only the plain GCN swaps its output with its input. For a lifter that is a flaw: a front view with "
           "the arms' labels swapped looks like a back view, whose depths are the opposite.")
