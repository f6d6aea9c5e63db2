"""An unknown filter value on a public API is refused with 400, naming the parameter and the
values it accepts, rather than silently ignored."""

from __future__ import annotations

import pytest

from districts.models import Authority, Category

ARRONDISSEMENT_SLUGS = sorted(
    [
        "ain-chock", "ain-sebaa", "al-fida", "anfa", "assoukhour-assawda", "ben-msick",
        "hay-hassani", "hay-mohammadi", "maarif", "mers-sultan", "moulay-rachid", "sbata",
        "sidi-belyout", "sidi-bernoussi", "sidi-moumen", "sidi-othmane",
    ]
)  # fmt: skip

FILTERED_ENDPOINTS = [
    "/api/v1/map/complaints/",
    "/api/v1/complaints/",
    "/api/v1/heatmap/",
    "/api/v1/hotspots/",
    "/api/v1/figures/arrondissements/",
    "/planning/export/arrondissements.csv",
    "/planning/export/heat.geojson",
]


@pytest.mark.parametrize("path", FILTERED_ENDPOINTS)
def test_an_unknown_arrondissement_is_refused_with_the_accepted_slugs(client, casablanca, path):
    response = client.get(path, {"arrondissement": "nope"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_parameter"
    assert body["parameter"] == "arrondissement"
    assert body["accepted"] == ARRONDISSEMENT_SLUGS
    assert "al-fida, anfa, assoukhour-assawda" in body["error"]


@pytest.mark.parametrize("path", [*FILTERED_ENDPOINTS, "/api/v1/complaints/nearby/"])
def test_an_unknown_category_is_refused_with_the_accepted_codes(client, casablanca, path):
    response = client.get(path, {"category": "volcano", "lat": 33.58, "lon": -7.62})

    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == "category"
    active = sorted(Category.objects.filter(is_active=True).values_list("code", flat=True))
    assert body["accepted"] == active
    assert "roads-potholes" in body["error"]


@pytest.mark.parametrize("path", FILTERED_ENDPOINTS[2:])
def test_an_unknown_status_group_is_refused_with_open_and_all(client, casablanca, path):
    body = client.get(path, {"status": "maybe"}).json()

    assert (body["parameter"], body["accepted"]) == ("status", ["open", "all"])


def test_the_accepted_values_are_listed_in_arabic_too(client, casablanca):
    response = client.get(
        "/api/v1/complaints/", {"arrondissement": "nope"}, HTTP_ACCEPT_LANGUAGE="ar"
    )

    assert response.status_code == 400
    assert "القيم المقبولة" in response.json()["error"]


def test_a_free_parameter_lists_no_values(client, casablanca):
    body = client.get("/api/v1/locate/", {"lat": "north", "lon": -7.6}).json()

    assert body["parameter"] == "lat"
    assert "accepted" not in body


def test_known_filter_values_still_filter(client, casablanca, point_in):
    assert Authority.objects.filter(slug="anfa").exists()
    response = client.get("/api/v1/complaints/", {"arrondissement": "anfa", "category": ""})

    assert response.status_code == 200
    assert response.json()["type"] == "FeatureCollection"
