"""Checks for lesson 08: a Haar-random rotation or reflection; the p4 action on a feature map; the EGNN
coordinate update; deciding which maps are equivariant to rotations and to reflections."""
from __future__ import annotations

from collections.abc import Callable

import torch
from scipy import stats

from gdl_teach.core.symmetry import check_equivariance
from gdl_teach.equivariance.groups import candidate_maps, euclidean_transform
from gdl_teach.equivariance.groups import random_orthogonal as reference_random_orthogonal
from gdl_teach.exercises.core import ExerciseFailed, call_answer, check_close, exercise, expect, passed
from gdl_teach.nn.egnn import coordinate_update as reference_coordinate_update
from gdl_teach.nn.group_conv import P4LiftingConv
from gdl_teach.nn.group_conv import rotate_p4 as reference_rotate_p4

__all__ = ["check_random_orthogonal", "check_rotate_p4", "check_coordinate_update", "check_equivariance_answers",
           "VERDICTS", "measure_verdicts", "reference_verdicts"]

VERDICTS = ("rotations and reflections", "rotations only", "neither")
_NUM_DRAWS = 600


def _draws(random_orthogonal: Callable[..., torch.Tensor], reflect: bool) -> torch.Tensor:
    draws = []
    for i in range(_NUM_DRAWS):
        torch.manual_seed(1000 + i)  # the learner's function draws from torch's global generator here
        q = call_answer("random_orthogonal", random_orthogonal, 3, reflect)
        expect(isinstance(q, torch.Tensor) and tuple(q.shape) == (3, 3),
               f"random_orthogonal(3, ...) must return a (3, 3) tensor, got {getattr(q, 'shape', type(q).__name__)}.")
        draws.append(q.detach().double())
    return torch.stack(draws)


@exercise(reference=reference_random_orthogonal)
def check_random_orthogonal(random_orthogonal: Callable[..., torch.Tensor]) -> None:
    """Check ``random_orthogonal(dim, reflect=False, generator=None)``: orthogonal, the right determinant, uniform."""
    for reflect in (False, True):
        qs = _draws(random_orthogonal, reflect)
        eye = torch.eye(3, dtype=torch.float64)
        err = float((qs.transpose(1, 2) @ qs - eye).abs().max())
        expect(err < 1e-5, f"Q^T Q should be the identity (off by {err:.2g}): take the Q of torch.linalg.qr of a "
               "random matrix (a product of rotations and reflections), not the random matrix itself.")
        dets = torch.linalg.det(qs)
        want = -1.0 if reflect else 1.0
        expect(bool(((dets - want).abs() < 1e-5).all()),
               f"with reflect={reflect} the determinant must be {want:+.0f} every time (got values "
               f"{sorted(set(round(float(d)) for d in dets))}): flip the sign of one column when it is wrong.")
        expect(float((qs[1:] - qs[:-1]).abs().amax(dim=(1, 2)).min()) > 1e-6,
               "two calls returned the same matrix: draw fresh random numbers on every call.")
        for i, j in ((0, 0), (1, 2), (2, 2)):
            p = stats.kstest(qs[:, i, j].numpy(), "uniform", args=(-1, 2)).pvalue
            expect(p > 1e-4, f"entry ({i}, {j}) of your matrices is not uniform on [-1, 1] over {_NUM_DRAWS} draws "
                   f"(KS p = {p:.1g}), as it is for Haar-random rotations. Did you multiply each column of Q by the "
                   "sign of R's diagonal entry? Without it QR favours some orientations; Euler angles drawn "
                   "uniformly are not uniform over rotations either.")
    q2 = call_answer("random_orthogonal", random_orthogonal, 2, False)
    expect(isinstance(q2, torch.Tensor) and tuple(q2.shape) == (2, 2), "random_orthogonal(2, ...) must be (2, 2).")
    passed(f"your {_NUM_DRAWS} rotations and {_NUM_DRAWS} reflections are orthogonal, have determinant +1 and -1, "
           "and their entries are as uniform as Haar-random ones.")


def _p4_cases() -> list[tuple[torch.Tensor, int]]:
    g = torch.Generator().manual_seed(8)
    a, b = torch.randn(2, 3, 4, 5, 5, generator=g), torch.randn(4, 6, 6, generator=g)
    return [(a, 1), (a, 2), (a, 3), (b, 1), (a, 0), (b, -1), (a, 5)]


@exercise(reference=reference_rotate_p4)
def check_rotate_p4(rotate_p4: Callable[[torch.Tensor, int], torch.Tensor]) -> None:
    """Check ``rotate_p4(x, k)`` on ``(..., 4, H, W)`` maps, then use it to test a lifting convolution."""
    for x, k in _p4_cases():
        got = call_answer("rotate_p4", rotate_p4, x, k)
        want = reference_rotate_p4(x, k)
        if isinstance(got, torch.Tensor) and got.shape == want.shape and not torch.allclose(got, want):
            turned = torch.rot90(x, k, dims=(-2, -1))
            expect(not torch.allclose(got, turned), "you turned the grids but did not cycle the rotation axis: "
                   "the map that was the response to the filter turned r times is now the response to the filter "
                   "turned r + k times (roll the axis -3 by k).")
            expect(not torch.allclose(got, turned.roll(-k, dims=-3)),
                   "the rotation axis is cycled the wrong way: after turning by k, entry r must hold old entry r - k "
                   "(torch.roll(..., k, dims=-3)).")
            expect(not torch.allclose(got, torch.rot90(x, -k, dims=(-2, -1)).roll(k, dims=-3)),
                   "the grids turn the wrong way: use torch.rot90(x, k, dims=(-2, -1)), as the lifting layer does.")
            expect(not torch.allclose(got, x.roll(k, dims=-3)), "you cycled the rotation axis but did not turn "
                   "the grids themselves.")
        check_close("rotate_p4", got, want, hint="Turn the last two axes by k quarter turns and roll axis -3 by k.")
    torch.manual_seed(0)
    lift, image = P4LiftingConv(1, 2), torch.randn(1, 1, 7, 7)
    with torch.no_grad():
        got = call_answer("rotate_p4", rotate_p4, lift(image), 1)
        check_close("rotate_p4(lift(x), 1)", got, lift(torch.rot90(image, 1, dims=(-2, -1))), atol=1e-5)
    passed("rotate_p4 turns the grids and cycles the rotation axis; with it, lift(turned image) == "
           "rotate_p4(lift(image)): the lifting convolution is equivariant.")


def _graph_cases() -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(15)
    chain = torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]])
    star = torch.tensor([[1, 2, 3], [0, 0, 0]])  # directed: only node 0 receives
    rnd = torch.randint(0, 6, (2, 15), generator=g)
    rnd = rnd[:, rnd[0] != rnd[1]]
    cases = []
    for edge_index, num_nodes in ((chain, 4), (star, 4), (rnd, 6)):
        cases.append((torch.randn(num_nodes, 3, generator=g), edge_index,
                      torch.randn(edge_index.shape[1], 1, generator=g)))
    return cases


def _coordinate_hints(got: torch.Tensor, pos: torch.Tensor, edge_index: torch.Tensor, weight: torch.Tensor) -> None:
    want = reference_coordinate_update(pos, edge_index, weight)
    if got.shape != want.shape or torch.allclose(got, want, atol=1e-5):
        return
    src, dst = edge_index
    expect(not torch.allclose(got, reference_coordinate_update(pos, edge_index, -weight), atol=1e-5),
           "the sign is flipped: node i moves along x_i - x_j = pos[edge_index[1]] - pos[edge_index[0]].")
    expect(not torch.allclose(got, reference_coordinate_update(pos, edge_index.flip(0), weight), atol=1e-5),
           "edges point the other way: edge_index[0] sends (j), edge_index[1] receives (i); add at edge_index[1].")
    expect(not torch.allclose(got, want - pos, atol=1e-5), "you returned only the shift; add it to pos.")
    total = torch.zeros_like(pos).index_add_(0, dst, (pos[dst] - pos[src]) * weight)
    expect(not torch.allclose(got, pos + total, atol=1e-5),
           "you summed the moves; EGNN takes their mean over the incoming edges (divide by the in-degree, "
           "at least 1 so that nodes without neighbours stay put).")


@exercise(reference=reference_coordinate_update)
def check_coordinate_update(coordinate_update: Callable[..., torch.Tensor]) -> None:
    """Check ``coordinate_update(pos, edge_index, weight)``, then test it for E(3) equivariance with the kit's checker."""
    for pos, edge_index, weight in _graph_cases():
        got = call_answer("coordinate_update", coordinate_update, pos, edge_index, weight)
        if isinstance(got, torch.Tensor):
            _coordinate_hints(got, pos, edge_index, weight)
        check_close("coordinate_update", got, reference_coordinate_update(pos, edge_index, weight),
                    hint="x_i' = x_i + mean over edges j -> i of (x_i - x_j) * w_ij.")
    pos, edge_index, weight = _graph_cases()[2]

    def answer(p: torch.Tensor) -> torch.Tensor:
        return call_answer("coordinate_update", coordinate_update, p, edge_index, weight)

    for reflect in (False, True):
        report = check_equivariance(answer, (pos,), euclidean_transform(reflect=reflect, pos_index=0),
                                    lambda out, h: out @ h[0].T.to(out.dtype) + h[1].to(out.dtype), atol=1e-4)
        expect(report.passed, f"your update is not E(3)-equivariant ({report}).")
    passed("coordinate_update matches the EGNN update, and the checker finds it equivariant to rotations, "
           "reflections and translations.")


def measure_verdicts(atol: float = 1e-4) -> dict[str, tuple[str, float, float]]:
    """For every map of :func:`candidate_maps`: the verdict and the largest errors under rotations and reflections."""
    out = {}
    pos = torch.randn(7, 3, generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    for name, f in candidate_maps().items():
        errors = []
        for reflect in (False, True):
            report = check_equivariance(f, (pos,), euclidean_transform(reflect=reflect, translate=False, pos_index=0),
                                        lambda out, h: out @ h[0].T, atol=atol)
            errors.append(report.max_error)
        rot_ok, ref_ok = errors[0] <= atol, errors[1] <= atol
        out[name] = (VERDICTS[0] if rot_ok and ref_ok else VERDICTS[1] if rot_ok else VERDICTS[2], *errors)
    return out


def reference_verdicts() -> dict[str, str]:
    """The verdicts the kit's checker measures for :func:`candidate_maps`."""
    return {name: verdict for name, (verdict, _, _) in measure_verdicts().items()}


_VERDICT_HINTS = {
    "lift": "adding a fixed vector does not turn with the points",
    "absolute": "|x| forgets signs that a rotation mixes into the other coordinates",
    "cross": "a cross product turns with rotations, but a reflection adds a minus sign (a pseudovector: "
             "what lets a model tell mirror images apart)",
    "centre": "the centroid turns and reflects with the points, and so do the differences",
    "stretch": "the length of a point changes under neither rotations nor reflections",
}


@exercise(reference=reference_verdicts)
def check_equivariance_answers(verdicts: Callable[[], dict[str, str]]) -> None:
    """Check the learner's ``verdicts() -> {map name: verdict}`` against what the kit's checker measures."""
    answers = call_answer("verdicts", verdicts)
    truth = measure_verdicts()
    expect(isinstance(answers, dict) and set(answers) == set(truth),
           f"verdicts() must return a dict with one verdict for each of {sorted(truth)}.")
    bad = [name for name, v in answers.items() if v not in VERDICTS]
    expect(not bad, f"each verdict must be one of {VERDICTS}; check {bad}.")
    print(f"{'map':10s} {'your verdict':27s} {'measured':27s} {'rotation error':>15s} {'reflection error':>17s}")
    for name, (verdict, rot_err, ref_err) in truth.items():
        print(f"{name:10s} {answers[name]:27s} {verdict:27s} {rot_err:15.1e} {ref_err:17.1e}")
    wrong = [name for name in truth if answers[name] != truth[name][0]]
    if wrong:
        raise ExerciseFailed("Not yet: " + "; ".join(f"{n}: {_VERDICT_HINTS[n]}" for n in wrong) + ".")
    passed("all five verdicts agree with the measurements.")
