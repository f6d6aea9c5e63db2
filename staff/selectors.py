"""What the staff desk reads, always within the user's scope (issues.policy.scoped_complaints:
an agent or manager sees the complaints their authority handles, a city supervisor sees all)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.formats import date_format

from districts.errors import OutsideServiceArea
from districts.geocoding import describe_pin
from districts.models import Authority, StaffMembership
from districts.routing import route_excluding
from districts.selectors import as_wgs84, authority_boundary_geojson
from issues import policy
from issues.models import CitizenUpdate, Complaint, Flag, QueueTally
from issues.selectors import PossibleDuplicate, count_from_tallies, possible_duplicates

from .models import ResponseTemplate


def moderation_queue(user: AbstractBaseUser) -> QuerySet[Complaint]:
    """Reports of the user's scope flagged by citizens since a moderator last decided, awaiting
    pre-moderation, or with citizens' updates awaiting a decision: most flagged first, then
    oldest first."""
    open_flags = Count("flags", filter=Q(flags__reviewed_at__isnull=True), distinct=True)
    pending_updates = Count(
        "citizen_updates",
        filter=Q(citizen_updates__moderation=CitizenUpdate.Moderation.PENDING),
        distinct=True,
    )
    return (
        policy.scoped_complaints(user)
        .annotate(open_flags=open_flags, pending_updates=pending_updates)
        .filter(
            Q(open_flags__gt=0)
            | Q(moderation=Complaint.Moderation.PENDING)
            | Q(pending_updates__gt=0)
        )
        .order_by("-open_flags", "created_at", "id")
    )


def citizen_updates_of(complaint: Complaint) -> QuerySet[CitizenUpdate]:
    """Every citizen's update of the report, whatever its moderation, oldest first (staff)."""
    return complaint.citizen_updates.select_related("photo").order_by("created_at", "id")


def open_flags_by_reason(complaint: Complaint) -> list[tuple[str, int]]:
    rows = (
        complaint.flags.filter(reviewed_at__isnull=True)
        .values("reason")
        .annotate(count=Count("id"))
        .order_by("-count", "reason")
    )
    labels = dict(Flag.Reason.choices)
    return [(labels[row["reason"]], row["count"]) for row in rows]


def queue_counts(user: AbstractBaseUser, *, today: date) -> dict[str, int]:
    """Complaints per status, plus "overdue" and "total", of the user's queue: summed from the
    queue tallies (a few thousand rows), exact at every moment, without counting complaints."""
    membership = policy.membership_of(user)
    tallies = QueueTally.objects.all()
    if not membership.is_supervisor:
        tallies = tallies.filter(authority_id=membership.authority_id)
    per_status = (
        tallies.order_by()
        .values("status")
        .annotate(
            held=Sum("complaints"),
            overdue=Sum("complaints", filter=Complaint.overdue_condition(today)),
        )
        .values_list("status", "held", "overdue")
    )
    counts = dict.fromkeys(Complaint.Status.values, 0) | {"overdue": 0, "total": 0}
    for status, held, overdue in per_status:
        counts[status] = held
        counts["overdue"] += overdue or 0
        counts["total"] += held
    return counts


def queue_count(user: AbstractBaseUser, statuses=None) -> int:
    """How many complaints of the user's queue have these statuses (None: any), from the queue
    tallies (exact, every moderation state: staff see them all), without counting complaints."""
    membership = policy.membership_of(user)
    return count_from_tallies(
        statuses=statuses,
        authority_id=None if membership.is_supervisor else membership.authority_id,
    )


def agents_of(authority: Authority) -> QuerySet:
    return StaffMembership.objects.filter(authority=authority).select_related("user")


@dataclass(frozen=True)
class RerouteOptions:
    """Where a report can be re-routed: `suggested` are the authorities that could be responsible
    for its point and category, `others` every remaining authority."""

    suggested: list[Authority]
    others: list[Authority]

    @property
    def all(self) -> list[Authority]:
        return self.suggested + self.others


def reroute_options(complaint: Complaint) -> RerouteOptions:
    """Suggested first, in this order: whom routing would choose without the current authority,
    the arrondissement containing the point, the operators whose service areas cover the point
    (by slug). Then every other authority, arrondissements before operators, by name."""
    current = complaint.authority_id
    try:
        routed = [
            route_excluding(complaint.location, complaint.category, excluding=complaint.authority)
        ]
    except OutsideServiceArea:
        routed = []
    operators = (
        Authority.objects.filter(
            kind=Authority.Kind.OPERATOR, areas__geometry__covers=complaint.location
        )
        .distinct()
        .order_by("slug")
    )
    suggested: list[Authority] = []
    for authority in [*routed, complaint.arrondissement, *operators]:
        if authority is not None and authority.pk != current and authority not in suggested:
            suggested.append(authority)
    others = Authority.objects.exclude(pk__in=[a.pk for a in suggested] + [current])
    return RerouteOptions(suggested, list(others.order_by("kind", "name_fr", "slug")))


def response_templates_for(complaint: Complaint) -> list[tuple[int, str, str]]:
    """(id, title, text) of the active ready-made replies offered on this report: the general
    ones and those of its category and/or its authority, with the text in the active language
    and its variables filled. An unknown {name} in a text is left as written."""
    variables = {
        "reference": complaint.reference,
        "acknowledge_by": date_format(complaint.acknowledge_by, "j F Y"),
        "answer_by": date_format(complaint.answer_by, "j F Y"),
        "category": complaint.category.name,
        "authority": complaint.authority.name,
    }
    templates = ResponseTemplate.objects.filter(
        Q(category__isnull=True) | Q(category_id=complaint.category_id),
        Q(authority__isnull=True) | Q(authority_id=complaint.authority_id),
        is_active=True,
    ).order_by("title", "id")
    return [(t.pk, t.title, _fill(t.text, variables)) for t in templates]


def _fill(text: str, variables: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda found: variables.get(found[1], found[0]), text)


def location_facts(complaint: Complaint) -> dict:
    """Where the report is, for its staff page: the exact point (6 decimals, ~0.1 m), the
    arrondissement and nearest place in the page's language, and the handling authority's
    boundary (GeoJSON) for the small map."""
    point = as_wgs84(complaint.location)
    lat, lon = round(point.y, 6), round(point.x, 6)
    pin = describe_pin(lat, lon)
    return {
        "lat": lat,
        "lon": lon,
        "arrondissement": pin.arrondissement or complaint.arrondissement.name,
        "near": pin.near,
        "boundary": authority_boundary_geojson(complaint.authority),
    }


@dataclass(frozen=True)
class DuplicateOffer:
    """A possible duplicate on a report's staff page: `url` is its staff page when in the
    user's scope, its public tracking page otherwise."""

    found: PossibleDuplicate
    url: str


# Possible duplicates listed on a report's staff page and in the staff API's detail.
STAFF_DUPLICATE_LIMIT = 5


def possible_duplicates_of(user: AbstractBaseUser, complaint: Complaint) -> list[DuplicateOffer]:
    """Earlier reports that may be the same problem as `complaint` (issues.selectors.
    possible_duplicates), from its real position, of any category (another category scores
    lower: the citizen may have chosen the wrong one), with the window counted back from its
    filing; its text as `user` may read it."""
    title, description = policy.text_shown_to(user, complaint)
    found = possible_duplicates(
        as_wgs84(complaint.location),
        complaint.category,
        f"{title}\n{description}",
        exclude=complaint,
        now=complaint.created_at,
        public=False,
        other_categories=True,
        limit=STAFF_DUPLICATE_LIMIT,
    )
    in_scope = set(
        policy.scoped_complaints(user)
        .filter(pk__in=[d.complaint.pk for d in found])
        .values_list("pk", flat=True)
    )
    return [
        DuplicateOffer(
            d,
            reverse(
                "staff-complaint" if d.complaint.pk in in_scope else "track",
                args=[d.complaint.reference],
            ),
        )
        for d in found
    ]
