"""Exercise checks: ``check_*`` functions that pass on a right answer and explain a wrong one.

Each lesson has its own module here (``setup``, ``euclid``, ...). A check runs
the learner's answer on inputs it chooses, compares with the package's
reference solution, prints a short success line, or raises ``AssertionError``
with a hint that says what was expected and what came back.
"""
from gdl_teach.exercises.core import ExerciseFailed, check_close, expect, passed

__all__ = ["ExerciseFailed", "check_close", "expect", "passed"]
