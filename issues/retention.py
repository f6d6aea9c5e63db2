"""Law 09-08's retention periods (settings RETENTION_*), applied by one function that Celery beat
runs daily (issues.tasks.apply_retention) and `manage.py apply_retention` runs by hand:

- the reporter's contact details are erased RETENTION_CONTACT_DAYS after a report is closed;
- the originals of photos (faces and plates not blurred) are deleted from the storage
  RETENTION_PHOTO_ORIGINAL_DAYS after the report is closed; the blurred public copy stays;
- rejected (or withdrawn) reports are deleted, with their files, RETENTION_REJECTED_DAYS after
  that decision.

A report is closed when its status is no longer open (resolved, closed, rejected, duplicate),
since the last change to such a status on its timeline (else its resolution date). Files are
deleted only once the database change is committed; a dry run rolls everything back. Logs
already carry no personal data (casa_map.logs); the run logs its counts only."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import OPEN_STATUSES, Attachment, Complaint, Event

logger = logging.getLogger(__name__)

CLOSED_STATUSES = [status for status in Complaint.Status.values if status not in OPEN_STATUSES]
# Reports refused or taken back: of no public interest, deleted whole.
DISCARDED_STATUSES = [s for s in ("rejected", "withdrawn") if s in Complaint.Status.values]


@dataclass(frozen=True)
class RetentionRun:
    contacts_erased: int
    photo_originals_deleted: int
    reports_deleted: int
    files_deleted: int
    dry_run: bool

    def as_dict(self) -> dict:
        return asdict(self)


def closed_before(cutoff: datetime, statuses: list[str]) -> QuerySet[Complaint]:
    """Reports in one of `statuses` (closed ones) since `cutoff` or earlier."""
    closing = (
        Event.objects.filter(complaint=OuterRef("pk"), to_status__in=statuses)
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    return (
        Complaint.objects.filter(status__in=statuses)
        .annotate(closed_at=Coalesce(Subquery(closing), "resolved_at"))
        .filter(closed_at__lte=cutoff)
    )


def _ids(complaints: QuerySet[Complaint]) -> list[int]:
    return list(complaints.values_list("pk", flat=True))


def apply_retention(*, now: datetime | None = None, dry_run: bool = False) -> RetentionRun:
    """Applies every retention period as of `now`; with `dry_run`, only counts."""
    now = now or timezone.now()
    doomed_files: list[str] = []
    with transaction.atomic():
        with_contact = closed_before(
            now - timedelta(days=settings.RETENTION_CONTACT_DAYS), CLOSED_STATUSES
        ).exclude(contact_name="", contact_email="", contact_phone="")
        contacts = Complaint.objects.filter(pk__in=_ids(with_contact)).update(
            contact_name="",
            contact_email="",
            contact_phone="",
            notify_by=Complaint.NotifyBy.NONE,  # nobody left to message
        )

        originals = Attachment.objects.filter(
            kind=Attachment.Kind.IMAGE,
            complaint_id__in=_ids(
                closed_before(
                    now - timedelta(days=settings.RETENTION_PHOTO_ORIGINAL_DAYS), CLOSED_STATUSES
                )
            ),
        ).exclude(Q(public_file="") | Q(file=""))
        original_names = list(originals.values_list("file", flat=True))
        photos = Attachment.objects.filter(pk__in=list(originals.values_list("pk", flat=True)))
        photos = photos.update(file="")
        doomed_files += original_names

        discarded = _ids(
            closed_before(
                now - timedelta(days=settings.RETENTION_REJECTED_DAYS), DISCARDED_STATUSES
            )
        )
        for names in Attachment.objects.filter(complaint_id__in=discarded).values_list(
            "file", "thumbnail", "public_file"
        ):
            doomed_files += [name for name in names if name]
        reports = Complaint.objects.filter(pk__in=discarded).delete()[1].get("issues.Complaint", 0)

        if dry_run:
            transaction.set_rollback(True)
        else:
            transaction.on_commit(lambda: _delete_files(doomed_files), robust=True)
    run = RetentionRun(
        contacts_erased=contacts,
        photo_originals_deleted=photos,
        reports_deleted=reports,
        files_deleted=len(doomed_files),
        dry_run=dry_run,
    )
    logger.info("retention applied: %s", run.as_dict())
    return run


def _delete_files(names: list[str]) -> None:
    storage = Attachment._meta.get_field("file").storage
    for name in names:
        storage.delete(name)
