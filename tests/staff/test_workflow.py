"""The complaint workflow: allowed and forbidden transitions, re-routing, assignment, reopening,
satisfaction, bulk actions; every change leaves an event, public ones reach the citizen."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail

from districts.models import Authority
from issues.errors import InvalidTransition
from issues.models import Complaint, Event
from issues.services import (
    assign,
    bulk_assign,
    bulk_transition,
    rate,
    reopen,
    reroute,
    transition,
)
from tests.staff.conftest import signed_in

S = Complaint.Status
ALLOWED = [
    (start, target) for start, targets in Complaint.TRANSITIONS.items() for target in targets
]
FORBIDDEN = [
    (start, target)
    for start in S.values
    for target in S.values
    if target not in Complaint.TRANSITIONS[start]
]


def complaint_in_status(report_in, status: str) -> Complaint:
    complaint = report_in("anfa")
    Complaint.objects.filter(pk=complaint.pk).update(status=status)
    complaint.refresh_from_db()
    return complaint


@pytest.mark.parametrize(("start", "target"), ALLOWED)
def test_each_allowed_transition_is_applied_and_recorded(report_in, anfa_agent, start, target):
    complaint = complaint_in_status(report_in, start)
    original = report_in("anfa") if target == S.DUPLICATE else None

    event = transition(
        complaint=complaint,
        to_status=target,
        actor=anfa_agent.user,
        public_message="Motif" if target == S.REJECTED else "",
        duplicate_of=original,
    )

    complaint.refresh_from_db()
    assert complaint.status == target
    assert (event.from_status, event.to_status, event.actor) == (start, target, anfa_agent.user)


@pytest.mark.parametrize(("start", "target"), FORBIDDEN)
def test_each_forbidden_transition_is_refused_and_changes_nothing(
    report_in, anfa_agent, start, target
):
    complaint = complaint_in_status(report_in, start)
    events_before = complaint.events.count()

    with pytest.raises(InvalidTransition):
        transition(complaint=complaint, to_status=target, actor=anfa_agent.user)

    complaint.refresh_from_db()
    assert complaint.status == start
    assert complaint.events.count() == events_before


def test_rejecting_needs_a_reason_for_the_citizen(report_in, anfa_agent):
    with pytest.raises(InvalidTransition):
        transition(complaint=report_in("anfa"), to_status=S.REJECTED, actor=anfa_agent.user)


def test_duplicate_must_name_another_report(report_in, anfa_agent):
    complaint = report_in("anfa")

    with pytest.raises(InvalidTransition):
        transition(
            complaint=complaint,
            to_status=S.DUPLICATE,
            actor=anfa_agent.user,
            duplicate_of=complaint,
        )


def test_forged_status_in_a_post_is_refused_with_a_message(report_in, anfa_agent):
    complaint = complaint_in_status(report_in, S.SUBMITTED)

    response = signed_in(anfa_agent).post(
        f"/staff/complaints/{complaint.reference}/transition/", {"to_status": "closed"}
    )

    assert response.status_code == 400
    assert "ne peut pas devenir" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == S.SUBMITTED


def test_public_message_reaches_the_tracking_page_and_email_but_the_note_does_not(
    client, report_in, anfa_agent, django_capture_on_commit_callbacks
):
    complaint = report_in("anfa", contact_email="citoyen@example.org")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        signed_in(anfa_agent).post(
            f"/staff/complaints/{complaint.reference}/transition/",
            {
                "to_status": "acknowledged",
                "public_message": "Équipe prévue jeudi.",
                "internal_note": "Voir avec le chef de secteur",
            },
        )

    page = client.get(f"/track/{complaint.reference}/").content.decode()
    assert "Équipe prévue jeudi." in page
    assert "chef de secteur" not in page
    assert len(mail.outbox) == 1
    assert "Équipe prévue jeudi." in mail.outbox[0].body
    assert "chef de secteur" not in mail.outbox[0].body


def test_acknowledging_stamps_the_time_for_planners(report_in, anfa_agent):
    complaint = report_in("anfa")

    transition(complaint=complaint, to_status=S.ACKNOWLEDGED, actor=anfa_agent.user)

    assert complaint.acknowledged_at is not None


def test_reroute_needs_a_reason(report_in, anfa_agent, maarif):
    with pytest.raises(InvalidTransition):
        reroute(complaint=report_in("anfa"), to_authority=maarif, actor=anfa_agent.user, reason=" ")


def test_reroute_hands_over_and_restarts_the_acknowledge_clock(report_in, anfa_agent):
    with time_machine.travel(date(2026, 3, 1), tick=False):
        complaint = report_in("anfa", "street-lighting")
    srm = complaint.authority
    anfa = Authority.objects.get(slug="anfa")

    with time_machine.travel(date(2026, 3, 10), tick=False):
        event = reroute(
            complaint=complaint,
            to_authority=anfa,
            actor=None,
            reason="Lampadaire du parc municipal",
        )

    assert srm.slug == "srm-casablanca-settat"
    assert complaint.authority == anfa
    assert complaint.status == S.SUBMITTED
    assert complaint.acknowledge_by == date(2026, 3, 25)
    assert event.kind == Event.Kind.REROUTED
    assert event.public_message == "Lampadaire du parc municipal"


def test_rerouted_complaint_leaves_the_old_queue_and_enters_the_new(
    report_in, anfa_agent, maarif_agent, maarif
):
    complaint = report_in("anfa")
    signed_in(anfa_agent).post(
        f"/staff/complaints/{complaint.reference}/reroute/",
        {"authority": maarif.slug, "reason": "Côté Maârif de la rue"},
    )

    assert complaint.reference not in signed_in(anfa_agent).get("/staff/").content.decode()
    assert complaint.reference in signed_in(maarif_agent).get("/staff/").content.decode()


def test_assign_only_to_an_agent_of_the_authority(report_in, anfa_agent, maarif_agent):
    complaint = report_in("anfa")

    assign(complaint=complaint, agent=anfa_agent.user, actor=anfa_agent.user)
    assert complaint.assigned_to == anfa_agent.user
    with pytest.raises(InvalidTransition):
        assign(complaint=complaint, agent=maarif_agent.user, actor=anfa_agent.user)


def test_assignment_event_is_internal(client, report_in, anfa_agent):
    complaint = report_in("anfa")

    assign(complaint=complaint, agent=anfa_agent.user, actor=anfa_agent.user)

    assert complaint.events.get(kind=Event.Kind.ASSIGNED).is_public is False
    assert (
        anfa_agent.user.email not in client.get(f"/track/{complaint.reference}/").content.decode()
    )


def test_citizen_reopens_within_30_days_back_to_the_same_authority(report_in, anfa_agent):
    with time_machine.travel(date(2026, 5, 1), tick=False):
        complaint = report_in("anfa")
        transition(complaint=complaint, to_status=S.ACKNOWLEDGED, actor=anfa_agent.user)
        transition(complaint=complaint, to_status=S.RESOLVED, actor=anfa_agent.user)

    with time_machine.travel(date(2026, 5, 25), tick=False):
        reopen(complaint=complaint, reason="Le trou est toujours là")

    assert complaint.status == S.ACKNOWLEDGED
    assert complaint.is_reopened is True
    assert complaint.reopen_count == 1
    assert complaint.authority.slug == "anfa"


def test_reopening_after_30_days_is_refused(report_in, anfa_agent):
    with time_machine.travel(date(2026, 5, 1), tick=False):
        complaint = report_in("anfa")
        transition(complaint=complaint, to_status=S.ACKNOWLEDGED, actor=anfa_agent.user)
        transition(complaint=complaint, to_status=S.RESOLVED, actor=anfa_agent.user)

    with time_machine.travel(date(2026, 6, 2), tick=False), pytest.raises(InvalidTransition):
        reopen(complaint=complaint, reason="Toujours là")


def test_satisfaction_only_once_resolved(report_in, anfa_agent):
    complaint = report_in("anfa")
    with pytest.raises(InvalidTransition):
        rate(complaint=complaint, rating=4)
    transition(complaint=complaint, to_status=S.ACKNOWLEDGED, actor=anfa_agent.user)
    transition(complaint=complaint, to_status=S.RESOLVED, actor=anfa_agent.user)

    rate(complaint=complaint, rating=4, comment="Rapide")

    assert complaint.satisfaction == 4


def test_bulk_acknowledge_changes_what_it_can_and_lists_the_rest(report_in, anfa_agent):
    fresh = [report_in("anfa"), report_in("anfa")]
    closed = complaint_in_status(report_in, S.CLOSED)

    result = bulk_transition(
        complaints=[*fresh, closed], to_status=S.ACKNOWLEDGED, actor=anfa_agent.user
    )

    assert sorted(result.changed) == sorted(c.reference for c in fresh)
    assert list(result.skipped) == [closed.reference]


def test_bulk_assign_through_the_queue(report_in, anfa_agent):
    complaints = [report_in("anfa"), report_in("anfa")]

    signed_in(anfa_agent).post(
        "/staff/bulk/",
        {
            "references": [c.reference for c in complaints],
            "action": "assign",
            "agent": anfa_agent.user.pk,
        },
    )

    assert all(Complaint.objects.get(pk=c.pk).assigned_to == anfa_agent.user for c in complaints)
    assert bulk_assign(complaints=[], agent=None, actor=anfa_agent.user).changed == []


def test_bulk_close_of_fresh_complaints_is_skipped_with_reasons(report_in, anfa_agent):
    complaint = report_in("anfa")

    response = signed_in(anfa_agent).post(
        "/staff/bulk/", {"references": [complaint.reference], "action": "close"}, follow=True
    )

    assert "ne peut pas devenir" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == S.SUBMITTED


def test_deadline_overrides_per_category(report_in):
    from districts.models import Category

    Category.objects.filter(code="water-leak").update(acknowledge_within_days=2)
    with time_machine.travel(date(2026, 7, 1), tick=False):
        complaint = report_in("anfa", "water-leak")

    assert complaint.acknowledge_by == date(2026, 7, 3)
    assert complaint.answer_by == date(2026, 7, 1) + timedelta(days=60)


def test_photo_of_the_fix_is_stored_cleaned_and_a_bad_file_is_refused(
    report_in, anfa_agent, settings, tmp_path
):
    from issues.models import Attachment
    from tests.media import photo_upload, upload, with_public_copies

    settings.MEDIA_ROOT = tmp_path / "media"
    complaint = report_in("anfa")
    url = f"/staff/complaints/{complaint.reference}/photo/"
    client = signed_in(anfa_agent)

    refused = client.post(url, {"photo": upload("fix.jpg", b"not a photo", "image/jpeg")})
    accepted = client.post(url, {"photo": photo_upload(gps=(33.58, -7.66))})

    assert refused.status_code == 400
    assert "n’est pas une photo" in refused.content.decode()
    assert accepted.status_code == 302
    stored = Attachment.objects.get(complaint=complaint)
    assert stored.stage == Attachment.Stage.RESOLUTION
    with_public_copies(complaint)
    stored.refresh_from_db()
    assert stored.thumbnail and stored.public_file


def test_staff_set_a_priority_and_the_timeline_keeps_it_internal(report_in, anfa_agent):
    complaint = report_in("anfa")

    response = signed_in(anfa_agent).post(
        f"/staff/complaints/{complaint.reference}/priority/", {"priority": "3"}
    )

    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.priority == Complaint.Priority.URGENT
    event = complaint.events.get(kind="priority")
    assert not event.is_public


def test_a_forged_priority_is_refused_and_changes_nothing(report_in, anfa_agent):
    complaint = report_in("anfa")

    response = signed_in(anfa_agent).post(
        f"/staff/complaints/{complaint.reference}/priority/", {"priority": "9"}
    )

    assert response.status_code == 400
    complaint.refresh_from_db()
    assert complaint.priority == Complaint.Priority.NORMAL
    assert not complaint.events.filter(kind="priority").exists()


def test_the_queue_sorts_the_most_urgent_first_and_tags_them(report_in, anfa_agent):
    calm, urgent = report_in("anfa"), report_in("anfa")
    Complaint.objects.filter(pk=urgent.pk).update(priority=Complaint.Priority.URGENT)

    html = signed_in(anfa_agent).get("/staff/", {"sort": "-priority"}).content.decode()

    assert html.index(urgent.reference) < html.index(calm.reference)
    assert "Urgente</span>" in html


def test_a_report_naming_two_problems_is_split_for_the_same_citizen(report_in, anfa_agent):
    complaint = report_in("anfa")
    Complaint.objects.filter(pk=complaint.pk).update(contact_email="habitante@example.org")

    response = signed_in(anfa_agent).post(
        f"/staff/complaints/{complaint.reference}/split/",
        {
            "category": "street-lighting",
            "title": "Lampadaire éteint au même endroit",
            "description": "Signalé dans le même message que le trou.",
        },
    )

    assert response.status_code == 302
    second = Complaint.objects.exclude(pk=complaint.pk).get()
    assert second.category.code == "street-lighting"
    assert second.location.equals_exact(Complaint.objects.get(pk=complaint.pk).location, 1e-9)
    assert second.contact_email == "habitante@example.org"
    told = complaint.events.get(kind="split")
    assert told.is_public and second.reference in told.public_message
    assert not second.events.get(kind="split").is_public


def test_a_closed_report_is_not_split_and_a_bad_category_changes_nothing(report_in, anfa_agent):
    complaint = complaint_in_status(report_in, S.CLOSED)
    client = signed_in(anfa_agent)

    refused = client.post(
        f"/staff/complaints/{complaint.reference}/split/",
        {"category": "street-lighting", "title": "Autre", "description": "Autre."},
    )
    forged = client.post(
        f"/staff/complaints/{report_in('anfa').reference}/split/",
        {"category": "no-such-thing", "title": "Autre", "description": "Autre."},
    )

    assert refused.status_code == forged.status_code == 400
    assert "Seuls les signalements en cours peuvent être scindés" in refused.content.decode()
    assert Complaint.objects.count() == 2
