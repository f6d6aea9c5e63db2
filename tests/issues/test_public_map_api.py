"""The public map's data: every open report, as clusters below street zoom and as single pins
from it, with the heat map's privacy rule."""

from __future__ import annotations

import pytest

from issues import selectors
from issues.models import Complaint
from issues.services import transition
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("casablanca")

S = Complaint.Status


def map_data(client, **params):
    response = client.get("/api/v1/map/complaints/", params)
    assert response.status_code == 200, response.content
    return response.json()


def box_around(point, degrees=0.01) -> str:
    return f"{point.x - degrees},{point.y - degrees},{point.x + degrees},{point.y + degrees}"


def test_below_street_zoom_every_open_report_is_in_a_cluster(client, file_at):
    for step in range(4):
        file_at("anfa", east_m=step * 10)
    file_at("sidi-moumen", code="waste-collection")
    closed = file_at("maarif")
    transition(complaint=closed, to_status=S.REJECTED, actor=UserFactory(), public_message="x")

    data = map_data(client, zoom=12)

    assert data["mode"] == "clusters"
    assert data["total"] == 5
    counts = sorted(f["properties"]["complaints"] for f in data["features"])
    assert counts == [1, 4]
    assert all(f["properties"]["cluster"] for f in data["features"])
    assert "reference" not in str(data)


def test_clusters_follow_the_filters(client, file_at):
    file_at("anfa")
    file_at("anfa", code="street-lighting")
    file_at("sbata", code="street-lighting")

    assert map_data(client, category="street-lighting")["total"] == 2
    assert map_data(client, arrondissement="anfa")["total"] == 2
    assert map_data(client, arrondissement="anfa", category="street-lighting")["total"] == 1


def test_from_street_zoom_single_pins_in_the_box(client, file_at, point_in):
    near = [file_at("anfa", east_m=step * 20) for step in range(3)]
    file_at("sidi-moumen")

    data = map_data(client, zoom=17, bbox=box_around(point_in("anfa")))

    assert data["mode"] == "pins"
    references = sorted(f["properties"]["reference"] for f in data["features"])
    assert references == sorted(complaint.reference for complaint in near)
    assert data["total"] == 3


def test_a_street_view_holding_more_reports_than_pins_shows_clusters(
    client, file_at, point_in, monkeypatch
):
    """Never a truncated set of pins: every report stays counted on the map."""
    monkeypatch.setattr(selectors, "PUBLIC_MAP_PIN_LIMIT", 2)
    for step in range(3):
        file_at("anfa", east_m=step * 20)

    data = map_data(client, zoom=17, bbox=box_around(point_in("anfa")))

    assert data["mode"] == "clusters"
    assert data["total"] == 3
    monkeypatch.setattr(selectors, "PUBLIC_MAP_PIN_LIMIT", 3)
    assert map_data(client, zoom=17, bbox=box_around(point_in("anfa")))["mode"] == "pins"


def test_a_lone_sensitive_report_is_never_a_pin_nor_a_small_cluster(client, file_at, point_in):
    file_at("anfa", code="noise")
    file_at("anfa", code="roads-potholes", east_m=30)

    pins = map_data(client, zoom=17, bbox=box_around(point_in("anfa")))
    clusters = map_data(client, zoom=12)

    assert [f["properties"]["category"] for f in pins["features"]] == ["roads-potholes"]
    assert clusters["total"] == 1 and clusters["suppressed"] == 1


def test_every_open_report_counts_however_many_there_are(client, file_at):
    for step in range(30):
        file_at("hay-hassani", east_m=step * 50)

    assert map_data(client, zoom=13)["total"] == 30


@pytest.mark.parametrize(
    "params, parameter",
    [({"zoom": "far"}, "zoom"), ({"bbox": "1,2"}, "bbox"), ({"category": "lava"}, "category")],
)
def test_bad_parameters_are_refused(client, params, parameter):
    response = client.get("/api/v1/map/complaints/", params)

    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
