"""Personal data typed into a citizen's update or a staff member's public reply — a phone
number, an e-mail address, a CIN number — is masked where the public sees it (law 09-08,
issues.personal_data, as for reports); staff keep the citizen's original."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from issues import moderation, services
from issues.models import CitizenUpdate, Event
from tests.factories import StaffMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(casablanca):
    return StaffMembershipFactory(authority=None, role="supervisor").user


def published_update(complaint, moderator, text: str, language: str) -> CitizenUpdate:
    with translation.override(language):
        update = services.add_citizen_update(complaint=complaint, claim="still_there", text=text)
    moderation.moderate_update(update=update, actor=moderator, decision="publish", reason="OK")
    return update


def test_an_update_in_french_is_masked_in_public_and_kept_for_staff(report_in, moderator):
    complaint = report_in("anfa")
    text = "Appelez-moi au 06 61 23 45 67 ou fatima@example.ma, CIN BE123456."

    update = published_update(complaint, moderator, text, "fr")

    update.refresh_from_db()
    assert update.text == text
    assert update.public_text == "Appelez-moi au [masqué] ou [masqué], CIN [masqué]."
    api = Client().get(f"/api/v1/complaints/{complaint.reference}/").json()
    assert [item["text"] for item in api["properties"]["citizen_updates"]] == [update.public_text]
    page = Client().get(f"/track/{complaint.reference}/").content.decode()
    assert "[masqué]" in page and "06 61 23 45 67" not in page and "fatima@" not in page
    staff = Client()
    staff.force_login(moderator)
    assert (
        "06 61 23 45 67" in staff.get(f"/staff/complaints/{complaint.reference}/").content.decode()
    )


def test_an_update_in_arabic_is_masked_with_the_arabic_placeholder(report_in, moderator):
    complaint = report_in("anfa")

    update = published_update(complaint, moderator, "اتصلوا بي على 0661234567 من فضلكم", "ar")

    update.refresh_from_db()
    assert update.public_text == "اتصلوا بي على [محجوب] من فضلكم"
    public = Client().get(f"/api/v1/complaints/{complaint.reference}/").content.decode()
    assert "0661234567" not in public


def test_an_update_without_personal_data_is_shown_as_written(report_in, moderator):
    complaint = report_in("anfa")

    update = published_update(complaint, moderator, "Le trou est toujours là, rue 12.", "fr")

    update.refresh_from_db()
    assert (update.public_text, update.shown_text) == ("", "Le trou est toujours là, rue 12.")


@pytest.mark.parametrize(("language", "placeholder"), [("fr", "[masqué]"), ("ar", "[محجوب]")])
def test_a_staff_public_reply_is_masked_in_the_reporters_language(
    report_in, moderator, language, placeholder
):
    complaint = report_in("anfa", language=language)

    services.add_message(
        complaint=complaint,
        actor=moderator,
        public_message="Le riverain joignable au 0661234567 a confirmé.",
    )

    event = Event.objects.filter(complaint=complaint, kind=Event.Kind.MESSAGE).get()
    assert event.public_message == f"Le riverain joignable au {placeholder} a confirmé."
    assert "0661234567" not in Client().get(f"/track/{complaint.reference}/").content.decode()
