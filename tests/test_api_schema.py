"""schemathesis generates requests from /api/v1/schema/ for every operation and checks each
answer: never a 500, and never a status, content type or body the schema does not describe."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import checks

from casa_map.wsgi import application
from tests.factories import StaffMembershipFactory

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
# What an answer may not do. Left out: whether the schema describes every input rule (a category
# code is a string in the schema, and an unknown one is refused with 400 by design).
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture(autouse=True)
def generous_write_limits(settings):
    """Generated writes must meet the API's rules, not its rate limits."""
    settings.API_WRITE_RATES = {key: "100000/hour" for key in settings.API_WRITE_RATES}


@pytest.fixture
def supervisor_token(report_in) -> str:
    report_in("anfa")
    report_in("maarif", "water-leak", contact_email="habitant@example.org")
    supervisor = StaffMembershipFactory(authority=None, role="supervisor")
    return Token.objects.create(user=supervisor.user).key


@pytest.fixture(autouse=True)
def connection_kept_across_requests():
    """The WSGI handler closes a connection found inside a transaction at each request's start
    and end; the test's own transaction must survive, as Django's test client arranges."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_its_schema_says(case, supervisor_token):
    """As a city supervisor (so the staff operations run too), with complaints to list: every
    answer's body is checked against its schema, including the GeoJSON features."""
    # identity: schemathesis's WSGI transport does not decompress (tests/test_compression.py).
    headers = {"Authorization": f"Token {supervisor_token}", "Accept-Encoding": "identity"}
    case.call_and_validate(checks=CHECKS, headers=headers)


def test_every_operation_documents_its_answer_and_errors(client, casablanca):
    document = client.get("/api/v1/schema/?format=json").json()

    missing = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            success = next((responses[code] for code in ("200", "201") if code in responses), None)
            if success is None or "content" not in success:
                missing.append(f"{method.upper()} {path}: no success body")
            if path != "/api/v1/schema/" and "400" not in responses:
                missing.append(f"{method.upper()} {path}: no 400")
            if path.startswith("/api/v1/staff/") and "403" not in responses:
                missing.append(f"{method.upper()} {path}: no 403")
    assert missing == []
    assert len(document["paths"]) >= 18


def test_swagger_ui_is_served_without_a_cdn(client, casablanca):
    page = client.get("/api/v1/docs/").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()
