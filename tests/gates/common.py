"""What several gate tests send: an ordinary report's fields at a point."""

from __future__ import annotations


def report_fields(point) -> dict:
    return {
        "category": "roads-potholes",
        "title": "Nid de poule",
        "description": "Profond.",
        "lat": point.y,
        "lon": point.x,
    }
