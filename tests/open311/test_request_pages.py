"""Open311 GET requests beyond the spec: keyset continuation (`cursor`, then the `Link` header's
rel="next" address), in JSON and XML alike, next to the `page`/`page_size` extension; only what
the public may see, and a bad cursor in the spec's error list."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from districts.models import Authority
from issues.moderation import moderate
from tests.factories import StaffMembershipFactory

from . import schemas
from .conftest import children, parse_xml
from .test_server import valid

pytestmark = pytest.mark.usefixtures("casablanca")


def filed_an_hour_apart(report_in, count: int) -> list[str]:
    """References of `count` reports of the last few hours, oldest first."""
    start = timezone.now() - timedelta(hours=count + 1)
    filed = []
    for index in range(count):
        with time_machine.travel(start + timedelta(hours=index), tick=False):
            filed.append(report_in("anfa").reference)
    return filed


def links(response) -> dict[str, str]:
    return {
        rel: url for url, rel in re.findall(r'<([^>]+)>;\s*rel="(\w+)"', response.get("Link", ""))
    }


def walk(client, fmt: str, params: dict, between_pages=None) -> list[str]:
    seen = []
    response = client.get(f"/open311/v2/requests.{fmt}", params)
    for page in range(1, 20):
        assert response.status_code == 200
        if fmt == "json":
            assert valid(schemas.SERVICE_REQUESTS, response.json())
            seen += [item["service_request_id"] for item in response.json()]
        else:
            seen += [children(item)["service_request_id"] for item in parse_xml(response)]
        following = links(response).get("next")
        if following is None:
            return seen
        if between_pages is not None:
            between_pages(page)
        response = client.get(following)
    raise AssertionError("the pages never ended")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_cursor_pages_give_every_request_once_newest_first(client, report_in, fmt):
    filed = filed_an_hour_apart(report_in, 5)

    def file_a_newer_one(page: int) -> None:
        report_in("maarif")  # filed now: newer than every page already walked

    seen = walk(client, fmt, {"cursor": "", "page_size": 2}, between_pages=file_a_newer_one)

    assert seen == filed[::-1]


def test_the_next_link_keeps_the_query(client, report_in):
    filed_an_hour_apart(report_in, 3)
    report_in("anfa", "noise")

    first = client.get(
        "/open311/v2/requests.json",
        {"cursor": "", "page_size": 1, "service_code": "roads-potholes"},
    )

    following = links(first)["next"]
    assert "service_code=roads-potholes" in following and "page_size=1" in following
    assert "prev" not in links(first)
    second = client.get(following)
    assert "prev" in links(second)
    assert {item["service_code"] for item in second.json()} == {"roads-potholes"}


def test_page_and_page_size_still_work_without_a_link(client, report_in):
    filed = filed_an_hour_apart(report_in, 3)

    second = client.get("/open311/v2/requests.json", {"page_size": 2, "page": 2})

    assert [item["service_request_id"] for item in second.json()] == [filed[0]]
    assert "Link" not in second


def test_hidden_and_pending_requests_never_appear(client, report_in):
    published = filed_an_hour_apart(report_in, 2)
    moderator = StaffMembershipFactory(
        role="moderator", authority=Authority.objects.get(slug="anfa")
    ).user
    hidden = report_in("anfa")
    moderate(complaint=hidden, actor=moderator, decision="hide", reason="Insulte")
    report_in("anfa", premoderated=True)

    seen = walk(client, "json", {"cursor": "", "page_size": 1})

    assert seen == published[::-1]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("cursor", ["not a cursor", "cD10b21vcnJvdw=="])
def test_a_bad_cursor_is_a_400_in_the_spec_error_list(client, report_in, fmt, cursor):
    report_in("anfa")

    response = client.get(f"/open311/v2/requests.{fmt}", {"cursor": cursor})

    assert response.status_code == 400
    if fmt == "json":
        assert valid(schemas.ERRORS, response.json())
        assert response.json()[0]["description"].startswith("cursor: ")
    else:
        error = children(next(iter(parse_xml(response))))
        assert error["code"] == "400" and error["description"].startswith("cursor: ")
