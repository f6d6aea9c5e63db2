"""The queue map's points and its legend: one colour per status, overdue reports ringed."""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper
from django.utils.translation import gettext as _

from issues.models import Complaint

MAP_LIMIT = 2000
S = Complaint.Status
# Each colour keeps a 3:1 contrast with the map's light tiles (WCAG 1.4.11).
STATUS_COLOURS = {
    S.SUBMITTED: "#b42318",
    S.ACKNOWLEDGED: "#a04a00",
    S.IN_PROGRESS: "#6a3d9a",
    S.RESOLVED: "#1b6b34",
    S.CLOSED: "#3d4654",
    S.REJECTED: "#5c5c5c",
    S.DUPLICATE: "#1d4e89",
}
OVERDUE_RING = "#000000"


def points(queryset, *, today) -> list[list]:
    """[lat, lon, reference, status, overdue] of the newest MAP_LIMIT reports of the set."""
    overdue = ExpressionWrapper(Complaint.overdue_condition(today), output_field=BooleanField())
    rows = (
        queryset.annotate(overdue=overdue)
        .order_by("-created_at", "-id")
        .values_list("location", "reference", "status", "overdue")[:MAP_LIMIT]
    )
    return [
        [round(point.y, 6), round(point.x, 6), reference, status, bool(late)]
        for point, reference, status, late in rows
    ]


def legend() -> list[dict]:
    """The legend in words, in the active language: each status with its colour, then overdue."""
    labels = dict(S.choices)
    return [
        {"key": status, "label": str(labels[status]), "colour": colour}
        for status, colour in STATUS_COLOURS.items()
    ] + [{"key": "overdue", "label": _("overdue (black ring)"), "colour": OVERDUE_RING}]
