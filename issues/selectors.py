"""Read-side queries on complaints. Public ones never select personal fields."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.gis.geos import Point
from django.db import connection, connections
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
)
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone

from casa_map.replica import replica_alias
from districts.models import Authority, Category

from . import answer_times, public_view
from .models import OPEN_STATUSES, AnswerEstimate, Attachment, Complaint, Event, Flag, QueueTally

# At street zoom the public map shows single pins, at most this many (the newest) in the view.
PUBLIC_MAP_PIN_LIMIT = 2000


def public_complaints() -> QuerySet[Complaint]:
    """Complaints as anyone may see them (issues.public_view): published ones only, personal
    fields not read, `public_location` annotated. Public text is `shown_title` /
    `shown_description` (a moderator's redaction where there is one)."""
    return public_view.published()


def public_complaint(reference: str, *, published_only: bool = True) -> Complaint:
    """Raises Complaint.DoesNotExist. Events shown are public steps only, photos the ones not
    hidden by a moderator, citizens' updates the published ones (`published_updates`).
    `published_only=False` also finds a hidden or pending report, for its reporter (the caller
    checks who is asking)."""
    complaints = (
        public_complaints() if published_only else public_view.visible(Complaint.objects.all())
    )
    return complaints.prefetch_related(
        Prefetch(
            "events",
            queryset=Event.objects.filter(is_public=True)
            .select_related("authority")
            .defer("internal_note", "actor"),
        ),
        Prefetch("attachments", queryset=public_attachments()),
        Prefetch(
            "citizen_updates",
            queryset=public_view.published_updates(),
            to_attr="published_updates",
        ),
    ).get(reference=reference.strip().upper())


def public_attachments() -> QuerySet[Attachment]:
    """What the public may see of the attachments: not hidden by a moderator, and for photos
    only those with a (blurred) public copy. A citizen's update shows its own photo
    (public_view.published_updates), not among the report's."""
    return (
        Attachment.objects.filter(is_hidden=False)
        .exclude(kind=Attachment.Kind.IMAGE, public_file="")
        .exclude(stage=Attachment.Stage.UPDATE)
    )


def already_recorded(
    model, complaint: Complaint, *, device_key: str, user: AbstractBaseUser | None
) -> bool:
    """Whether this device (its hashed key, issues.policy.device_key) or account already has a
    `model` row (a support, a flag) for the complaint: the one test, for counting once and for
    showing "you support this report"."""
    account = user if user is not None and user.is_authenticated else None
    already = model.objects.filter(complaint=complaint, device_key=device_key)
    if account is not None:
        already = already | model.objects.filter(complaint=complaint, user=account)
    return already.exists()


def attachment_file(name: str) -> tuple[Attachment, FieldFile]:
    """The stored file (or thumbnail) called `name`, only if an attachment row names it: the
    path never reaches the storage unless the database handed it out. Raises
    Attachment.DoesNotExist."""
    attachment = (
        Attachment.objects.select_related("complaint")
        .filter(Q(file=name) | Q(thumbnail=name) | Q(public_file=name))
        .get()
    )
    for stored in (attachment.file, attachment.thumbnail, attachment.public_file):
        if stored.name == name:
            return attachment, stored
    raise Attachment.DoesNotExist(name)


@dataclass(frozen=True)
class PossibleDuplicate:
    """An earlier report that may be the same problem, with why (issues.duplicates)."""

    complaint: Complaint
    distance_m: float
    same_category: bool
    text_similarity: float
    score: float


# Candidates scored per lookup, nearest first: more than a street corner ever holds.
DUPLICATE_CANDIDATES = 200


def possible_duplicates(
    point: Point,
    category: Category,
    text: str = "",
    *,
    exclude: Complaint | None = None,
    now: datetime | None = None,
    limit: int = 5,
    public: bool = True,
    other_categories: bool = False,
) -> list[PossibleDuplicate]:
    """Earlier reports that may be the problem a new report of `category` at `point` saying
    `text` describes: published, open or closed/resolved within the category's
    `duplicate_window_weeks` before `now`, within its `duplicate_radius_metres`, of the same
    category (with `other_categories`, of any, scored lower). Ranked best first by the score of
    issues.duplicates (distance, category, text similarity), then nearest, then oldest.

    `public`: measured from the public position (issues.public_view.near), for the citizen's
    form and the public API; False measures from the real position (public_view.within_metres),
    for the staff. Each complaint carries `public_photos` (its public photos with a thumbnail).
    """
    from . import duplicates  # scoring; it reads the seed corpus through category_suggestion

    radius = category.duplicate_radius_metres
    now = now or timezone.now()
    since = now - timedelta(weeks=category.duplicate_window_weeks)
    photos = (
        public_attachments()
        .filter(kind=Attachment.Kind.IMAGE)
        .exclude(thumbnail="")
        .only("id", "complaint_id", "thumbnail")
        .order_by("id")
    )
    if public:
        nearby = public_view.near(public_complaints(), point, radius)
    else:
        published = Complaint.objects.filter(moderation=Complaint.Moderation.PUBLISHED)
        nearby = public_view.within_metres(
            published.select_related("category", "authority"), point, radius
        )
    candidates = nearby.filter(
        Q(status__in=Complaint.OPEN_STATUSES)
        | Q(
            status__in=[Complaint.Status.RESOLVED, Complaint.Status.CLOSED],
            resolved_at__gte=since,
        ),
        created_at__lte=now,
    )
    if not other_categories:
        candidates = candidates.filter(category=category)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    candidates = list(
        candidates.prefetch_related(
            Prefetch("attachments", queryset=photos, to_attr="public_photos")
        ).order_by("distance", "id")[:DUPLICATE_CANDIDATES]
    )
    similarities = duplicates.text_similarities(
        text, [f"{c.shown_title}\n{c.shown_description}" for c in candidates]
    )
    ranked = []
    for complaint, similarity in zip(candidates, similarities, strict=True):
        alike = duplicates.likeness(
            distance_m=complaint.distance.m,
            radius_m=radius,
            same_category=complaint.category_id == category.pk,
            text_similarity=similarity,
        )
        ranked.append(PossibleDuplicate(complaint, **vars(alike)))
    ranked.sort(key=lambda d: (-d.score, d.distance_m, d.complaint.created_at, d.complaint.pk))
    return ranked[:limit]


def reports_of(user: AbstractBaseUser) -> QuerySet[Complaint]:
    return (
        Complaint.objects.filter(reporter=user)
        .select_related("category", "authority")
        .order_by("-created_at")
    )


# Besides the open reports, the public map shows those fixed lately (resolved, or resolved and
# then closed), so a street sees what was done about it, not only what is still wrong.
RECENTLY_FIXED_DAYS = 30
FIXED_STATUSES = (Complaint.Status.RESOLVED, Complaint.Status.CLOSED)


def public_map_complaints(
    *,
    category: Category | None = None,
    arrondissement: Authority | None = None,
    box: tuple[float, float, float, float] | None = None,
    recently_fixed: bool = False,
    now: datetime | None = None,
) -> QuerySet[Complaint]:
    """What the public map may show one by one (issues.public_view: published only, personal
    fields not read, `public_location` annotated): open reports and, if `recently_fixed`, those
    resolved in the last RECENTLY_FIXED_DAYS; inside `box` (west, south, east, north) by their
    public position."""
    shown = Q(status__in=Complaint.OPEN_STATUSES)
    if recently_fixed:
        since = (now or timezone.now()) - timedelta(days=RECENTLY_FIXED_DAYS)
        shown |= Q(status__in=FIXED_STATUSES, resolved_at__gte=since)
    # Read from the replica where there is one, as the map's clusters are (casa_map.replica).
    complaints = public_complaints().using(replica_alias()).filter(shown)
    if category is not None:
        complaints = complaints.filter(category=category)
    if arrondissement is not None:
        complaints = complaints.filter(arrondissement=arrondissement)
    if box is not None:
        complaints = public_view.inside(complaints, box)
    return complaints


def count_recently_fixed(
    complaints: QuerySet[Complaint], *, hidden_categories: Sequence[int]
) -> dict[str, int]:
    """How many of `complaints` are fixed ones: `shown` (as pins) and `suppressed` (of the
    `hidden_categories`, never a lone pin). One aggregate, on the partial index of fixes."""
    fixed = complaints.filter(status__in=FIXED_STATUSES)
    hidden = Q(category_id__in=list(hidden_categories))
    return fixed.aggregate(shown=Count("pk", filter=~hidden), suppressed=Count("pk", filter=hidden))


def public_map_pins(
    complaints: QuerySet[Complaint], *, hidden_categories: Sequence[int]
) -> list[dict]:
    """The newest PUBLIC_MAP_PIN_LIMIT of `complaints` as GeoJSON Features at their public
    position, without the `hidden_categories` (privacy: a lone pin of a noise complaint points
    at a neighbour). Each carries what the map's popup shows: the moderated title, status,
    who handles it (in the active language), age, the first public photo's thumbnail (the
    blurred copy's, issues.policy.is_public_file) and the tracking page."""
    first_thumbnail = (
        public_attachments()
        .filter(complaint=OuterRef("pk"), kind=Attachment.Kind.IMAGE)
        .exclude(thumbnail="")
        .order_by("created_at", "id")
        .values("thumbnail")[:1]
    )
    rows = (
        complaints.exclude(category_id__in=list(hidden_categories))
        .annotate(thumbnail_name=Subquery(first_thumbnail))
        .order_by("-created_at", "-id")[:PUBLIC_MAP_PIN_LIMIT]
    )
    return [_pin(complaint) for complaint in rows]


def _pin(complaint: Complaint) -> dict:
    point = complaint.public_location
    thumbnail = complaint.thumbnail_name
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(point.x, 6), round(point.y, 6)]},
        "properties": {
            "reference": complaint.reference,
            "title": complaint.shown_title,
            "category": complaint.category.code,
            "status": complaint.status,
            "arrondissement": complaint.arrondissement.slug,
            "authority_name": complaint.authority.name,
            "supports": complaint.support_count,
            "created": complaint.created_at.isoformat(),
            "resolved": complaint.resolved_at.isoformat() if complaint.resolved_at else None,
            "thumbnail": reverse("attachment-file", args=[thumbnail]) if thumbnail else None,
            "demo": complaint.is_demo,
        },
    }


def count_from_tallies(*, statuses: Sequence[str] | None = None, authority_id=None) -> int:
    """How many complaints have these statuses (and this authority), summed from the queue
    tallies (exact: kept by triggers in the same transaction as every change) instead of
    counting up to a million complaint rows. Staff queues count every report."""
    tallies = QueueTally.objects.all()
    if statuses is not None:
        tallies = tallies.filter(status__in=statuses)
    if authority_id is not None:
        tallies = tallies.filter(authority_id=authority_id)
    return tallies.aggregate(total=Sum("complaints"))["total"] or 0


def count_public(*, statuses: Sequence[str] | None = None, authority_id=None) -> int:
    """How many of those the public may see: the tallies less the reports hidden or awaiting
    moderation (a few, found through a partial index of their own), so the public count is
    exact without counting the published rows."""
    unpublished = Complaint.objects.exclude(moderation=Complaint.Moderation.PUBLISHED)
    if statuses is not None:
        unpublished = unpublished.filter(status__in=statuses)
    if authority_id is not None:
        unpublished = unpublished.filter(authority_id=authority_id)
    return count_from_tallies(statuses=statuses, authority_id=authority_id) - unpublished.count()


def answer_history(
    *, since: datetime, until: datetime
) -> list[tuple[int, int, float, float | None]]:
    """The city's reports received between `since` and `until` (demo reports left out: they
    are not the city's history), as (authority, category, received, first answered) with times
    in seconds since the epoch; first answered is None while the report is open
    (issues.answer_times says why and how it is counted). A report that is closed with no
    record of when (imported so, never through issues.services.transition) is left out: its
    wait is not known."""
    first_answer = (
        Event.objects.filter(
            complaint=OuterRef("pk"),
            kind=Event.Kind.STATUS_CHANGED,
            to_status__in=[
                status for status in Complaint.Status.values if status not in OPEN_STATUSES
            ],
        )
        .order_by("created_at", "id")
        .values("created_at")[:1]
    )
    rows = (
        Complaint.objects.filter(is_demo=False, created_at__gte=since, created_at__lte=until)
        .annotate(first_answer=Subquery(first_answer))
        .exclude(Q(first_answer__isnull=True) & ~Q(status__in=OPEN_STATUSES))
        .order_by("id")
        .values_list("authority_id", "category_id", "created_at", "first_answer")
    )
    return [
        (authority, category, received.timestamp(), answered and answered.timestamp())
        for authority, category, received, answered in rows.iterator(chunk_size=5000)
    ]


@dataclass(frozen=True)
class AnswerExpectation:
    """ "Usually answered within `days` days": what pages, the API and Open311 say of a report."""

    days: int
    quantile: float
    by: datetime  # the report's arrival plus `days`
    of_category: bool  # False: the authority's figure over all its categories


class AnswerEstimates:
    """The stored estimates (issues.models.AnswerEstimate) of some authorities, read once, and
    the one rule that picks a report's (issues.answer_times.choose): open reports only — an
    answered one needs no forecast."""

    def __init__(self, estimates):
        self._by_group = {(row.authority_id, row.category_id): row for row in estimates}

    def expectation(self, complaint: Complaint) -> AnswerExpectation | None:
        return self.expectation_of(
            authority_id=complaint.authority_id,
            category_id=complaint.category_id,
            status=complaint.status,
            created_at=complaint.created_at,
        )

    def expectation_of(
        self, *, authority_id: int, category_id: int, status: str, created_at: datetime
    ) -> AnswerExpectation | None:
        """`expectation` of a report read as values (Open311's pages)."""
        if status not in OPEN_STATUSES:
            return None
        chosen = answer_times.choose(
            self._by_group.get((authority_id, category_id)),
            self._by_group.get((authority_id, None)),
            min_reports=settings.ANSWER_ESTIMATE_MIN_REPORTS,
        )
        if chosen is None:
            return None
        return AnswerExpectation(
            days=chosen.days,
            quantile=chosen.quantile,
            by=created_at + timedelta(days=chosen.days),
            of_category=chosen.category_id is not None,
        )


def answer_estimates(authority_ids: Sequence[int] | None = None) -> AnswerEstimates:
    """Every authority's estimates (a few hundred rows: Open311's pages read them once), or
    those of `authority_ids`."""
    rows = AnswerEstimate.objects.all()
    if authority_ids is not None:
        rows = rows.filter(authority_id__in=authority_ids)
    return AnswerEstimates(rows)


def answer_expectation(complaint: Complaint) -> AnswerExpectation | None:
    """When `complaint` is usually answered, or None (nothing known, or already answered)."""
    return answer_estimates([complaint.authority_id]).expectation(complaint)


def recently_fixed_near(
    *, category: Category, point: Point, since: datetime, until: datetime, metres: float
) -> Complaint | None:
    """The report of `category` fixed (resolved, or closed after) between `since` and `until`
    nearest to `point` within `metres` of its real position (a report of a sensitive category
    too: this is for the handling staff and its own reporter, not the public), the latest fixed
    first on a tie; published and not demo. The box lets the GiST index narrow the candidates.

    Asked on every report's filing, where the ORM's compiling of this query cost more than a
    quarter of the request's CPU: written as SQL (the distance rule still public_view's), only
    the id selected, the report loaded when one is found (most reports recur nothing)."""
    near, near_params, distance, distance_params = public_view.within_metres_sql(point, metres)
    sql = f"""
        SELECT id FROM {Complaint._meta.db_table}
        WHERE category_id = %s AND status IN (%s, %s) AND resolved_at BETWEEN %s AND %s
          AND moderation = %s AND NOT is_demo AND {near}
        ORDER BY {distance}, resolved_at DESC, id DESC
        LIMIT 1
    """
    params = [
        category.pk,
        Complaint.Status.RESOLVED,
        Complaint.Status.CLOSED,
        since,
        until,
        Complaint.Moderation.PUBLISHED,
        *near_params,
        *distance_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return Complaint.objects.get(pk=row[0]) if row else None


def estimated_count(complaints: QuerySet) -> int:
    """The planner's estimate of how many rows `complaints` holds (EXPLAIN, no row read): for a
    list whose exact count would cost what its keyset pages avoid. Labelled as an estimate
    wherever it is shown; it can be off by a wide margin for narrow or correlated filters."""
    sql, params = complaints.order_by().values("pk").query.sql_with_params()
    with connections[complaints.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def training_reports(*, limit: int) -> list[tuple[str, str, str]]:
    """(title, description, category code) of the newest `limit` reports the category
    suggestion learns from, labelled with the category each report is in now — the one it ended
    in after any re-categorisation by the staff. Left out: reports hidden by a moderator or not
    yet published (spam and abuse wait or end there), rejected ones, those with a spam flag no
    moderator has reviewed, and generated demonstration data. The text is the public copy
    (`shown_title`, `shown_description`): phone numbers, e-mail addresses and CIN numbers masked
    at filing and a moderator's redactions stay out of the stored model."""
    unreviewed_spam = Flag.objects.filter(
        complaint=OuterRef("pk"), reason=Flag.Reason.SPAM, reviewed_at__isnull=True
    )
    return list(
        Complaint.objects.filter(moderation=Complaint.Moderation.PUBLISHED, is_demo=False)
        .exclude(status=Complaint.Status.REJECTED)
        .exclude(Exists(unreviewed_spam))
        .order_by("-created_at", "-id")
        .values_list(
            Coalesce(NullIf("public_title", Value("")), "title", output_field=TextField()),
            Coalesce(
                NullIf("public_description", Value("")), "description", output_field=TextField()
            ),
            "category__code",
        )[:limit]
    )
