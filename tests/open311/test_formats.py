"""open311.formats writes XML directly, for speed: the bytes must be those ElementTree writes for
the same document (escaped text, `<name />` for nulls and empty lists, `true`/`false`), and its
JSON must read back as the same document; dates are written with their offset by a shortcut."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from xml.etree.ElementTree import Element, SubElement, tostring
from zoneinfo import ZoneInfo

import pytest

from casa_map.outputs import xml_text
from open311.formats import LIST_ITEMS, document
from open311.selectors import w3c


def element_tree_xml(root: str, content) -> bytes:
    """The document as ElementTree builds and writes it (what the module did before)."""

    def fill(element: Element, value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                fill(SubElement(element, key), item)
        elif isinstance(value, list | tuple):
            for item in value:
                fill(SubElement(element, LIST_ITEMS[element.tag]), item)
        elif isinstance(value, bool):
            element.text = "true" if value else "false"
        elif value is not None:
            element.text = xml_text(str(value))

    element = Element(root)
    fill(element, content)
    declaration = b'<?xml version="1.0" encoding="utf-8"?>\n'
    return declaration + tostring(element, encoding="unicode").encode("utf-8")


REQUESTS = [
    {
        "service_request_id": "CM-2026-ABC123",
        "status": "open",
        "status_notes": None,
        "service_name": "Nids-de-poule & chaussée <dégradée>",
        "description": "Trou > 30 cm, « danger » \u0007 ici\nligne 2",
        "agency_responsible": "مقاطعة أنفا",
        "address_id": None,
        "zipcode": "",
        "address": "\u0001\u0002",  # nothing XML can carry: an empty element
        "lat": 33.5731234,
        "long": -7.6298,
        "media_url": "http://example.org/media/a.jpg?x=1&y=2",
    },
    {"service_request_id": "CM-2026-ABC124", "status": "closed", "lat": 0.0},
]
DISCOVERY = {
    "changeset": "2026-12-01T00:00:00Z",
    "endpoints": [{"formats": ["application/json", "text/xml"], "type": "production"}],
    "metadata": False,
    "attributes": [],
}


@pytest.mark.parametrize(
    "root, content",
    [
        ("service_requests", REQUESTS),
        ("service_requests", []),
        ("discovery", DISCOVERY),
        ("errors", [{"code": 400, "description": "page: <1>"}]),
    ],
)
def test_xml_is_what_element_tree_writes_and_json_reads_back(root, content):
    assert document(root, content, "xml").content == element_tree_xml(root, content)
    assert json.loads(document(root, content, "json").content) == content


def test_dates_are_written_with_their_own_offset_all_year_round():
    """Casablanca is at +01:00 but during Ramadan (+00:00): the offsets written once each."""
    zone = ZoneInfo("Africa/Casablanca")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    moments = [start + timedelta(hours=5 * step, seconds=step) for step in range(1800)]

    written = [w3c(moment, zone) for moment in moments]

    assert written == [m.astimezone(zone).isoformat(timespec="seconds") for m in moments]
    assert {text[-6:] for text in written} == {"+01:00", "+00:00"}
