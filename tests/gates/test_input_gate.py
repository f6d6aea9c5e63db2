"""The input gate (casa_map.inputs and the forms, filters and parameters built on it): every
route of the site, public and staff, is sent each class of bad value — numbers out of range or
not finite, dates at the calendar's ends, pages past any end, boxes reaching the poles, lists
where text is expected, unknown choices, text too long — as query parameters, form fields and
JSON members. No answer is a 5xx and nothing is stored; the routes that take such a parameter
refuse it with a 4xx in their own format."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from alerts.models import Alert
from issues.models import CitizenUpdate, Complaint, Event, Flag, Support
from tests.factories import StaffMembershipFactory
from tests.routes import concrete, route_patterns

pytestmark = pytest.mark.django_db


BAD_NUMBERS = ["-90", "1e309", "nan", "-inf", "99999999999999999999", "-1", "0x10", "١٢"]
BAD_DATES = ["9999-12-31", "0001-01-01", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"]
BAD_BOXES = ["-180,-90,180,90", "1,2,3", "3,2,1,0", "nan,0,1,1", "-7.7,33.5,-7.5,1e309"]
NUMERIC_NAMES = [
    "lat", "lon", "long", "zoom", "page", "page_size", "radius", "dist", "metres", "min_count",
    "radius_m", "days", "rating",
]  # fmt: skip
DATE_NAMES = ["received_after", "received_before", "start_date", "end_date", "week"]
BOX_NAMES = ["bbox", "in_bbox", "point"]
CHOICE_NAMES = ["status", "category", "arrondissement", "authority", "kind", "ordering", "sort"]
TEXT_NAMES = ["title", "description", "public_message", "internal_note", "reason", "q", "code"]


ROUTES = [route for route in route_patterns() if route != "admin/"]


def concrete_path(route: str, reference: str) -> str:
    """A filed report's code, an arrondissement, a category, an action where the route takes
    one."""
    return concrete(
        route,
        {
            "reference": reference,
            "slug": "anfa",
            "code": "roads-potholes",
            "action": "transition",
            "fmt": "json",
            "name": "hotspots",
            "service_code": "roads-potholes",
            "service_request_id": reference,
        },
    )


def bad_query_values() -> list[dict]:
    queries = []
    for value in BAD_NUMBERS:
        queries.append(dict.fromkeys(NUMERIC_NAMES, value))
    for value in BAD_DATES:
        queries.append(dict.fromkeys(DATE_NAMES, value))
    for value in BAD_BOXES:
        queries.append(dict.fromkeys(BOX_NAMES, value))
    queries.append(dict.fromkeys(CHOICE_NAMES, "no-such-value"))
    queries.append(dict.fromkeys(TEXT_NAMES, "x" * 20_000))
    return queries


def stored() -> tuple[int, ...]:
    models = (Complaint, Event, Support, Flag, Alert, CitizenUpdate)
    return tuple(model.objects.count() for model in models)


@pytest.fixture
def filed(report_in):
    return report_in("anfa")


@pytest.fixture
def visitors(filed) -> dict[str, Client]:
    """An anonymous visitor and a city supervisor (who reaches every staff route)."""
    supervisor = Client()
    supervisor.force_login(StaffMembershipFactory(authority=None, role="supervisor").user)
    return {"anonymous": Client(), "supervisor": supervisor}


@pytest.mark.parametrize("route", ROUTES)
def test_no_bad_query_value_makes_any_route_fail(route, filed, visitors):
    path = concrete_path(route, filed.reference)
    before = stored()
    failures = []
    for who, client in visitors.items():
        for query in bad_query_values():
            response = client.get(path, query)
            if response.status_code >= 500:
                failures.append((who, query, response.status_code))
    assert failures == []
    assert stored() == before


@pytest.mark.parametrize("route", ROUTES)
def test_no_bad_body_makes_any_route_fail_or_store_anything(route, filed, visitors):
    path = concrete_path(route, filed.reference)
    before = stored()
    bodies = [
        {"title": ["a", "b"], "description": {"x": 1}, "category": ["roads-potholes"]},
        {"lat": "1e309", "lon": "nan", "references": 5, "public_message": ["x"]},
        {"to_status": "closed", "references": [5, None], "duplicate_of": 12},
        {"rating": "99999999999999999999", "reason": None, "radius_m": -1},
    ]
    failures = []
    for who, client in visitors.items():
        for body in bodies:
            answers = [
                client.post(path, json.dumps(body), content_type="application/json"),
                client.post(path, {k: json.dumps(v) for k, v in body.items()}),
            ]
            failures += [(who, body, a.status_code) for a in answers if a.status_code >= 500]
    assert failures == []
    if not route.endswith("/support/"):  # a support takes no field: any POST is one (once)
        assert stored() == before


REFUSED = [
    ("/api/v1/heatmap/", {"bbox": "-180,-90,180,90", "zoom": "12"}, "invalid_parameter"),
    ("/api/v1/map/complaints/", {"bbox": "-7.7,-90,-7.5,33.6"}, "invalid_parameter"),
    ("/api/v1/complaints/", {"received_before": "9999-12-31"}, "invalid_parameter"),
    ("/api/v1/complaints/", {"in_bbox": "nan,0,1,1"}, "invalid_parameter"),
    ("/api/v1/complaints/", {"page": "99999999999999999999"}, None),
    ("/open311/v2/requests.json", {"start_date": "9999-12-31T23:59:59Z"}, None),
    ("/open311/v2/requests.json", {"end_date": "0001-01-01T00:00:00Z"}, None),
    ("/open311/v2/requests.json", {"page": "99999999999999999999"}, None),
    ("/feeds/nearby/", {"lat": "1e309", "lon": "-7.6", "radius": "500"}, None),
]


@pytest.mark.parametrize(("path", "query", "code"), REFUSED)
def test_a_route_that_takes_the_parameter_refuses_the_bad_value(
    client, casablanca, path, query, code
):
    response = client.get(path, query)

    assert 400 <= response.status_code < 500
    if code is not None:
        assert response.json()["code"] == code


def test_a_page_past_any_end_of_the_staff_queue_is_the_first(filed, visitors):
    response = visitors["supervisor"].get("/staff/", {"page": "99999999999999999999"})

    assert response.status_code == 200


def test_a_bulk_action_naming_no_list_is_refused_and_changes_nothing(filed, visitors):
    client = visitors["supervisor"]
    for references in (5, None, [5], "x" * 500, {"a": 1}):
        response = client.post(
            "/api/v1/staff/bulk/",
            json.dumps({"references": references, "action": "close"}),
            content_type="application/json",
        )
        assert response.status_code == 400, references
    filed.refresh_from_db()
    assert filed.status == Complaint.Status.SUBMITTED


def test_a_staff_message_that_is_not_text_is_refused(filed, visitors):
    response = visitors["supervisor"].post(
        f"/api/v1/staff/complaints/{filed.reference}/message/",
        json.dumps({"public_message": ["a", "b"]}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["fields"]["public_message"]
    assert not Event.objects.filter(complaint=filed, kind=Event.Kind.MESSAGE).exists()
