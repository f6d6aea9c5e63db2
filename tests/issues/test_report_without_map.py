"""Reporting without the map (no script, a screen reader, a phone too small for a map): search a
place by name, choose it, read where the pin falls in words, then file."""

from __future__ import annotations

import re
import uuid

import pytest

from districts.selectors import locate, search_places
from issues.models import Complaint

pytestmark = pytest.mark.usefixtures("casablanca")


def test_searching_a_place_lists_links_that_start_the_form_with_that_pin(client):
    response = client.get("/report/", {"place": "Gare Casa-Port"})

    html = response.content.decode()
    assert response.status_code == 200
    links = re.findall(r'<a href="\?lat=([0-9.-]+)&amp;lon=([0-9.-]+)">(.+?)</a>', html)
    assert links, "no place offered"
    place = search_places("Gare Casa-Port")[0]
    lat, lon, label = links[0]
    assert (float(lat), float(lon)) == pytest.approx((place.location.y, place.location.x), abs=1e-6)
    assert place.label in label


def test_a_chosen_place_is_confirmed_in_words_and_filled_in_the_form(client):
    place = search_places("Gare Casa-Port")[0]
    arrondissement = locate(place.location).arrondissement

    response = client.get("/report/", {"lat": place.location.y, "lon": place.location.x})

    html = response.content.decode()
    assert f"Au plus près de : {place.label}" in html
    assert arrondissement.name_fr in html
    form = response.context["form"]
    assert form["lat"].value() == pytest.approx(place.location.y, abs=1e-6)
    assert form["lon"].value() == pytest.approx(place.location.x, abs=1e-6)


def test_the_whole_flow_files_a_report_routed_from_the_chosen_place(client):
    place = search_places("Gare Casa-Port")[0]
    form = client.get("/report/", {"lat": place.location.y, "lon": place.location.x}).context[
        "form"
    ]

    response = client.post(
        "/report/",
        {
            "kind": "complaint",
            "category": "street-lighting",
            "title": "Lampadaire éteint",
            "description": "Devant l'entrée de la gare.",
            "lat": form["lat"].value(),
            "lon": form["lon"].value(),
            "submission_key": form["submission_key"].value(),
        },
    )

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.arrondissement == locate(place.location).arrondissement
    assert complaint.location.distance(place.location) < 1e-6


def test_a_place_outside_the_city_is_explained(client):
    response = client.get("/report/", {"lat": "34.02", "lon": "-6.84"})  # Rabat

    assert "en dehors" in response.content.decode()


def test_a_search_with_no_match_says_so(client):
    response = client.get("/report/", {"place": "zzzzqqq"})

    assert "Aucun lieu trouvé" in response.content.decode()


@pytest.mark.parametrize(
    "query", [{"lat": "nan", "lon": "1"}, {"lat": "x", "lon": "y"}, {"lat": "33.5"}]
)
def test_broken_coordinates_in_the_address_are_ignored(client, query):
    response = client.get("/report/", query)

    assert response.status_code == 200
    assert response.context["form"]["lat"].value() is None
    assert uuid.UUID(str(response.context["form"]["submission_key"].value()))
