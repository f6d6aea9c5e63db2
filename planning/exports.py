"""What the planners' downloads hold, as a spreadsheet reads it: names in the page's language
rather than slugs and codes, shares as percentages, and the selection's individual reports as the
public may see them (issues.public_view)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone, translation

from issues.models import Complaint
from issues.public_view import inside, published, sensitive_category_ids

from .selection import Selection, local_midnight

# The individual reports' download holds at most this many, the newest first.
REPORTS_LIMIT = 5000


def local_name(row: dict) -> str:
    """A figure row's name in the active language (its name_fr and name_ar)."""
    if (translation.get_language() or "fr").startswith("ar") and row.get("name_ar"):
        return row["name_ar"]
    return row["name_fr"]


def percent(share: float | None) -> str:
    """0.72 → "72 %" (a no-break space, as French and the spreadsheet keep it on one line)."""
    return "" if share is None else f"{round(share * 100)}\u00a0%"


def spreadsheet_rows(name: str, rows: list[dict]) -> list[dict]:
    """The rows of a figure as the CSV gives them: `name` in place of slug, name_fr and name_ar;
    a hotspot's category by its name; `overdue_share` as a percentage."""
    result = []
    for row in rows:
        row = dict(row)
        if "slug" in row:
            named = {"name": local_name(row)}
            row = named | {k: v for k, v in row.items() if k not in ("slug", "name_fr", "name_ar")}
        if name == "hotspots":
            row["category"] = row.pop("category_name")
        for share in ("overdue_share", "share"):
            if share in row:
                row[share] = percent(row[share])
        result.append(row)
    return result


def public_reports(selection: Selection) -> QuerySet[Complaint]:
    """The selection's published reports as the public may see them, newest first, at most
    REPORTS_LIMIT. Sensitive categories (noise) are left out, as the public map never shows one
    of them alone."""
    return selected_public_reports(selection)[:REPORTS_LIMIT]


def recurring_points(selection: Selection) -> list[dict]:
    """The planners' map layer of recurring reports (issue #27) in the selection, at their
    public position, sensitive categories left out as in public_reports; newest first, at most
    REPORTS_LIMIT."""
    found = (
        selected_public_reports(selection)
        .filter(recurrence_of__isnull=False)
        .select_related("category")[:REPORTS_LIMIT]
    )
    return [
        {
            "reference": complaint.reference,
            "category_name": str(complaint.category.name),
            "received": timezone.localdate(complaint.created_at).isoformat(),
            "lat": round(complaint.public_location.y, 6),
            "lon": round(complaint.public_location.x, 6),
        }
        for complaint in found
    ]


def selected_public_reports(selection: Selection) -> QuerySet[Complaint]:
    complaints = published().filter(status__in=selection.statuses)
    if selection.category:
        complaints = complaints.filter(category=selection.category)
    if selection.arrondissement:
        complaints = complaints.filter(arrondissement=selection.arrondissement)
    if selection.since:
        complaints = complaints.filter(created_at__gte=local_midnight(selection.since))
    if selection.until:
        complaints = complaints.filter(
            created_at__lt=local_midnight(selection.until + timedelta(days=1))
        )
    if selection.box:
        complaints = inside(complaints, selection.box)
    return complaints.exclude(category_id__in=sensitive_category_ids()).order_by(
        "-created_at", "-id"
    )


def public_report_rows(selection: Selection) -> list[dict]:
    """One row per report: what its public tracking page shows, nothing of who reported it."""
    statuses, channels = dict(Complaint.Status.choices), dict(Complaint.Channel.choices)

    def name(place) -> str:
        return str(place.name) if place else ""

    return [
        {
            "reference": complaint.reference,
            "title": complaint.shown_title,
            "category": str(complaint.category.name),
            "status": str(statuses[complaint.status]),
            "channel": str(channels.get(complaint.channel, complaint.channel)),
            "arrondissement": name(complaint.arrondissement),
            "authority": name(complaint.authority),
            "received": timezone.localdate(complaint.created_at).isoformat(),
            "resolved": (
                timezone.localdate(complaint.resolved_at).isoformat()
                if complaint.resolved_at
                else ""
            ),
            "supports": complaint.support_count,
            "lat": round(complaint.public_location.y, 6),
            "lon": round(complaint.public_location.x, 6),
        }
        for complaint in public_reports(selection)
    ]
