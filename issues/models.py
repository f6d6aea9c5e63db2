"""Complaints citizens file about public space, each a geolocated point routed to an authority."""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Authority, Category, ServiceArea
from districts.working_days import DayKind, Promise

# Crockford's base 32: no I, L, O or U, so a code read over the phone is not misheard.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_RANDOM_LENGTH = 6
REFERENCE_PATTERN = r"^CM-\d{4}-[0-9A-HJKMNP-TV-Z]{6}$"


def new_owner_key() -> str:
    return secrets.token_urlsafe(16)


def new_reference(year: int) -> str:
    """`CM-2026-7K3P9Q`: 32⁶ ≈ 1.07 billion codes a year, drawn with `secrets`, so a tracking code
    cannot be guessed from another one."""
    suffix = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_RANDOM_LENGTH))
    return f"CM-{year}-{suffix}"


class ComplaintKind(models.TextChoices):
    """As on Chikaya.ma: شكاية, ملاحظة, اقتراح."""

    COMPLAINT = "complaint", _("Complaint")
    OBSERVATION = "observation", _("Observation")
    SUGGESTION = "suggestion", _("Suggestion")


class ComplaintPriority(models.IntegerChoices):
    """Numbers, so that the queue sorts them: the most urgent is the largest."""

    LOW = 0, _("Low")
    NORMAL = 1, _("Normal")
    HIGH = 2, _("High")
    URGENT = 3, _("Urgent")


class ComplaintStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")


class ComplaintChannel(models.TextChoices):
    """How the report reached the city: by a citizen online, or through the staff who filed it on
    their behalf (issue #25: Chikaya.ma's 3737 line, the counter, the bureau d'ordre, WhatsApp,
    e-mail)."""

    WEB = "web", _("Web form")
    API = "api", _("REST API")
    OPEN311 = "open311", _("Open311")
    PHONE = "phone", _("Phone")
    COUNTER = "counter", _("Counter")
    LETTER = "letter", _("Letter")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")

    @classmethod
    def staff_choices(cls) -> list[tuple[str, str]]:
        """The channels a staff member files through on a citizen's behalf."""
        return [(value, label) for value, label in cls.choices if value in STAFF_CHANNELS]


# What a staff member may record on an intake (the others are what citizens' clients send).
STAFF_CHANNELS = ("phone", "counter", "letter", "whatsapp", "email")


class NotifyBy(models.TextChoices):
    """How the citizen chose to hear about their report."""

    EMAIL = "email", _("By e-mail")
    SMS = "sms", _("By SMS")
    BOTH = "both", _("By e-mail and SMS")
    NONE = "none", _("No messages")


class ModerationState(models.TextChoices):
    PUBLISHED = "published", _("Published")
    PENDING = "pending", _("Awaiting moderation")
    HIDDEN = "hidden", _("Hidden by a moderator")


# Which statuses are open: the one definition. The queue tallies' and the pyramids' SQL triggers
# (migrations) spell the same list, and tests/issues/test_open_statuses.py holds them to it.
OPEN_STATUSES = (
    ComplaintStatus.SUBMITTED,
    ComplaintStatus.ACKNOWLEDGED,
    ComplaintStatus.IN_PROGRESS,
)


class ComplaintQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def closed(self):
        return self.exclude(status__in=OPEN_STATUSES)


class Complaint(models.Model):
    Kind = ComplaintKind
    Moderation = ModerationState
    Status = ComplaintStatus
    Priority = ComplaintPriority
    Channel = ComplaintChannel
    NotifyBy = NotifyBy

    OPEN_STATUSES = OPEN_STATUSES
    # The one table of allowed status changes; issues.services.transition enforces it.
    TRANSITIONS = {
        Status.SUBMITTED: {Status.ACKNOWLEDGED, Status.REJECTED, Status.DUPLICATE},
        Status.ACKNOWLEDGED: {
            Status.IN_PROGRESS,
            Status.RESOLVED,
            Status.REJECTED,
            Status.DUPLICATE,
        },
        Status.IN_PROGRESS: {Status.RESOLVED, Status.REJECTED, Status.DUPLICATE},
        Status.RESOLVED: {Status.CLOSED},
        Status.CLOSED: set(),
        Status.REJECTED: set(),
        Status.DUPLICATE: set(),
    }
    REROUTABLE_STATUSES = OPEN_STATUSES

    reference = models.CharField(_("tracking code"), max_length=16, unique=True, editable=False)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.COMPLAINT)
    # No index of their own for category, arrondissement and authority: the composite indexes
    # below start with each (fewer indexes to update on every report filed).
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="complaints", db_index=False
    )
    title = models.CharField(_("title"), max_length=140)
    description = models.TextField(_("description"))
    location = models.PointField(srid=4326, spatial_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED)

    # Routing is stored, not recomputed, so a complaint keeps its history across boundary or
    # contract changes.
    arrondissement = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="complaints_located", db_index=False
    )
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="complaints_routed", db_index=False
    )
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="+")
    routing_fell_back = models.BooleanField(default=False)

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    contact_name = models.CharField(max_length=120, blank=True)
    contact_email = models.EmailField(blank=True)
    # E.164 (casa_map.inputs.phone_number) since SMS notifications; older rows keep what was typed.
    contact_phone = models.CharField(max_length=32, blank=True)
    # Law 09-08: the reporter's consent to their contact details being shared with a delegated
    # operator handling the report; without it the operator's staff contact them through the
    # city (issues.policy.contact_shown_to).
    share_contact_with_operator = models.BooleanField(
        _("contact details may be shared with the operator"), default=False, db_default=False
    )
    # The citizen's choice (issues.services.notify_by_default when they made none); SMS only to
    # a Moroccan mobile (issues.services checks it, the constraint below holds the phone).
    notify_by = models.CharField(
        _("messages"),
        max_length=5,
        choices=NotifyBy.choices,
        default=NotifyBy.EMAIL,
        db_default=NotifyBy.EMAIL,
    )
    language = models.CharField(max_length=8, default="fr")
    is_demo = models.BooleanField(
        default=False, help_text=_("Generated demonstration data, not a real report.")
    )
    channel = models.CharField(
        max_length=8, choices=Channel.choices, default=Channel.WEB, db_default=Channel.WEB
    )
    # The staff member who filed it on a citizen's behalf (phone, counter, letter…): staff only,
    # never on a public surface (issues.public_view does not read it).
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_media_url = models.URLField(
        max_length=500,
        blank=True,
        db_default="",
        help_text=_("A link to media given by an Open311 client; never fetched, staff only."),
    )
    support_count = models.PositiveIntegerField(
        default=0, help_text=_("People who reported the same problem by supporting this one.")
    )
    acknowledge_by = models.DateField(_("to be acknowledged by"))
    answer_by = models.DateField(_("to be answered by"))
    # The promise each deadline was set with, kept because the category's may change later;
    # empty on reports filed before promises were kept (their pages show the date alone).
    acknowledge_days = models.PositiveSmallIntegerField(null=True, blank=True)
    acknowledge_day_kind = models.CharField(
        max_length=8, choices=DayKind.choices, blank=True, db_default=""
    )
    answer_days = models.PositiveSmallIntegerField(null=True, blank=True)
    answer_day_kind = models.CharField(
        max_length=8, choices=DayKind.choices, blank=True, db_default=""
    )

    # Workflow, written only by issues.services.
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        choices=ComplaintPriority.choices,
        default=ComplaintPriority.NORMAL,
        db_default=ComplaintPriority.NORMAL,
        help_text=_("Set by the handling staff; the queue sorts by it."),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_complaints",
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    # Recurring (issue #27): a report of the same category filed within RECURRENCE_RADIUS_METRES
    # of one fixed in the last RECURRENCE_WITHIN_WEEKS (issues.services.create_complaint) points
    # to that earlier report; its reporter is told. Indexed where set only (the few recurring).
    recurrence_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recurrences",
        db_index=False,
        verbose_name=_("recurrence of"),
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    is_reopened = models.BooleanField(default=False)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    satisfaction_comment = models.TextField(blank=True)
    # A private key given to the reporter only (confirmation page, e-mails): it proves they may
    # reopen or rate the report, since the tracking code itself is public.
    owner_key = models.CharField(max_length=32, default=new_owner_key, editable=False)
    # A random key the reporter's device draws once per report (form field or Idempotency-Key
    # header): a report sent twice, by a retry or an offline queue, is stored once. Never shown.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Who sent it (issues.policy.requester_identity: the account, else the client's address),
    # hashed with the secret key: a repeated submission key answers with this report only to
    # the same sender (anyone else could have copied the key). Never shown.
    submitter_key = models.CharField(max_length=64, blank=True, default="", db_default="")

    # Moderation (issues.moderation): a hidden or not yet published report is on no public
    # surface; a redacted one shows its public_title / public_description there, while staff
    # keep seeing what the citizen wrote.
    moderation = models.CharField(
        max_length=12,
        choices=ModerationState.choices,
        default=ModerationState.PUBLISHED,
        db_default=ModerationState.PUBLISHED,
    )
    public_title = models.CharField(max_length=140, blank=True, db_default="")
    public_description = models.TextField(blank=True, db_default="")

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            # Newest first, for the API's lists and Open311's date window; id breaks ties.
            models.Index(fields=["-created_at", "-id"], name="complaint_newest_first"),
            models.Index(fields=["authority", "-created_at"]),
            models.Index(fields=["authority", "status", "-created_at"]),
            models.Index(fields=["arrondissement", "status"]),
            models.Index(fields=["category", "status"]),
            models.Index(fields=["category", "-created_at"], name="complaint_category_newest"),
            models.Index(fields=["authority", "assigned_to", "status"]),
            # The few reports the public may not see, subtracted from the tallies' counts
            # (issues.selectors.count_public).
            models.Index(
                fields=["authority", "status"],
                condition=~Q(moderation="published"),
                name="complaint_unpublished",
            ),
            # The planners' aggregates over open complaints (public: published ones only) read
            # this index alone (index-only scan: a tenth of the table's pages).
            models.Index(
                fields=["created_at"],
                include=["location", "category", "arrondissement"],
                condition=Q(
                    status__in=list(OPEN_STATUSES),
                    moderation="published",
                ),
                name="complaint_public_open_aggr",
            ),
            # The recurring reports (staff queue's filter, planners' layer and counts), and the
            # earlier report's recurrences.
            models.Index(
                fields=["recurrence_of"],
                condition=Q(recurrence_of__isnull=False),
                name="complaint_recurring",
            ),
            # The public map's reports fixed in the last 30 days (issues.selectors).
            models.Index(
                fields=["resolved_at"],
                include=["location", "category"],
                condition=Q(status__in=["resolved", "closed"], moderation="published"),
                name="complaint_public_fixed",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ComplaintStatus.values),
                name="complaint_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ComplaintKind.values),
                name="complaint_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(reference__regex=REFERENCE_PATTERN), name="complaint_reference_format"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=ComplaintChannel.values), name="complaint_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(notify_by__in=NotifyBy.values), name="complaint_notify_by_valid"
            ),
            models.CheckConstraint(
                condition=Q(notify_by__in=[NotifyBy.EMAIL, NotifyBy.NONE]) | ~Q(contact_phone=""),
                name="complaint_sms_needs_phone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = new_reference(timezone.localtime(self.created_at).year)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("track", args=[self.reference])

    @property
    def shown_title(self) -> str:
        """The title as the public sees it (redacted by a moderator, or as written)."""
        return self.public_title or self.title

    @property
    def shown_description(self) -> str:
        return self.public_description or self.description

    @property
    def is_public(self) -> bool:
        return self.moderation == ModerationState.PUBLISHED

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_recurring(self) -> bool:
        return self.recurrence_of_id is not None

    @property
    def wants_email(self) -> bool:
        return self.notify_by in (NotifyBy.EMAIL, NotifyBy.BOTH)

    @property
    def wants_sms(self) -> bool:
        return self.notify_by in (NotifyBy.SMS, NotifyBy.BOTH)

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    def promise_acknowledgement(self, promise: Promise, start: date) -> None:
        """The acknowledgement deadline `promise` gives from `start`, and the promise with it."""
        self.acknowledge_by = promise.due(start)
        self.acknowledge_days, self.acknowledge_day_kind = promise.days, promise.kind

    def promise_answer(self, promise: Promise, start: date) -> None:
        """The answer deadline `promise` gives from `start`, and the promise with it."""
        self.answer_by = promise.due(start)
        self.answer_days, self.answer_day_kind = promise.days, promise.kind

    @property
    def acknowledge_promise(self) -> Promise | None:
        if self.acknowledge_days is None:
            return None
        return Promise(days=self.acknowledge_days, kind=self.acknowledge_day_kind)

    @property
    def answer_promise(self) -> Promise | None:
        if self.answer_days is None:
            return None
        return Promise(days=self.answer_days, kind=self.answer_day_kind)

    @classmethod
    def overdue_condition(cls, today) -> Q:
        """Overdue on `today`: not acknowledged in time, or not answered in time. Works on
        QueueTally too, which has the same status and deadline fields."""
        return Q(status=cls.Status.SUBMITTED, acknowledge_by__lt=today) | Q(
            status__in=cls.OPEN_STATUSES, answer_by__lt=today
        )


class QueueTally(models.Model):
    """How many complaints each authority holds per status and, for open complaints, per pair of
    deadlines: the staff queue's counts (per status, overdue, total) read a few thousand of these
    rows instead of counting 100,000 complaints.

    Kept exact by triggers on the complaint table (migration issues/0003), in the same
    transaction as the change, whatever makes it: the services, the admin, a bulk UPDATE or a
    COPY. `manage.py rebuild_queue_tallies` recomputes the table from the complaints.
    """

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=ComplaintStatus.choices)
    # Only open complaints can be overdue, so only theirs are kept apart by deadline.
    acknowledge_by = models.DateField(null=True)
    answer_by = models.DateField(null=True)
    complaints = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "status", "acknowledge_by", "answer_by"],
                nulls_distinct=False,
                name="queue_tally_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority_id}/{self.status}/{self.acknowledge_by}/{self.answer_by}"


def attachment_path(attachment: Attachment, filename: str) -> str:
    """Random names under the month: nothing of the citizen's own file name is kept."""
    return f"attachments/{timezone.now():%Y/%m}/{filename}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("Photo")
        PDF = "pdf", _("PDF document")

    class Stage(models.TextChoices):
        REPORT = "report", _("Sent with the report")
        RESOLUTION = "resolution", _("Photo of the fix")
        UPDATE = "update", _("Sent with a citizen's update")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.REPORT)
    file = models.FileField(upload_to=attachment_path)
    thumbnail = models.FileField(upload_to=attachment_path, blank=True)
    # Photos: what the public sees, with faces and plates blurred (issues.blur); `file` is the
    # original, for the handling staff only. Empty for PDFs, and for photos received before
    # blurring existed until `manage.py make_public_copies` has run (no public photo meanwhile).
    public_file = models.FileField(upload_to=attachment_path, blank=True, db_default="")
    blur_boxes = models.JSONField(default=list, blank=True, db_default=[])
    is_hidden = models.BooleanField(
        default=False, db_default=False, help_text=_("Hidden by a moderator: staff only.")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        # /media/<name> finds the row by its stored name (issues.selectors.attachment_file).
        indexes = [
            models.Index(fields=["file"], name="attachment_file_name"),
            models.Index(fields=["thumbnail"], name="attachment_thumbnail_name"),
            models.Index(fields=["public_file"], name="attachment_public_file_name"),
        ]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.file.name

    @property
    def public_copy(self):
        """The file anyone may see: the blurred copy of a photo, a PDF as stored; None for a
        photo with no public copy yet."""
        if self.kind == self.Kind.PDF:
            return self.file
        return self.public_file or None

    @property
    def staff_copy(self):
        """The file the handling staff open: the original, or once its retention period is
        over (issues.retention: the original deleted), the blurred public copy."""
        return self.file if self.file else self.public_copy

    @property
    def content_type(self) -> str:
        """Photos are re-encoded as JPEG when received (issues.attachments), PDFs kept as sent."""
        return "application/pdf" if self.kind == self.Kind.PDF else "image/jpeg"


class Support(models.Model):
    """A "me too" on an open complaint, counted once per account and once per device."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    device_key = models.CharField(max_length=64, help_text=_("Hash of the device's cookie."))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "device_key"], name="support_once_per_device"
            ),
            models.UniqueConstraint(
                fields=["complaint", "user"],
                condition=Q(user__isnull=False),
                name="support_once_per_user",
            ),
        ]


class Event(models.Model):
    """One step in a complaint's life. Public messages reach the citizen; internal notes never
    do."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        STATUS_CHANGED = "status_changed", _("Status changed")
        REROUTED = "rerouted", _("Re-routed")
        ASSIGNED = "assigned", _("Assigned")
        MESSAGE = "message", _("Message")
        REOPENED = "reopened", _("Reopened")
        RATED = "rated", _("Rated")
        MODERATED = "moderated", _("Moderated")
        CITIZEN_UPDATE = "citizen_update", _("Citizen's update")
        MERGED = "merged", _("Merged")
        PRIORITY = "priority", _("Priority changed")
        SPLIT = "split", _("Split")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    is_public = models.BooleanField(
        default=True, help_text=_("Shown on the citizen's tracking page.")
    )
    from_status = models.CharField(max_length=16, choices=ComplaintStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ComplaintStatus.choices, blank=True)
    authority = models.ForeignKey(
        Authority, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    public_message = models.TextField(blank=True)
    internal_note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")


class OwedEmail(models.Model):
    """An e-mail the site owes someone, recorded in the transaction that made it due and marked
    once dealt with: a retried or re-queued task never sends it twice, and one the broker never
    received is found again by the sweeper (issues.tasks.send_owed_emails). It holds no address
    and no text; the message is built when sent."""

    key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped = models.BooleanField(
        default=False, help_text=_("Nothing to send by then (no address, or the report is gone).")
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(sent_at__isnull=True), name="owed_email_pending"
            )
        ]
        verbose_name = _("owed e-mail")
        verbose_name_plural = _("owed e-mails")

    def __str__(self) -> str:
        return self.key


class OwedSms(models.Model):
    """An SMS the site owes a citizen: OwedEmail's guarantees (recorded in the transaction that
    made it due, sent once by the worker, found again by the sweeper), plus what an SMSC gives
    back. A table of its own rather than a channel column on OwedEmail: an SMS is sent in parts,
    each accepted by the SMSC under a message id that delivery receipts name later, and a part
    accepted is recorded at once (issues.sms.delivery), so a retry sends only the parts still
    missing. The text is built when sent, from the report."""

    key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped = models.BooleanField(default=False)
    skip_reason = models.CharField(
        max_length=16,
        blank=True,
        help_text=_("Why nothing was sent: no mobile number, opted out, refused by the SMSC…"),
    )
    # Fixed at the first attempt, so a retry sends the missing parts to the same number.
    destination = models.CharField(max_length=32, blank=True)
    parts = models.PositiveSmallIntegerField(default=0)
    # The SMSC's id of each part it accepted, in order (its submit_sm_resp).
    message_ids = models.JSONField(default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The last delivery receipt (deliver_sm with a receipt): DELIVRD, UNDELIV, EXPIRED…
    delivery_status = models.CharField(max_length=16, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(sent_at__isnull=True), name="owed_sms_pending"
            ),
            # A receipt names the message id of one part.
            GinIndex(fields=["message_ids"], name="owed_sms_message_ids"),
        ]
        verbose_name = _("owed SMS")
        verbose_name_plural = _("owed SMS")

    def __str__(self) -> str:
        return self.key


class SmsOptOut(models.Model):
    """A number that answered STOP: no SMS is sent to it any more (issues.sms.inbound)."""

    number = models.CharField(max_length=32, unique=True, help_text=_("E.164"))
    keyword = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("SMS opt-out")
        verbose_name_plural = _("SMS opt-outs")

    def __str__(self) -> str:
        return self.number


class Flag(models.Model):
    """A citizen's "this should not be public" on a report: once per device and per account."""

    class Reason(models.TextChoices):
        PERSONAL_DATA = (
            "personal_data",
            _("It shows personal data (a face, a plate, a phone number)"),
        )
        OFFENSIVE = "offensive", _("It is insulting or offensive")
        NOT_A_PROBLEM = "not_a_problem", _("It is not a problem in public space")
        SPAM = "spam", _("It is advertising or spam")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    device_key = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Set when a moderator has dealt with the report; later flags open it again.
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "device_key"], name="flag_once_per_device"
            ),
            models.UniqueConstraint(
                fields=["complaint", "user"],
                condition=Q(user__isnull=False),
                name="flag_once_per_account",
            ),
        ]
        indexes = [models.Index(fields=["reviewed_at", "complaint"])]


class CitizenUpdate(models.Model):
    """Anyone's news of an open report (FixMyStreet's "updates"): still there, or fixed, with an
    optional text and photo. Moderated like reports (issues.moderation.moderate_update): on no
    public surface until a moderator publishes it. A "fixed" claim does not close the report;
    the handling staff read it on their audit trail and decide."""

    Moderation = ModerationState

    class Claim(models.TextChoices):
        STILL_THERE = "still_there", _("The problem is still there")
        FIXED = "fixed", _("The problem is fixed")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="citizen_updates"
    )
    claim = models.CharField(max_length=12, choices=Claim.choices)
    text = models.TextField(blank=True)
    # The text with phone numbers, e-mail addresses and CIN numbers masked
    # (issues.personal_data), when it held any: what the public sees; staff keep `text`.
    public_text = models.TextField(blank=True, db_default="")
    # The photo goes through the reports' pipeline (issues.attachments, issues.photos: checked,
    # stripped, blurred by the worker); it stays hidden from the public while the update is.
    photo = models.OneToOneField(
        Attachment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="citizen_update",
    )
    moderation = models.CharField(
        max_length=12, choices=ModerationState.choices, default=ModerationState.PENDING
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who sent it (issues.policy.requester_identity, hashed): never shown.
    submitter_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The moderation queue looks for the few updates awaiting a decision.
            models.Index(
                fields=["complaint"],
                condition=Q(moderation="pending"),
                name="citizen_update_pending",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(claim__in=["still_there", "fixed"]), name="citizen_update_claim_valid"
            ),
        ]
        verbose_name = _("citizen's update")
        verbose_name_plural = _("citizens' updates")

    def __str__(self) -> str:
        return f"{self.complaint_id}/{self.claim}/{self.moderation}"

    @property
    def is_public(self) -> bool:
        return self.moderation == ModerationState.PUBLISHED

    @property
    def shown_text(self) -> str:
        """The text as the public sees it (personal data masked)."""
        return self.public_text or self.text


class AnswerEstimate(models.Model):
    """How long an authority usually takes to answer a category's reports (category empty: all
    its categories), from the city's history (issues.answer_times: Kaplan–Meier, reports still
    open counted as censored). Recomputed daily by Celery beat and `manage.py
    recompute_answer_estimates` (issues.services.recompute_answer_estimates); pages, the API and
    Open311 read it through issues.selectors.answer_estimate."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    quantile = models.FloatField(help_text=_("Share of reports answered within `days`."))
    # Empty when the group has too few reports, or too many still open for the curve to reach
    # the quantile: nothing is shown then.
    days = models.PositiveSmallIntegerField(null=True, blank=True)
    reports = models.PositiveIntegerField(help_text=_("Reports the estimate was computed from."))
    answered = models.PositiveIntegerField(help_text=_("Of which answered (the others: open)."))
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "category"],
                nulls_distinct=False,
                name="answer_estimate_once_per_group",
            ),
        ]
        verbose_name = _("answer time estimate")
        verbose_name_plural = _("answer time estimates")

    def __str__(self) -> str:
        return f"{self.authority_id}/{self.category_id}: {self.days}"


class CategorySuggestionModel(models.Model):
    """A trained category-suggestion model (issues.category_suggestion), shared by every web
    process through the database: each loads the newest row once and keeps it until a newer one
    is trained (`manage.py train_category_model`, nightly by Celery beat). The payload is a
    pickled scikit-learn pipeline written by this code only, never uploaded."""

    payload = models.BinaryField()
    sklearn_version = models.CharField(max_length=20)
    trained_at = models.DateTimeField(default=timezone.now)
    # How many examples each source gave: {"seed": 364, "reports": 1200}.
    examples = models.JSONField(default=dict)
    # Figures measured at training time, e.g. cross-validated accuracy on the training data.
    metrics = models.JSONField(default=dict)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("category suggestion model")
        verbose_name_plural = _("category suggestion models")

    def __str__(self) -> str:
        return f"v{self.pk} ({self.trained_at:%Y-%m-%d %H:%M})"
