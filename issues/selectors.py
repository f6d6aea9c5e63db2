"""Read-side queries on complaints. Public ones never select personal fields."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.gis.geos import Point
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.db.models.fields.files import FieldFile

from casa_map.routers import replica_connection
from districts.models import Category

from . import public_view
from .models import Attachment, Complaint, Event, QueueTally

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


def nearby_open_complaints(
    *, point: Point, category: Category, metres: float, limit: int = 10
) -> list[Complaint]:
    """Open complaints of the same category within `metres` (of their public position),
    nearest first, each with `public_photos`: its public photos that have a thumbnail."""
    photos = (
        public_attachments()
        .filter(kind=Attachment.Kind.IMAGE)
        .exclude(thumbnail="")
        .only("id", "complaint_id", "thumbnail")
        .order_by("id")
    )
    return list(
        public_view.near(public_complaints(), point, metres)
        .filter(category=category, status__in=Complaint.OPEN_STATUSES)
        .prefetch_related(Prefetch("attachments", queryset=photos, to_attr="public_photos"))
        .order_by("distance", "id")[:limit]
    )


def reports_of(user: AbstractBaseUser) -> QuerySet[Complaint]:
    return (
        Complaint.objects.filter(reporter=user)
        .select_related("category", "authority")
        .order_by("-created_at")
    )


OPEN_COMPLAINTS_GEOJSON_SQL = """
SELECT json_build_object(
    'type', 'FeatureCollection',
    'mode', 'pins',
    'total', count(*),
    'features', coalesce(json_agg(json_build_object(
        'type', 'Feature',
        'geometry', ST_AsGeoJSON(c.location, 6)::json,
        'properties', json_build_object(
            'reference', c.reference,
            'title', COALESCE(NULLIF(c.public_title, ''), c.title),
            'category', cat.code,
            'status', c.status,
            'arrondissement', arr.slug,
            'supports', c.support_count,
            'created', to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
            'demo', c.is_demo
        )
    ) ORDER BY c.created_at DESC), '[]'::json)
)::text
FROM (
    SELECT * FROM issues_complaint
    WHERE status = ANY(%(statuses)s)
      AND moderation = 'published'
      AND (%(category)s::text IS NULL OR category_id = (
            SELECT id FROM districts_category WHERE code = %(category)s))
      AND (%(arrondissement)s::text IS NULL OR arrondissement_id = (
            SELECT id FROM districts_authority WHERE slug = %(arrondissement)s))
      AND NOT category_id = ANY(%(hidden_categories)s)
      AND (%(west)s::float IS NULL
           OR location && ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326))
    ORDER BY created_at DESC
    LIMIT %(limit)s
) AS c
JOIN districts_category cat ON cat.id = c.category_id
JOIN districts_authority arr ON arr.id = c.arrondissement_id
"""


def open_complaints_geojson_text(
    *,
    category: str | None = None,
    arrondissement: str | None = None,
    box: tuple[float, float, float, float] | None = None,
    hidden_categories: Sequence[int] = (),
) -> str:
    """Single open complaints as a GeoJSON text of pins (`mode` "pins", `total`), built in one
    SQL statement and sent as it is (no personal fields): the newest PUBLIC_MAP_PIN_LIMIT
    inside `box` (west, south, east, north), without the `hidden_categories` (privacy: a lone
    pin of a noise complaint points at a neighbour)."""
    west, south, east, north = box or (None, None, None, None)
    with replica_connection().cursor() as cursor:
        cursor.execute(
            OPEN_COMPLAINTS_GEOJSON_SQL,
            {
                "statuses": list(Complaint.OPEN_STATUSES),
                "category": category,
                "arrondissement": arrondissement,
                "hidden_categories": list(hidden_categories),
                "west": west,
                "south": south,
                "east": east,
                "north": north,
                "limit": PUBLIC_MAP_PIN_LIMIT,
            },
        )
        return cursor.fetchone()[0]


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
