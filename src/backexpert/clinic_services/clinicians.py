"""Clinicians' accounts: the details of a new account checked, and signing in with throttling."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import Problem
from ..store.accounts import User, WebStore

if TYPE_CHECKING:
    from ..web.security import Passwords

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
MIN_PASSWORD = 12


def check_new_account(clinic: str, email: str, password: str, again: str) -> list[Problem]:
    """What is wrong with a new account's details (ASVS: passwords of at least 12 characters)."""
    problems = []
    if not clinic.strip():
        problems.append(Problem("clinic", "give the clinic's name"))
    if not EMAIL.match(email):
        problems.append(Problem("email", f"not an e-mail address: {email!r}"))
    if len(password) < MIN_PASSWORD:
        problems.append(Problem("password", f"use at least {MIN_PASSWORD} characters"))
    if len(password) > 1024:
        problems.append(Problem("password", "use at most 1024 characters"))
    if password != again:
        problems.append(Problem("password", "the two passwords differ"))
    return problems


@dataclass(frozen=True)
class SignIn:
    user: User | None
    refused: str | None


def sign_in(
    db: WebStore,
    email: str,
    password: str,
    address: str,
    *,
    verify: Passwords,
    lockout_failures: int,
    lockout_minutes: int,
    address_failures: int,
    at: dt.datetime | None = None,
) -> SignIn:
    """Check a password with throttling: an account locks after `lockout_failures` failures in
    `lockout_minutes`; an address is refused after `address_failures` failures in that window.
    The message never says whether the account exists."""
    at = at or dt.datetime.now(dt.UTC)
    email = email.strip().lower()
    window = at - dt.timedelta(minutes=lockout_minutes)
    if db.login_failures(window, address=address) >= address_failures:
        return SignIn(None, "Too many failed sign-ins from your network. Try again later.")
    user = db.user_by_email(email)
    locked = user is not None and user.locked_until is not None and user.locked_until > at
    ok = verify.verify(user.password_hash if user else None, password)
    if locked:
        return SignIn(
            None,
            "This account is locked after too many failed sign-ins. "
            f"Try again in {lockout_minutes} minutes.",
        )
    if not ok or user is None:
        db.record_login_failure(address, email, at)
        if user is not None and db.login_failures(window, email=email) >= lockout_failures:
            db.lock_user(user.id, at + dt.timedelta(minutes=lockout_minutes))
            db.audit(user.clinic_id, email, "locked", f"user {user.id}")
        return SignIn(None, "The e-mail or password is wrong.")
    db.clear_login_failures(email)
    if user.locked_until is not None:
        db.lock_user(user.id, None)
    if verify.needs_rehash(user.password_hash):
        db.set_password_hash(user.id, verify.hash(password))
    return SignIn(user, None)
