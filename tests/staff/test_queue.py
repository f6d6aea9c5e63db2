"""The queue: filters, counts, overdue flags (time-frozen), exports and the overdue digest."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from districts.models import Authority
from issues.models import Complaint
from issues.policy import scoped_complaints
from issues.services import assign, reroute, transition
from staff.digests import send_overdue_digests
from tests.staff.conftest import signed_in

S = Complaint.Status


def references_in(response) -> set[str]:
    html = response.content.decode()
    return {ref for ref in Complaint.objects.values_list("reference", flat=True) if ref in html}


@pytest.fixture
def three_reports(report_in, anfa_agent):
    with time_machine.travel(date(2026, 1, 5), tick=False):
        old = report_in("anfa", title="Ancien nid-de-poule")
    with time_machine.travel(date(2026, 3, 1), tick=False):
        noise = report_in("anfa", "noise", title="Bruit nocturne")
        mine = report_in("anfa", title="Trottoir cassé")
        assign(complaint=mine, agent=anfa_agent.user, actor=anfa_agent.user)
        transition(complaint=mine, to_status=S.ACKNOWLEDGED, actor=anfa_agent.user)
    return old, noise, mine


def test_filters_by_status_category_date_assignment_and_text(anfa_agent, three_reports):
    old, noise, mine = three_reports
    client = signed_in(anfa_agent)

    assert references_in(client.get("/staff/", {"status": "acknowledged"})) == {mine.reference}
    assert references_in(client.get("/staff/", {"category": "noise"})) == {noise.reference}
    assert references_in(
        client.get("/staff/", {"created_after": "2026-01-01", "created_before": "2026-01-31"})
    ) == {old.reference}
    assert references_in(client.get("/staff/", {"assigned": "me"})) == {mine.reference}
    assert references_in(client.get("/staff/", {"assigned": "nobody"})) == {
        old.reference,
        noise.reference,
    }
    assert references_in(client.get("/staff/", {"q": "nocturne"})) == {noise.reference}
    assert references_in(client.get("/staff/", {"q": mine.reference})) == {mine.reference}


def test_sorting_by_answer_deadline(anfa_agent, three_reports):
    old, noise, mine = three_reports

    html = signed_in(anfa_agent).get("/staff/", {"sort": "answer_by"}).content.decode()

    assert html.index(old.reference) < html.index(noise.reference)


def test_counts_per_status_are_shown(anfa_agent, three_reports):
    html = signed_in(anfa_agent).get("/staff/").content.decode()

    assert "Déposée <strong>2</strong>" in html
    assert "Prise en charge <strong>1</strong>" in html


def test_overdue_is_computed_from_the_deadlines(anfa_agent, three_reports):
    old, noise, mine = three_reports
    scope = scoped_complaints(anfa_agent.user)

    on_march_18 = set(
        scope.filter(Complaint.overdue_condition(date(2026, 3, 18))).values_list(
            "reference", flat=True
        )
    )
    on_march_16 = set(
        scope.filter(Complaint.overdue_condition(date(2026, 3, 16))).values_list(
            "reference", flat=True
        )
    )

    # old: not acknowledged by 20 Jan; noise: by 16 Mar; mine was acknowledged (answer by 30 Apr)
    assert on_march_16 == {old.reference}
    assert on_march_18 == {old.reference, noise.reference}


def test_overdue_filter_in_the_queue(anfa_agent, three_reports):
    old, noise, mine = three_reports

    with time_machine.travel(date(2026, 3, 18), tick=False):
        found = references_in(signed_in(anfa_agent).get("/staff/", {"overdue": "true"}))

    assert found == {old.reference, noise.reference}


def test_csv_export_streams_the_filtered_rows_without_personal_data(anfa_agent, report_in):
    complaint = report_in("anfa", contact_email="secret@example.org", title="Fuite «rue 7»")
    report_in("anfa", "noise")

    response = signed_in(anfa_agent).get("/staff/export.csv", {"category": "roads-potholes"})

    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [row["Code de suivi"] for row in rows] == [complaint.reference]
    assert rows[0]["Titre"] == "Fuite «rue 7»"
    assert rows[0]["Autorité"] == "Anfa"
    assert float(rows[0]["Latitude"]) == pytest.approx(complaint.location.y, abs=1e-6)
    assert "secret@example.org" not in body


def test_geojson_export_is_a_valid_feature_collection(anfa_agent, report_in):
    complaint = report_in("anfa")

    response = signed_in(anfa_agent).get("/staff/export.geojson")

    document = json.loads(b"".join(response.streaming_content))
    assert document["type"] == "FeatureCollection"
    feature = document["features"][0]
    assert feature["properties"]["reference"] == complaint.reference
    assert feature["geometry"]["coordinates"] == [
        pytest.approx(complaint.location.x, abs=1e-6),
        pytest.approx(complaint.location.y, abs=1e-6),
    ]


def test_digest_emails_each_authority_its_overdue_list(report_in, anfa_manager):
    Authority.objects.filter(slug="anfa").update(email="anfa@example.org")
    with time_machine.travel(date(2026, 1, 5), tick=False):
        late = report_in("anfa")
        report_in("maarif")  # Maârif has no address: reported, not e-mailed
    mail.outbox.clear()

    report = send_overdue_digests(today=date(2026, 2, 1))

    assert report.sent == {"anfa": 1}
    assert report.without_address == ["maarif"]
    message = mail.outbox[0]
    assert set(message.to) == {"anfa@example.org", anfa_manager.user.email}
    assert late.reference in message.body


def test_a_digest_is_sent_once_a_day_even_when_the_task_runs_again(report_in):
    Authority.objects.filter(slug="anfa").update(email="anfa@example.org")
    with time_machine.travel(date(2026, 1, 5), tick=False):
        report_in("anfa")
    mail.outbox.clear()

    first = send_overdue_digests(today=date(2026, 2, 1))
    again = send_overdue_digests(today=date(2026, 2, 1))
    next_day = send_overdue_digests(today=date(2026, 2, 2))

    assert (first.sent, again.sent, again.already_sent) == ({"anfa": 1}, {}, ["anfa"])
    assert next_day.sent == {"anfa": 1}
    assert len(mail.outbox) == 2


def test_digest_command_reports_what_it_did(report_in, capsys):
    Authority.objects.filter(slug="anfa").update(email="anfa@example.org")
    with time_machine.travel(date(2026, 1, 5), tick=False):
        report_in("anfa")

    with time_machine.travel(date(2026, 2, 1), tick=False):
        call_command("send_overdue_digests")

    assert "anfa: 1 overdue complaints e-mailed" in capsys.readouterr().out


def test_queue_page_queries_do_not_grow_with_the_rows(anfa_agent, report_in):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(anfa_agent)
    report_in("anfa")
    cache.clear()
    with CaptureQueriesContext(connection) as one_row:
        client.get("/staff/")
    for _ in range(12):
        assign(complaint=report_in("anfa"), agent=anfa_agent.user, actor=anfa_agent.user)
    cache.clear()
    with CaptureQueriesContext(connection) as thirteen_rows:
        client.get("/staff/")

    assert len(thirteen_rows) == len(one_row)


def test_counts_follow_new_reports_and_status_changes(anfa_agent, report_in):
    client = signed_in(anfa_agent)
    first = report_in("anfa")
    assert "Déposée <strong>1</strong>" in client.get("/staff/").content.decode()

    report_in("anfa")
    assert "Déposée <strong>2</strong>" in client.get("/staff/").content.decode()

    transition(complaint=first, to_status=S.ACKNOWLEDGED, actor=anfa_agent.user)
    html = client.get("/staff/").content.decode()
    assert "Déposée <strong>1</strong>" in html
    assert "Prise en charge <strong>1</strong>" in html


def test_rerouting_updates_both_queues_counts(anfa_agent, maarif_agent, maarif, report_in):
    complaint = report_in("anfa")
    anfa_client, maarif_client = signed_in(anfa_agent), signed_in(maarif_agent)
    assert "Déposée <strong>1</strong>" in anfa_client.get("/staff/").content.decode()

    reroute(complaint=complaint, to_authority=maarif, actor=anfa_agent.user, reason="Maârif")

    assert "Déposée <strong>0</strong>" in anfa_client.get("/staff/").content.decode()
    assert "Déposée <strong>1</strong>" in maarif_client.get("/staff/").content.decode()


def test_supervisor_counts_cover_every_authority(supervisor, anfa_agent, report_in):
    report_in("anfa")
    report_in("maarif")
    with time_machine.travel(date(2026, 1, 1), tick=False):
        late = report_in("ain-chock")

    with time_machine.travel(date(2026, 2, 1), tick=False):
        html = signed_in(supervisor).get("/staff/").content.decode()

    assert late.acknowledge_by == date(2026, 1, 16)
    assert "Déposée <strong>3</strong>" in html
    assert "En retard <strong>1</strong>" in html


def test_filtered_pages_look_ahead_instead_of_counting(anfa_agent, report_in):
    for _ in range(3):
        report_in("anfa", "noise")

    html = signed_in(anfa_agent).get("/staff/", {"category": "noise"}).content.decode()

    assert "Page 1" in html and "Page 1 sur" not in html
    assert html.count('data-reference="') == 3


def test_map_points_endpoint_is_scoped(anfa_agent, report_in):
    mine = report_in("anfa")
    theirs = report_in("maarif")

    data = signed_in(anfa_agent).get("/staff/map.json").json()

    references = [point[2] for point in data["points"]]
    assert references == [mine.reference]
    assert theirs.reference not in references
    assert data["boundary"]["type"] in ("Polygon", "MultiPolygon")
