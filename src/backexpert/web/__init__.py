"""The web app: physiotherapists' pages, the client's private link, and the JSON API for clinics.

A thin shell over the services (`services`, `clinic_services`): routes parse what was typed,
call one use-case and render a view with the one Jinja2 environment of `present/html.py`.
`create_app()` builds the app; `backexpert serve` runs it under uvicorn. See docs/web.md.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
