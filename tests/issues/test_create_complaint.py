"""create_complaint: validation, routing in the same transaction, nothing half-saved."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.geos import Point

from districts.errors import OutsideServiceArea
from districts.models import Category
from issues.errors import InvalidComplaint
from issues.models import REFERENCE_PATTERN, Complaint
from issues.services import create_complaint

pytestmark = pytest.mark.usefixtures("casablanca")


def category(code: str) -> Category:
    return Category.objects.get(code=code)


def new_complaint(location: Point, code: str = "roads-potholes", **overrides) -> Complaint:
    fields = {
        "category": category(code),
        "location": location,
        "title": "Nid-de-poule dangereux",
        "description": "Un trou profond au milieu de la chaussée.",
    }
    return create_complaint(**(fields | overrides))


def test_anonymous_complaint_is_routed_to_the_arrondissement_and_gets_a_tracking_code(point_in):
    complaint = new_complaint(point_in("hay-mohammadi"), reporter=AnonymousUser())

    complaint.refresh_from_db()
    assert re.match(REFERENCE_PATTERN, complaint.reference)
    assert complaint.authority.slug == "hay-mohammadi"
    assert complaint.arrondissement.slug == "hay-mohammadi"
    assert complaint.status == Complaint.Status.SUBMITTED
    assert complaint.reporter is None


def test_signed_in_reporter_is_kept(point_in):
    user = get_user_model().objects.create_user("amina", "amina@example.org", "s3cret-pass")

    complaint = new_complaint(point_in("anfa"), reporter=user)

    assert complaint.reporter == user


def test_water_leak_is_routed_to_the_operator_and_remembers_the_arrondissement(point_in):
    complaint = new_complaint(point_in("sidi-moumen"), "water-leak")

    assert complaint.authority.slug == "srm-casablanca-settat"
    assert complaint.arrondissement.slug == "sidi-moumen"
    assert complaint.service_area.code == "srm-commune"


def test_point_outside_casablanca_is_refused_and_nothing_is_saved():
    with pytest.raises(OutsideServiceArea):
        new_complaint(Point(-7.60, 33.70, srid=4326))

    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 141}, "title"),
        ({"description": ""}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"kind": "petition"}, "kind"),
    ],
)
def test_invalid_fields_are_refused_with_a_message_per_field(point_in, overrides, field):
    with pytest.raises(InvalidComplaint) as raised:
        new_complaint(point_in("anfa"), **overrides)

    assert list(raised.value.errors) == [field]
    assert not Complaint.objects.exists()


def test_inactive_category_is_refused(point_in):
    Category.objects.filter(code="noise").update(is_active=False)

    with pytest.raises(InvalidComplaint) as raised:
        new_complaint(point_in("anfa"), "noise")

    assert "category" in raised.value.errors


def test_reference_clash_draws_a_new_code(point_in, monkeypatch):
    first = new_complaint(point_in("anfa"))
    codes = iter([first.reference, "CM-2026-ABCDEF"])
    monkeypatch.setattr("issues.models.new_reference", lambda year: next(codes))

    second = new_complaint(point_in("anfa"))

    assert second.reference == "CM-2026-ABCDEF"
    assert Complaint.objects.count() == 2
