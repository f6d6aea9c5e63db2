"""Reads of the Open311 server: service requests as GeoReport v2 describes them, built from the
public view of complaints (never the reporter's account or contact details)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from districts.models import Category
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


def w3c(moment: datetime | None) -> str | None:
    """W3C date-time with the offset of Casablanca's time, e.g. 2026-03-01T10:15:00+01:00."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def service_notice(complaint: Complaint, expectation: AnswerExpectation | None = None) -> str:
    notice = _(
        "Sent to %(authority)s. To be acknowledged by %(acknowledge)s and answered by %(answer)s."
    ) % {
        "authority": complaint.authority.name,
        "acknowledge": complaint.acknowledge_by.isoformat(),
        "answer": complaint.answer_by.isoformat(),
    }
    if expectation is None:
        return notice
    usually = ngettext(
        "usually answered within %(days)s day",
        "usually answered within %(days)s days",
        expectation.days,
    ) % {"days": expectation.days}
    return f"{notice} ({usually})"


def expected_datetime(complaint: Complaint, expectation: AnswerExpectation | None) -> datetime:
    """When the request can be expected to be answered: the date most reports of its authority
    and category are answered by (issues.selectors.answer_expectation), else the legal answer
    deadline's last second, the service level the spec allows this field to be based on."""
    if expectation is not None:
        return expectation.by
    return timezone.make_aware(datetime.combine(complaint.answer_by, time(23, 59, 59)))


def request_payload(
    complaint: Complaint, *, media_base: str, estimates: AnswerEstimates | None = None
) -> dict:
    """One service request in the spec's field order. `media_base` turns a stored file name
    into an absolute URL of the cleaned copy; `estimates`, read once for a page of requests
    (issues.selectors.answer_estimates), gives its expected answer."""
    is_open = complaint.status in Complaint.OPEN_STATUSES
    if estimates is None:
        estimates = answer_estimates([complaint.authority_id])
    expectation = estimates.expectation(complaint)
    expected = expected_datetime(complaint, expectation)
    photo = getattr(complaint, "first_photo", None)
    return {
        "service_request_id": complaint.reference,
        "status": OPEN if is_open else CLOSED,
        "status_notes": getattr(complaint, "latest_public_note", None),
        "service_name": complaint.category.name,
        "service_code": complaint.category.code,
        "description": complaint.shown_description,
        "agency_responsible": complaint.authority.name,
        "service_notice": service_notice(complaint, expectation),
        "requested_datetime": w3c(complaint.created_at),
        "updated_datetime": w3c(complaint.updated_at),
        "expected_datetime": w3c(expected) if is_open else None,
        "address": f"{complaint.arrondissement.name}, Casablanca",
        "address_id": None,
        "zipcode": None,
        "lat": round(public_view.public_point(complaint).y, 7),
        "long": round(public_view.public_point(complaint).x, 7),
        "media_url": f"{media_base}{photo}" if photo else None,
    }
