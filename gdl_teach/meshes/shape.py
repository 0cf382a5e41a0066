"""A posable four-legged animal, generated: an implicit surface of capsules, meshed by marching cubes.

No small real mesh with a permissive licence ships in a light package, so the
lesson makes its own. The animal is the zero level set of a smooth union of
*capsules* (a segment thickened by a radius): a body, a neck with a head and
a snout, a tail and four legs. Marching cubes (scikit-image, Lorensen & Cline
1987) turns that implicit surface into a closed triangle mesh.

Every vertex gets

* a **part** label (body, head, tail, front legs, hind legs): the capsule it
  is closest to; left and right legs share a label, because the two sides are
  mirror images (an intrinsic symmetry, see the lesson);
* **skinning weights** over seven bones (body, head, tail, four legs), a
  softmax of the negative distances to each bone's capsules.

A *pose* turns each bone about its joint; **linear-blend skinning** moves each
vertex by the weighted mix of its bones' rigid motions. Every pose deforms the
same template, so vertex ``i`` is the same point of the animal in every pose:
exact correspondence for free. :func:`make_quadruped` with another
``grid_spacing`` (and a turned grid) meshes the same surface again with other
vertices and triangles, to test whether a method depends on the mesh.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import torch
from scipy.sparse.csgraph import dijkstra

from gdl_teach.core.symmetry import rotation_matrix
from gdl_teach.core.validate import check_float, check_int, check_tensor
from gdl_teach.geometry.heat import heat_implicit_euler
from gdl_teach.geometry.laplacian import cotangent_laplacian, mass_matrix
from gdl_teach.geometry.mesh import mesh_edges
from gdl_teach.geometry.neighbors import fps

PART_NAMES = ("body", "head", "tail", "front legs", "hind legs")
BONE_NAMES = ("body", "head", "tail", "front left leg", "front right leg", "hind left leg", "hind right leg")

# capsule: (bone, part, end a, end b, radius); x points forward, y to the animal's left, z up
_CAPSULES = (
    (0, 0, (-0.55, 0.0, 0.0), (0.55, 0.0, 0.05), 0.30),
    (1, 1, (0.62, 0.0, 0.18), (0.98, 0.0, 0.52), 0.14),
    (1, 1, (0.98, 0.0, 0.52), (1.22, 0.0, 0.44), 0.12),
    (2, 2, (-0.75, 0.0, 0.12), (-1.28, 0.0, 0.45), 0.08),
    (3, 3, (0.45, 0.17, -0.05), (0.45, 0.17, -0.85), 0.10),
    (4, 3, (0.45, -0.17, -0.05), (0.45, -0.17, -0.85), 0.10),
    (5, 4, (-0.45, 0.17, -0.05), (-0.45, 0.17, -0.85), 0.10),
    (6, 4, (-0.45, -0.17, -0.05), (-0.45, -0.17, -0.85), 0.10),
)
_JOINTS = ((0.0, 0.0, 0.0), (0.72, 0.0, 0.22), (-0.82, 0.0, 0.18),  # where each bone leaves the body
           (0.45, 0.17, -0.2), (0.45, -0.17, -0.2), (-0.45, 0.17, -0.2), (-0.45, -0.17, -0.2))
_BOX = ((-1.5, -0.5, -1.05), (1.5, 0.5, 0.8))
#: largest random joint angle, degrees, per bone and axis (about x, y, z)
POSE_RANGE = ((0, 0, 0), (0, 25, 30), (0, 35, 40), (8, 20, 0), (8, 20, 0), (8, 20, 0), (8, 20, 0))


@dataclass
class Quadruped:
    """The template animal: a closed mesh in its rest pose, with labels and a skinning rig.

    Attributes:
        pos: (N, 3) rest-pose vertex positions (float32).
        face: (3, F) triangles, counter-clockwise seen from outside.
        part: (N,) part label, an index into :data:`PART_NAMES`.
        weights: (N, 7) skinning weights over :data:`BONE_NAMES` (rows sum to 1).
        joints: (7, 3) the point each bone turns about.
        grid_spacing: the marching-cubes grid step it was meshed with.
    """

    pos: torch.Tensor
    face: torch.Tensor
    part: torch.Tensor
    weights: torch.Tensor
    joints: torch.Tensor
    grid_spacing: float

    @property
    def num_nodes(self) -> int:
        return self.pos.shape[0]

    def pose(self, angles: torch.Tensor) -> torch.Tensor:
        """Vertex positions in the pose ``angles`` ((7, 3) degrees about x, y, z per bone): (N, 3)."""
        return skin(self.pos, self.weights, self.joints, angles)

    def __repr__(self) -> str:
        return (f"Quadruped({self.num_nodes} vertices, {self.face.shape[1]} triangles, "
                f"grid spacing {self.grid_spacing:g})")


def _capsule_distance(p: np.ndarray, a: tuple, b: tuple, radius: float) -> np.ndarray:
    a_, b_ = np.asarray(a), np.asarray(b)
    ab = b_ - a_
    h = np.clip(((p - a_) @ ab) / (ab @ ab), 0.0, 1.0)
    return np.linalg.norm(p - a_ - h[..., None] * ab, axis=-1) - radius


def signed_distances(points: np.ndarray) -> np.ndarray:
    """Signed distance of ``points`` to each of the eight capsules, negative inside.

    Args:
        points: (..., 3) NumPy array of positions.

    Returns:
        (8, ...) distances, one row per capsule.
    """
    return np.stack([_capsule_distance(points, a, b, r) for _, _, a, b, r in _CAPSULES])


def implicit_surface(points: np.ndarray, smoothness: float = 0.04) -> np.ndarray:
    """The animal's implicit function: a smooth minimum (log-sum-exp) of the capsules' signed distances.

    Args:
        points: (..., 3) NumPy array of positions.
        smoothness: width of the blend where two capsules meet (0 would be a sharp union).

    Returns:
        (...) values, negative inside the animal.
    """
    d = signed_distances(points)
    low = d.min(axis=0)
    return low - smoothness * np.log(np.exp(-(d - low) / smoothness).sum(axis=0))


def make_quadruped(grid_spacing: float = 0.05, grid_seed: int | None = None,
                   blend: float = 0.03, smooth_weights: float = 0.01) -> Quadruped:
    """Mesh the animal with marching cubes and rig it.

    Args:
        grid_spacing: step of the sampling grid; smaller means more, smaller triangles.
        grid_seed: ``None`` samples on an axis-aligned grid; an int turns the
            grid by a random rotation drawn from this seed, so the triangles
            share no alignment with another meshing (re-meshing).
        blend: width of the skinning weights' blend between bones (softmax temperature).
        smooth_weights: diffusion time by which the skinning weights are smoothed
            over the surface (one implicit Euler heat step): smoother weights
            stretch the triangles at the joints less. 0 turns it off.

    Returns:
        The :class:`Quadruped` template.
    """
    grid_spacing = check_float("grid_spacing", grid_spacing, min_value=0.015, max_value=0.1)
    blend = check_float("blend", blend, min_value=0.0, strict_min=True)
    smooth_weights = check_float("smooth_weights", smooth_weights, min_value=0.0)
    pos, faces = mesh_implicit(implicit_surface, _BOX, grid_spacing, grid_seed)
    return _rig(pos, faces, grid_spacing, blend, smooth_weights)


def mesh_implicit(fn: Callable[[np.ndarray], np.ndarray], box: tuple[tuple[float, ...], tuple[float, ...]],
                  grid_spacing: float, grid_seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Marching cubes (scikit-image) on the zero level set of ``fn`` sampled on a grid over ``box``.

    The axis-aligned grid is symmetric about each coordinate plane through the
    origin, so a mirror-symmetric surface gets a mirror-symmetric mesh. With
    ``grid_seed`` the grid is turned by a random rotation (a different meshing).

    Args:
        fn: implicit function, negative inside, of points (..., 3).
        box: ``(low corner, high corner)`` that contains the surface.
        grid_spacing: grid step.
        grid_seed: ``None`` for the axis-aligned grid, an int for a turned one.

    Returns:
        ``(pos, faces)``: (N, 3) float64 and (F, 3) int, normals pointing out.
    """
    from skimage.measure import marching_cubes  # scikit-image: only needed to make meshes

    rot = np.eye(3)
    if grid_seed is not None:
        g = torch.Generator().manual_seed(check_int("grid_seed", grid_seed, min_value=0))
        angles = tuple(float(a) for a in torch.rand(3, generator=g) * 360.0)
        rot = rotation_matrix(angles, dtype=torch.float64).numpy()
    lo, hi = np.array(box[0], dtype=float), np.array(box[1], dtype=float)
    if grid_seed is not None:
        half = np.linalg.norm(np.maximum(-lo, hi))
        axes = [np.arange(-half, half + grid_spacing, grid_spacing)] * 3
    else:
        counts = np.ceil(np.maximum(-lo, hi) / grid_spacing).astype(int)
        axes = [np.arange(-k, k + 1) * grid_spacing for k in counts]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1)
    values = fn(grid @ rot.T)
    verts, faces, _, _ = marching_cubes(values, 0.0, spacing=(grid_spacing,) * 3, allow_degenerate=False)
    pos = (verts + np.array([a[0] for a in axes])) @ rot.T
    return pos, _outward(pos, faces)


def marching_sphere(grid_spacing: float = 0.07, radius: float = 1.0) -> tuple[torch.Tensor, torch.Tensor]:
    """A sphere meshed like the animal (marching cubes), for measuring errors against exact answers.

    Args:
        grid_spacing: grid step (the animal's, to get triangles like its triangles).
        radius: sphere radius, centred at the origin.

    Returns:
        ``(pos, face)``: (N, 3) float64 on the sphere of ``radius`` and (3, F).
    """
    grid_spacing = check_float("grid_spacing", grid_spacing, min_value=0.01, max_value=0.5)
    radius = check_float("radius", radius, min_value=0.0, strict_min=True)
    box = ((-radius - 2 * grid_spacing,) * 3, (radius + 2 * grid_spacing,) * 3)
    pos, faces = mesh_implicit(lambda p: np.linalg.norm(p, axis=-1) - radius, box, grid_spacing)
    return torch.from_numpy(pos), torch.from_numpy(np.ascontiguousarray(faces.T)).long()


def _outward(pos: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Orient the triangles so that the enclosed (signed) volume is positive: normals point out."""
    a, b, c = pos[faces[:, 0]], pos[faces[:, 1]], pos[faces[:, 2]]
    volume = np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6
    return faces if volume > 0 else faces[:, ::-1]


def _rig(pos: np.ndarray, faces: np.ndarray, grid_spacing: float, blend: float, smooth: float) -> Quadruped:
    d = signed_distances(pos)  # (8, N)
    part_of_capsule = np.array([p for _, p, *_ in _CAPSULES])
    bone_of_capsule = np.array([b for b, *_ in _CAPSULES])
    part = part_of_capsule[d.argmin(axis=0)]
    bone_d = np.stack([d[bone_of_capsule == b].min(axis=0) for b in range(len(BONE_NAMES))])  # (7, N)
    logits = -(bone_d - bone_d.min(axis=0)) / blend
    weights = torch.from_numpy(np.exp(logits) / np.exp(logits).sum(axis=0)).T  # (N, 7)
    face = torch.tensor(np.ascontiguousarray(faces.T), dtype=torch.long)
    if smooth > 0:
        p64 = torch.from_numpy(pos)
        weights = heat_implicit_euler(cotangent_laplacian(p64, face), mass_matrix(p64, face), weights, smooth)
        weights = weights.clamp_min(0) / weights.clamp_min(0).sum(dim=1, keepdim=True)
    return Quadruped(pos=torch.tensor(pos, dtype=torch.float32), face=face,
                     part=torch.tensor(part, dtype=torch.long), weights=weights.float(),
                     joints=torch.tensor(_JOINTS, dtype=torch.float32), grid_spacing=grid_spacing)


def skin(pos: torch.Tensor, weights: torch.Tensor, joints: torch.Tensor, angles: torch.Tensor) -> torch.Tensor:
    """Linear-blend skinning: each vertex moves by the weighted mix of its bones' rotations about their joints.

    ``pos'_i = sum_b w_ib (R_b (pos_i - j_b) + j_b)``; a vertex owned by one
    bone moves rigidly, a vertex at a joint blends two motions.

    Args:
        pos: (N, 3) rest positions.
        weights: (N, B) skinning weights, rows summing to 1.
        joints: (B, 3) joint positions.
        angles: (B, 3) rotation angles per bone in degrees (about x, then y, then z).

    Returns:
        (N, 3) posed positions.
    """
    check_tensor("pos", pos, shape=(None, 3), floating=True)
    check_tensor("weights", weights, shape=(pos.shape[0], None), floating=True)
    check_tensor("joints", joints, shape=(weights.shape[1], 3), floating=True)
    angles = check_tensor("angles", angles, shape=(weights.shape[1], 3), floating=True, finite=True)
    rots = torch.stack([rotation_matrix(tuple(a.tolist()), dtype=pos.dtype) for a in angles])  # (B, 3, 3)
    local = pos[:, None, :] - joints[None]                                    # (N, B, 3)
    moved = torch.einsum("bij,nbj->nbi", rots, local) + joints[None]          # (N, B, 3)
    return (weights[..., None] * moved).sum(dim=1)


def random_poses(num_poses: int, seed: int = 0, scale: float = 1.0) -> torch.Tensor:
    """Random joint angles, uniform within ``scale * POSE_RANGE`` for each bone and axis.

    Args:
        num_poses: how many poses.
        seed: seed of the draw.
        scale: fraction of the full range (0 gives the rest pose).

    Returns:
        (num_poses, 7, 3) angles in degrees.
    """
    num_poses = check_int("num_poses", num_poses, min_value=1)
    scale = check_float("scale", scale, min_value=0.0, max_value=1.5)
    g = torch.Generator().manual_seed(check_int("seed", seed, min_value=0))
    span = torch.tensor(POSE_RANGE, dtype=torch.float32) * scale
    return (2 * torch.rand(num_poses, *span.shape, generator=g) - 1) * span


def rest_pose() -> torch.Tensor:
    """All joint angles zero: (7, 3)."""
    return torch.zeros(len(BONE_NAMES), 3)


def mirror_vertex(template: Quadruped) -> torch.Tensor:
    """For each vertex, the vertex nearest to its mirror image across the animal's plane of symmetry (y = 0).

    Args:
        template: the rest-pose animal (meshed on the axis-aligned grid, which is itself mirror symmetric).

    Returns:
        (N,) vertex ids.
    """
    mirrored = template.pos * torch.tensor([1.0, -1.0, 1.0])
    return _nearest(mirrored, template.pos)


def _nearest(query: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
    """Index of the nearest of ``points`` for each query, with exact distances.

    ``torch.cdist``'s default matrix-product shortcut rounds distances below
    ~1e-3 to zero, and marching cubes makes vertices closer than that.
    """
    return torch.cdist(query.double(), points.double(), compute_mode="donot_use_mm_for_euclid_dist").argmin(dim=1)


def correspondence_regions(template: Quadruped, num_regions: int = 32) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Cut the template into patches for coarse correspondence, in mirror pairs.

    Centres are spread by farthest-point sampling over the left half (and the
    midline) and mirrored to the right; each vertex belongs to the centre
    nearest along the mesh edges (Dijkstra). A patch's *mirror* is the patch
    of its centre's mirror image.

    Args:
        template: the rest-pose animal.
        num_regions: about how many patches (mirror pairs make it inexact).

    Returns:
        ``(region, centers, mirror)``: (N,) patch of each vertex, (K,) centre
        vertex ids, (K,) the mirror patch of each patch.
    """
    num_regions = check_int("num_regions", num_regions, min_value=2, max_value=template.num_nodes // 4)
    mirror_v = mirror_vertex(template)
    left = torch.nonzero(template.pos[:, 1] >= -1e-6).squeeze(1)
    picks = left[fps(template.pos[left], ratio=(num_regions / 2 + 0.5) / left.numel(), random_start=False)]
    centers = torch.unique(torch.cat([picks, mirror_v[picks]]))
    e = mesh_edges(template.face).numpy()
    p = template.pos.double().numpy()
    graph = _sparse_graph(e, np.linalg.norm(p[e[1]] - p[e[0]], axis=1), template.num_nodes)
    _, _, nearest = dijkstra(graph, directed=False, indices=centers.numpy(), min_only=True, return_predecessors=True)
    lookup = torch.full((template.num_nodes,), -1, dtype=torch.long)
    lookup[centers] = torch.arange(centers.numel())
    region = lookup[torch.from_numpy(nearest).long()]
    return region, centers, region[mirror_v[centers]]


def _sparse_graph(edges: np.ndarray, weights: np.ndarray, num_nodes: int) -> sp.csr_matrix:
    return sp.coo_matrix((weights, (edges[0], edges[1])), shape=(num_nodes, num_nodes)).tocsr()


def transfer_labels(template: Quadruped, other: Quadruped, labels: torch.Tensor) -> torch.Tensor:
    """Carry per-vertex ``labels`` of ``template`` to ``other`` (another meshing) by nearest rest position.

    Args:
        template: the mesh the labels belong to; other: a re-meshed animal.
        labels: (N_template,) labels.

    Returns:
        (N_other,) labels.
    """
    check_tensor("labels", labels, shape=(template.num_nodes,))
    return labels[_nearest(other.pos, template.pos)]


def paw_vertex(template: Quadruped, bone: int = 3) -> int:
    """The lowest vertex of a leg in the rest pose: a landmark found the same way on any meshing.

    Args:
        template: the rest-pose animal.
        bone: 3 front left, 4 front right, 5 hind left, 6 hind right leg (:data:`BONE_NAMES`).

    Returns:
        The vertex id.
    """
    bone = check_int("bone", bone, min_value=3, max_value=6)
    on_leg = template.weights[:, bone] > 0.5
    ids = torch.nonzero(on_leg).squeeze(1)
    return int(ids[template.pos[ids, 2].argmin()])


def landmarks(animal: Quadruped) -> dict[str, int]:
    """Named vertices found the same way on any meshing: the four paws, nose, tail tip, back and belly.

    Args:
        animal: the rest-pose animal.

    Returns:
        name -> vertex id.
    """
    if not isinstance(animal, Quadruped):
        raise TypeError(f"animal must be a Quadruped, got {type(animal).__name__}")
    pos = animal.pos
    middle = (pos[:, 0].abs() < 0.15) & (pos[:, 1].abs() < 0.1)  # the strip across the middle of the body
    ids = torch.nonzero(middle).squeeze(1)
    return {"front left paw": paw_vertex(animal, 3), "front right paw": paw_vertex(animal, 4),
            "hind left paw": paw_vertex(animal, 5), "hind right paw": paw_vertex(animal, 6),
            "nose": int(pos[:, 0].argmax()), "tail tip": int(pos[:, 0].argmin()),
            "back": int(ids[pos[ids, 2].argmax()]), "belly": int(ids[pos[ids, 2].argmin()])}
