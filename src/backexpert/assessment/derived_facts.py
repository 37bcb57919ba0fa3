"""The facts the assessment rules derive: risks, phases and levels concluded from intake facts."""

from __future__ import annotations

from ..clinical.words import LoadLevel
from ..knowledge.vocabulary import FactSpec, derived_fact


def derived_facts() -> list[FactSpec]:
    return [
        derived_fact("lifestyle.desk_bound", "spends most of the day seated at a desk"),
        derived_fact(
            "posture.upper_crossed",
            "rounded shoulders, forward head or scapular dyskinesis: upper-back control deficit",
        ),
        derived_fact(
            "risk.lumbar_load",
            "how much spinal loading the lumbar spine tolerates now",
            ("elevated", "high"),
        ),
        derived_fact(
            "lumbar.motor_control_deficit",
            "signs of poor lumbar motor control (aberrant movement, positive prone instability)",
        ),
        derived_fact(
            "shoulder.cuff_repair_phase",
            "rehabilitation phase after rotator-cuff repair (ASSET)",
            ("passive", "active", "strengthening", "return", "late"),
        ),
        derived_fact(
            "arm.protected",
            "the arm that must not bear weight, grip or pull yet (after a cuff repair)",
            ("left", "right", "both"),
        ),
        derived_fact(
            "load.level",
            "how much the spine may be loaded now (the most restrictive level derived wins)",
            tuple(level.value for level in LoadLevel),
        ),
        derived_fact("radicular.signs", "leg pain of nerve-root origin is suspected or known"),
        derived_fact("radicular.early", "radicular pain in its first 12 weeks (or of unknown age)"),
        derived_fact("pars.suspected", "a possible pars stress injury: assess before extension"),
        derived_fact("bone.fragile", "osteoporosis, a known fracture or long-term steroids"),
        derived_fact(
            "balance.falls_risk", "a fall in the past year, a balance impairment or frailty"
        ),
        derived_fact("client.youth", "under 18: supervised, technique before load"),
        derived_fact("client.older_adult", "65 or older (NSCA older adults)"),
        derived_fact("pain.severe", "pain 7 or more now or in the last 24 h"),
    ]
