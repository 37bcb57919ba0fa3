"""The web app's use-cases: clinicians and their sign-in, client links, API keys, the client's
own session reports and their safety net, adherence, the log, export, erasure and the audit.

Like `services`, a thin layer the shells call (the web app and `backexpert users|links|keys`);
the store does each write in one transaction.

Each use-case lives in the module of its concept (`clinicians`, `access`, `safety_net`,
`reports`, `follow_up`, `erasure`); every public name is offered here too, with the store and
the types of the store the shells are given, so a shell calls `clinic_services.sign_in` without
knowing where it lives.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..store import SessionRecord
from ..store.accounts import User, WebSession, WebStore
from ..store.clinic_clients import StaleError
from ..store.drafts import Draft
from ..store.portal import ClientLink, ClientReport
from .access import api_clinic, create_api_key, create_link, open_link
from .clinicians import EMAIL, MIN_PASSWORD, SignIn, check_new_account, sign_in
from .erasure import erase_client
from .follow_up import LogRow, Week, adherence, client_log, unreported
from .reports import Reported, ReportForm, check_report, program_items, report_session
from .safety_net import PAIN_UP, SAFETY_NET, note_warnings

__all__ = [
    "EMAIL",
    "MIN_PASSWORD",
    "PAIN_UP",
    "SAFETY_NET",
    "ClientLink",
    "ClientReport",
    "Draft",
    "LogRow",
    "ReportForm",
    "Reported",
    "SessionRecord",
    "SignIn",
    "StaleError",
    "User",
    "WebSession",
    "WebStore",
    "Week",
    "adherence",
    "api_clinic",
    "check_new_account",
    "check_report",
    "client_log",
    "create_api_key",
    "create_link",
    "erase_client",
    "note_warnings",
    "open_link",
    "open_web_store",
    "program_items",
    "report_session",
    "sign_in",
    "unreported",
]


@contextmanager
def open_web_store(database: str | None = None) -> Iterator[WebStore]:
    """The web app's store (the database named by the argument or the environment), closed
    afterwards; opening it creates or migrates the tables."""
    db = WebStore.open(database)
    try:
        yield db
    finally:
        db.close()
