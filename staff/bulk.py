"""The queue's bulk action beyond the ticked rows: every report matching the queue's filters
(read through the same scoped, filtered queryset as the page), and the refusals kept for the
page the action returns to."""

from __future__ import annotations

from .actions import BULK_MAX_REFERENCES

REFUSALS_KEY = "staff-bulk-refusals"


def matching_references(filtered_queryset) -> list[str] | None:
    """The references of every report of `filtered_queryset` (already scoped to the user), or
    None when more than BULK_MAX_REFERENCES match: one request never changes more."""
    references = list(
        filtered_queryset.order_by("id").values_list("reference", flat=True)[
            : BULK_MAX_REFERENCES + 1
        ]
    )
    return None if len(references) > BULK_MAX_REFERENCES else references


def matching_count(filtered_queryset) -> int:
    """How many reports match, counted no further than BULK_MAX_REFERENCES + 1 (the page says
    "more than 1000" rather than counting a large queue)."""
    return filtered_queryset.order_by()[: BULK_MAX_REFERENCES + 1].count()


def keep_refusals(session, skipped: dict[str, str]) -> None:
    """The reports a bulk action left unchanged and why, for the queue page to list once."""
    if skipped:
        session[REFUSALS_KEY] = sorted(skipped.items())


def take_refusals(session) -> list[tuple[str, str]]:
    return [tuple(item) for item in session.pop(REFUSALS_KEY, [])]
