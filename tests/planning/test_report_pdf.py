"""The shareable report (#24): HTML and PDF made from the same page, with the maps as images
drawn on the server (SVG from the arrondissement boundaries in PostGIS), in French and Arabic."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from districts.models import Authority
from planning import views


def five_in_anfa_and_four_in_maarif(file_at):
    for step in range(5):
        file_at("anfa", east_m=step * 10)
    for step in range(4):
        file_at("maarif", east_m=step * 10, code="street-lighting")


QUERY = {"metres": 50, "min_count": 3}


def svg(html: str, element_id: str) -> str:
    return re.search(rf'<svg[^>]*id="{element_id}".*?</svg>', html, re.S).group(0)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_html_report_draws_its_maps_as_svg_with_labels_legend_and_credits(
    client, file_at, language
):
    five_in_anfa_and_four_in_maarif(file_at)

    response = client.get("/planning/report/", QUERY, HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()

    assert response.status_code == 200
    choropleth = svg(html, "choropleth-svg")
    slugs = set(Authority.objects.filter(kind="arrondissement").values_list("slug", flat=True))
    drawn = re.findall(
        r'<path d="M [^"]+" fill="(#[0-9a-f]{6})"[^>]*data-slug="([^"]+)"', choropleth
    )
    assert {slug for _, slug in drawn} == slugs and len(drawn) == 16
    assert "," not in re.search(r'viewBox="([^"]+)"', choropleth).group(1)  # never "1,5"
    colours = dict((slug, colour) for colour, slug in drawn)
    assert colours["anfa"] != colours["ain-chock"]  # Anfa has reports, Aïn Chock none
    assert 'role="img"' in choropleth and "<title>" in choropleth
    # Labels: the names in the page's language, each placed over its area by the style block.
    labels = re.findall(r'<span class="map-label map-label--c\d+[^"]*"[^>]*>([^<]+)</span>', html)
    assert len(labels) == 16
    anfa = Authority.objects.get(slug="anfa")
    expected = "أنفا" if language == "ar" else anfa.name_fr
    assert expected in labels or expected in html.split('id="choropleth-legend"')[1]
    legend = html.split('id="choropleth-legend"')[1].split("</ul>")[0]
    assert legend.count("<rect") == 5
    # The hotspots: one circle each, numbered as in the table.
    circles = svg(html, "hotspot-svg").count("<circle")
    rows = (
        html.split('id="report-hotspot-table"')[1]
        .split("<tbody>")[1]
        .split("</tbody>")[0]
        .count("<tr>")
    )
    assert circles == rows == 2
    assert "OpenStreetMap" in html and "ODbL" in html and "2024" in html  # fixtures/SOURCES.md
    assert 'id="pdf-link"' in html and "/planning/report.pdf?" in html
    # Nothing inline but the labels' positions, allowed by this response's nonce.
    nonce = re.search(r'<style nonce="([^"]+)">', html).group(1)
    policy = response["Content-Security-Policy"]
    assert f"'nonce-{nonce}'" in policy and "unsafe-inline" not in policy
    assert "<script" not in html and ' style="' not in html


def test_the_hotspot_map_is_framed_on_the_selections_arrondissement(client, file_at):
    five_in_anfa_and_four_in_maarif(file_at)

    city = client.get("/planning/report/", QUERY).content.decode()
    anfa = client.get("/planning/report/", QUERY | {"arrondissement": "anfa"}).content.decode()

    def width(html: str) -> float:
        view = re.search(r'viewBox="([^"]+)"', svg(html, "hotspot-svg")).group(1)
        return float(view.split()[2])

    assert width(anfa) < width(city) / 2
    assert svg(anfa, "hotspot-svg").count("<circle") == 1  # Maârif's hotspot is not Anfa's


def pdf_text(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_pdf_is_the_same_report_with_its_maps_drawn(client, file_at, language):
    five_in_anfa_and_four_in_maarif(file_at)

    response = client.get("/planning/report.pdf", QUERY, HTTP_ACCEPT_LANGUAGE=language)
    pdf = response.content

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="casa-map-report-')
    assert pdf.startswith(b"%PDF-")
    reader, text = pdf_text(pdf)
    assert 2 <= len(reader.pages) <= 6
    first_page = reader.pages[0].get_contents().get_data().decode("latin-1")
    # The choropleth: 16 filled shapes and their outlines, as vector paths (moveto, lineto, fill).
    assert (
        len(re.findall(r"\bm\b", first_page)) >= 16 and len(re.findall(r"\bl\b", first_page)) > 500
    )
    assert re.search(r"\bf\*?\b", first_page) and re.search(r"\bS\b|\bB\b", first_page)
    assert "OpenStreetMap" in text
    if language == "fr":
        assert "rapport des points chauds" in text and "Anfa" in text
    else:
        assert re.search(r"[\u0600-\u06ff\ufb50-\ufeff]{3,}", text)  # Arabic text, as text


def test_the_same_pdf_is_served_from_the_cache_and_new_ones_are_rate_limited(
    client, file_at, settings, monkeypatch
):
    five_in_anfa_and_four_in_maarif(file_at)
    settings.PLANNING_PDF_RATE_LIMIT = "2/h"
    made = []
    real = views.report_pdf_bytes
    monkeypatch.setattr(views, "report_pdf_bytes", lambda html: made.append(1) or real(html))

    first = client.get("/planning/report.pdf", QUERY)
    again = client.get("/planning/report.pdf", QUERY)
    other = client.get("/planning/report.pdf", QUERY | {"arrondissement": "anfa"})
    refused = client.get("/planning/report.pdf", QUERY | {"arrondissement": "maarif"})
    cached = client.get("/planning/report.pdf", QUERY)

    assert first.content == again.content == cached.content and len(made) == 2
    assert other.status_code == 200
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


def test_a_pdf_of_a_bad_selection_is_refused_like_the_page(client, casablanca):
    assert client.get("/planning/report.pdf", {"metres": "-4"}).status_code == 400
    assert client.get("/planning/report.pdf", {"category": "volcano"}).status_code == 400


def test_the_planning_page_links_the_pdf_of_its_selection(client, file_at):
    five_in_anfa_and_four_in_maarif(file_at)

    page = client.get("/planning/", QUERY | {"arrondissement": "anfa"}).content.decode()
    link = re.search(r'id="report-link">.*?id="pdf-link"', page, re.S)
    href = re.search(r'href="([^"]+)" id="pdf-link"', page).group(1).replace("&amp;", "&")

    assert link and href.startswith("/planning/report.pdf?") and "arrondissement=anfa" in href
    assert client.get(href).content.startswith(b"%PDF-")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_choropleths_labels_never_overlap_and_the_key_names_the_numbered_ones(
    casablanca, language
):
    from django.utils import translation

    from planning import report_maps

    with translation.override(language):
        frame, shapes = report_maps.city_shapes()
        labels = report_maps.place_labels(shapes, set(), frame.width)
        boxes = [report_maps._label_box(a.x, a.y, a.text, a.size) for a in labels]
        drawing = report_maps.choropleth([])

    assert len(labels) == 16
    for i, box in enumerate(boxes):
        assert not any(report_maps._overlaps(box, other) for other in boxes[i + 1 :])
    numbered = [label for label in labels if label.number]
    assert len(drawing["key"]) == len(numbered) <= 4  # most areas carry their name
    assert all(0 <= label.left <= 100 and 0 <= label.top <= 100 for label in drawing["labels"])
