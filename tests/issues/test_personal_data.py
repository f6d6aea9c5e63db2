"""Phone numbers, e-mail addresses and CIN numbers typed into a report are masked in its public
copy at filing; staff keep the original (law 09-08)."""

from __future__ import annotations

import pytest

from districts.models import Category
from issues.models import Complaint, Event
from issues.personal_data import mask
from issues.services import create_complaint


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Appelez-moi au 0661-23-45-67 svp", "phone"),
        ("Mon numéro : +212 6 61 23 45 67.", "phone"),
        ("اتصلوا بي على 0661234567 من فضلكم", "phone"),
        ("écrire à karim.b@example.ma pour la suite", "email"),
        ("CIN BE123456, propriétaire du terrain", "cin"),
        ("رقم البطاقة الوطنية A654321", "cin"),
    ],
)
def test_personal_data_is_found_and_masked(text, kind):
    masked = mask(text, language="fr")

    assert masked.kinds == {kind}
    assert "[masqué]" in masked.text
    for digits in ("0661", "6 61", "example.ma", "123456", "654321"):
        assert digits not in masked.text


@pytest.mark.parametrize(
    "text",
    [
        "Nid-de-poule au 12 rue de Tunis, signalé le 03/12/2026",
        "Suite de CM-2026-1354Y9 : toujours là depuis 2024",
        "Lampadaire n° 45678 éteint, boulevard Zerktouni",
        "Bus 7 et tram T2 à l'arrêt Place Mohammed V",
    ],
)
def test_street_numbers_dates_codes_and_lines_are_not_taken_for_personal_data(text):
    assert mask(text).text == text


def test_the_arabic_placeholder_for_an_arabic_report():
    assert mask("هاتفي 0661234567", language="ar").text == "هاتفي [محجوب]"


def test_a_report_with_a_phone_number_is_public_without_it_and_staff_keep_it(casablanca, point_in):
    complaint = create_complaint(
        category=Category.objects.get(code="roads-potholes"),
        location=point_in("anfa"),
        title="Trou profond, appelez 0661234567",
        description="Je suis joignable au 0661-23-45-67 ou karim@example.ma.",
    )

    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.title == "Trou profond, appelez 0661234567"  # staff see what was typed
    assert "0661" not in complaint.shown_title and "0661" not in complaint.shown_description
    assert "karim@example.ma" not in complaint.shown_description
    masking = Event.objects.get(complaint=complaint, kind=Event.Kind.MODERATED)
    assert not masking.is_public
    assert "téléphone" in masking.internal_note and "e-mail" in masking.internal_note


def test_a_report_without_personal_data_has_no_public_copy_and_no_event(casablanca, point_in):
    complaint = create_complaint(
        category=Category.objects.get(code="roads-potholes"),
        location=point_in("anfa"),
        title="Trou au 12 rue de Tunis",
        description="Depuis le 03/12/2026.",
    )

    assert (complaint.public_title, complaint.public_description) == ("", "")
    assert not Event.objects.filter(complaint=complaint, kind=Event.Kind.MODERATED).exists()
