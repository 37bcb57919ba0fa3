"""Starting loads as the monitor judges them: %1RM by Epley, and the 1RM an intake implies."""

from __future__ import annotations

from ..clinical.intake import Intake

# Starting loads: the highest ratio of one-rep maxima the monitor accepts between an exercise and
# a relative whose load the client gave. Kept apart from the catalogue's `load_from` on purpose,
# as the classification is: a catalogue edit alone cannot make a heavier first load pass.
LOAD_RELATIVES: dict[str, dict[str, float]] = {
    "trap_bar_deadlift": {"deadlift": 1.0},
    "deadlift": {"trap_bar_deadlift": 0.9},
    "paused_deadlift": {"deadlift": 0.85},
    "tempo_deadlift": {"deadlift": 0.8},
    "chest_supported_row": {"one_arm_dumbbell_row": 0.85, "barbell_row": 0.35},
    "one_arm_dumbbell_row": {"chest_supported_row": 1.0, "barbell_row": 0.4},
    "one_arm_cable_row": {"seated_cable_row": 0.45},
}
LOAD_ROUNDING_KG = 1.25  # a load may be rounded to the nearest 2.5 kg step, not beyond


def heaviest_percent_1rm(reps: str, effort: int) -> float:
    """The %1RM of the heaviest set a dose allows: its fewest reps, with 10 - RPE in reserve."""
    fewest = int(reps.replace("–", "-").split("-")[0])
    return epley_percent(fewest + 10 - effort)


def epley_percent(rm: int) -> float:
    """%1RM that can be lifted `rm` times: 100 / (1 + RM/30), 100 at 1 RM (reference 2, s12)."""
    return 100.0 if rm <= 1 else 100.0 / (1 + rm / 30)


def one_rep_maxes(i: Intake) -> dict[str, float]:
    """The lowest 1RM each exercise's own current loads imply, else its relatives' lowest.

    Reps plus reps in reserve (10 - RPE) are the set's RM; a set without an RPE counts as a true
    RM, which gives the lightest estimate.
    """
    own: dict[str, float] = {}
    for c in i.training.current_loads:
        rir = 0 if c.rpe is None else 10 - c.rpe
        est = c.load_kg * 100 / epley_percent(c.reps + rir)
        own[c.exercise] = min(est, own.get(c.exercise, est))
    if not own:
        return own  # no load of its own, none of a relative's either
    out = dict(own)
    for exercise, relatives in LOAD_RELATIVES.items():
        found = [own[r] * ratio for r, ratio in relatives.items() if r in own]
        if exercise not in own and found:
            out[exercise] = min(found)
    return out
