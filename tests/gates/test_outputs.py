"""Outputs safe by construction (casa_map.outputs) and the control-character gate
(casa_map.middleware): citizen text cannot become a spreadsheet formula, feed markup or XML that
no parser reads, even when it reached the database before the rule existed."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree

import pytest

from casa_map.outputs import SpreadsheetWriter, spreadsheet_cell
from issues.models import Complaint
from tests.factories import StaffMembershipFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_starting_like_a_formula_is_shown_as_text(start):
    assert spreadsheet_cell(f'{start}HYPERLINK("http://x")') == f'\'{start}HYPERLINK("http://x")'


def test_numbers_and_ordinary_text_are_left_as_they_are():
    out = io.StringIO()
    SpreadsheetWriter(out).writerow([-7.6, 33, "Nid de poule", "", None])

    assert out.getvalue() == "-7.6,33,Nid de poule,,\r\n"


def test_the_staff_export_neutralises_a_formula_typed_by_a_citizen(client, report_in):
    complaint = report_in("anfa", title='=HYPERLINK("http://evil.example","Cliquez")')
    client.force_login(StaffMembershipFactory(authority=complaint.authority).user)

    body = b"".join(client.get("/staff/export.csv").streaming_content).decode("utf-8-sig")

    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows[0]["Titre"] == "'" + complaint.title  # headers in the reader's language


@pytest.mark.parametrize("text", ["ctrl\x01title", "bell\x07", "esc\x1b[31m", "del\x7f"])
def test_control_characters_are_refused_by_the_form_and_the_api(client, point_in, text):
    point = point_in("anfa")
    fields = {"category": "roads-potholes", "title": text, "description": "ok"}
    fields |= {"lat": point.y, "lon": point.x, "kind": "complaint"}

    page = client.post("/report/", fields)
    api = client.post("/api/v1/complaints/", json.dumps(fields), content_type="application/json")

    assert page.status_code == 400
    assert (api.status_code, api.json()["parameter"]) == (400, "title")
    assert not Complaint.objects.exists()


def test_tabs_and_new_lines_are_kept(client, point_in):
    point = point_in("anfa")
    fields = {"category": "roads-potholes", "title": "Trou", "kind": "complaint"}
    fields |= {"description": "Ligne 1\r\nLigne 2\tfin", "lat": point.y, "lon": point.x}

    assert client.post("/report/", fields).status_code == 302
    assert Complaint.objects.get().description == "Ligne 1\r\nLigne 2\tfin"


@pytest.fixture
def legacy_control_text(report_in):
    """A report whose stored text holds a control character (filed before the gate existed)."""
    complaint = report_in("anfa", code="noise")
    Complaint.objects.filter(pk=complaint.pk).update(
        title="ctrl\x01title", description="<b>gras</b>\x0b et <script>x</script>"
    )
    return complaint


def test_the_feeds_stay_well_formed_and_carry_plain_text(client, legacy_control_text):
    for path in ("/feeds/category/noise/", "/feeds/arrondissement/anfa/"):
        response = client.get(path)

        assert response.status_code == 200
        feed = ElementTree.fromstring(response.content)
        entry = feed.find(f"{ATOM}entry")
        assert entry.find(f"{ATOM}title").text.endswith("ctrltitle")
        summary = entry.find(f"{ATOM}summary")
        assert summary.get("type") == "text"
        assert "<b>gras</b> et <script>x</script>" in summary.text


def test_open311_xml_stays_well_formed(client, legacy_control_text):
    response = client.get(
        "/open311/v2/requests.xml", {"service_request_id": legacy_control_text.reference}
    )

    assert response.status_code == 200
    document = ElementTree.fromstring(response.content)
    assert document.find("request/description") is not None
