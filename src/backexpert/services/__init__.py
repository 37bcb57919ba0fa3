"""The use-cases: what a physiotherapist, a client or an integrating system asks BackExpert to do.

Assess an intake (and save it with a client), render its documents, log a session (from a file
or from fields typed in), follow a client's progress, export and import a client's record, and
check the rule base. The command line and the web app are thin shells over these functions:
they parse what the user typed, call one of them, and show the result. The store is imported
only by the use-cases that need it, so an assessment starts fast.

Each use-case lives in the module of its concept (`intakes`, `adjustments`, `reports`,
`assessments`, `storage`, `clients`, `sessions`, `rules`, `explain`, `impact`); every public
name is offered here too, so a shell calls `services.assess_and_save` without knowing where it
lives.
"""

from __future__ import annotations

from .adjustments import (
    MAX_ADJUSTMENTS_BYTES,
    Adjusted,
    adjust,
    load_adjustments,
    swap_choices,
    try_adjustments,
)
from .assessments import Assessed, assess_and_save, stored_prescription
from .clients import MAX_RECORD_BYTES, add_client, check_record_dates, import_record, read_record
from .explain import (
    compare,
    compare_assessments,
    what_if,
    what_if_options,
    why_not,
    why_not_everything,
)
from .impact import ImpactProgress, reference_rules, rules_at_ref, rules_impact
from .intakes import check_intake, intake_problems, load_intake
from .reports import Documents, render, render_documents, write_documents
from .rules import SCHEMAS, RulesCheck, SchemaName, catalogue, check_rules, rule_coverage, schema
from .sessions import (
    SESSION_DAYS_AHEAD,
    check_session,
    check_session_dates,
    load_session,
    log_session,
    progress_for_client,
    session_from_fields,
    session_key,
)
from .storage import keep_unsaved, keep_unsaved_intake, open_store

__all__ = [
    "MAX_ADJUSTMENTS_BYTES",
    "MAX_RECORD_BYTES",
    "SCHEMAS",
    "SESSION_DAYS_AHEAD",
    "Adjusted",
    "Assessed",
    "Documents",
    "ImpactProgress",
    "RulesCheck",
    "SchemaName",
    "add_client",
    "adjust",
    "assess_and_save",
    "catalogue",
    "check_intake",
    "check_record_dates",
    "check_rules",
    "check_session",
    "check_session_dates",
    "compare",
    "compare_assessments",
    "import_record",
    "intake_problems",
    "keep_unsaved",
    "keep_unsaved_intake",
    "load_adjustments",
    "load_intake",
    "load_session",
    "log_session",
    "open_store",
    "progress_for_client",
    "read_record",
    "reference_rules",
    "render",
    "render_documents",
    "rule_coverage",
    "rules_at_ref",
    "rules_impact",
    "schema",
    "session_from_fields",
    "session_key",
    "stored_prescription",
    "swap_choices",
    "try_adjustments",
    "what_if",
    "what_if_options",
    "why_not",
    "why_not_everything",
    "write_documents",
]
