"""An Open311 application key, and helpers to read the spec's XML element by element."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest
from rest_framework_api_key.models import APIKey


@pytest.fixture
def api_key(casablanca) -> str:
    _key, secret = APIKey.objects.create_key(name="Test integrator")
    return secret


def parse_xml(response) -> ElementTree.Element:
    body = response.content
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ElementTree.fromstring(body)


def children(element: ElementTree.Element) -> dict[str, str | None]:
    return {child.tag: child.text for child in element}
