"""Shared test setup: hypothesis profiles (2,000 examples per property; `make soak` 100,000)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "print_blob": True,
}
settings.register_profile("default", max_examples=2_000, **_COMMON)
settings.register_profile("quick", max_examples=200, **_COMMON)
settings.register_profile("soak", max_examples=100_000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
