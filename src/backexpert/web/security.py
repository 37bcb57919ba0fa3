"""Secrets and the browser's protections: tokens, password hashes, CSRF, headers, request ids.

- Tokens (session cookies, client links, API keys) are 256-bit random values from `secrets`;
  the store keeps only their SHA-256 (a random token needs no slow hash).
- Passwords are Argon2id hashes (argon2-cffi), re-hashed when the cost settings change.
- CSRF: a synchronizer token kept in the server-side session, sent back in every form as
  `csrf_token` (or by htmx as the `X-CSRF-Token` header) and compared in constant time.
- Every response carries a Content-Security-Policy without inline scripts, frame-ancestors
  'none', nosniff and a Referrer-Policy; every request gets an id, logged with any error and
  shown to the user on an error page.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("backexpert.web")

SESSION_COOKIE = "backexpert_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
API_KEY_PREFIX = "bxk"
_DIGITS = re.compile(r"[0-9]{1,18}")  # a Content-Length int() takes ("²".isdigit() is true)
MAX_BODY = 2 * 1024 * 1024  # an intake is a few kB; a body over 2 MiB is refused (413), unread

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(
        a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass")
    )


def new_api_key() -> tuple[str, str]:
    """A new API key and its public prefix: `bxk_<prefix>_<secret>`."""
    prefix = secrets.token_hex(4)
    return f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}", prefix


class Passwords:
    """Argon2id hashing with the costs from the settings."""

    def __init__(self, settings: Settings) -> None:
        self.hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
        )
        self._dummy = self.hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether the password matches; an unknown user costs the same time as a known one."""
        try:
            return self.hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self.hasher.check_needs_rehash(stored)


def _header(scope: Scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", []):
        if k == name:
            return str(v.decode("latin-1"))
    return None


class _TooLargeError(Exception):
    """A request body went over MAX_BODY while the app read it (answered 413 at once)."""


class Edge:
    """The outermost middleware: trusted proxies, a request id, and the security headers."""

    def __init__(
        self,
        app: ASGIApp,
        settings: Settings,
        on_error: Callable[[Scope, str, int], tuple[int, str, bytes]] | None = None,
    ) -> None:
        self.app = app
        self.settings = settings
        self.on_error = on_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        if client and client[0] in self.settings.trusted_proxies:
            proto = _header(scope, b"x-forwarded-proto")
            if proto in ("http", "https"):
                scope["scheme"] = proto
            forwarded = _header(scope, b"x-forwarded-for")
            if forwarded:
                scope["client"] = (forwarded.split(",")[-1].strip(), 0)
        request_id = secrets.token_hex(6)
        scope.setdefault("state", {})["request_id"] = request_id
        https = scope.get("scheme") == "https"
        private = scope.get("path", "").startswith("/c/")

        started = False
        refused = False  # answered 413: whatever the app still sends is dropped
        received = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer" if private else b"same-origin"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                    (b"x-request-id", request_id.encode()),
                ]
                if b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                if https:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers + [h for h in extra if h[0] not in names]
            await send(message)

        async def answer(status: int) -> None:
            if self.on_error is None:
                media, body = "text/plain; charset=utf-8", b"request too large"
            else:
                status, media, body = self.on_error(scope, request_id, status)
            await send_with_headers(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [
                        (b"content-type", media.encode()),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send_with_headers({"type": "http.response.body", "body": body})

        async def refuse() -> None:
            nonlocal refused
            if not started:
                await answer(413)
            refused = True

        async def counted() -> Message:
            # The header may be absent (chunked) or lie: count the bytes actually received,
            # and stop before the app holds more than MAX_BODY of them.
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BODY:
                    await refuse()
                    raise _TooLargeError
            return message

        length = _header(scope, b"content-length")
        if length is not None and (not _DIGITS.fullmatch(length) or int(length) > MAX_BODY):
            await refuse()  # refused before reading a byte of it
            return
        try:
            await self.app(scope, counted, send_with_headers)
        except Exception:
            if refused:
                return  # the app stopped reading a body over the limit: answered 413 already
            # No stack trace reaches the user: it is logged with the request id, which the
            # error page shows.
            log.exception("request %s %s failed", request_id, scope.get("path"))
            if started or self.on_error is None:
                raise
            await answer(500)
