"""The planners' page as a planner reads it (#24): where each hotspot is, the fields filled with
their defaults, the choropleth's labels in the page's language."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

from django.contrib.gis.geos import Point
from django.utils import translation

from districts.geocoding import nearest_place
from districts.models import Authority, Category
from issues.models import Complaint
from planning.exports import percent
from planning.selection import HotspotForm, hotspot_defaults, last_weeks


def page_config(html: str) -> dict:
    found = re.search(r'id="page-config"[^>]*>(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def hotspot_rows(html: str) -> list[str]:
    table = html.split('id="hotspot-table"')[1].split("</table>")[0]
    return re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)


def test_each_hotspot_row_names_its_arrondissement_and_nearest_place(client, file_at):
    for step in range(5):
        file_at("anfa", east_m=step * 10)

    for language in ("fr", "ar"):
        html = client.get(
            "/planning/", {"metres": 50, "min_count": 5}, HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()

        (row,) = hotspot_rows(html)
        hotspot = page_config(html)["hotspots"][0]
        with translation.override(language):
            expected_place = nearest_place(Point(hotspot["lon"], hotspot["lat"], srid=4326))
            anfa = str(Authority.objects.get(slug="anfa").name)
        assert f"<td>{anfa}</td>" in row
        assert expected_place and expected_place in row.replace("&#x27;", "'")
        assert 'class="button hotspot-zoom" data-hotspot="0"' in row
        assert hotspot["arrondissement"] == anfa
    assert Authority.objects.get(slug="anfa").name_ar in html  # the Arabic page, Arabic names


def test_the_distance_and_minimum_fields_show_their_defaults(client, casablanca, settings):
    settings.HOTSPOT_METRES, settings.HOTSPOT_MIN_COUNT = 120, 7

    html = client.get("/planning/").content.decode()
    form = HotspotForm({})

    assert hotspot_defaults() == {"metres": 120, "min_count": 7}
    assert form.fields["metres"].initial == 120 and form.fields["min_count"].initial == 7
    assert re.search(r'name="metres" value="120"', html)
    assert re.search(r'name="min_count" value="7"', html)
    assert form.is_valid() and (form.cleaned_data["metres"], form.cleaned_data["min_count"]) == (
        120,
        7,
    )


def test_a_value_given_in_the_query_wins_over_the_default(client, casablanca):
    html = client.get("/planning/", {"metres": 60}).content.decode()

    assert 'name="metres" value="60"' in html


def test_choropleth_labels_are_the_arrondissement_names_in_the_pages_language(client, casablanca):
    for language, field in (("fr", "name_fr"), ("ar", "name_ar")):
        labels = page_config(
            client.get("/planning/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        )["labels"]

        names = dict(Authority.objects.filter(kind="arrondissement").values_list("slug", field))
        assert len(labels) == 16
        assert {label["slug"]: label["name"] for label in labels} == names


def test_week_by_week_the_colour_scale_is_the_fullest_cell_of_any_week(client, file_at):
    """Three reports in one cell a fortnight ago, one this week: this week's answer is coloured
    on the same scale as the fortnight's (top 3), unless each week's own scale is asked for."""
    weeks = last_weeks()
    for _ in range(3):
        file_at("anfa", on=weeks[-3] + timedelta(days=1))
    file_at("maarif")
    for _ in range(4):  # before the slider's 52 weeks: not on its scale
        file_at("anfa", on=weeks[0] - timedelta(days=3))

    def heat(**params):
        return client.get("/api/v1/heatmap/", {"zoom": 14, **params}).json()

    this_week = heat(week=weeks[-1].isoformat())
    fixed = [heat(week=week.isoformat())["scale_max"] for week in weeks]
    own = heat(week=weeks[-1].isoformat(), scale="week")

    assert (this_week["max"], this_week["scale_max"], this_week["scale"]) == (1, 3, "weeks")
    assert set(fixed) == {max(heat(week=week.isoformat(), scale="week")["max"] for week in weeks)}
    assert (own["scale_max"], own["scale"]) == (1, "week")
    assert heat()["scale"] == "view" and heat()["scale_max"] == heat()["max"]


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_exports_give_names_in_the_users_language_and_shares_as_percentages(client, file_at):
    for step in range(5):
        file_at("anfa", east_m=step * 10)
    anfa = Authority.objects.get(slug="anfa")

    for language, name in (("fr", anfa.name_fr), ("ar", anfa.name_ar)):
        figures = read_csv(
            client.get("/planning/export/arrondissements.csv", HTTP_ACCEPT_LANGUAGE=language)
        )
        performance = read_csv(
            client.get("/planning/export/performance.csv", HTTP_ACCEPT_LANGUAGE=language)
        )
        hotspots = read_csv(
            client.get(
                "/planning/export/hotspots.csv",
                {"metres": 50, "min_count": 5},
                HTTP_ACCEPT_LANGUAGE=language,
            )
        )

        assert "slug" not in figures[0] and "name_fr" not in figures[0]
        assert {"name": name, "complaints": "5"}.items() <= next(
            row for row in figures if row["name"] == name
        ).items()
        row = next(row for row in performance if row["name"] == name)
        with translation.override(language):
            category = str(Category.objects.get(code="roads-potholes").name)
        assert hotspots[0]["category"] == category and hotspots[0]["arrondissement"] == name
        assert re.fullmatch(r"\d{1,3}\u00a0%", row["overdue_share"])


def test_overdue_share_is_written_as_a_percentage():
    assert percent(0.72) == "72\u00a0%"
    assert percent(0.005) == "0\u00a0%" and percent(None) == ""


def test_the_reports_download_holds_published_reports_without_personal_data(client, file_at):
    shown = file_at("anfa")
    Complaint.objects.filter(pk=shown.pk).update(
        contact_name="Fatima Zahra", contact_email="fz@example.ma", contact_phone="0612345678"
    )
    hidden = file_at("anfa")
    Complaint.objects.filter(pk=hidden.pk).update(moderation=Complaint.Moderation.HIDDEN)
    noise = file_at("maarif", code="noise")
    elsewhere = file_at("maarif")

    response = client.get("/planning/export/reports.csv", {"arrondissement": "anfa"})
    rows = read_csv(response)
    body = response.content.decode("utf-8-sig")

    assert response["Content-Disposition"].startswith('attachment; filename="casa-map-reports')
    assert [row["reference"] for row in rows] == [shown.reference]
    assert rows[0]["title"] == Complaint.objects.get(pk=shown.pk).shown_title
    assert rows[0]["arrondissement"] == "Anfa"
    assert not {"contact_name", "contact_email", "contact_phone", "reporter", "description"} & set(
        rows[0]
    )
    assert "Fatima" not in body and "fz@example.ma" not in body and "0612345678" not in body
    everyone = {row["reference"] for row in read_csv(client.get("/planning/export/reports.csv"))}
    assert everyone == {shown.reference, elsewhere.reference}  # not the hidden, not the noise
    assert hidden.reference not in everyone and noise.reference not in everyone


def test_the_report_page_is_the_report_of_the_pages_selection(client, file_at):
    for step in range(5):
        file_at("anfa", east_m=step * 10)

    page = client.get("/planning/", {"metres": 50, "min_count": 5}).content.decode()
    link = re.search(r'id="report-link">.*?href="([^"]+)"', page, re.S).group(1)
    response = client.get(link.replace("&amp;", "&"))
    html = response.content.decode()

    assert "manage.py" not in page
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "Casa Map — rapport des points chauds" in html
    assert "au moins 5 signalements à moins de 50 m" in html
    assert '<link rel="stylesheet" href="/static/css/report.css">' in html  # print rules there
    assert "<td>Anfa</td>" in html  # each hotspot's arrondissement, as on the page
    assert client.get("/planning/report/", {"metres": "-4"}).status_code == 400


def test_categories_by_state_count_the_public_reports_of_the_period_and_area(client, file_at):
    from issues.moderation import moderate
    from tests.factories import StaffMembershipFactory

    file_at("anfa", code="roads-potholes")
    fixed = file_at("anfa", east_m=20, code="roads-potholes")
    Complaint.objects.filter(pk=fixed.pk).update(status=Complaint.Status.RESOLVED)
    file_at("anfa", east_m=40, code="street-lighting")
    file_at("maarif", code="roads-potholes")  # another arrondissement
    hidden = file_at("anfa", east_m=60, code="roads-potholes")
    moderator = StaffMembershipFactory(
        authority=Authority.objects.get(slug="anfa"), role="manager"
    ).user
    moderate(complaint=hidden, actor=moderator, decision="hide", reason="Insultes")

    response = client.get("/planning/", {"arrondissement": "anfa"})
    rows = {row["slug"]: row for row in response.context["figures"]["categories"]}

    assert rows["roads-potholes"]["submitted"] == 1 and rows["roads-potholes"]["resolved"] == 1
    assert rows["roads-potholes"]["total"] == 2  # neither Maârif's nor the hidden one
    assert rows["street-lighting"]["total"] == 1
    html = response.content.decode()
    assert 'id="categories-table"' in html and "Résolue" in html

    exported = read_csv(client.get("/planning/export/categories.csv", {"arrondissement": "anfa"}))
    assert {row["name"] for row in exported} == {
        Category.objects.get(code="roads-potholes").name_fr,
        Category.objects.get(code="street-lighting").name_fr,
    }
