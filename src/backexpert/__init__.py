"""BackExpert: an explained back-training prescription from a physiotherapist's intake.

The public API: read an intake, assess it, and read the explained prescription.

    from backexpert import Intake, assess, to_json
    prescription = assess(Intake.model_validate(data))
    print(to_json(prescription))

Names load when first used, so importing the package (or starting the command line) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .assessment import RuleBase, assess, rule_base, to_json
    from .assessment.prescription import Prescription
    from .clinical.intake import Intake
    from .errors import (
        BackExpertError,
        DocumentError,
        EngineError,
        InputError,
        IntakeError,
        ReportError,
        RuleSetError,
        SafetyError,
        StoreError,
    )
    from .progression.report import ProgressReport
    from .shipped import VERSION

_WHERE = {
    "assess": ".assessment",
    "rule_base": ".assessment",
    "RuleBase": ".assessment",
    "to_json": ".assessment",
    "Prescription": ".assessment.prescription",
    "Intake": ".clinical.intake",
    "ProgressReport": ".progression.report",
    "VERSION": ".shipped",
    "BackExpertError": ".errors",
    "DocumentError": ".errors",
    "EngineError": ".errors",
    "InputError": ".errors",
    "IntakeError": ".errors",
    "ReportError": ".errors",
    "RuleSetError": ".errors",
    "SafetyError": ".errors",
    "StoreError": ".errors",
}

__all__ = [
    "VERSION",
    "BackExpertError",
    "DocumentError",
    "EngineError",
    "InputError",
    "Intake",
    "IntakeError",
    "Prescription",
    "ProgressReport",
    "ReportError",
    "RuleBase",
    "RuleSetError",
    "SafetyError",
    "StoreError",
    "assess",
    "rule_base",
    "to_json",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is used."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'backexpert' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
