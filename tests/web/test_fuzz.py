"""Schema-based fuzzing of the JSON API with schemathesis: whatever is sent, never a 5xx.

A short run inside `make test`; `make e2e` runs more examples (BACKEXPERT_E2E_LONG).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from backexpert import clinic_services
from backexpert.store.accounts import WebStore
from backexpert.web.app import create_app

from .conftest import PASSWORD, settings_for

EXAMPLES = 200 if os.environ.get("BACKEXPERT_E2E_LONG") else 8


@pytest.mark.property
def test_the_api_never_answers_5xx(tmp_path: Any) -> None:
    import schemathesis
    from hypothesis import given

    db = WebStore.open(str(tmp_path / "fuzz.sqlite3"))
    db.add_user("North Clinic", "ana@example.org", "Ana", PASSWORD)
    key = clinic_services.create_api_key(db, "North Clinic", "fuzz")
    db.add_clinic_client(db.clinic_id("North Clinic") or 0, "Fuzz Client")
    app = create_app(settings_for(str(tmp_path / "fuzz.sqlite3")), db)
    with TestClient(app) as c:
        schema = schemathesis.openapi.from_dict(c.get("/openapi.json").json())
    failures: list[str] = []
    with TestClient(app, raise_server_exceptions=False) as c:
        for operation in schema.get_all_operations():
            from schemathesis.core.result import Ok

            assert isinstance(operation, Ok), operation
            strategy = operation.ok().as_strategy()

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy)
            def run(case: Any) -> None:
                kwargs = case.as_transport_kwargs(base_url="http://testserver")
                headers = {**(kwargs.get("headers") or {}), "authorization": f"Bearer {key}"}
                r = c.request(
                    kwargs["method"],
                    kwargs["url"],
                    headers=headers,
                    params=kwargs.get("params"),
                    json=kwargs.get("json"),
                )
                if r.status_code >= 500:
                    failures.append(
                        f"{kwargs['method']} {kwargs['url']}: {r.status_code} {r.text[:200]}"
                    )

            run()
    db.close()
    assert failures == []
