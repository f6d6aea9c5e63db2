"""Planners' figures: per arrondissement and per capita, hotspots, trends, performance, exports,
the page (public and staff) and the standalone folium report."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection

from districts.models import Authority
from issues.models import Complaint
from issues.services import rate, transition
from planning import selectors
from planning.selection import Selection
from tests.factories import StaffMembershipFactory, UserFactory
from tests.staff.conftest import signed_in

S = Complaint.Status


def test_per_capita_uses_the_2024_census_population(client, file_at):
    for _ in range(2):
        file_at("anfa")
    file_at("maarif")

    rows = {row["slug"]: row for row in client.get("/api/v1/figures/arrondissements/").json()}

    anfa = Authority.objects.get(slug="anfa")
    assert anfa.population_2024 == 66202  # HCP RGPH 2024, from fixtures/arrondissements.geojson
    assert rows["anfa"]["complaints"] == 2
    assert rows["anfa"]["per_10k"] == round(2 * 10_000 / 66202, 2)
    assert rows["maarif"]["complaints"] == 1
    assert rows["sidi-moumen"]["complaints"] == 0
    assert len(rows) == 16


def test_hotspots_are_found_where_complaints_were_put(file_at):
    members = [file_at("anfa", east_m=step * 15, code="roads-potholes") for step in range(6)]
    members.append(file_at("anfa", east_m=30, north_m=10, code="street-lighting"))
    file_at("sidi-moumen")  # alone: no hotspot

    found = selectors.hotspots(Selection(), metres=50, min_count=5)

    assert len(found) == 1
    hotspot = found[0]
    assert hotspot.complaints == 7
    assert hotspot.category.code == "roads-potholes"
    mean_lat = sum(c.location.y for c in members) / len(members)
    mean_lon = sum(c.location.x for c in members) / len(members)
    assert abs(hotspot.lat - mean_lat) < 0.0001 and abs(hotspot.lon - mean_lon) < 0.0001
    assert 35 <= hotspot.radius_m <= 60
    assert len(hotspot.newest_references) == 7


def test_a_hotspot_is_never_smaller_than_the_privacy_minimum(file_at, settings):
    settings.PRIVACY_MIN_COUNT = 3
    file_at("anfa")
    file_at("anfa", east_m=10)

    assert selectors.hotspots(Selection(), metres=100, min_count=2) == []

    file_at("anfa", east_m=20)
    assert len(selectors.hotspots(Selection(), metres=100, min_count=2)) == 1


def test_hotspot_age_counts_days_since_the_oldest(file_at):
    with time_machine.travel(date(2026, 3, 31), tick=False):
        for day in (1, 11, 21):
            file_at("anfa", on=date(2026, 3, day))
        found = selectors.hotspots(Selection(), metres=100, min_count=3)

    assert (found[0].oldest_days, found[0].median_age_days) == (30, 20)


def test_weekly_trends_count_received_and_resolved(file_at):
    agent = UserFactory()
    monday = date(2026, 3, 2)
    first = file_at("anfa", on=monday)
    file_at("anfa", on=date(2026, 3, 4))
    file_at("maarif", on=date(2026, 3, 10))
    with time_machine.travel(date(2026, 3, 11), tick=False):
        transition(complaint=first, to_status=S.ACKNOWLEDGED, actor=agent)
        transition(complaint=first, to_status=S.RESOLVED, actor=agent)

    with time_machine.travel(date(2026, 3, 20), tick=False):
        weeks = {row["week"]: row for row in selectors.weekly_trends(Selection(), weeks=4)}

    assert list(weeks) == ["2026-02-23", "2026-03-02", "2026-03-09", "2026-03-16"]
    assert weeks["2026-03-02"] == {"week": "2026-03-02", "received": 2, "resolved": 0}
    assert weeks["2026-03-09"] == {"week": "2026-03-09", "received": 1, "resolved": 1}


def test_performance_gives_medians_overdue_share_reopen_and_satisfaction(file_at):
    agent = UserFactory()
    quick = file_at("anfa", on=date(2026, 3, 1))
    slow = file_at("anfa", on=date(2026, 3, 1))
    file_at("anfa", on=date(2026, 1, 1))  # never acknowledged: overdue since 16 January
    with time_machine.travel(date(2026, 3, 3), tick=False):
        transition(complaint=quick, to_status=S.ACKNOWLEDGED, actor=agent)
        transition(complaint=quick, to_status=S.RESOLVED, actor=agent)
    with time_machine.travel(date(2026, 3, 7), tick=False):
        transition(complaint=slow, to_status=S.ACKNOWLEDGED, actor=agent)
    with time_machine.travel(date(2026, 3, 5), tick=False):
        rate(complaint=quick, rating=4)

    rows = selectors.authority_performance(
        Selection(statuses=tuple(S.values)), today=date(2026, 3, 20)
    )
    anfa = next(row for row in rows if row["slug"] == "anfa")

    assert anfa["received"] == 3
    assert anfa["median_acknowledge_days"] == 4.0  # 2 and 6 days
    assert anfa["median_resolve_days"] == 2.0
    assert (anfa["open"], anfa["overdue"], anfa["overdue_share"]) == (2, 1, 0.5)
    assert (anfa["satisfaction"], anfa["ratings"]) == (4.0, 1)


def test_csv_and_geojson_exports(client, file_at):
    for step in range(5):
        file_at("anfa", east_m=step * 10)

    hotspots_csv = client.get("/planning/export/hotspots.csv", {"metres": 50, "min_count": 5})
    rows = list(csv.DictReader(io.StringIO(hotspots_csv.content.decode("utf-8-sig"))))
    arrondissements = client.get("/planning/export/arrondissements.geojson").json()
    heat = client.get("/planning/export/heat.geojson", {"zoom": 12}).json()

    assert hotspots_csv["Content-Disposition"].startswith('attachment; filename="casa-map-hotspots')
    assert rows[0]["complaints"] == "5" and rows[0]["category"] == "Chaussée et nids-de-poule"
    assert "newest_references" not in rows[0]
    assert len(arrondissements["features"]) == 16
    anfa = next(f for f in arrondissements["features"] if f["properties"]["slug"] == "anfa")
    assert anfa["geometry"]["type"] == "MultiPolygon" and anfa["properties"]["complaints"] == 5
    assert sum(f["properties"]["complaints"] for f in heat["features"]) == 5
    assert client.get("/planning/export/trends.geojson").status_code == 404
    assert client.get("/planning/export/secrets.csv").status_code == 404


def test_export_with_a_bad_parameter_is_refused(client, casablanca):
    response = client.get("/planning/export/hotspots.csv", {"metres": "-4"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_parameter"


def test_public_page_shows_figures_without_references(client, file_at):
    complaints = [file_at("anfa", east_m=step * 10) for step in range(5)]

    html = client.get("/planning/", {"metres": 50, "min_count": 5}).content.decode()

    assert 'id="hotspot-table"' in html and 'id="arrondissement-table"' in html
    assert not any(c.reference in html.split('id="page-config"')[0] for c in complaints)
    assert not re.search(r"CM-\d{4}-", html)


def test_staff_see_hotspot_references_linked_to_their_queue(client, file_at):
    complaints = [file_at("anfa", east_m=step * 10) for step in range(5)]
    agent = StaffMembershipFactory(authority=Authority.objects.get(slug="anfa"))

    html = signed_in(agent).get("/planning/", {"metres": 50, "min_count": 5}).content.decode()

    assert f'href="/staff/complaints/{complaints[-1].reference}/"' in html


def test_invalid_selection_on_the_page_is_explained(client, casablanca):
    response = client.get("/planning/", {"metres": "5"})

    assert response.status_code == 400
    assert "supérieure ou égale à 10" in response.content.decode()


def test_hotspot_report_is_one_standalone_html_file(tmp_path, file_at):
    for step in range(5):
        file_at("anfa", east_m=step * 10, code="roads-potholes")
    out = tmp_path / "report.html"

    call_command(
        "hotspot_report",
        "--category",
        "roads-potholes",
        "--metres",
        "50",
        "--min-count",
        "5",
        "--out",
        str(out),
        stdout=io.StringIO(),
    )

    html = out.read_text(encoding="utf-8")
    scripts = re.findall(r'<script src="([^"]+)"', html)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert scripts and all(src.startswith("data:text/javascript;base64,") for src in scripts)
    assert all(href.startswith("data:text/css;base64,") for href in styles)
    assert "L.heatLayer" in html  # folium's HeatMap plugin
    assert "Chaussée et nids-de-poule" in html
    assert "Anfa" in html and "66202" in html
    assert "OpenStreetMap" in html and "RGPH 2024" in html


def test_hotspot_report_says_when_it_holds_demo_complaints(tmp_path, file_at):
    file_at("anfa")
    Complaint.objects.update(is_demo=True)
    out = tmp_path / "report.html"

    call_command("hotspot_report", "--out", str(out), stdout=io.StringIO())

    assert "démonstration" in out.read_text(encoding="utf-8")


def test_hotspot_report_refuses_a_bad_option(tmp_path, casablanca):
    with pytest.raises(CommandError, match="--category"):
        call_command("hotspot_report", "--category", "volcano", "--out", str(tmp_path / "r.html"))


def test_geojson_export_is_valid_json_even_when_empty(client, casablanca):
    data = json.loads(client.get("/planning/export/hotspots.geojson").content)

    assert data == {"type": "FeatureCollection", "features": []}


def test_a_dbscan_search_that_runs_too_long_gives_way_to_the_grid(client, file_at, settings):
    """DBSCAN is made slow for certain, on any machine: a temporary view named like the
    complaints table (PostgreSQL looks in pg_temp first) sleeps 300 ms in every statement that
    reads it, so DBSCAN cannot answer within the 50 ms allowed and PostgreSQL cancels it; the
    grid, which reads the pyramid of counts, answers instead."""
    for step in range(4):
        file_at("anfa", east_m=step * 5)
    settings.HOTSPOT_TIMEOUT_MS = 50
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY VIEW issues_complaint AS SELECT * FROM public.issues_complaint "
            "WHERE (SELECT true FROM pg_sleep(0.3))"
        )

    api = client.get("/api/v1/hotspots/", {"min_count": 3})
    page = client.get("/planning/", {"min_count": 3}).content.decode()

    assert api.status_code == 200
    assert [(row["method"], row["complaints"]) for row in api.json()] == [("grid", 4)]
    assert 'id="hotspots-by-grid"' in page and 'id="hotspot-table"' in page


def test_a_hotspot_search_gives_back_the_callers_statement_timeout(file_at, settings):
    file_at("anfa")
    settings.HOTSPOT_TIMEOUT_MS = 12_345
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '40s'")

        selectors.hotspots(Selection(), metres=100, min_count=3)

        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "40s"


def test_a_selection_larger_than_dbscan_allows_is_clustered_on_the_grid(client, file_at, settings):
    for step in range(6):
        file_at("anfa", east_m=step * 5)
    file_at("maarif")
    settings.HOTSPOT_MAX_COMPLAINTS = 5

    grid = client.get("/api/v1/hotspots/", {"min_count": 3}).json()
    exact = client.get("/api/v1/hotspots/", {"min_count": 3, "arrondissement": "anfa"})

    assert [(row["method"], row["complaints"]) for row in grid] == [("grid", 6)]
    assert exact.status_code == 200 and exact.json() == grid  # 6 > 5: the grid again
    settings.HOTSPOT_MAX_COMPLAINTS = 6  # (another min_count: not the answer cached above)
    exact = client.get("/api/v1/hotspots/", {"min_count": 4, "arrondissement": "anfa"}).json()
    assert [(row["method"], row["complaints"]) for row in exact] == [("dbscan", 6)]
