"""The queue page (issue #24, findings 6–8): open reports by default, most overdue first,
checkbox filters, bulk actions on every report matching the filters (never beyond the
user's scope), refusals listed per report, the map's points, and the CSV for people."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import time_machine
from django.utils.translation import override

from districts.models import Authority
from issues.models import Complaint
from issues.services import assign, transition
from staff import bulk as bulk_scope
from tests.staff.conftest import signed_in
from tests.staff.test_workflow import complaint_in_status

S = Complaint.Status


def references_in(response) -> list[str]:
    """The references of the queue table's rows, in the page's order."""
    html = response.content.decode()
    found = []
    for chunk in html.split('<tr data-reference="')[1:]:
        found.append(chunk.split('"', 1)[0])
    return found


def test_the_queue_shows_open_reports_by_default_and_every_status_when_none_is_ticked(
    anfa_agent, report_in
):
    open_one = report_in("anfa")
    closed = complaint_in_status(report_in, S.CLOSED)
    client = signed_in(anfa_agent)

    assert references_in(client.get("/staff/")) == [open_one.reference]
    # A link that names no status keeps the default; the form sent with none ticked means all.
    assert references_in(client.get("/staff/", {"category": "roads-potholes"})) == [
        open_one.reference
    ]
    assert set(references_in(client.get("/staff/", {"filtered": "1"}))) == {
        open_one.reference,
        closed.reference,
    }
    assert references_in(client.get("/staff/", {"status": "closed"})) == [closed.reference]


def test_the_default_filters_are_ticked_and_the_sort_has_no_empty_choice(anfa_agent):
    html = signed_in(anfa_agent).get("/staff/").content.decode()

    for status in Complaint.OPEN_STATUSES:
        assert f'type="checkbox" name="status" value="{status}"' in html
    assert 'value="submitted" id="id_status_0" checked' in html
    assert 'value="closed" id="id_status_4" checked' not in html
    assert 'type="checkbox" name="overdue"' in html
    assert "---------" not in html
    assert '<option value="deadline" selected>les plus en retard d&#x27;abord</option>' in html


def test_the_default_sort_puts_the_earliest_deadline_first(anfa_agent, report_in):
    with time_machine.travel(date(2026, 3, 1), tick=False):
        recent = report_in("anfa")
    with time_machine.travel(date(2026, 1, 5), tick=False):
        oldest_deadline = report_in("anfa")
    with time_machine.travel(date(2026, 2, 1), tick=False):
        middle = report_in("anfa")
        # Acknowledged: its deadline is now the answer's (a month or more away).
        acknowledged = report_in("anfa")
        transition(complaint=acknowledged, to_status=S.ACKNOWLEDGED, actor=anfa_agent.user)

    order = references_in(signed_in(anfa_agent).get("/staff/"))

    assert order == [
        oldest_deadline.reference,
        middle.reference,
        recent.reference,
        acknowledged.reference,
    ]


def test_overdue_only_is_a_checkbox_filter(anfa_agent, report_in):
    with time_machine.travel(date(2026, 1, 5), tick=False):
        late = report_in("anfa")
    with time_machine.travel(date(2026, 3, 1), tick=False):
        fresh = report_in("anfa")

    with time_machine.travel(date(2026, 3, 2), tick=False):
        client = signed_in(anfa_agent)
        ticked = references_in(client.get("/staff/", {"filtered": "1", "overdue": "on"}))
        unticked = references_in(client.get("/staff/", {"filtered": "1"}))

    assert ticked == [late.reference]
    assert set(unticked) == {late.reference, fresh.reference}


def test_select_all_matching_acts_on_exactly_the_matching_reports_of_the_scope(
    anfa_agent, report_in
):
    noisy = [report_in("anfa", "noise"), report_in("anfa", "noise")]
    other_category = report_in("anfa")
    other_authority = report_in("maarif", "noise")

    signed_in(anfa_agent).post(
        "/staff/bulk/",
        {"select": "matching", "query": "category=noise", "action": "acknowledge"},
    )

    statuses = dict(Complaint.objects.values_list("reference", "status"))
    assert {statuses[c.reference] for c in noisy} == {S.ACKNOWLEDGED}
    assert statuses[other_category.reference] == S.SUBMITTED
    assert statuses[other_authority.reference] == S.SUBMITTED


def test_select_all_matching_ignores_ticked_references_outside_the_filters(anfa_agent, report_in):
    noisy = report_in("anfa", "noise")
    ticked_elsewhere = report_in("anfa")

    signed_in(anfa_agent).post(
        "/staff/bulk/",
        {
            "select": "matching",
            "query": "category=noise",
            "references": [ticked_elsewhere.reference],
            "action": "assign",
            "agent": anfa_agent.user.pk,
        },
    )

    assert Complaint.objects.get(pk=noisy.pk).assigned_to == anfa_agent.user
    assert Complaint.objects.get(pk=ticked_elsewhere.pk).assigned_to is None


def test_select_all_matching_refuses_more_than_the_bound(anfa_agent, report_in, monkeypatch):
    monkeypatch.setattr(bulk_scope, "BULK_MAX_REFERENCES", 1)
    first, second = report_in("anfa"), report_in("anfa")

    response = signed_in(anfa_agent).post(
        "/staff/bulk/", {"select": "matching", "query": "", "action": "acknowledge"}, follow=True
    )

    assert "affinez les filtres" in response.content.decode()
    assert set(Complaint.objects.values_list("status", flat=True)) == {S.SUBMITTED}
    assert {first.reference, second.reference} <= set(references_in(response))


def test_refusals_are_listed_per_report_as_errors(anfa_agent, report_in):
    fresh = [report_in("anfa"), report_in("anfa")]
    client = signed_in(anfa_agent)

    response = client.post(
        "/staff/bulk/",
        {"references": [c.reference for c in fresh], "action": "close"},
        follow=True,
    )

    html = response.content.decode()
    summary = html.split('data-testid="bulk-refusals"', 1)[1].split("</div>", 1)[0]
    assert "error-summary" in html.split('data-testid="bulk-refusals"', 1)[0][-80:]
    assert "2 signalements n'ont pas été modifiés" in summary
    for complaint in fresh:
        assert f'href="/staff/complaints/{complaint.reference}/">{complaint.reference}</a>' in (
            summary
        )
    assert summary.count("ne peut pas devenir") == 2
    # Listed once: the next visit of the queue no longer shows them.
    assert 'data-testid="bulk-refusals"' not in client.get("/staff/").content.decode()


def test_map_points_carry_status_and_overdue(anfa_agent, report_in):
    with time_machine.travel(date(2026, 1, 5), tick=False):
        late = report_in("anfa")
    with time_machine.travel(date(2026, 3, 1), tick=False):
        fresh = report_in("anfa")
        transition(complaint=fresh, to_status=S.ACKNOWLEDGED, actor=anfa_agent.user)

    with time_machine.travel(date(2026, 3, 2), tick=False):
        data = signed_in(anfa_agent).get("/staff/map.json").json()

    by_reference = {point[2]: point[3:] for point in data["points"]}
    assert by_reference == {
        late.reference: ["submitted", True],
        fresh.reference: ["acknowledged", False],
    }


def _csv(client, language: str, **query) -> list[list[str]]:
    client.cookies["django_language"] = language
    response = client.get("/staff/export.csv", query)
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("language", "header", "names"),
    [
        (
            "fr",
            ["Code de suivi", "Statut", "Type", "Catégorie"],
            ["Prise en charge", "Chaussée et nids-de-poule", "Anfa"],
        ),
        (
            "ar",
            ["رمز التتبع", "الحالة", "النوع", "الفئة"],
            ["الطرق والحفر"],
        ),
    ],
)
def test_csv_names_things_in_the_readers_language_with_the_assignee_and_dates(
    anfa_agent, report_in, language, header, names
):
    with time_machine.travel(date(2026, 3, 1), tick=False):
        complaint = report_in("anfa", title="Fuite «rue 7»")
        assign(complaint=complaint, agent=anfa_agent.user, actor=anfa_agent.user)
        transition(complaint=complaint, to_status=S.ACKNOWLEDGED, actor=anfa_agent.user)
    complaint.refresh_from_db()
    anfa = Authority.objects.get(slug="anfa")

    rows = _csv(signed_in(anfa_agent), language)

    assert rows[0][:4] == header
    assert len(rows) == 2
    row = dict(zip(range(len(rows[0])), rows[1], strict=True))
    assert row[0] == complaint.reference
    with override(language):
        assert row[1] == str(S.ACKNOWLEDGED.label)
    for name in names:
        assert name in rows[1]
    assert row[6] == row[7] == (anfa.name_ar if language == "ar" else anfa.name_fr)
    assert row[8] == anfa_agent.user.email
    assert (row[9], row[10], row[11]) == (
        "2026-03-01",
        complaint.acknowledge_by.isoformat(),
        complaint.answer_by.isoformat(),
    )
    assert row[12] == ""
    assert "submitted" not in rows[1] and "acknowledged" not in rows[1]
    assert "roads-potholes" not in rows[1] and "anfa" not in rows[1]
