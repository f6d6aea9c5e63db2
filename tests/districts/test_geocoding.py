"""Place search and pin description: the gazetteer (default) and the Nominatim adapter."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.gis.geos import Point

from districts.geocoding import (
    GazetteerGeocoder,
    GeocoderUnavailable,
    NominatimGeocoder,
    get_geocoder,
)
from districts.selectors import search_places
from districts.text import normalise

pytestmark = pytest.mark.usefixtures("casablanca")


def labels(query: str) -> list[str]:
    return [place.osm_name for place in search_places(query)]


def test_normalise_folds_accents_case_and_arabic_letter_variants():
    assert normalise("Maârif") == "maarif"
    assert normalise("Aïn Sebaâ") == "ain sebaa"
    assert normalise("إبن مسيك") == normalise("ابن مسيك")
    assert normalise("مَدْرَسَة") == normalise("مدرسه")


def test_search_ignores_accents_and_case():
    assert labels("MAARIF")[0] == labels("Maârif")[0]
    assert "Maârif" in labels("maarif")[0]


def test_search_finds_arabic_names():
    assert "Boulevard d'Anfa شارع أنفا" in labels("شارع أنفا")


def test_search_matches_a_prefix():
    assert any(name.startswith("Twin Center") for name in labels("twin cen"))


def test_search_tolerates_a_typo():
    assert any("Zerktouni" in name for name in labels("zerktoni"))


def test_search_ranks_quarters_before_shops():
    results = search_places("maarif")
    assert results[0].group == "place"


def test_too_short_query_finds_nothing():
    assert search_places("a") == []


def test_gazetteer_describes_a_pin_by_the_nearest_named_place():
    place = search_places("Gare Casa-Port")[0]

    address = GazetteerGeocoder().reverse(place.location)

    assert address.distance_m == 0
    assert address.near == place.label


def test_pin_far_from_any_named_place_has_no_address():
    assert GazetteerGeocoder().reverse(Point(-7.60, 33.75, srid=4326)) is None


def test_places_endpoint_returns_labels_and_coordinates(client):
    response = client.get("/api/v1/places/", {"q": "casa voyageurs"})

    assert response.status_code == 200
    first = response.json()[0]
    assert "Casa Voyageurs" in first["label"]
    assert 33.4 < first["lat"] < 33.7 and -7.8 < first["lon"] < -7.4


def test_gazetteer_is_the_default_geocoder(settings):
    settings.GEOCODER = "gazetteer"
    assert isinstance(get_geocoder(), GazetteerGeocoder)


class FakeNominatim(BaseHTTPRequestHandler):
    """Answers like Nominatim's /search and /reverse JSON API, for the adapter's real HTTP path."""

    requests: list[dict] = []

    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        FakeNominatim.requests.append({"path": url.path, **query})
        if url.path == "/search":
            body = [
                {"lat": "33.5892", "lon": "-7.6036", "display_name": "Place inside, Casablanca"},
                {"lat": "33.7000", "lon": "-7.6000", "display_name": "At sea, Atlantic"},
            ]
        elif url.path == "/reverse":
            body = {"lat": "33.5892", "lon": "-7.6036", "display_name": "Rue Exemple, Casablanca"}
        else:
            self.send_response(404)
            self.end_headers()
            return
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def nominatim_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeNominatim.requests = []
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def nominatim(domain: str) -> NominatimGeocoder:
    return NominatimGeocoder(domain=domain, scheme="http", user_agent="casa-map-tests", timeout=2)


def test_nominatim_search_keeps_only_results_inside_the_city(nominatim_server):
    found = nominatim(nominatim_server).search("place")

    assert [place.label for place in found] == ["Place inside"]
    request = FakeNominatim.requests[0]
    assert request["countrycodes"] == ["ma"]
    assert request["bounded"] == ["1"]


def test_nominatim_reverse_gives_the_first_part_of_the_address(nominatim_server):
    address = nominatim(nominatim_server).reverse(Point(-7.6036, 33.5892, srid=4326))

    assert address.near == "Rue Exemple"


def test_nominatim_down_raises_a_domain_error():
    with pytest.raises(GeocoderUnavailable):
        nominatim("127.0.0.1:9").search("anything")


def test_places_endpoint_says_when_the_geocoder_is_down(client, settings):
    settings.GEOCODER = "nominatim"
    settings.NOMINATIM_DOMAIN, settings.NOMINATIM_SCHEME = "127.0.0.1:9", "http"

    response = client.get("/api/v1/places/", {"q": "anfa"})

    assert response.status_code == 503
    assert response.json()["code"] == "geocoder_unavailable"
