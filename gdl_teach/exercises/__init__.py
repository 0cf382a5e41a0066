"""The check mechanism behind every exercise (lesson-specific checks live in each lesson's ``checks.py``).

A check runs the learner's answer on inputs it chooses (through
:func:`call_answer`, which hands over copies and rejects in-place changes),
compares with the reference solution, prints a short success line, or raises
:class:`ExerciseFailed` (an ``AssertionError``) with a hint that says what was
expected and what came back. :func:`exercise` registers a check with its
reference solution so the kit's tests can probe every check.
"""
from gdl_teach.exercises.core import REGISTRY, ExerciseFailed, call_answer, check_close, exercise, expect, passed

__all__ = ["REGISTRY", "ExerciseFailed", "call_answer", "check_close", "exercise", "expect", "passed"]
