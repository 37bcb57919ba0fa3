"""`backexpert serve`, `users add`, `links create|revoke`, `keys add|revoke`: the web app."""

from __future__ import annotations

import sys

import click

from ..errors import InputError, Problem
from . import options


def _password() -> str:
    """Asked twice on a terminal; otherwise the first line of standard input (a second line, if
    given, must repeat it)."""
    if sys.stdin.isatty():
        text: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        return text
    lines = sys.stdin.read().splitlines()
    if not lines:
        raise InputError("users add", [Problem("password", "give the password on standard input")])
    if len(lines) > 1 and lines[1] != lines[0]:
        raise InputError("users add", [Problem("password", "the two passwords differ")])
    return lines[0]


@click.group()
def users() -> None:
    """Clinicians who sign in to the web app."""


@users.command("add")
@click.option("--clinic", required=True, help="The clinic (created when new).")
@click.option("--email", required=True, help="The e-mail the clinician signs in with.")
@click.option("--name", help="The name shown in the app (default: the e-mail).")
@options.DATABASE
def users_add(clinic: str, email: str, name: str | None, database: str | None) -> None:
    """Add a clinician; asks for the password twice."""
    from .. import clinic_services
    from ..web.security import Passwords
    from ..web.settings import Settings

    password = _password()
    email = email.strip().lower()
    problems = clinic_services.check_new_account(clinic, email, password, password)
    if problems:
        raise InputError("users add", problems)
    hashed = Passwords(Settings.from_env()).hash(password)
    with clinic_services.open_web_store(database) as db:
        user_id = db.add_user(clinic.strip(), email, (name or email).strip(), hashed)
        db.audit(db.clinic_id(clinic.strip()), "command line", "created", f"user {user_id}")
    click.echo(user_id)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@options.DATABASE
def serve(host: str, port: int, workers: int, database: str | None) -> None:
    """Run the web app (http://HOST:PORT) under uvicorn; see docs/web.md for HTTPS and workers."""
    import os

    import uvicorn

    from .. import clinic_services

    if database:
        os.environ["BACKEXPERT_DATABASE_URL"] = database
    with clinic_services.open_web_store(database):
        pass  # create or migrate the tables once, before the workers start
    click.echo(f"BackExpert web app on http://{host}:{port} ({workers} worker(s))", err=True)
    uvicorn.run(
        "backexpert.web:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=False,  # X-Forwarded-* are read by the app from trusted proxies only
        server_header=False,
        log_level="info",
    )


@click.group()
def links() -> None:
    """Private links that show a client their plan and let them report sessions."""


@links.command("create")
@click.argument("client_id", metavar="CLIENT", type=int)
@click.option("--clinic", help="Give a client stored without a clinic to this clinic first.")
@click.option("--days", type=click.IntRange(1, 365), help="Lifetime (default: 90 days).")
@click.option("--base-url", default="http://127.0.0.1:8000", show_default=True)
@options.DATABASE
def links_create(
    client_id: int, clinic: str | None, days: int | None, base_url: str, database: str | None
) -> None:
    """Create a link for a client and print it (only a hash of it is stored)."""
    from .. import clinic_services
    from ..web.settings import Settings

    with clinic_services.open_web_store(database) as db:
        db.client(client_id)  # an unknown client is refused
        if clinic is not None:
            clinic_id = db.clinic_id(clinic)
            if clinic_id is None:
                raise InputError("links create", [Problem("--clinic", f"no clinic {clinic!r}")])
            db.adopt_client(client_id, clinic_id)
        owner = db.clinic_of(client_id)
        if owner is None:
            raise InputError(
                "links create",
                [Problem("--clinic", f"client {client_id} has no clinic: give --clinic")],
            )
        token, link_id = clinic_services.create_link(
            db, client_id, "command line", days or Settings.from_env().link_days
        )
        db.audit(owner, "command line", "created", f"client link {link_id}", client_id)
    click.echo(f"link {link_id}: {base_url.rstrip('/')}/c/{token}")


@links.command("revoke")
@click.argument("link_id", type=int)
@options.DATABASE
def links_revoke(link_id: int, database: str | None) -> None:
    """Revoke a client link at once."""
    from .. import clinic_services

    with clinic_services.open_web_store(database) as db:
        link = db.link(link_id)
        if link is None:
            raise InputError("links revoke", [Problem("link", f"no link {link_id}")])
        db.revoke_link(link_id)
        db.audit(
            link.clinic_id, "command line", "revoked", f"client link {link_id}", link.client_id
        )
    click.echo(f"revoked link {link_id}")


@click.group()
def keys() -> None:
    """API keys of clinics that integrate (the JSON API under /api/)."""


@keys.command("add")
@click.option("--clinic", required=True)
@click.option("--name", required=True, help="What the key is for, e.g. the system using it.")
@options.DATABASE
def keys_add(clinic: str, name: str, database: str | None) -> None:
    """Create an API key and print it once (only its hash is stored)."""
    from .. import clinic_services

    with clinic_services.open_web_store(database) as db:
        click.echo(clinic_services.create_api_key(db, clinic, name))


@keys.command("revoke")
@click.argument("prefix")
@options.DATABASE
def keys_revoke(prefix: str, database: str | None) -> None:
    """Revoke the API key whose public part (bxk_PREFIX_…) is PREFIX."""
    from .. import clinic_services

    prefix = prefix.split("_")[1] if prefix.startswith("bxk_") else prefix
    with clinic_services.open_web_store(database) as db:
        if not db.revoke_api_key(prefix):
            raise InputError("keys revoke", [Problem("key", f"no active key {prefix}")])
    click.echo(f"revoked key {prefix}")


COMMANDS = [users, serve, links, keys]
