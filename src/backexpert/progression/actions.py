"""The progression's actions: what a progression rule may conclude for the exercise it reviews.

`recommend` says what the next session does with it (progress load, reps or complexity; hold;
deload; regress; review), and `flag` raises a flag for the clinician. Progression is by load,
reps or complexity, never by adding sets (seed): a recommendation may only remove sets.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictBool, StrictInt, model_validator

from ..clinical.words import Indicator
from ..model import Prose, Sparse
from .vocabulary import ProgressAction, ProgressFlagCode

_INCREASE = {ProgressAction.increase_load, ProgressAction.increase_reps}


class Recommend(Sparse):
    """What the next session does with the exercise under evaluation.

    Load steps are a percentage range of the last working load (rounded to the client's available
    increments) or a number of increments; `sets_step` may only remove sets. `fallback`
    recommendations stand only when no other rule recommends anything.
    """

    kind: Literal["recommend"] = "recommend"
    action: ProgressAction
    load_step_pct_min: float | None = Field(default=None, ge=-50, le=20)
    load_step_pct_max: float | None = Field(default=None, ge=-50, le=20)
    load_steps: StrictInt | None = Field(default=None, ge=-3, le=3)
    reps_step: StrictInt | None = Field(default=None, ge=-5, le=5)
    sets_step: StrictInt | None = Field(default=None, ge=-3, le=0)
    fallback: StrictBool = False

    @model_validator(mode="after")
    def _coherent(self) -> Recommend:
        lo, hi = self.load_step_pct_min, self.load_step_pct_max
        if (lo is None) != (hi is None):
            raise ValueError("give both load_step_pct_min and load_step_pct_max, or neither")
        if lo is not None and hi is not None:
            if lo > hi:
                raise ValueError(f"load_step_pct_min {lo} is above load_step_pct_max {hi}")
            if lo * hi < 0 or lo == 0:
                raise ValueError("a load step range is all increase or all decrease, never 0")
            if self.load_steps is not None:
                raise ValueError("give load_step_pct_min/max or load_steps, not both")
        steps = [x for x in (lo, self.load_steps, self.reps_step) if x is not None]
        if self.action in _INCREASE and not any(x > 0 for x in steps):
            raise ValueError(f"{self.action.value} needs a positive load or reps step")
        if self.action not in _INCREASE and any(x > 0 for x in steps):
            raise ValueError(f"{self.action.value} may not increase load or reps")
        return self


class Flag(Sparse):
    """Raise a flag for the clinician about the reviewed exercise or recovery gap."""

    kind: Literal["flag"] = "flag"
    code: ProgressFlagCode
    indicator: Indicator = Indicator.info
    message: Prose
