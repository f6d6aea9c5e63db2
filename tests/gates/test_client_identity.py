"""One client identity and one limiter (casa_map.clients, casa_map.limits): limits count the
connection's address (or, behind TRUSTED_PROXIES of our own, the address they saw), never what
the client writes in X-Forwarded-For; a report's limit is the same whichever interface files
it; supports count once per client and are limited; 405 comes before 429."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid

import pytest
from django.test import Client, RequestFactory

from casa_map.clients import client_ip, client_key
from issues.models import Complaint
from tests.gates.common import report_fields

pytestmark = pytest.mark.django_db


def post_json(url: str, body: dict, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as refused:
        return refused.code, json.load(refused)


def test_a_forged_forwarded_for_does_not_reset_the_limit_on_the_real_server(
    live_city, point_in, settings
):
    """Over real HTTP: after the 429, a new X-Forwarded-For on each request still gets 429."""
    settings.REPORT_RATE_LIMIT = "2/h"
    url = f"{live_city.url}/api/v1/complaints/"
    body = report_fields(point_in("anfa"))

    statuses = [post_json(url, body)[0] for _ in range(3)]
    forged = [post_json(url, body, {"X-Forwarded-For": f"203.0.113.{n}"})[0] for n in range(1, 4)]

    assert statuses == [201, 201, 429]
    assert forged == [429, 429, 429]
    assert Complaint.objects.count() == 2


def test_the_api_and_the_web_form_share_one_report_limit(client, point_in, settings):
    settings.REPORT_RATE_LIMIT = "2/h"
    body = report_fields(point_in("anfa"))

    web = client.post("/report/", {**body, "kind": "complaint"}).status_code
    api = client.post("/api/v1/complaints/", body).status_code
    refused = client.post("/api/v1/complaints/", body)
    refused_page = client.post("/report/", {**body, "kind": "complaint"})

    assert (web, api) == (302, 201)
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert int(refused["Retry-After"]) > 0
    assert refused_page.status_code == 429
    assert Complaint.objects.count() == 2


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = 0
    request = RequestFactory().get(
        "/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.5"
    )

    assert client_ip(request) == "198.51.100.1"


def test_behind_one_proxy_the_client_is_the_address_it_appended(settings):
    """The client may send its own X-Forwarded-For; our proxy appends the address it saw."""
    settings.TRUSTED_PROXIES = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.1"
    )
    bypassed = RequestFactory().get("/", REMOTE_ADDR="198.51.100.2")

    assert client_ip(request) == "198.51.100.1"
    assert client_ip(bypassed) == "198.51.100.2"


def test_behind_two_proxies_the_second_entry_from_the_right(settings):
    settings.TRUSTED_PROXIES = 2
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1, 10.9.9.9"
    )

    assert client_ip(request) == "198.51.100.1"


def test_an_ipv6_client_is_limited_by_its_64_network():
    one = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2::1")
    same_line = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    mapped = RequestFactory().get("/", REMOTE_ADDR="::ffff:198.51.100.4")

    assert client_key(one) == client_key(same_line) == "2001:db8:1:2::/64"
    assert client_key(mapped) == "198.51.100.4"


def test_a_support_without_the_cookie_counts_once_per_client(client, report_in):
    complaint = report_in("anfa")
    url = f"/track/{complaint.reference}/support/"

    for _ in range(3):
        Client().post(url, HTTP_X_REQUESTED_WITH="fetch")  # a fresh browser each time
    Client(REMOTE_ADDR="203.0.113.20").post(url, HTTP_X_REQUESTED_WITH="fetch")

    complaint.refresh_from_db()
    assert complaint.support_count == 2


def test_supports_are_rate_limited_per_client(client, report_in, settings):
    settings.SUPPORT_RATE_LIMIT = "2/h"
    first, second, third = report_in("anfa"), report_in("maarif"), report_in("sidi-belyout")

    answers = [
        client.post(f"/track/{c.reference}/support/", HTTP_X_REQUESTED_WITH="fetch")
        for c in (first, second, third)
    ]
    api = client.post(f"/api/v1/complaints/{third.reference}/support/")

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["code"] == "rate_limited"
    assert api.status_code == 429
    third.refresh_from_db()
    assert third.support_count == 0


def test_a_method_the_api_does_not_answer_is_405_even_past_the_limit(client, settings):
    settings.API_WRITE_RATES = {**settings.API_WRITE_RATES, "anonymous": "1/h"}
    client.post("/api/v1/complaints/", {})  # uses the one write allowed

    answers = [client.put("/api/v1/complaints/").status_code for _ in range(3)]
    deleted = client.delete("/api/v1/categories/").status_code

    assert answers == [405, 405, 405]
    assert deleted == 405


def test_trace_is_refused_on_every_page(client):
    assert client.generic("TRACE", "/").status_code == 405
    assert client.generic("TRACE", "/api/v1/complaints/").status_code == 405


def test_a_repeated_submission_key_from_someone_else_learns_nothing(client, point_in):
    key = str(uuid.uuid4())
    body = json.dumps(report_fields(point_in("anfa")))
    first = client.post(
        "/api/v1/complaints/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )
    again = client.post(
        "/api/v1/complaints/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )
    stranger = Client(REMOTE_ADDR="203.0.113.30").post(
        "/api/v1/complaints/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["reference"] == first.json()["reference"]
    assert stranger.status_code == 409
    assert first.json()["reference"] not in stranger.content.decode()
    assert Complaint.objects.count() == 1


def test_a_stranger_resending_a_forms_key_gets_no_private_link(client, point_in):
    key = str(uuid.uuid4())
    data = {**report_fields(point_in("anfa")), "kind": "complaint", "submission_key": key}
    client.post("/report/", data)
    complaint = Complaint.objects.get()

    stranger = Client(REMOTE_ADDR="203.0.113.31")
    answer = stranger.post("/report/", data, HTTP_X_REQUESTED_WITH="fetch")
    page = stranger.get(f"/report/{complaint.reference}/sent/")

    assert answer.status_code == 409
    assert complaint.reference not in answer.content.decode()
    assert complaint.owner_key not in page.content.decode()


def test_the_same_citizen_resending_from_another_browser_gets_the_report(client, point_in):
    """An offline outbox's retry may come without the first answer's session cookie."""
    key = str(uuid.uuid4())
    data = {**report_fields(point_in("anfa")), "kind": "complaint", "submission_key": key}
    client.post("/report/", data)

    retry = Client().post("/report/", data, HTTP_X_REQUESTED_WITH="fetch")

    assert retry.status_code == 200
    assert retry.json()["reference"] == Complaint.objects.get().reference
