"""The planners' period (presets or dates), trend category and area as a box (#24): the page, its
figures, its downloads and its report all follow them."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

from django.utils import timezone

from districts.models import Authority
from planning.selection import HotspotForm


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def anfa_count(response) -> int:
    rows = {row["slug"]: row for row in response.context["figures"]["arrondissements"]}
    return rows["anfa"]["complaints"]


def test_presets_and_dates_make_the_period():
    today = date(2026, 6, 17)

    def selection(**query):
        form = HotspotForm(query)
        assert form.is_valid(), form.errors
        return form.selection(today=today)

    assert selection(days="28").since == date(2026, 5, 20)
    assert selection(days="90").since == date(2026, 3, 19)
    assert selection(days="365").since == date(2025, 6, 17)
    assert selection(days="year").since == date(2026, 1, 1)
    dated = selection(days="90", since="2026-02-01", until="2026-02-28")
    assert (dated.since, dated.until, dated.window) == (date(2026, 2, 1), date(2026, 2, 28), "")
    assert "since=2026-02-01&until=2026-02-28" in dated.query_string()
    assert "days" not in dated.query_string()
    assert selection(until="2026-06-30").until is None  # a period ending today or later: now
    assert not HotspotForm({"since": "2026-03-01", "until": "2026-02-01"}).is_valid()
    assert not HotspotForm({"since": "2020-01-01", "until": "2026-02-01"}).is_valid()  # > 3 y
    assert not HotspotForm({"since": "1999-12-31"}).is_valid()  # inputs.BoundedDateField
    assert not HotspotForm({"area": "1,2,3"}).is_valid()  # inputs.BoxField


def test_a_period_given_by_dates_is_followed_by_figures_trends_and_downloads(client, file_at):
    today = timezone.localdate()
    old, inside, recent = today - timedelta(days=60), today - timedelta(days=30), today
    file_at("anfa", on=old)
    file_at("anfa", east_m=10, on=inside)
    file_at("anfa", east_m=20, on=inside, code="street-lighting")
    file_at("anfa", east_m=30)
    period = {
        "since": (inside - timedelta(days=3)).isoformat(),
        "until": (inside + timedelta(days=3)).isoformat(),
        "status": "all",
    }

    page = client.get("/planning/", period)

    assert page.status_code == 200 and anfa_count(page) == 2
    categories = {row["slug"]: row["total"] for row in page.context["figures"]["categories"]}
    assert categories == {"roads-potholes": 1, "street-lighting": 1}
    trends = page.context["figures"]["trends"]
    monday = inside - timedelta(days=inside.weekday())
    assert trends[0]["week"] <= monday.isoformat() <= trends[-1]["week"]
    assert trends[-1]["week"] < recent.isoformat()  # the period's weeks, not up to today
    assert sum(week["received"] for week in trends) == 2
    html = page.content.decode()
    assert f'value="{period["since"]}"' in html and f'value="{period["until"]}"' in html

    query = f"since={period['since']}&amp;until={period['until']}"
    for name in ("arrondissements", "categories", "trends", "reports"):
        assert query in html.split(f"/planning/export/{name}.csv?")[1].split('"')[0]
    reports = read_csv(client.get("/planning/export/reports.csv", period))
    assert len(reports) == 2
    exported = read_csv(client.get("/planning/export/trends.csv", period))
    assert sum(int(row["received"]) for row in exported) == 2
    report = client.get("/planning/report/", period).content.decode()
    assert "/".join(reversed(period["since"].split("-"))) in report  # "reçus du 01/11/2026 au…"
    table = report.split('id="report-trends-table"')[1].split("</table>")[0]
    assert table.count("<tr>") == len(trends) + 1


def test_the_trend_follows_a_chosen_category_and_the_downloads_too(client, file_at):
    for step in range(3):
        file_at("anfa", east_m=step * 10)
    file_at("anfa", east_m=40, code="street-lighting")

    every = client.get("/planning/").context["figures"]["trends"]
    lighting = client.get("/planning/", {"trend": "street-lighting"})

    assert sum(week["received"] for week in every) == 4
    assert sum(week["received"] for week in lighting.context["figures"]["trends"]) == 1
    assert anfa_count(lighting) == 4  # the map and tables keep every category
    html = lighting.content.decode()
    assert "trend=street-lighting" in html.split("/planning/export/trends.csv?")[1].split('"')[0]
    assert "trend=street-lighting" in html.split("/planning/report.pdf?")[1].split('"')[0]
    exported = read_csv(client.get("/planning/export/trends.csv", {"trend": "street-lighting"}))
    assert sum(int(row["received"]) for row in exported) == 1
    assert re.search(r'id="trends-title">[^<]*— Éclairage', html)


def box_around(point, metres: float) -> str:
    dlon, dlat = metres / 92_800, metres / 111_320
    return f"{point.x - dlon},{point.y - dlat},{point.x + dlon},{point.y + dlat}"


def test_an_area_box_is_followed_by_figures_hotspots_downloads_and_the_report(
    client, file_at, point_in
):
    for step in range(4):
        file_at("anfa", east_m=step * 10)
    far = file_at("anfa", east_m=800)
    area = box_around(point_in("anfa"), 200)

    page = client.get("/planning/", {"area": area, "metres": 50, "min_count": 3})

    assert page.status_code == 200 and anfa_count(page) == 4
    assert [hotspot.complaints for hotspot in page.context["figures"]["hotspots"]] == [4]
    html = page.content.decode()
    assert "area=" in html.split("/planning/export/reports.csv?")[1].split('"')[0]
    assert 'id="use-map-area"' in html
    references = {
        row["reference"]
        for row in read_csv(client.get("/planning/export/reports.csv", {"area": area}))
    }
    assert len(references) == 4 and far.reference not in references
    everything = client.get("/planning/")
    assert anfa_count(everything) == 5
    report = client.get("/planning/report/", {"area": area}).content.decode()
    assert 'id="report-box"' in report and "Anfa" in report


def test_a_box_finds_a_sensitive_report_at_its_public_position_only(client, file_at, settings):
    """A noise report is public at the centre of its privacy cell: a small box around its true
    point that leaves out that centre does not count it, as the public map would not show it."""
    from issues.public_view import published

    noise = file_at("maarif", code="noise")
    public = published().get(pk=noise.pk).public_location
    true = noise.location
    assert public.distance(true) > 0
    tight = box_around(true, 5)
    at_centre = box_around(public, 5)

    def maarif(area: str) -> int:
        rows = client.get("/planning/", {"area": area}).context["figures"]["arrondissements"]
        return {row["slug"]: row["complaints"] for row in rows}["maarif"]

    if public.distance(true) * 92_800 > 10:
        assert maarif(tight) == 0
    assert maarif(at_centre) == 1
    assert Authority.objects.filter(slug="maarif").exists()
