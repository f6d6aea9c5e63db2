"""A report sent twice with the same submission key (a retry, an offline queue flushed by the
page and the service worker at once, a double tap) is stored once and both answers name it."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.contrib.gis.geos import Point
from django.db import connection, connections, transaction

from districts.models import Category
from issues.errors import AlreadyFiled
from issues.models import Attachment, Complaint, Event
from issues.services import create_complaint
from tests.issues.test_report_pages import report_data as page_report_data
from tests.media import photo_upload

pytestmark = pytest.mark.usefixtures("casablanca")


def report_data(point: Point, key: uuid.UUID, **overrides) -> dict:
    return page_report_data(point, submission_key=str(key)) | overrides


def service_fields(point: Point) -> dict:
    return {
        "category": Category.objects.get(code="roads-potholes"),
        "location": point,
        "title": "Nid-de-poule",
        "description": "Un trou profond.",
    }


def test_the_report_page_draws_a_fresh_key_for_each_form(client):
    first = client.get("/report/").context["form"]["submission_key"].value()
    second = client.get("/report/").context["form"]["submission_key"].value()

    assert uuid.UUID(str(first)) != uuid.UUID(str(second))


def test_the_same_form_posted_twice_stores_one_report_and_both_answers_name_it(client, point_in):
    key = uuid.uuid4()
    data = report_data(point_in("anfa"), key)

    first = client.post("/report/", data | {"attachments": [photo_upload()]})
    second = client.post("/report/", data | {"attachments": [photo_upload()]})

    complaint = Complaint.objects.get(submission_key=key)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/report/{complaint.reference}/sent/"
    assert Complaint.objects.count() == 1
    assert Attachment.objects.filter(complaint=complaint).count() == 1
    assert Event.objects.filter(complaint=complaint).count() == 1


def test_a_script_gets_json_first_201_then_200_with_the_same_reference(client, point_in):
    data = report_data(point_in("maarif"), uuid.uuid4())
    headers = {"X-Requested-With": "fetch"}

    first = client.post("/report/", data, headers=headers)
    second = client.post("/report/", data, headers=headers)

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    reference = first.json()["reference"]
    assert first.json()["url"] == f"/report/{reference}/sent/"
    assert Complaint.objects.filter(reference=reference).count() == 1


def test_a_resent_report_still_shows_its_owner_the_private_link(point_in):
    """The offline queue may be flushed by the service worker: the page that opens the
    confirmation afterwards is still recognised as the reporter's."""
    from django.test import Client

    browser = Client()
    data = report_data(point_in("anfa"), uuid.uuid4())
    browser.post("/report/", data, headers={"X-Requested-With": "fetch"})
    answer = browser.post("/report/", data, headers={"X-Requested-With": "fetch"}).json()

    page = browser.get(answer["url"])

    assert "?key=" in page.content.decode()


def test_a_script_gets_every_refusal_as_json_and_nothing_is_stored(client, point_in):
    data = report_data(point_in("anfa"), uuid.uuid4(), title="", category="no-such-thing")

    answer = client.post("/report/", data, headers={"X-Requested-With": "fetch"})

    assert answer.status_code == 400
    assert set(answer.json()["errors"]) == {"title", "category"}
    assert Complaint.objects.count() == 0


def test_a_damaged_key_is_refused_with_a_message(client, point_in):
    data = report_data(point_in("anfa"), uuid.uuid4(), submission_key="not-a-uuid")

    answer = client.post("/report/", data)

    assert answer.status_code == 400
    assert "Rechargez la page" in answer.content.decode()
    assert Complaint.objects.count() == 0


def test_different_keys_are_different_reports(client, point_in):
    for _ in range(2):
        client.post("/report/", report_data(point_in("anfa"), uuid.uuid4()))

    assert Complaint.objects.count() == 2


def test_the_api_honours_the_idempotency_key_header(client, point_in):
    point = point_in("sidi-belyout")
    body = {
        "category": "roads-potholes",
        "title": "Nid-de-poule",
        "description": "Un trou.",
        "lat": point.y,
        "lon": point.x,
    }
    headers = {"Idempotency-Key": str(uuid.uuid4())}

    first = client.post(
        "/api/v1/complaints/", body, content_type="application/json", headers=headers
    )
    second = client.post(
        "/api/v1/complaints/", body, content_type="application/json", headers=headers
    )

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["reference"] == second.json()["reference"]
    assert Complaint.objects.count() == 1


def test_the_api_refuses_a_key_that_is_not_a_uuid(client, point_in):
    point = point_in("anfa")
    body = {
        "category": "roads-potholes",
        "title": "T",
        "description": "D",
        "lat": point.y,
        "lon": point.x,
    }

    answer = client.post(
        "/api/v1/complaints/",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "again"},
    )

    assert answer.status_code == 400
    assert Complaint.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_copies_arriving_at_once_store_one_report(point_in):
    """The second copy's check finds nothing (the first is not committed yet); its INSERT waits
    on the key's unique index and fails when the first commits: it then answers the first."""
    point, key = point_in("anfa"), uuid.uuid4()
    outcome = {}

    def second_copy():
        try:
            create_complaint(**service_fields(point), submission_key=key)
            outcome["second"] = "stored"
        except AlreadyFiled as filed:
            outcome["second"] = filed.complaint.reference
        finally:
            connections.close_all()

    with transaction.atomic():
        first = create_complaint(**service_fields(point), submission_key=key)
        thread = threading.Thread(target=second_copy)
        thread.start()
        with connection.cursor() as cursor:  # wait until the copy is blocked on our row lock
            waiting = False
            while not waiting and thread.is_alive():
                cursor.execute("SELECT pg_stat_clear_snapshot()")  # fresh view in a transaction
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query LIKE 'INSERT INTO \"issues_complaint\"%'"
                )
                waiting = cursor.fetchone()[0] == 1
                thread.join(0.01)
    thread.join()

    assert outcome["second"] == first.reference
    assert Complaint.objects.filter(submission_key=key).count() == 1
    assert Event.objects.count() == 1
