"""Possible duplicates (issue #27): one selector ranks earlier reports near a new one by
distance, category and text similarity, within the category's radius and window; the report
form's nearby step (the public API) uses it, and the citizen supports one instead of filing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from districts.models import Category
from issues.category_suggestion import TEXT_MAX_LENGTH
from issues.models import Complaint, Support
from issues.selectors import possible_duplicates
from issues.services import create_complaint

S = Complaint.Status
NEW_TEXT = "Gros trou dans la chaussée devant l'école, les voitures l'évitent"


@pytest.fixture
def centre(casablanca, point_in) -> Point:
    return point_in("anfa")


@pytest.fixture
def file_near(centre):
    """`file_near(east_m, title, description, code=…)`: a report filed that far east of the
    centre (metres → degrees at Casablanca's latitude)."""

    def _file(east_m: float, title: str, description: str = "", code: str = "roads-potholes"):
        return create_complaint(
            category=Category.objects.get(code=code),
            location=Point(centre.x + east_m / 92_800, centre.y, srid=4326),
            title=title,
            description=description or title,
        )

    return _file


def potholes() -> Category:
    return Category.objects.get(code="roads-potholes")


def references(found) -> list[str]:
    return [d.complaint.reference for d in found]


def test_text_similarity_lifts_the_same_problem_above_a_nearer_different_one(centre, file_near):
    other_problem = file_near(10, "Trottoir cassé", "Les dalles du trottoir sont soulevées")
    same_problem = file_near(
        70, "Trou dans la chaussée", "Un gros trou dans la chaussée devant l'école primaire"
    )

    without_text = possible_duplicates(centre, potholes())
    with_text = possible_duplicates(centre, potholes(), NEW_TEXT)

    assert references(without_text) == [other_problem.reference, same_problem.reference]
    assert references(with_text) == [same_problem.reference, other_problem.reference]
    best, second = with_text
    assert best.score > second.score
    assert best.text_similarity > 2 * second.text_similarity
    assert round(best.distance_m) == 70 and best.same_category


def test_other_categories_only_when_asked_and_scored_lower(centre, file_near):
    light = file_near(40, "Lampadaire éteint", "La rue est dans le noir", code="street-lighting")
    hole = file_near(60, "Trou", "Un trou dans la rue")

    assert references(possible_duplicates(centre, potholes())) == [hole.reference]
    both = possible_duplicates(centre, potholes(), other_categories=True)
    assert references(both) == [hole.reference, light.reference]
    assert not both[1].same_category


def test_radius_is_the_categorys(centre, file_near):
    inside = file_near(90, "Trou à 90 m")
    outside = file_near(130, "Trou à 130 m")

    assert references(possible_duplicates(centre, potholes())) == [inside.reference]

    Category.objects.filter(code="roads-potholes").update(duplicate_radius_metres=150)
    found = possible_duplicates(centre, potholes())
    assert references(found) == [inside.reference, outside.reference]


def test_closed_reports_count_within_the_categorys_window_only(centre, file_near):
    still_open = file_near(20, "Trou ouvert")
    recently_fixed = file_near(30, "Trou réparé il y a 11 semaines")
    long_fixed = file_near(40, "Trou réparé il y a 13 semaines")
    rejected = file_near(50, "Rejeté")
    now = timezone.now()
    Complaint.objects.filter(pk=recently_fixed.pk).update(
        status=S.RESOLVED, resolved_at=now - timedelta(weeks=11)
    )
    Complaint.objects.filter(pk=long_fixed.pk).update(
        status=S.CLOSED, resolved_at=now - timedelta(weeks=13)
    )
    Complaint.objects.filter(pk=rejected.pk).update(status=S.REJECTED)

    found = possible_duplicates(centre, potholes(), now=now)
    assert references(found) == [still_open.reference, recently_fixed.reference]

    Category.objects.filter(code="roads-potholes").update(duplicate_window_weeks=14)
    found = possible_duplicates(centre, potholes(), now=now)
    assert long_fixed.reference in references(found)
    # The boundary: exactly the window back still counts, a second more does not.
    Category.objects.filter(code="roads-potholes").update(duplicate_window_weeks=13)
    assert long_fixed.reference in references(possible_duplicates(centre, potholes(), now=now))
    later = now + timedelta(seconds=1)
    assert long_fixed.reference not in references(
        possible_duplicates(centre, potholes(), now=later)
    )


def test_unpublished_and_excluded_reports_are_not_offered(centre, file_near):
    hidden = file_near(10, "Trou caché")
    itself = file_near(20, "Trou")
    Complaint.objects.filter(pk=hidden.pk).update(moderation=Complaint.Moderation.HIDDEN)

    assert possible_duplicates(centre, potholes(), exclude=itself) == []


def test_the_api_ranks_by_the_text_and_stays_compatible_without_it(client, centre, file_near):
    other_problem = file_near(10, "Trottoir cassé", "Les dalles du trottoir sont soulevées")
    same_problem = file_near(70, "Trou dans la chaussée", "Un gros trou devant l'école primaire")
    query = {"lat": centre.y, "lon": centre.x, "category": "roads-potholes"}

    plain = client.get("/api/v1/complaints/nearby/", query).json()
    ranked = client.get("/api/v1/complaints/nearby/", {**query, "text": NEW_TEXT}).json()

    assert [item["reference"] for item in plain] == [
        other_problem.reference,
        same_problem.reference,
    ]
    assert [item["reference"] for item in ranked] == [
        same_problem.reference,
        other_problem.reference,
    ]
    assert ranked[0]["score"] > ranked[1]["score"]
    assert ranked[0]["is_open"] is True and ranked[0]["distance_m"] == 70


def test_a_too_long_text_is_refused_in_the_users_language(client, centre):
    too_long = TEXT_MAX_LENGTH + 1
    query = {"lat": centre.y, "lon": centre.x, "category": "roads-potholes", "text": "x" * too_long}

    response = client.get("/api/v1/complaints/nearby/", query, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    assert response.json()["parameter"] == "text"
    assert response.json()["error"] == f"text: {TEXT_MAX_LENGTH} caractères au maximum."


def test_the_citizen_supports_the_offered_report_instead_of_filing(client, centre, file_near):
    offered = file_near(70, "Trou dans la chaussée", "Un gros trou devant l'école primaire")
    fixed = file_near(15, "Trou réparé", "Un trou devant l'école, réparé")
    Complaint.objects.filter(pk=fixed.pk).update(
        status=S.RESOLVED, resolved_at=timezone.now() - timedelta(weeks=1)
    )
    query = {"lat": centre.y, "lon": centre.x, "category": "roads-potholes", "text": NEW_TEXT}
    reports_before = Complaint.objects.count()

    offers = client.get("/api/v1/complaints/nearby/", query).json()
    by_reference = {item["reference"]: item for item in offers}
    answer = client.post(
        by_reference[offered.reference]["support_url"],
        HTTP_X_REQUESTED_WITH="fetch",
        HTTP_ACCEPT="application/json",
    )

    assert answer.status_code == 200 and answer.json()["counted"] is True
    assert Support.objects.filter(complaint=offered).count() == 1
    assert Complaint.objects.count() == reports_before  # nothing new filed
    # The recently fixed one is offered too, as closed: it takes no support.
    assert by_reference[fixed.reference]["is_open"] is False
    refused = client.post(
        by_reference[fixed.reference]["support_url"],
        HTTP_X_REQUESTED_WITH="fetch",
        HTTP_ACCEPT="application/json",
    )
    assert refused.status_code != 200
    assert not Support.objects.filter(complaint=fixed).exists()


def test_a_text_in_the_other_script_counts_as_unrelated_not_as_nothing():
    from issues import duplicates

    same_script, other_script = duplicates.text_similarities(
        "حفرة كبيرة في الطريق", ["حفرة كبيرة في الطريق قرب المدرسة", "kayna wa7d l7ofra kbira"]
    )

    assert same_script > 0.5
    assert other_script == duplicates.cross_script_similarity()
    assert 0 < other_script < 0.2
