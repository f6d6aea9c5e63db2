"""The one policy module (issues.policy): scope is by the authority that *handles* a complaint,
not the arrondissement it lies in; roles decide moderation; files follow the same rules; a
moderation decision about a photo must name a photo of that report."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from districts.models import Authority
from issues import moderation, policy
from issues.attachments import prepare
from tests.factories import StaffMembershipFactory, UserFactory
from tests.media import photo_upload, with_public_copies

pytestmark = pytest.mark.django_db


@pytest.fixture
def water_leak_in_anfa(report_in):
    """A report lying in Anfa but handled by the water operator (routing's answer)."""
    complaint = report_in("anfa", "water-leak")
    assert complaint.arrondissement.slug == "anfa"
    assert complaint.authority.kind == Authority.Kind.OPERATOR
    return complaint


def test_an_arrondissements_staff_do_not_see_what_an_operator_handles_in_it(
    water_leak_in_anfa, casablanca
):
    anfa = StaffMembershipFactory(authority=Authority.objects.get(slug="anfa")).user
    operator = StaffMembershipFactory(authority=water_leak_in_anfa.authority).user
    anfa_client, operator_client = Client(), Client()
    anfa_client.force_login(anfa)
    operator_client.force_login(operator)
    reference = water_leak_in_anfa.reference

    assert not policy.scoped_complaints(anfa).filter(pk=water_leak_in_anfa.pk).exists()
    assert policy.scoped_complaints(operator).filter(pk=water_leak_in_anfa.pk).exists()
    assert anfa_client.get(f"/staff/complaints/{reference}/").status_code == 404
    assert anfa_client.get(f"/api/v1/staff/complaints/{reference}/").status_code == 404
    assert reference not in anfa_client.get("/staff/export.csv").getvalue().decode()
    assert operator_client.get(f"/staff/complaints/{reference}/").status_code == 200


def test_only_moderating_roles_may_moderate(report_in):
    anfa = report_in("anfa").authority
    roles = {
        role: StaffMembershipFactory(authority=anfa, role=role).user
        for role in ("agent", "moderator", "manager")
    }
    supervisor = StaffMembershipFactory(authority=None, role="supervisor").user

    assert {role: policy.may_moderate(user) for role, user in roles.items()} == {
        "agent": False,
        "moderator": True,
        "manager": True,
    }
    assert policy.may_moderate(supervisor)
    assert not policy.may_moderate(UserFactory())


def test_a_photo_decision_must_name_a_photo_of_that_report(report_in):
    first = report_in("anfa")
    other = report_in("anfa", attachments=[prepare(photo_upload())])
    moderator = StaffMembershipFactory(authority=first.authority, role="moderator").user
    photo_of_other = other.attachments.get()

    with pytest.raises(moderation.ModerationRefused):
        moderation.moderate(
            complaint=first,
            actor=moderator,
            decision="hide_photo",
            reason="Visage",
            attachment=photo_of_other,
        )
    photo_of_other.refresh_from_db()
    assert not photo_of_other.is_hidden


def test_an_original_photo_is_served_to_the_handling_staff_only(report_in, casablanca):
    complaint = with_public_copies(report_in("anfa", attachments=[prepare(photo_upload())]))
    photo = complaint.attachments.get()
    anfa_agent = StaffMembershipFactory(authority=complaint.authority).user
    maarif_agent = StaffMembershipFactory(authority=Authority.objects.get(slug="maarif")).user

    def status_for(user, stored) -> int:
        visitor = Client()
        if user is not None:
            visitor.force_login(user)
        return visitor.get(reverse("attachment-file", args=[stored.name])).status_code

    original = [status_for(user, photo.file) for user in (None, maarif_agent, anfa_agent)]
    public = [status_for(user, photo.public_file) for user in (None, maarif_agent, anfa_agent)]
    assert (original, public) == ([404, 404, 200], [200, 200, 200])
