"""The public locate endpoint and the boundaries GeoJSON."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("casablanca")

LOCATE = "/api/v1/locate/"


def test_locate_names_arrondissement_prefecture_and_handlers(client, point_in):
    point = point_in("maarif")

    response = client.get(LOCATE, {"lat": point.y, "lon": point.x})

    assert response.status_code == 200
    body = response.json()
    assert body["arrondissement"] == {
        "slug": "maarif",
        "name_fr": "Maârif",
        "name_ar": "مقاطعة المعاريف",
    }
    assert body["prefecture"]["slug"] == "casablanca-anfa"
    assert body["prefecture"]["name_ar"] == "عمالة مقاطعات الدار البيضاء أنفا"
    assert body["handlers"]["roads-potholes"]["slug"] == "maarif"
    assert body["handlers"]["water-leak"]["slug"] == "srm-casablanca-settat"
    assert body["handlers"]["water-leak"]["kind"] == "operator"
    assert body["handlers"]["waste-collection"]["slug"] == "arma"
    assert len(body["handlers"]) == 13


def test_locate_outside_casablanca_is_404_with_a_code_in_french_by_default(client):
    response = client.get(LOCATE, {"lat": "33.70", "lon": "-7.60"})

    assert response.status_code == 404
    assert response.json() == {
        "error": "Cet emplacement est en dehors de la zone de service de Casablanca.",
        "code": "outside_service_area",
    }


def test_locate_outside_casablanca_answers_in_arabic_when_asked(client):
    response = client.get(LOCATE, {"lat": "33.70", "lon": "-7.60"}, HTTP_ACCEPT_LANGUAGE="ar")

    assert response.json()["error"] == "هذا الموقع خارج نطاق خدمة الدار البيضاء."


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"lon": "-7.6"}, "lat"),
        ({"lat": "33.5"}, "lon"),
        ({"lat": "north", "lon": "-7.6"}, "lat"),
        ({"lat": "91", "lon": "-7.6"}, "lat"),
        ({"lat": "33.5", "lon": "-181"}, "lon"),
        ({"lat": "NaN", "lon": "-7.6"}, "lat"),
        ({"lat": "33.5", "lon": "inf"}, "lon"),
    ],
)
def test_locate_with_bad_coordinates_is_400_naming_the_parameter(client, params, parameter):
    response = client.get(LOCATE, params)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_parameter"
    assert body["parameter"] == parameter
    assert body["error"].startswith(f"{parameter}: ")


def test_locate_error_is_in_arabic_when_asked(client):
    response = client.get(LOCATE, {"lat": "x", "lon": "-7.6"}, HTTP_ACCEPT_LANGUAGE="ar")

    assert response.status_code == 400
    assert "مطلوب" in response.json()["error"] or "رقم" in response.json()["error"]


def test_locate_runs_a_fixed_number_of_queries(client, point_in, django_assert_max_num_queries):
    """Once the process holds the routing table and GeoDjango its SRID details (both loaded once
    per process, by whichever request comes first): the table's stamp and the nearest place,
    whatever the number of categories and assignments."""
    point = point_in("anfa")
    client.get(LOCATE, {"lat": point.y, "lon": point.x})

    with django_assert_max_num_queries(2):
        client.get(LOCATE, {"lat": point.y, "lon": point.x})


def test_boundaries_endpoint_is_a_feature_collection_of_the_16(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):
        response = client.get("/api/v1/arrondissements/")

    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 16
    anfa = next(f for f in body["features"] if f["properties"]["slug"] == "anfa")
    assert anfa["properties"]["name_ar"] == "مقاطعة أنفا"
    assert anfa["properties"]["prefecture"] == "casablanca-anfa"
    assert anfa["geometry"]["type"] == "MultiPolygon"


def test_api_schema_is_served(client):
    response = client.get("/api/v1/schema/")

    assert response.status_code == 200
    assert b"/api/v1/locate/" in response.content
