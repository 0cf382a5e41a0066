"""The lessons of the kit: notebook, subpackage and title, in teaching order.

The one table that ties a notebook to its subpackage; the layout tests, the
doctor and the lesson benchmark read it. A new lesson adds a row here.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    """One lesson: ``notebooks/<notebook>.ipynb`` and its subpackage ``gdl_teach.<package>``."""

    number: str
    notebook: str
    package: str
    title: str


LESSONS: tuple[Lesson, ...] = (
    Lesson("00", "00_setup", "setup", "Set-up: how this kit works"),
    Lesson("01", "01_euclidean_vs_non_euclidean", "euclid", "Euclidean vs non-Euclidean data"),
    Lesson("02", "02_message_passing", "message_passing", "Message passing"),
    Lesson("03", "03_pose", "pose", "3D human pose: a skeleton as a graph"),
    Lesson("04", "04_epidemics", "epidemics", "Epidemics on contact networks"),
    Lesson("05", "05_driving_scenes", "driving", "Segmenting driving scenes from LiDAR"),
    Lesson("06", "06_molecules", "molecules", "Molecules"),
    Lesson("07", "07_meshes", "meshes", "Surfaces as meshes, and the spectral view of graphs"),
    Lesson("08", "08_equivariance", "equivariance", "Symmetry built in: group convolutions and E(n)-equivariant networks"),
)

#: The shared layers a lesson may import, and what each of them may import.
SHARED_LAYERS: dict[str, frozenset[str]] = {
    "core": frozenset({"core"}),
    "data": frozenset({"core", "data"}),
    "geometry": frozenset({"core", "geometry"}),
    "nn": frozenset({"core", "geometry", "nn"}),
    "viz": frozenset({"core", "data", "geometry", "viz"}),
    "exercises": frozenset({"core", "exercises"}),
}


def lesson_for_notebook(stem: str) -> Lesson:
    """The lesson of ``notebooks/<stem>.ipynb``; a ``KeyError`` naming the table when it is not registered."""
    for lesson in LESSONS:
        if lesson.notebook == stem:
            return lesson
    raise KeyError(f"notebook {stem!r} is not in gdl_teach.tools.lessons.LESSONS; add a row for it")
