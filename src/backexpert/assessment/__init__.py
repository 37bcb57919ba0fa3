"""The assessment pipeline: an intake in, an explained and checked prescription out."""

from __future__ import annotations

from .pipeline import RuleBase, assess, rule_base, to_json
from .prescription import Prescription

__all__ = ["Prescription", "RuleBase", "assess", "rule_base", "to_json"]
