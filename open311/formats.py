"""The two encodings of GeoReport v2 documents: JSON, and the spec's schemaless XML (root
element, one child element per list item, `true`/`false` booleans, empty elements for nulls)."""

from __future__ import annotations

import json
from xml.etree.ElementTree import Element, SubElement, tostring

from django.http import HttpResponse

from casa_map.outputs import xml_text

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# A list named like the key holds elements named like the value.
LIST_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def document(root: str, content, fmt: str, status: int = 200) -> HttpResponse:
    """`content` is a list (of `LIST_ITEMS[root]` items) or a dict (the root's children). In
    JSON a list is the body itself, as the spec's examples show; a dict is an object."""
    if fmt == "xml":
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(
            _element(root, content), encoding="unicode"
        ).encode("utf-8")
    else:
        body = json.dumps(content, ensure_ascii=False).encode("utf-8")
    return HttpResponse(body, content_type=FORMATS[fmt], status=status)


def _element(name: str, value) -> Element:
    element = Element(name)
    _fill(element, value)
    return element


def _fill(element: Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(SubElement(element, key), item)
    elif isinstance(value, list | tuple):
        item_name = LIST_ITEMS[element.tag]
        for item in value:
            _fill(SubElement(element, item_name), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = xml_text(str(value))


def interface_error(request, message: str, status: int) -> HttpResponse:
    """An error met before an Open311 view ran (casa_map.views.machine_error), in the format
    the request's suffix names."""
    return errors([message], "xml" if request.path.endswith(".xml") else "json", status)


def errors(problems: list[str], fmt: str, status: int) -> HttpResponse:
    """The spec's error list: one {code, description} per problem, code = the HTTP status."""
    return document(
        "errors", [{"code": status, "description": problem} for problem in problems], fmt, status
    )
