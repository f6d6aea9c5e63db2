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
from issues.models import Complaint
from issues.services import transition
from tests.factories import StaffMembershipFactory, UserFactory
from tests.gates.common import report_fields
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


@pytest.fixture
def resolved_with_photo(report_in):
    """A signed-in citizen's resolved report with a photo (its public copy made)."""
    citizen = UserFactory()
    complaint = with_public_copies(
        report_in("anfa", reporter=citizen, attachments=[prepare(photo_upload())])
    )
    staff = StaffMembershipFactory(authority=complaint.authority).user
    transition(complaint=complaint, to_status="acknowledged", actor=staff)
    transition(complaint=complaint, to_status="resolved", actor=staff, public_message="Fait.")
    return complaint, citizen


def test_the_reporters_account_the_private_link_and_the_session_make_the_owner(
    resolved_with_photo,
):
    complaint, citizen = resolved_with_photo
    rate_form = f'action="/track/{complaint.reference}/rate/"'
    signed_in, with_link, stranger = Client(), Client(), Client()
    signed_in.force_login(citizen)

    assert rate_form in signed_in.get(f"/track/{complaint.reference}/").content.decode()
    linked = with_link.get(f"/track/{complaint.reference}/?key={complaint.owner_key}")
    assert linked.status_code == 302  # the key leaves the address bar…
    assert rate_form in with_link.get(linked["Location"]).content.decode()  # …and is remembered
    assert rate_form not in stranger.get(f"/track/{complaint.reference}/").content.decode()
    wrong_key = stranger.get(f"/track/{complaint.reference}/?key=not-the-key", follow=True)
    assert rate_form not in wrong_key.content.decode()


def test_a_signed_in_citizen_supports_once_from_any_address(report_in):
    complaint = report_in("anfa")
    citizen = UserFactory()
    answers = []
    for address in ("198.51.100.40", "203.0.113.41"):
        client = Client(REMOTE_ADDR=address)
        client.force_login(citizen)
        answers.append(
            client.post(
                f"/track/{complaint.reference}/support/", HTTP_X_REQUESTED_WITH="fetch"
            ).json()["counted"]
        )

    assert answers == [True, False]


def test_a_hidden_photo_of_a_public_report_is_served_to_no_one_but_the_staff(
    resolved_with_photo,
):
    complaint, citizen = resolved_with_photo
    photo = complaint.attachments.get()
    photo.is_hidden = True
    photo.save(update_fields=["is_hidden"])
    url = reverse("attachment-file", args=[photo.public_file.name])
    owner, staff = Client(), Client()
    owner.force_login(citizen)
    staff.force_login(StaffMembershipFactory(authority=complaint.authority).user)

    assert (Client().get(url).status_code, owner.get(url).status_code) == (404, 404)
    assert staff.get(url).status_code == 200


def test_the_reporter_of_a_pending_report_sees_its_public_copies_not_its_original(report_in):
    citizen = UserFactory()
    complaint = with_public_copies(
        report_in(
            "anfa", reporter=citizen, premoderated=True, attachments=[prepare(photo_upload())]
        )
    )
    photo = complaint.attachments.get()
    owner = Client()
    owner.force_login(citizen)

    def status(client, stored) -> int:
        return client.get(reverse("attachment-file", args=[stored.name])).status_code

    assert (status(owner, photo.public_file), status(owner, photo.file)) == (200, 404)
    assert status(Client(), photo.public_file) == 404


def test_the_private_link_works_on_the_request_that_carries_it(resolved_with_photo):
    complaint, _citizen = resolved_with_photo
    fresh = Client()

    answer = fresh.post(
        f"/track/{complaint.reference}/rate/?key={complaint.owner_key}", {"rating": "4"}
    )

    assert answer.status_code == 302
    complaint.refresh_from_db()
    assert complaint.satisfaction == 4


def test_a_browser_owns_every_report_it_sent(client, point_in):
    for title in ("Premier", "Second"):
        client.post(
            "/report/",
            {**report_fields(point_in("anfa")), "kind": "complaint", "title": title},
        )
    first, second = Complaint.objects.order_by("id")

    assert client.get(f"/report/{first.reference}/sent/").context["owner_url"]
    assert client.get(f"/report/{second.reference}/sent/").context["owner_url"]
    assert not Client().get(f"/report/{first.reference}/sent/").context["owner_url"]


def test_the_planners_page_links_hotspots_to_the_staff_pages_for_staff_only(
    client, file_at, settings
):
    settings.HOTSPOT_MIN_COUNT = 3
    for east in (0, 10, 20, 30):
        complaint = file_at("anfa", east_m=east)
    staff = Client()
    staff.force_login(StaffMembershipFactory(authority=complaint.authority).user)
    citizen = Client()
    citizen.force_login(UserFactory())
    staff_link = f'href="/staff/complaints/{complaint.reference}/"'

    assert staff_link in staff.get("/planning/", {"min_count": 3}).content.decode()
    assert staff_link not in citizen.get("/planning/", {"min_count": 3}).content.decode()


def test_only_a_member_of_the_handling_authority_can_be_assigned(report_in):
    from issues.errors import InvalidTransition
    from issues.services import assign

    complaint = report_in("anfa")
    manager = StaffMembershipFactory(authority=complaint.authority, role="manager").user

    for outsider in (UserFactory(), StaffMembershipFactory(authority=None, role="supervisor").user):
        with pytest.raises(InvalidTransition):
            assign(complaint=complaint, agent=outsider, actor=manager)
    complaint.refresh_from_db()
    assert complaint.assigned_to is None
