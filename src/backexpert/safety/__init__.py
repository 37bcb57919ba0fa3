"""The safety monitor: an independent second opinion on every program and recommendation."""

from __future__ import annotations

from .classification import EXERCISES, disagreements
from .monitor import Violation, check, violations

__all__ = ["EXERCISES", "Violation", "check", "disagreements", "violations"]
