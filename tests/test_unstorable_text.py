"""Text PostgreSQL cannot store (NUL, lone surrogates) is refused where the request enters, on
every route of the site: a clean 400 in the visitor's language, never a 500, nothing saved."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from issues.models import Complaint
from tests.routes import concrete, route_patterns

ROUTES = [concrete(route) for route in route_patterns()]


def test_every_route_of_the_site_is_covered():
    assert {"/", "/report/", "/track/word/", "/api/v1/places/", "/staff/", "/admin/"} <= set(ROUTES)
    assert len(ROUTES) > 30


@pytest.mark.parametrize("path", ROUTES)
def test_a_nul_in_the_query_string_is_refused_on_every_route(client, path):
    response = client.get(path, {"q": "pot\x00hole", "category": "\x00"})

    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["code"] == "invalid_character"
    else:
        assert "caractère" in response.content.decode()


@pytest.mark.parametrize("path", ROUTES)
def test_a_nul_in_a_form_field_is_refused_on_every_route(client, path):
    response = client.post(path, {"title": "Nid\x00de poule", "description": "ok"})

    assert response.status_code == 400


@pytest.mark.parametrize("path", [path for path in ROUTES if path.startswith("/api/")])
@pytest.mark.parametrize("text", ["\x00", "\ud800"])
def test_a_nul_or_lone_surrogate_in_json_is_refused_on_every_api_route(client, path, text):
    body = json.dumps({"description": "ok", "attributes": [{"value": f"a{text}b"}]})

    response = client.post(path, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["parameter"] == "attributes[0].value"


@pytest.mark.parametrize(
    "path", ["/track/%00/", "/report/%00/sent/", "/staff/complaints/%00/", "/api/v1/%00/"]
)
def test_a_nul_in_the_path_is_refused_before_any_lookup(client, path):
    assert client.get(path).status_code == 400


def test_places_search_with_a_nul_answers_400_naming_the_parameter(client, casablanca):
    response = client.get("/api/v1/places/", {"q": "\x00"})

    assert response.status_code == 400
    assert response.json() == {
        "error": "q : ce texte contient un caractère interdit (un caractère de contrôle ou "
        "invalide).",
        "code": "invalid_character",
        "parameter": "q",
    }


def test_the_message_follows_the_visitors_language(client, casablanca):
    response = client.get("/api/v1/places/", {"q": "\x00"}, HTTP_ACCEPT_LANGUAGE="ar")

    assert response.status_code == 400
    assert "حرفا غير مسموح" in response.json()["error"]


def test_a_nul_in_a_cookie_or_header_is_refused(client, casablanca):
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get("/track/").status_code == 400

    client.cookies.clear()
    assert client.get("/track/", HTTP_USER_AGENT="agent\x00").status_code == 400


def test_a_nul_in_an_uploaded_file_name_is_refused(client, casablanca, point_in):
    point = point_in("anfa")
    photo = SimpleUploadedFile("pho\x00to.jpg", b"\xff\xd8\xff", content_type="image/jpeg")

    response = client.post(
        "/report/",
        {"lat": point.y, "lon": point.x, "title": "Titre", "attachments": photo},
    )

    assert response.status_code == 400
    assert Complaint.objects.count() == 0


def test_a_report_with_a_nul_in_its_description_is_refused_and_nothing_is_saved(
    client, casablanca, point_in
):
    point = point_in("maarif")

    response = client.post(
        "/report/",
        {
            "kind": "complaint",
            "category": "roads-potholes",
            "lat": point.y,
            "lon": point.x,
            "title": "Nid de poule",
            "description": "Profond\x00 de 20 cm",
        },
    )

    assert response.status_code == 400
    assert "description" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_text_without_such_characters_goes_through(client, casablanca):
    response = client.get("/api/v1/places/", {"q": "Maârif المعاريف"})

    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/complaints/", "/open311/v2/requests.json", "/report/"])
@pytest.mark.parametrize("depth", [40, 5000])
def test_json_nested_too_deeply_is_refused_not_a_500(client, casablanca, path, depth):
    document = "[" * depth + "]" * depth  # well-formed, only too deep
    response = client.generic("POST", path, document, content_type="application/json")

    assert response.status_code == 400
    assert Complaint.objects.count() == 0
