"""The heat map's cells: read from the pyramids of counts, sized by zoom, filtered, private."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from issues.models import Complaint
from issues.services import transition
from planning.selection import Selection, last_weeks, local_midnight
from planning.selectors import cell_metres, weekly_trends
from tests.factories import ComplaintFactory, UserFactory

S = Complaint.Status


def heat(client, **params):
    response = client.get("/api/v1/heatmap/", params)
    assert response.status_code == 200, response.content
    return response.json()


def cell_near(data, point, metres):
    """The cell whose centre is within `metres` of the point (cells are never one per report)."""
    for lat, lon, complaints in data["cells"]:
        if abs(lat - point.y) * 111_320 <= metres and abs(lon - point.x) * 92_800 <= metres:
            return complaints
    return None


def test_complaints_are_counted_per_cell(client, file_at):
    anfa = [file_at("anfa") for _ in range(3)]
    maarif = file_at("maarif")

    data = heat(client, zoom=12)

    assert len(data["cells"]) == 2
    assert data["total"] == 4 and data["max"] == 3
    size = cell_metres(12)
    assert cell_near(data, anfa[0].location, size) == 3
    assert cell_near(data, maarif.location, size) == 1


def mercator_cells(points, zoom) -> Counter:
    """Expected cells, computed independently with EPSG:3857's spherical formulas: the centre
    (lat, lon) of each grid square, with how many points fall in it."""
    size, radius = cell_metres(zoom), 6378137.0
    cells = Counter()
    for point in points:
        gx = math.floor(math.radians(point.x) * radius / size)
        gy = math.floor(math.log(math.tan(math.pi / 4 + math.radians(point.y) / 2)) * radius / size)
        lon = math.degrees((gx + 0.5) * size / radius)
        lat = math.degrees(2 * math.atan(math.exp((gy + 0.5) * size / radius)) - math.pi / 2)
        cells[(round(lat, 6), round(lon, 6))] += 1
    return cells


@pytest.mark.parametrize("zoom", [10, 12, 14, 17])
def test_cells_are_squares_of_the_web_mercator_grid_sized_by_zoom(client, file_at, zoom):
    complaints = [
        file_at("anfa"),
        file_at("anfa", east_m=40),
        file_at("anfa", east_m=250, north_m=-90),
        file_at("anfa", east_m=900),
        file_at("maarif"),
    ]

    data = heat(client, zoom=zoom)

    expected = mercator_cells([c.location for c in complaints], zoom)
    assert Counter({(lat, lon): n for lat, lon, n in data["cells"]}) == expected


def test_cells_shrink_as_the_map_zooms_in(client, file_at):
    file_at("anfa")
    file_at("anfa", east_m=200)

    city, street = heat(client, zoom=11), heat(client, zoom=17)

    assert cell_metres(12) == pytest.approx(cell_metres(11) / 2)
    assert sorted(cell[2] for cell in street["cells"]) == [1, 1]
    assert street["cell_metres"] == pytest.approx(city["cell_metres"] / 64, rel=0.01)


def test_visible_box_limits_the_cells_at_street_zoom(client, file_at):
    inside = file_at("anfa")
    file_at("sidi-moumen")
    x, y = inside.location.x, inside.location.y

    data = heat(client, zoom=16, bbox=f"{x - 0.002},{y - 0.002},{x + 0.002},{y + 0.002}")

    assert data["total"] == 1


def test_filters_category_status_arrondissement_and_window(client, file_at):
    agent = UserFactory()
    file_at("anfa", code="roads-potholes", on=date(2026, 1, 10))
    file_at("anfa", code="street-lighting", on=date(2026, 3, 1))
    done = file_at("maarif", code="roads-potholes", on=date(2026, 3, 1))
    with time_machine.travel(date(2026, 3, 2), tick=False):
        transition(complaint=done, to_status=S.ACKNOWLEDGED, actor=agent)
        transition(complaint=done, to_status=S.RESOLVED, actor=agent)

    with time_machine.travel(date(2026, 3, 20), tick=False):
        assert heat(client)["total"] == 2
        assert heat(client, status="all")["total"] == 3
        assert heat(client, category="roads-potholes")["total"] == 1
        assert heat(client, category="roads-potholes", status="all")["total"] == 2
        assert heat(client, arrondissement="maarif", status="all")["total"] == 1
        assert heat(client, days="30")["total"] == 1


def test_few_complaints_in_a_sensitive_category_are_left_out(client, file_at, settings):
    settings.PRIVACY_SENSITIVE_CATEGORIES = ["noise"]
    settings.PRIVACY_MIN_COUNT = 3
    file_at("anfa", code="noise")
    file_at("anfa", code="noise")
    file_at("anfa", code="roads-potholes")
    for _ in range(3):
        file_at("maarif", code="noise")

    data = heat(client, zoom=12)

    assert sorted(cell[2] for cell in data["cells"]) == [1, 3]
    assert data["suppressed"] == 2
    assert heat(client, zoom=12, category="noise")["total"] == 3


def test_the_heat_map_follows_every_change_at_once(client, file_at):
    """Read from the pyramid of counts, which triggers keep in the same transaction as the
    change: even a row written behind the services' back is counted, and nothing is cached."""
    first = file_at("anfa")
    assert heat(client)["total"] == 1

    ComplaintFactory(
        arrondissement=first.arrondissement, location=first.location, category=first.category
    )
    assert heat(client)["total"] == 2

    file_at("maarif")
    assert heat(client)["total"] == 3
    transition(complaint=first, to_status=S.REJECTED, actor=UserFactory(), public_message="Non")
    assert heat(client)["total"] == 2
    assert heat(client, status="all")["total"] == 3


def monday_of(moment):
    day = timezone.localdate(moment)
    return day - timedelta(days=day.weekday())


# A Wednesday, so that every window starts in the middle of a week, and a Monday.
@pytest.mark.parametrize("today", [date(2026, 11, 25), date(2026, 11, 23)])
def test_windows_and_weeks_equal_a_count_of_the_complaints(client, file_at, today):
    """Read from the weekly pyramid (whole weeks) and the complaints of the days before a
    window's first Monday: exact to the minute around the city's midnight."""
    received = []
    for days in (30, 90, 365):
        since = local_midnight(today - timedelta(days=days))
        received += [since - timedelta(minutes=30), since + timedelta(minutes=30)]
    received += [
        local_midnight(today) - timedelta(days=d, hours=h)
        for d, h in [(0, -9), (2, 3), (6, 1), (13, 0), (40, 5), (200, 0), (500, 0)]
    ]
    for index, moment in enumerate(received):
        complaint = file_at("anfa", east_m=index * 150)
        Complaint.objects.filter(pk=complaint.pk).update(created_at=moment)

    with time_machine.travel(local_midnight(today) + timedelta(hours=20), tick=False):
        for days in (30, 90, 365):
            since = local_midnight(today - timedelta(days=days))
            expected = sum(moment >= since for moment in received)
            assert heat(client, days=str(days))["total"] == expected
            rows = client.get("/api/v1/figures/arrondissements/", {"days": days}).json()
            assert sum(row["complaints"] for row in rows) == expected
        weeks = last_weeks()
        for week in weeks:
            start, end = local_midnight(week), local_midnight(week + timedelta(weeks=1))
            expected = sum(start <= moment < end for moment in received)
            assert heat(client, week=week.isoformat(), zoom=15)["total"] == expected
        in_slider = sum(moment >= local_midnight(weeks[0]) for moment in received)
        assert sum(heat(client, week=w.isoformat())["total"] for w in weeks) == in_slider

        for days in (30, 365):  # the trend chart: the period's weeks from the pyramid, and
            since = today - timedelta(days=days)  # the days before its first Monday counted
            trend = weekly_trends(Selection(since=since), weeks=26)
            expected = Counter(
                monday_of(moment).isoformat()
                for moment in received
                if moment >= local_midnight(since)
            )
            assert trend[0]["week"] == (since - timedelta(days=since.weekday())).isoformat()
            assert {row["week"]: row["received"] for row in trend if row["received"]} == expected


def test_a_window_follows_every_change_at_once(client, file_at):
    """Nothing cached: a row written behind the services' back is counted at once."""
    first = file_at("anfa")
    assert heat(client, days=30)["total"] == 1

    ComplaintFactory(
        arrondissement=first.arrondissement, location=first.location, category=first.category
    )
    assert heat(client, days=30)["total"] == 2
    transition(complaint=first, to_status=S.REJECTED, actor=UserFactory(), public_message="Non")
    assert heat(client, days=30)["total"] == 1
    assert heat(client, days=30, status="all")["total"] == 2


@pytest.mark.parametrize("week", ["2026-11-24", "2099-01-05", "24/11/2026", "semaine"])
def test_a_week_that_is_not_a_past_monday_is_refused(client, casablanca, week):
    with time_machine.travel(date(2026, 11, 25), tick=False):
        response = client.get("/api/v1/heatmap/", {"week": week}, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    assert response.json()["parameter"] == "week"


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"zoom": "près"}, "zoom"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "-7.6,33.6,-7.7,33.5"}, "bbox"),
        ({"bbox": "nan,33.5,-7.6,33.6"}, "bbox"),
        ({"category": "volcano"}, "category"),
        ({"status": "maybe"}, "status"),
        ({"days": "7"}, "days"),
    ],
)
def test_bad_parameters_are_refused_in_the_visitors_language(client, casablanca, params, parameter):
    response = client.get("/api/v1/heatmap/", params, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    assert response.json()["code"] == "invalid_parameter"


def test_error_message_is_in_arabic_for_an_arabic_visitor(client, casablanca):
    response = client.get("/api/v1/heatmap/", {"zoom": "x"}, HTTP_ACCEPT_LANGUAGE="ar")

    assert response.status_code == 400
    assert any("\u0600" <= ch <= "\u06ff" for ch in response.json()["error"])


def test_heat_map_page_renders_its_filters(client, casablanca):
    html = client.get("/map/heat/").content.decode()

    assert 'id="heat-map"' in html
    assert 'name="category"' in html and 'name="days"' in html
    assert "leaflet-heat.js" in html
