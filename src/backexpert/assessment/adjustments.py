"""Applying a clinician's edits to a generated prescription, and checking the result.

Edits apply in order, each done to the program by `editing` (which also refuses an edit that is
bad input).

Every edit is checked by the safety monitor on the program as it stands after it: a breach that
appears with an edit is that edit's. It is refused (`EditRefusedError`, exit 3) unless the edit
carries an override, and always when the invariant is one no override lifts
(`safety.overrides.BINDING`). Accepted overrides are recorded in `Prescription.adjustments`.
"""

from __future__ import annotations

import re

from ..clinical.catalogue import Catalogue
from ..clinical.intake import Intake
from ..errors import EditRefusedError
from . import editing
from .edits import Adjustments, ChangeDose, Remove, Swap, describe
from .prescription import AppliedAdjustments, AppliedEdit, OverrideOut, Prescription

# Where a breach is, as the monitor words it (`tue: deadlift has 5 sets > 4`, or a list of them).
_WHERE = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun|daily): ")


def apply(
    generated: Prescription,
    adjustments: Adjustments,
    intake: Intake,
    catalogue: Catalogue,
    source: str = "adjustments",
) -> Prescription:
    """The generated prescription with the clinician's edits applied and checked."""
    from ..safety import monitor
    from ..safety.overrides import ADVISORY, overridable

    def check(p: Prescription) -> list[tuple[str, str]]:
        found = [v for v in monitor.violations(p, intake) if v.invariant not in ADVISORY]
        return list(dict.fromkeys((v.invariant, v.message) for v in found))

    if generated.status == "referral":
        raise EditRefusedError(
            [
                "status referral: there is no program to adjust; no override changes a "
                "red-flag referral ([referral.no_program])"
            ]
        )
    applied = AppliedAdjustments(clinician=adjustments.clinician, edits=[])
    p = generated.model_copy(update={"adjustments": applied})
    before = {_key(*v) for v in check(p)}
    overrides: list[OverrideOut] = []
    refused: list[str] = []
    for n, edit in enumerate(adjustments.edits):
        at = f"edits[{n}]"
        summary = describe(edit)
        if isinstance(edit, Remove):
            p = editing.remove(p, edit, at, source)
        elif isinstance(edit, Swap):
            # A full program starts a swapped-in lift from the client's current loads too.
            known = intake.training.current_loads if p.status == "program" else []
            p = editing.swap(p, edit, catalogue, set(intake.training.equipment), at, source, known)
        elif isinstance(edit, ChangeDose):
            p = editing.change_dose(p, edit, at, source)
        else:
            p = editing.move(p, edit, at, source)
        applied = applied.model_copy(
            update={"edits": [*applied.edits, AppliedEdit(edit=edit, summary=summary)]}
        )
        p = editing.settled(
            p.model_copy(update={"adjustments": applied}), intake.training.available_days
        )
        now = check(p)
        for invariant, message in now:
            if _key(invariant, message) in before:
                continue
            what = f"{at} ({summary}): [{invariant}] {message}"
            if not overridable(invariant):
                refused.append(f"{what}; no override can change this")
            elif edit.override is None:
                refused.append(f"{what}; accepted only with an override (reason, clinician)")
            else:
                overrides.append(
                    OverrideOut(
                        edit=n,
                        summary=summary,
                        invariant=invariant,
                        violation=message,
                        reason=edit.override.reason,
                        clinician=edit.override.clinician,
                    )
                )
        before = {_key(*v) for v in now}
    if refused:
        raise EditRefusedError(refused)
    # What remains after the last edit, each breach with the override that accepted it (worded
    # as the monitor words it now: a moved session names its new day).
    by_key = {_key(o.invariant, o.violation): o for o in overrides}
    kept: list[OverrideOut] = []
    uncovered: list[str] = []
    for invariant, message in check(p):
        found = by_key.get(_key(invariant, message))
        if found is None:
            uncovered.append(f"[{invariant}] {message}")
        else:
            kept.append(found.model_copy(update={"violation": message}))
    if uncovered:  # the generated program itself was unsafe: never passed on
        raise EditRefusedError(uncovered)
    applied = applied.model_copy(update={"overrides": kept})
    return p.model_copy(update={"adjustments": applied})


def _key(invariant: str, message: str) -> str:
    """A breach as the same whatever day it is on (a moved session keeps its overrides).

    [choice] So an override also covers the same breach (same exercise, invariant and figures)
    on another day; a breach with other figures, or of another exercise, needs its own.
    """
    return f"{invariant} {_WHERE.sub('', message)}"
