"""Marking a report as a duplicate merges it into the original: its supporters and its reporter
support the original (once each), its citizens' updates move there, the original's timeline says
so, and the duplicate's reporter is told where to follow it."""

from __future__ import annotations

import pytest
from django.core import mail

from issues.models import CitizenUpdate, Complaint, Event, Support
from issues.policy import device_key
from issues.services import support_complaint, transition
from tests.factories import UserFactory

S = Complaint.Status


@pytest.fixture
def agent(casablanca):
    from districts.models import Authority
    from tests.factories import StaffMembershipFactory

    return StaffMembershipFactory(authority=Authority.objects.get(slug="anfa")).user


def test_merging_carries_supporters_and_the_reporter_once_each(file_at, agent):
    original = file_at("anfa")
    duplicate = file_at("anfa", east_m=30)
    Complaint.objects.filter(pk=duplicate.pk).update(
        submitter_key=device_key("duplicate-reporter"), contact_email="habitante@example.org"
    )
    duplicate.refresh_from_db()
    support_complaint(complaint=duplicate, device_token="voisin-1")
    support_complaint(complaint=duplicate, device_token="voisin-2")
    support_complaint(complaint=original, device_token="voisin-2")  # already supports both
    CitizenUpdate.objects.create(complaint=duplicate, claim=CitizenUpdate.Claim.STILL_THERE)
    mail.outbox.clear()

    transition(complaint=duplicate, to_status=S.DUPLICATE, actor=agent, duplicate_of=original)

    original.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.status == S.DUPLICATE and duplicate.duplicate_of == original
    # voisin-1 and the duplicate's reporter are new supporters; voisin-2 counted once.
    assert original.support_count == 3
    assert Support.objects.filter(complaint=original).count() == 3
    assert CitizenUpdate.objects.filter(complaint=original).count() == 1
    merged = Event.objects.get(complaint=original, kind=Event.Kind.MERGED)
    assert not merged.is_public and duplicate.reference in merged.internal_note
    told = duplicate.events.get(to_status=S.DUPLICATE)
    assert told.is_public and original.reference in told.public_message


def test_the_originals_own_reporter_does_not_support_their_own_report(file_at, agent):
    citizen = UserFactory(username="habitant@example.org")
    original = file_at("anfa")
    duplicate = file_at("anfa", east_m=30)
    Complaint.objects.filter(pk__in=[original.pk, duplicate.pk]).update(reporter=citizen)

    transition(complaint=duplicate, to_status=S.DUPLICATE, actor=agent, duplicate_of=original)

    original.refresh_from_db()
    assert original.support_count == 0


def test_merging_twice_the_same_supporters_counts_them_once(file_at, agent):
    original = file_at("anfa")
    first, second = file_at("anfa", east_m=20), file_at("anfa", east_m=40)
    for duplicate in (first, second):
        support_complaint(complaint=duplicate, device_token="voisin")

    for duplicate in (first, second):
        transition(complaint=duplicate, to_status=S.DUPLICATE, actor=agent, duplicate_of=original)

    original.refresh_from_db()
    assert original.support_count == Support.objects.filter(complaint=original).count() == 1
