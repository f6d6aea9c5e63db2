"""The home page and its folium map, rendered without any CDN."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.usefixtures("casablanca")


def test_home_lists_the_16_arrondissements_in_the_pages_language(client):
    french = client.get("/").content.decode()
    arabic = client.get("/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()

    assert french.count('<tr data-slug="') == 16 == arabic.count('<tr data-slug="')
    assert "Sidi Belyout" in french and "مقاطعة سيدي بليوط" not in french
    assert "مقاطعة سيدي بليوط" in arabic and "Sidi Belyout" not in arabic
    assert "OpenStreetMap" in french
    assert "RGPH 2024" in french


def test_home_in_arabic_is_right_to_left(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ar")

    assert '<html lang="ar" dir="rtl">' in response.content.decode()


def test_map_document_draws_every_arrondissement_named_in_the_pages_language(client):
    french = client.get("/map/arrondissements/").content.decode()
    arabic = client.get("/map/arrondissements/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()

    # folium writes the data as JSON with non-ASCII characters escaped
    for name in ["Anfa", "Maârif", "Sidi Othmane"]:
        assert json.dumps(name)[1:-1] in french and json.dumps(name)[1:-1] not in arabic
    for name in ["مقاطعة أنفا", "مقاطعة المعاريف"]:
        assert json.dumps(name)[1:-1] in arabic and json.dumps(name)[1:-1] not in french
    assert french.count('"type": "Feature"') == 16 == arabic.count('"type": "Feature"')


def test_map_document_loads_no_script_or_stylesheet_from_another_site(client):
    html = client.get("/map/arrondissements/").content.decode()

    sources = re.findall(r'<script[^>]+src="([^"]+)"', html)
    stylesheets = re.findall(r'<link[^>]+href="([^"]+)"', html)
    assert "/static/vendor/leaflet/leaflet.js" in sources
    assert "/static/vendor/leaflet/leaflet.css" in stylesheets
    assert all(url.startswith("/static/") for url in sources + stylesheets)


def test_map_document_shows_the_openstreetmap_attribution(client):
    html = client.get("/map/arrondissements/").content.decode()

    # folium escapes < and > inside its JSON options
    assert "\\u003eOpenStreetMap\\u003c/a\\u003e contributeurs" in html  # in the page's language
    assert "tile.openstreetmap.org" in html


def test_tile_attribution_keeps_openstreetmap_when_another_server_is_configured(client, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "City tiles"
    from django.core.cache import cache

    cache.clear()
    html = client.get("/map/arrondissements/").content.decode()

    assert "tiles.example.org" in html
    assert "City tiles | \\u0026copy;" in html
