"""A report's staff page and the staff API list its possible duplicates (issues.selectors.
possible_duplicates, from the real position), each with a one-click merge through the
existing "duplicate" transition."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point

from districts.models import Category
from issues.models import Complaint, Event
from issues.services import create_complaint, support_complaint

from .conftest import signed_in

S = Complaint.Status


@pytest.fixture
def reports(casablanca, point_in):
    """An earlier pothole report, a nearer earlier one about a broken pavement, and the new
    report that repeats the first."""
    centre = point_in("anfa")
    potholes = Category.objects.get(code="roads-potholes")

    def file(east_m: float, title: str, description: str) -> Complaint:
        location = Point(centre.x + east_m / 92_800, centre.y, srid=4326)
        return create_complaint(
            category=potholes, location=location, title=title, description=description
        )

    original = file(60, "Trou dans la chaussée", "Un gros trou dans la chaussée devant l'école")
    pavement = file(10, "Trottoir cassé", "Les dalles du trottoir sont soulevées")
    new = file(0, "Trou devant l'école", "Gros trou dans la chaussée devant l'école primaire")
    Complaint.objects.filter(pk__in=[original.pk, pavement.pk]).update(
        created_at=new.created_at - timedelta(days=3)
    )
    return original, pavement, new


def test_the_staff_page_lists_possible_duplicates_best_first(anfa_agent, reports):
    original, pavement, new = reports

    html = signed_in(anfa_agent).get(f"/staff/complaints/{new.reference}/").content.decode()

    section = html[html.index('data-testid="possible-duplicates"') :]
    assert section.index(original.reference) < section.index(pavement.reference)
    assert section.count('data-testid="merge-form"') == 2
    assert f'name="duplicate_of" value="{original.reference}"' in section


def test_one_click_merges_the_report_into_the_chosen_one(anfa_agent, reports):
    original, _pavement, new = reports
    support_complaint(complaint=new, device_token="voisin")
    client = signed_in(anfa_agent)

    response = client.post(
        f"/staff/complaints/{new.reference}/transition/",
        {"to_status": "duplicate", "duplicate_of": original.reference},
    )

    assert response.status_code == 302
    new.refresh_from_db()
    original.refresh_from_db()
    assert new.status == S.DUPLICATE and new.duplicate_of == original
    assert original.support_count == 1
    assert Event.objects.filter(complaint=original, kind=Event.Kind.MERGED).exists()
    # Once merged it is no longer offered as anyone's duplicate, and its page offers no merge.
    page = client.get(f"/staff/complaints/{new.reference}/").content.decode()
    assert 'data-testid="merge-form"' not in page


def test_the_staff_api_detail_lists_them_with_scores(anfa_agent, reports):
    original, pavement, new = reports

    detail = signed_in(anfa_agent).get(f"/api/v1/staff/complaints/{new.reference}/").json()

    listed = detail["properties"]["possible_duplicates"]
    assert [item["reference"] for item in listed] == [original.reference, pavement.reference]
    assert listed[0]["score"] > listed[1]["score"]
    assert listed[0]["url"] == f"/staff/complaints/{original.reference}/"
    assert listed[0]["distance_m"] == 60 and listed[0]["same_category"] is True
