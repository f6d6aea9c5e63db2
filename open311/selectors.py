"""Reads of the Open311 server: service requests as GeoReport v2 describes them, built from the
public view of complaints (never the reporter's account or contact details)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import F, FloatField, Func, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from districts.models import Category, name_in_language
from issues import public_view
from issues.models import Attachment, Complaint, Event
from issues.selectors import (
    AnswerEstimates,
    AnswerExpectation,
    answer_estimates,
    public_complaints,
)

OPEN = "open"
CLOSED = "closed"
# A request is expected by the end of its answer day.
END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class RequestQuery:
    """What GET requests asks for, already checked (see open311.views.parse_request_query)."""

    references: tuple[str, ...] = ()
    categories: tuple[Category, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()
    near: tuple | None = None  # (Point, metres)


def service_requests(query: RequestQuery) -> QuerySet[Complaint]:
    """Newest first. `service_request_id` overrides every other argument, as the spec says."""
    complaints = public_complaints()
    if query.references:
        complaints = complaints.filter(reference__in=query.references)
    else:
        if query.categories:
            complaints = complaints.filter(category__in=query.categories)
        if query.start is not None:
            complaints = complaints.filter(created_at__gte=query.start)
        if query.end is not None:
            complaints = complaints.filter(created_at__lte=query.end)
        if set(query.statuses) == {OPEN}:
            complaints = complaints.open()
        elif set(query.statuses) == {CLOSED}:
            complaints = complaints.closed()
        if query.near is not None:
            point, metres = query.near
            complaints = public_view.near(complaints, point, metres)
    return with_latest_public_note_and_photo(complaints).order_by("-created_at", "-id")


def with_latest_public_note_and_photo(complaints: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """Adds `latest_public_note` (the newest public message) and `first_photo` (the first
    cleaned photo of the report) in the same query, so a page of 1,000 costs one statement."""
    notes = (
        Event.objects.filter(complaint=OuterRef("pk"), is_public=True)
        .exclude(public_message="")
        .order_by("-created_at", "-id")
        .values("public_message")[:1]
    )
    photos = (
        Attachment.objects.filter(
            complaint=OuterRef("pk"),
            kind=Attachment.Kind.IMAGE,
            stage=Attachment.Stage.REPORT,
            is_hidden=False,
        )
        .exclude(public_file="")
        .order_by("created_at", "id")
        .values("public_file")[:1]
    )
    return complaints.annotate(latest_public_note=Subquery(notes), first_photo=Subquery(photos))


def w3c(moment: datetime | None, zone=None) -> str | None:
    """W3C date-time with the offset of Casablanca's time (or `zone`, the current time zone
    looked up once for a whole list), e.g. 2026-03-01T10:15:00+01:00."""
    if moment is None:
        return None
    local = moment.astimezone(zone or timezone.get_current_timezone())
    # The offset written once per offset (+01:00, +00:00 in Ramadan): isoformat with a time
    # zone asks it for every value, the half of a 1,000-row answer's time.
    offset = local.utcoffset()
    written = _WRITTEN_OFFSETS.get(offset)
    if written is None:
        written = _WRITTEN_OFFSETS[offset] = local.isoformat(timespec="seconds")[19:]
    return local.replace(tzinfo=None).isoformat(timespec="seconds") + written


_WRITTEN_OFFSETS: dict = {}


def service_notice(complaint: Complaint, expectation: AnswerExpectation | None = None) -> str:
    return _notice(
        _notice_text(),
        complaint.authority.name,
        complaint.acknowledge_by,
        complaint.answer_by,
        expectation,
    )


def _notice_text() -> str:
    return _(
        "Sent to %(authority)s. To be acknowledged by %(acknowledge)s and answered by %(answer)s."
    )


def _notice(
    text: str,
    authority: str,
    acknowledge_by: date,
    answer_by: date,
    expectation: AnswerExpectation | None = None,
) -> str:
    notice = text % {
        "authority": authority,
        "acknowledge": acknowledge_by.isoformat(),
        "answer": answer_by.isoformat(),
    }
    if expectation is None:
        return notice
    usually = ngettext(
        "usually answered within %(days)s day",
        "usually answered within %(days)s days",
        expectation.days,
    ) % {"days": expectation.days}
    return f"{notice} ({usually})"


def expected_datetime(answer_by: date, expectation: AnswerExpectation | None, zone) -> datetime:
    """When the request can be expected to be answered: the date most reports of its authority
    and category are answered by (issues.selectors.AnswerEstimates), else the legal answer
    deadline's last second, the service level the spec allows this field to be based on."""
    if expectation is not None:
        return expectation.by
    return datetime.combine(answer_by, END_OF_DAY, tzinfo=zone)


# What a service request shows, read as plain values (no model instance, no geometry object:
# building those cost 5 times the SQL on a page of 1,000). The public position comes from the
# public view's annotation, as numbers.
REQUEST_FIELDS = (
    "id",  # for keyset pages (issues.pages)
    "reference",
    "authority_id",  # and the category's: for the expected answer (issues.selectors)
    "category_id",
    "status",
    "latest_public_note",
    "category__code",
    "category__name_fr",
    "category__name_ar",
    "public_description",
    "description",
    "authority__name_fr",
    "authority__name_ar",
    "arrondissement__name_fr",
    "arrondissement__name_ar",
    "acknowledge_by",
    "answer_by",
    "created_at",
    "updated_at",
    "first_photo",
    "public_lon",
    "public_lat",
)


def request_rows(complaints: QuerySet[Complaint]) -> QuerySet:
    """`complaints` (from `service_requests`) as the values a service request shows, one dict
    per complaint (REQUEST_FIELDS), in the same order; slice it or page it by keyset."""
    return complaints.annotate(
        public_lon=Func(F("public_location"), function="ST_X", output_field=FloatField()),
        public_lat=Func(F("public_location"), function="ST_Y", output_field=FloatField()),
    ).values(*REQUEST_FIELDS)


def request_payloads(
    rows, *, media_base: str, estimates: AnswerEstimates | None = None
) -> list[dict]:
    """Service requests from `request_rows`, each in the spec's field order, in the active
    language. `media_base` turns a stored file name into an absolute URL of the cleaned copy;
    `estimates` (issues.selectors.answer_estimates, every authority's unless given) the expected
    answer of each."""
    # Looked up once for the list, not once per row and field.
    shared = {
        "estimates": estimates if estimates is not None else answer_estimates(),
        "notice": _notice_text(),
        "language": get_language() or "fr",
        "zone": timezone.get_current_timezone(),
        "media_base": media_base,
    }
    return [_payload(row, **shared) for row in rows]


def _payload(
    row: dict, *, estimates: AnswerEstimates, notice: str, language: str, zone, media_base: str
) -> dict:
    is_open = row["status"] in Complaint.OPEN_STATUSES
    authority = name_in_language(row["authority__name_fr"], row["authority__name_ar"], language)
    arrondissement = name_in_language(
        row["arrondissement__name_fr"], row["arrondissement__name_ar"], language
    )
    category = name_in_language(row["category__name_fr"], row["category__name_ar"], language)
    expectation = estimates.expectation_of(
        authority_id=row["authority_id"],
        category_id=row["category_id"],
        status=row["status"],
        created_at=row["created_at"],
    )
    expected = expected_datetime(row["answer_by"], expectation, zone)
    photo = row["first_photo"]
    return {
        "service_request_id": row["reference"],
        "status": OPEN if is_open else CLOSED,
        "status_notes": row["latest_public_note"],
        "service_name": category,
        "service_code": row["category__code"],
        # As Complaint.shown_description: a moderator's redaction where there is one.
        "description": row["public_description"] or row["description"],
        "agency_responsible": authority,
        "service_notice": _notice(
            notice, authority, row["acknowledge_by"], row["answer_by"], expectation
        ),
        "requested_datetime": w3c(row["created_at"], zone),
        "updated_datetime": w3c(row["updated_at"], zone),
        "expected_datetime": w3c(expected, zone) if is_open else None,
        "address": f"{arrondissement}, Casablanca",
        "address_id": None,
        "zipcode": None,
        "lat": round(row["public_lat"], 7),
        "long": round(row["public_lon"], 7),
        "media_url": f"{media_base}{photo}" if photo else None,
    }
