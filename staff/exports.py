"""The queue's CSV export for people: statuses, categories, authorities and arrondissements
named in the reader's language, the assigned agent, the dates that matter, and, last, how the
report reached the city (its channel). (The GeoJSON export keeps the codes: it is read by
programs.)"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import Authority, Category
from issues import policy
from issues.models import Complaint

COLUMNS = [
    "reference",
    "status",
    "kind",
    "category_id",
    "title",
    "description",
    "authority_id",
    "arrondissement_id",
    "assigned_to__email",
    "created_at",
    "acknowledge_by",
    "answer_by",
    "resolved_at",
    "support_count",
    "location",
    "public_title",
    "public_description",
    "share_contact_with_operator",
    "channel",
]


def header() -> list[str]:
    return [
        _("Tracking code"),
        _("Status"),
        _("Kind"),
        _("Category"),
        _("Title"),
        _("Description"),
        _("Authority"),
        _("Arrondissement"),
        _("Assigned to"),
        _("Received"),
        _("Acknowledge by"),
        _("Answer by"),
        _("Resolved"),
        _("Supports"),
        _("Latitude"),
        _("Longitude"),
        _("Channel"),
    ]


def _names(model) -> dict[int, str]:
    """Every name of a small table (categories; authorities, arrondissements among them)."""
    return {item.pk: item.name for item in model.objects.only("name_fr", "name_ar")}


def _day(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localdate(value)
    return value.isoformat()


def rows(queryset, *, viewer):
    """One list per report of `queryset`, in the active language, streamed in chunks, as
    `viewer` may read them: an operator's staff read the public copy of the text of a report
    filed without consent (issues.policy.withholds_contact). No contact details."""
    statuses, kinds = dict(Complaint.Status.choices), dict(Complaint.Kind.choices)
    channels = dict(Complaint.Channel.choices)
    categories, authorities = _names(Category), _names(Authority)
    for item in queryset.values_list(*COLUMNS).iterator(chunk_size=2000):
        (
            reference,
            status,
            kind,
            category,
            title,
            description,
            authority,
            arrondissement,
            assignee,
            created,
            acknowledge_by,
            answer_by,
            resolved,
            supports,
            point,
            public_title,
            public_description,
            consent,
            channel,
        ) = item
        withheld = policy.withholds_contact(viewer, consent=consent)
        yield [
            reference,
            str(statuses.get(status, status)),
            str(kinds.get(kind, kind)),
            categories.get(category, ""),
            policy.staff_text(title, public_title, withheld=withheld),
            policy.staff_text(description, public_description, withheld=withheld),
            authorities.get(authority, ""),
            authorities.get(arrondissement, ""),
            assignee or "",
            _day(created),
            _day(acknowledge_by),
            _day(answer_by),
            _day(resolved),
            supports,
            round(point.y, 7),
            round(point.x, 7),
            str(channels.get(channel, channel)),
        ]
