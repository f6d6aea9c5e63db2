"""The installable web app: manifest in French and Arabic, service worker, icons, shell."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from casa_map.pwa import SHELL_STATIC

pytestmark = pytest.mark.usefixtures("casablanca")


def manifest(client, language: str) -> dict:
    response = client.get("/manifest.webmanifest", {"lang": language})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    return json.loads(response.content)


def test_every_page_links_the_manifest_in_its_language(client):
    client.cookies["django_language"] = "ar"
    html = client.get("/").content.decode()

    assert '<link rel="manifest" href="/manifest.webmanifest?lang=ar">' in html


def test_manifest_is_french_left_to_right_or_arabic_right_to_left(client):
    french, arabic = manifest(client, "fr"), manifest(client, "ar")

    assert (french["lang"], french["dir"]) == ("fr", "ltr")
    assert (arabic["lang"], arabic["dir"]) == ("ar", "rtl")
    assert "Casablanca" in french["name"] and "الدار البيضاء" in arabic["name"]
    assert french["start_url"].startswith("/report/")
    assert french["display"] == "standalone"


def test_manifest_icons_exist_at_the_sizes_they_claim(client):
    icons = manifest(client, "fr")["icons"]

    assert {icon["sizes"] for icon in icons} >= {"192x192", "512x512"}
    assert any(icon.get("purpose") == "maskable" for icon in icons)
    for icon in icons:
        path = finders.find(icon["src"].removeprefix("/static/"))
        width, height = (int(side) for side in icon["sizes"].split("x"))
        with Image.open(path) as image:
            assert image.size == (width, height)


def test_an_unknown_language_falls_back_to_the_visitors(client):
    assert manifest(client, "xx")["lang"] == "fr"


def test_service_worker_is_served_from_the_root_and_never_cached(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"


def service_worker_config(client) -> dict:
    body = client.get("/sw.js").content.decode()
    return json.loads(re.search(r"var CONFIG = (\{.*\});", body).group(1))


def test_everything_the_service_worker_precaches_is_served(client):
    config = service_worker_config(client)

    assert "/report/" in config["precache"]
    assert "/api/v1/arrondissements/" in config["precache"]
    assert len(config["precache"]) == 2 + len(SHELL_STATIC)
    for url in config["precache"]:
        if url.startswith("/static/"):  # whitenoise serves them; tests check the files exist
            assert finders.find(url.removeprefix("/static/")), url
        else:
            assert client.get(url).status_code == 200, url


def test_the_report_page_loads_nothing_the_service_worker_does_not_keep(client):
    """/report/ must open offline: every script and style sheet it asks for is in the shell."""
    html = client.get("/report/").content.decode()
    precached = set(service_worker_config(client)["precache"])

    assets = re.findall(r'<(?:script src|link rel="stylesheet" href)="([^"]+)"', html)
    assert assets
    assert set(assets) <= precached
