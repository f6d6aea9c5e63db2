"""Write-side operations on complaints, called by every interface (web, REST API, Open311)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.gis.geos import Point
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from casa_map import inputs
from districts.models import Authority, Category
from districts.routing import route

from . import answer_times, data_version, handover, notifications, personal_data, policy, selectors
from .attachments import PreparedAttachment
from .errors import (
    AlreadyFiled,
    CategoryUnavailable,
    InvalidComplaint,
    InvalidTransition,
    SupportRefused,
    UpdateRefused,
)
from .models import AnswerEstimate, Attachment, CitizenUpdate, Complaint, Event, QueueTally, Support

MAX_TITLE_LENGTH = 140
MAX_DESCRIPTION_LENGTH = 5000
MAX_UPDATE_LENGTH = 2000
REFERENCE_ATTEMPTS = 5


def create_complaint(
    *,
    category: Category,
    location: Point,
    title: str,
    description: str,
    kind: str = Complaint.Kind.COMPLAINT,
    reporter: AbstractBaseUser | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    share_contact_with_operator: bool = False,
    notify_by: str | None = None,
    language: str = "fr",
    attachments: Sequence[PreparedAttachment] = (),
    is_demo: bool = False,
    channel: str = Complaint.Channel.WEB,
    reported_media_url: str = "",
    submission_key: uuid.UUID | None = None,
    submitter: str = "",
    premoderated: bool = False,
    filed_by: AbstractBaseUser | None = None,
) -> Complaint:
    """Validates, routes and saves a complaint with its attachments in one transaction.

    Raises InvalidComplaint (with per-field messages) or districts' OutsideServiceArea; nothing is
    saved, and no file is left behind, in either case. The acknowledgement e-mail goes out only
    after the commit, and its failure cannot undo the complaint. A `submission_key` already used
    raises AlreadyFiled with the report it filed, even when both copies arrive at once; the
    interface answers with it only to the same `submitter` (issues.policy.requester_identity).
    A pre-moderated category or client (`premoderated`) keeps it off public surfaces until a
    moderator publishes it. `filed_by`: the staff member who filed it on the citizen's behalf
    (staff intake: phone, counter, letter…); recorded on the report and its audit trail, never
    public; the report is routed like any other, not to the filer's authority.
    `contact_phone` comes parsed (casa_map.inputs.phone_number);
    `notify_by` (Complaint.NotifyBy) is the citizen's choice of messages, derived from the
    contact given when None (notify_by_default); SMS needs a Moroccan mobile number.
    """
    if submission_key is not None:
        _raise_if_already_filed(submission_key)
    title, description = title.strip(), description.strip()
    errors = {}
    if not title:
        errors["title"] = _("Give your report a short title.")
    elif len(title) > MAX_TITLE_LENGTH:
        errors["title"] = _("The title is too long (140 characters at most).")
    if not description:
        errors["description"] = _("Describe the problem.")
    elif len(description) > MAX_DESCRIPTION_LENGTH:
        errors["description"] = _("The description is too long (5,000 characters at most).")
    if kind not in Complaint.Kind.values:
        errors["kind"] = _("Choose complaint, observation or suggestion.")
    contact_email, contact_phone = contact_email.strip(), contact_phone.strip()
    account = reporter if reporter is not None and reporter.is_authenticated else None
    has_email = bool(contact_email or (account is not None and account.email))
    if notify_by is None:
        notify_by = notify_by_default(has_email=has_email, phone=contact_phone)
    elif problem := notify_by_problem(notify_by, has_email=has_email, phone=contact_phone):
        errors["notify_by"] = problem
    if len(attachments) > settings.ATTACHMENTS_PER_COMPLAINT:
        errors["attachments"] = _("Attach at most %(count)d files.") % {
            "count": settings.ATTACHMENTS_PER_COMPLAINT
        }
    if errors:
        raise InvalidComplaint(errors)
    if not category.is_active:
        raise CategoryUnavailable()

    now = timezone.now()
    today = timezone.localdate(now)
    stored_files = []
    try:
        with transaction.atomic():
            routing = route(location, category, on=today)
            earlier = None if is_demo else recently_fixed_here(category, location, now)
            complaint = Complaint(
                kind=kind,
                category=category,
                title=title,
                description=description,
                location=location,
                arrondissement=routing.arrondissement,
                authority=routing.authority,
                service_area=routing.service_area,
                routing_fell_back=routing.fell_back,
                reporter=account,
                contact_name=contact_name.strip(),
                contact_email=contact_email,
                contact_phone=contact_phone,
                share_contact_with_operator=share_contact_with_operator,
                notify_by=notify_by,
                language=language,
                is_demo=is_demo,
                channel=channel,
                filed_by=filed_by,
                reported_media_url=reported_media_url,
                submission_key=submission_key,
                submitter_key=policy.device_key(submitter) if submitter else "",
                moderation=Complaint.Moderation.PENDING
                if premoderated or category.is_premoderated
                else Complaint.Moderation.PUBLISHED,
                created_at=now,
                recurrence_of=earlier,
            )
            complaint.promise_acknowledgement(category.acknowledge_promise, today)
            complaint.promise_answer(category.answer_promise, today)
            masked = _mask_personal_data(complaint)
            _save_with_unique_reference(complaint)
            for prepared in attachments:
                _store_attachment(complaint, prepared, Attachment.Stage.REPORT, stored_files)
            if masked:
                Event.objects.create(
                    complaint=complaint,
                    kind=Event.Kind.MODERATED,
                    is_public=False,
                    internal_note=masked,
                    created_at=now,
                )
            Event.objects.create(
                complaint=complaint,
                kind=Event.Kind.SUBMITTED,
                to_status=complaint.status,
                authority=complaint.authority,
                public_message=str(routing.explanation),
                actor=filed_by or complaint.reporter,
                internal_note=_filed_on_behalf_note(filed_by, complaint),
                created_at=now,
            )
            notifications.owe_acknowledgement(complaint)
            if earlier is not None:
                _record_recurrence(complaint, earlier, now)
    except BaseException as failure:
        for stored in stored_files:
            stored.delete(save=False)
        if submission_key is not None and isinstance(failure, IntegrityError):
            # The other copy committed while this one waited on the key's unique index.
            _raise_if_already_filed(submission_key)
        raise
    bump_data_version_after_commit(complaint)
    return complaint


def recently_fixed_here(category: Category, location: Point, now: datetime) -> Complaint | None:
    """The report a new one of `category` at `location` would recur: one of the same category
    fixed within RECURRENCE_RADIUS_METRES in the last RECURRENCE_WITHIN_WEEKS."""
    return selectors.recently_fixed_near(
        category=category,
        point=location,
        since=now - timedelta(weeks=settings.RECURRENCE_WITHIN_WEEKS),
        until=now,
        metres=settings.RECURRENCE_RADIUS_METRES,
    )


def _record_recurrence(complaint: Complaint, earlier: Complaint, now: datetime) -> None:
    """The staff read on the new report which fixed one it recurs (internal note), and the
    earlier report's reporter is told, by the means they chose, through a public message on
    their report (the new one named only when it is public)."""
    fixed_on = timezone.localdate(earlier.resolved_at)
    Event.objects.create(
        complaint=complaint,
        kind=Event.Kind.MESSAGE,
        is_public=False,
        internal_note=str(
            _("Recurring: %(reference)s, of the same category and place, was fixed on %(date)s.")
            % {"reference": earlier.reference, "date": fixed_on.isoformat()}
        ),
        created_at=now,
    )
    with translation.override(earlier.language):
        if complaint.is_public:
            message = _(
                "The problem was reported again at the same place (report %(reference)s): it may "
                "not be fixed for good. The service handling it has been told."
            ) % {"reference": complaint.reference}
        else:
            message = _(
                "The problem was reported again at the same place: it may not be fixed for good. "
                "The service handling it has been told."
            )
        _record(earlier, kind=Event.Kind.MESSAGE, actor=None, public_message=str(message))


def _filed_on_behalf_note(filed_by: AbstractBaseUser | None, complaint: Complaint) -> str:
    """The audit trail's internal note of a staff intake (the public sees the routing only)."""
    if filed_by is None:
        return ""
    staff = filed_by.email or filed_by.get_username()
    return str(
        _("Filed by %(staff)s on behalf of the citizen (%(channel)s).")
        % {"staff": staff, "channel": complaint.get_channel_display()}
    )


def notify_by_default(*, has_email: bool, phone: str) -> str:
    """When the citizen made no choice: by every means their contact allows (SMS only to a
    Moroccan mobile; a landline is for the staff to call)."""
    mobile = inputs.can_receive_sms(phone)
    if has_email and mobile:
        return Complaint.NotifyBy.BOTH
    if mobile:
        return Complaint.NotifyBy.SMS
    if has_email:
        return Complaint.NotifyBy.EMAIL
    return Complaint.NotifyBy.NONE


def notify_by_problem(notify_by: str, *, has_email: bool, phone: str) -> str:
    """Why the citizen's choice cannot be honoured, or ""."""
    if notify_by not in Complaint.NotifyBy.values:
        return _("Choose e-mail, SMS, both or no messages.")
    wants_sms = notify_by in (Complaint.NotifyBy.SMS, Complaint.NotifyBy.BOTH)
    wants_email = notify_by in (Complaint.NotifyBy.EMAIL, Complaint.NotifyBy.BOTH)
    if wants_sms and not phone:
        return _("Give a mobile phone number to receive SMS.")
    if wants_sms and not inputs.can_receive_sms(phone):
        return _(
            "SMS can only be sent to a Moroccan mobile number; this one is a landline or "
            "foreign. We keep it for the staff to call you: choose e-mail or no messages."
        )
    if wants_email and not has_email:
        return _("Give an e-mail address to receive e-mails.")
    return ""


def _raise_if_already_filed(submission_key: uuid.UUID) -> None:
    filed = Complaint.objects.filter(submission_key=submission_key).first()
    if filed is not None:
        raise AlreadyFiled(filed)


def bump_data_version_after_commit(complaint: Complaint) -> None:
    """After the commit, and robustly: the change is saved whatever happens next, so a cache
    that does not answer (its figures are unreachable anyway) must not turn it into an error."""
    scopes = data_version.scopes_of(complaint)

    def bump_data_version() -> None:  # named: Django logs a robust callback's failure by name
        data_version.bump(*scopes)

    transaction.on_commit(bump_data_version, robust=True)


def acknowledge_deadline(category: Category, start: date) -> date:
    """By when a complaint of `category` is acknowledged, counted from `start` in the category's
    calendar or working days (districts.working_days). A service that sets the deadline calls
    Complaint.promise_acknowledgement, which keeps the promise with it."""
    return category.acknowledge_promise.due(start)


def answer_deadline(category: Category, start: date) -> date:
    return category.answer_promise.due(start)


def _store_attachment(
    complaint: Complaint,
    prepared: PreparedAttachment,
    stage: str,
    stored_files: list,
    *,
    hidden: bool = False,
) -> Attachment:
    """Writes the cleaned file and its row (a photo's public copy and thumbnail are the worker's,
    after the commit); `stored_files` collects what was written so the caller can delete it if
    the transaction fails. `hidden`: staff only until a moderator shows it."""
    attachment = Attachment(complaint=complaint, kind=prepared.kind, stage=stage, is_hidden=hidden)
    attachment.file.save(prepared.content.name, prepared.content, save=False)
    stored_files.append(attachment.file)
    attachment.save()
    if attachment.kind == Attachment.Kind.IMAGE:
        # The blurred public copy and thumbnail are the worker's; until then the photo is not
        # public, and with the broker down the sweeper makes them later.
        handover.after_commit("issues.tasks.make_public_copy", attachment.pk, what="photo")
    return attachment


def _mask_personal_data(complaint: Complaint) -> str:
    """Sets the public copy of the title and description with the personal data masked
    (issues.personal_data), when there is any; returns the timeline's note, or ""."""
    title = personal_data.mask(complaint.title, language=complaint.language)
    description = personal_data.mask(complaint.description, language=complaint.language)
    kinds = title.kinds | description.kinds
    if not kinds:
        return ""
    complaint.public_title = title.text[:MAX_TITLE_LENGTH] if title.changed else ""
    complaint.public_description = description.text if description.changed else ""
    names = {"phone": _("phone number"), "email": _("e-mail address"), "cin": _("CIN number")}
    found = ", ".join(str(names[kind]) for kind in sorted(kinds))
    return str(
        _("Personal data masked in the public copy at filing: %(found)s.") % {"found": found}
    )


def _save_with_unique_reference(complaint: Complaint) -> None:
    """A clash among a billion codes is rare but possible: draw again rather than fail."""
    for attempt in range(REFERENCE_ATTEMPTS):
        try:
            with transaction.atomic():
                complaint.save()
            return
        except IntegrityError:
            if attempt == REFERENCE_ATTEMPTS - 1 or not _reference_taken(complaint.reference):
                raise
            complaint.reference = ""


def _reference_taken(reference: str) -> bool:
    return Complaint.objects.filter(reference=reference).exists()


def record_once_per_device(
    model, complaint: Complaint, device_token: str, user: AbstractBaseUser | None, **fields
) -> bool:
    """Creates `model(complaint, device_key, user, **fields)` (a support, a flag) unless this
    device or account already has one for the complaint; False then, also when a concurrent
    request of the same device wins the unique constraint."""
    account = user if user is not None and user.is_authenticated else None
    key = policy.device_key(device_token)
    if selectors.already_recorded(model, complaint, device_key=key, user=account):
        return False
    try:
        with transaction.atomic():
            model.objects.create(complaint=complaint, device_key=key, user=account, **fields)
    except IntegrityError:
        return False
    return True


def support_complaint(
    *, complaint: Complaint, device_token: str, user: AbstractBaseUser | None = None
) -> bool:
    """Adds one "me too" to an open complaint. Returns False if this person or device had
    already supported it (the count does not change); raises SupportRefused if it is closed."""
    if not complaint.is_open:
        raise SupportRefused(_("Only open reports can be supported."))
    with transaction.atomic():
        if not record_once_per_device(Support, complaint, device_token, user):
            return False
        Complaint.objects.filter(pk=complaint.pk).update(support_count=F("support_count") + 1)
    complaint.refresh_from_db(fields=["support_count"])
    return True


def refuse_update_if_closed(complaint: Complaint) -> None:
    """Raises UpdateRefused when the report is no longer open: only open reports take
    citizens' updates."""
    if not complaint.is_open:
        raise UpdateRefused(
            _("This report is closed: it no longer takes updates. File a new report if needed.")
        )


def add_citizen_update(
    *,
    complaint: Complaint,
    claim: str,
    text: str = "",
    photo: PreparedAttachment | None = None,
    author: AbstractBaseUser | None = None,
    submitter: str = "",
) -> CitizenUpdate:
    """Stores anyone's update of an open report, awaiting moderation, with its photo (hidden
    from the public until the update is published; blurred by the worker like reports'
    photos), and an internal event on the staff's audit trail. A "fixed" claim does not change
    the status: the handling staff decide. Raises UpdateRefused (the report is no longer open,
    the claim is unknown, the text too long or the file not a photo); nothing is stored then."""
    text = text.strip()
    if claim not in CitizenUpdate.Claim.values:
        raise UpdateRefused(_("Say whether the problem is still there or fixed."))
    if len(text) > MAX_UPDATE_LENGTH:
        raise UpdateRefused(_("The update is too long (2,000 characters at most)."))
    if photo is not None and photo.kind != Attachment.Kind.IMAGE:
        raise UpdateRefused(_("Attach a photo (JPEG, PNG, WebP, HEIC)."))
    stored = []
    try:
        with transaction.atomic():
            current = _locked(complaint)
            refuse_update_if_closed(current)
            attachment = None
            if photo is not None:
                attachment = _store_attachment(
                    current, photo, Attachment.Stage.UPDATE, stored, hidden=True
                )
            account = author if author is not None and author.is_authenticated else None
            masked = personal_data.mask(text, language=get_language() or current.language)
            update = CitizenUpdate.objects.create(
                complaint=current,
                claim=claim,
                text=text,
                public_text=masked.text if masked.changed else "",
                photo=attachment,
                author=account,
                submitter_key=policy.device_key(submitter) if submitter else "",
            )
            Event.objects.create(
                complaint=current,
                kind=Event.Kind.CITIZEN_UPDATE,
                is_public=False,
                actor=account,
                internal_note=str(
                    _("A citizen says: %(claim)s (update awaiting moderation).")
                    % {"claim": update.get_claim_display()}
                ),
            )
    except BaseException:
        for file in stored:
            file.delete(save=False)
        raise
    return update


# --- Workflow: every change records an Event; public ones reach the citizen by e-mail. -------


def _record(
    complaint: Complaint,
    *,
    kind: str,
    actor,
    public_message: str = "",
    internal_note: str = "",
    from_status: str = "",
    to_status: str = "",
    authority=None,
    is_public: bool = True,
) -> Event:
    bump_data_version_after_commit(complaint)
    # A public reply reaches the public timeline and the reporter's e-mail: a phone number, an
    # e-mail address or a CIN number typed into it is masked, as in reports (law 09-08).
    masked = personal_data.mask(public_message.strip(), language=complaint.language)
    if masked.changed:
        note = _("Personal data masked in the public message.")
        internal_note = f"{internal_note.strip()}\n{note}".strip()
    event = Event.objects.create(
        complaint=complaint,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        authority=authority,
        public_message=masked.text,
        internal_note=internal_note.strip(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        is_public=is_public,
    )
    if is_public and (to_status or event.public_message):
        notifications.owe_public_update(event)
    return event


def _locked(complaint: Complaint) -> Complaint:
    """Re-reads the complaint under a row lock, so two agents cannot apply conflicting changes."""
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def transition(
    *,
    complaint: Complaint,
    to_status: str,
    actor,
    public_message: str = "",
    internal_note: str = "",
    duplicate_of: Complaint | None = None,
) -> Event:
    """Moves a complaint along Complaint.TRANSITIONS. Raises InvalidTransition otherwise.

    Rejecting needs a public reason; marking a duplicate needs the original complaint.
    """
    with transaction.atomic():
        current = _locked(complaint)
        if to_status not in Complaint.Status.values or not current.can_become(to_status):
            raise InvalidTransition(
                _("A report that is “%(current)s” cannot become “%(target)s”.")
                % {
                    "current": current.get_status_display(),
                    "target": dict(Complaint.Status.choices).get(to_status, to_status),
                }
            )
        if to_status == Complaint.Status.REJECTED and not public_message.strip():
            raise InvalidTransition(_("Give the citizen the reason for the rejection."))
        if to_status == Complaint.Status.DUPLICATE:
            if duplicate_of is None or duplicate_of.pk == current.pk:
                raise InvalidTransition(_("Name the report this one duplicates."))
            current.duplicate_of = duplicate_of
            carried = _merge_into(current, duplicate_of, actor=actor)
            if not public_message.strip():
                public_message = str(
                    _(
                        "This report was merged into %(reference)s, which reports the same "
                        "problem: follow it there. Your support is counted on it."
                    )
                    % {"reference": duplicate_of.reference}
                )
            internal_note = " ".join(filter(None, [internal_note.strip(), carried]))
        now = timezone.now()
        if to_status == Complaint.Status.ACKNOWLEDGED and current.acknowledged_at is None:
            current.acknowledged_at = now
        if to_status == Complaint.Status.RESOLVED:
            current.resolved_at = now
            current.is_reopened = False
        from_status, current.status = current.status, to_status
        current.save()
        event = _record(
            current,
            kind=Event.Kind.STATUS_CHANGED,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            authority=current.authority,
            public_message=public_message,
            internal_note=internal_note,
        )
    complaint.refresh_from_db()
    return event


def _merge_into(duplicate: Complaint, original: Complaint, *, actor) -> str:
    """Marking a duplicate merges it: its supporters, and its reporter, support the original
    (once each, as supports are counted), and its citizens' updates move there; the original's
    timeline says so (internal). The duplicate's reporter is told by the status change's public
    message. Returns the internal note for the duplicate's own timeline."""
    original = _locked(original)
    supporters = [
        (support.device_key, support.user) for support in duplicate.supports.order_by("pk")
    ]
    if duplicate.submitter_key or duplicate.reporter_id:
        supporters.append((duplicate.submitter_key, duplicate.reporter))
    added = 0
    if original.is_open:
        for device_key, user in supporters:
            own = (device_key and device_key == original.submitter_key) or (
                user is not None and user.pk == original.reporter_id
            )
            if own or selectors.already_recorded(
                Support, original, device_key=device_key, user=user
            ):
                continue
            Support.objects.create(complaint=original, device_key=device_key, user=user)
            added += 1
        if added:
            Complaint.objects.filter(pk=original.pk).update(
                support_count=F("support_count") + added
            )
    moved = CitizenUpdate.objects.filter(complaint=duplicate).update(complaint=original)
    note = str(
        _("Merged from %(reference)s: %(supports)d supports and %(updates)d updates carried over.")
        % {"reference": duplicate.reference, "supports": added, "updates": moved}
    )
    _record(original, kind=Event.Kind.MERGED, actor=actor, internal_note=note, is_public=False)
    return str(
        _("Merged into %(reference)s: %(supports)d supports and %(updates)d updates carried over.")
        % {"reference": original.reference, "supports": added, "updates": moved}
    )


def reroute(*, complaint: Complaint, to_authority: Authority, actor, reason: str) -> Event:
    """ "Not our responsibility": hands the complaint to another authority, back to "submitted",
    with a fresh acknowledgement deadline. The reason is mandatory and public."""
    if not reason.strip():
        raise InvalidTransition(_("Say why this report is not your responsibility."))
    with transaction.atomic():
        current = _locked(complaint)
        if current.status not in Complaint.REROUTABLE_STATUSES:
            raise InvalidTransition(_("Only open reports can be re-routed."))
        if to_authority.pk == current.authority_id:
            raise InvalidTransition(_("Choose another authority than the current one."))
        from_status = current.status
        current.authority = to_authority
        current.status = Complaint.Status.SUBMITTED
        current.assigned_to = None
        today = timezone.localdate()
        current.promise_acknowledgement(current.category.acknowledge_promise, today)
        if answer_deadline(current.category, today) > current.answer_by:
            current.promise_answer(current.category.answer_promise, today)
        current.save()
        event = _record(
            current,
            kind=Event.Kind.REROUTED,
            actor=actor,
            from_status=from_status,
            to_status=Complaint.Status.SUBMITTED,
            authority=to_authority,
            public_message=reason,
        )
    complaint.refresh_from_db()
    return event


def assign(*, complaint: Complaint, agent, actor) -> Event:
    """Gives the complaint to an agent of the authority handling it (None: unassign)."""
    if agent is not None and not policy.works_for(agent, complaint.authority_id):
        raise InvalidTransition(_("This person does not work for the authority handling it."))
    with transaction.atomic():
        current = _locked(complaint)
        current.assigned_to = agent
        current.save(update_fields=["assigned_to", "updated_at"])
        event = _record(
            current,
            kind=Event.Kind.ASSIGNED,
            actor=actor,
            internal_note=str(agent) if agent else "",
            is_public=False,
        )
    complaint.refresh_from_db()
    return event


def split_complaint(
    *, complaint: Complaint, category: Category, title: str, description: str, actor
) -> Complaint:
    """A report that names two problems: the second becomes a report of its own, at the same
    place, for the same citizen (their contact details and account, not their photos), routed
    like any new report. Both timelines say so; the citizen is told on the first one, publicly,
    with the new tracking code. Raises InvalidComplaint like filing, InvalidTransition for a
    closed report."""
    if not complaint.is_open:
        raise InvalidTransition(_("Only open reports can be split."))
    with transaction.atomic():
        original = Complaint.objects.get(pk=complaint.pk)  # every field, the personal ones too
        second = create_complaint(
            category=category,
            location=original.location,
            title=title,
            description=description,
            kind=original.kind,
            reporter=original.reporter,
            contact_name=original.contact_name,
            contact_email=original.contact_email,
            contact_phone=original.contact_phone,
            share_contact_with_operator=original.share_contact_with_operator,
            notify_by=original.notify_by,
            language=original.language,
            channel=original.channel,
            premoderated=original.moderation != Complaint.Moderation.PUBLISHED,
        )
        _record(
            original,
            kind=Event.Kind.SPLIT,
            actor=actor,
            public_message=str(
                _("Part of this report is handled as a report of its own: %(reference)s.")
                % {"reference": second.reference}
            ),
        )
        _record(
            second,
            kind=Event.Kind.SPLIT,
            actor=actor,
            internal_note=str(_("Split from %(reference)s.") % {"reference": original.reference}),
            is_public=False,
        )
    return second


def set_priority(*, complaint: Complaint, priority: int, actor) -> Event:
    """Low, normal, high or urgent: the handling staff's order of work (internal)."""
    if priority not in Complaint.Priority.values:
        raise InvalidTransition(_("Choose one of the listed priorities."))
    with transaction.atomic():
        current = _locked(complaint)
        current.priority = priority
        current.save(update_fields=["priority", "updated_at"])
        event = _record(
            current,
            kind=Event.Kind.PRIORITY,
            actor=actor,
            internal_note=str(current.get_priority_display()),
            is_public=False,
        )
    complaint.refresh_from_db()
    return event


def add_message(
    *, complaint: Complaint, actor, public_message: str = "", internal_note: str = ""
) -> Event:
    if not public_message.strip() and not internal_note.strip():
        raise InvalidTransition(_("Write a public message or an internal note."))
    return _record(
        complaint,
        kind=Event.Kind.MESSAGE,
        actor=actor,
        public_message=public_message,
        internal_note=internal_note,
        is_public=bool(public_message.strip()),
    )


def attach_resolution_photo(
    *, complaint: Complaint, prepared: PreparedAttachment, actor
) -> Attachment:
    """A photo of the fix, shown to the citizen; cleaned like citizens' photos."""
    stored = []
    try:
        with transaction.atomic():
            attachment = _store_attachment(complaint, prepared, Attachment.Stage.RESOLUTION, stored)
            _record(
                complaint,
                kind=Event.Kind.MESSAGE,
                actor=actor,
                is_public=False,
                internal_note=str(_("Photo of the fix added.")),
            )
    except BaseException:
        for file in stored:
            file.delete(save=False)
        raise
    return attachment


@dataclass
class BulkResult:
    changed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def _bulk(complaints: Sequence[Complaint], change) -> BulkResult:
    """Applies `change(complaint)` to each; those it refuses are listed with the reason."""
    result = BulkResult()
    for complaint in complaints:
        try:
            change(complaint)
        except InvalidTransition as refused:
            result.skipped[complaint.reference] = str(refused.message)
        else:
            result.changed.append(complaint.reference)
    return result


def bulk_transition(
    *, complaints: Sequence[Complaint], to_status: str, actor, public_message: str = ""
) -> BulkResult:
    return _bulk(
        complaints,
        lambda complaint: transition(
            complaint=complaint, to_status=to_status, actor=actor, public_message=public_message
        ),
    )


def bulk_assign(*, complaints: Sequence[Complaint], agent, actor) -> BulkResult:
    return _bulk(
        complaints, lambda complaint: assign(complaint=complaint, agent=agent, actor=actor)
    )


def can_reopen(complaint: Complaint) -> bool:
    if complaint.status not in (Complaint.Status.RESOLVED, Complaint.Status.CLOSED):
        return False
    if complaint.resolved_at is None:
        return False
    return timezone.now() <= complaint.resolved_at + timedelta(days=settings.REOPEN_WITHIN_DAYS)


def reopen(*, complaint: Complaint, reason: str) -> Event:
    """The citizen says it is not fixed: within REOPEN_WITHIN_DAYS of the resolution, back to the
    same authority, acknowledged, flagged as reopened, with a fresh answer deadline."""
    if not reason.strip():
        raise InvalidTransition(_("Say what is still wrong."))
    with transaction.atomic():
        current = _locked(complaint)
        if current.status not in (Complaint.Status.RESOLVED, Complaint.Status.CLOSED):
            raise InvalidTransition(_("Only a resolved report can be reopened."))
        limit = current.resolved_at + timedelta(days=settings.REOPEN_WITHIN_DAYS)
        if timezone.now() > limit:
            raise InvalidTransition(
                _("A report can be reopened within %(days)d days of its resolution.")
                % {"days": settings.REOPEN_WITHIN_DAYS}
            )
        from_status = current.status
        current.status = Complaint.Status.ACKNOWLEDGED
        current.is_reopened = True
        current.reopen_count += 1
        current.promise_answer(current.category.answer_promise, timezone.localdate())
        current.save()
        event = _record(
            current,
            kind=Event.Kind.REOPENED,
            actor=None,
            from_status=from_status,
            to_status=current.status,
            authority=current.authority,
            public_message=reason,
        )
    complaint.refresh_from_db()
    return event


def rate(*, complaint: Complaint, rating: int, comment: str = "", actor=None) -> None:
    """The citizen's satisfaction (1 to 5) once the report is resolved; may be changed. Each
    rating is an internal event of the timeline (staff see who rated what, and when)."""
    if complaint.status not in (Complaint.Status.RESOLVED, Complaint.Status.CLOSED):
        raise InvalidTransition(_("You can rate a report once it is resolved."))
    if rating not in range(1, 6):
        raise InvalidTransition(_("Choose a rating from 1 to 5."))
    comment = comment.strip()[:1000]
    with transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(
            satisfaction=rating, satisfaction_comment=comment
        )
        _record(
            complaint,
            kind=Event.Kind.RATED,
            actor=actor,
            internal_note=f"{rating}/5" + (f" — {comment}" if comment else ""),
            is_public=False,
        )
    complaint.refresh_from_db(fields=["satisfaction", "satisfaction_comment"])


def rebuild_queue_tallies() -> int:
    """Recomputes the queue tallies from the complaints (the triggers keep them exact; this is
    for loads made with the triggers disabled). Returns the number of tally rows."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT issues_rebuild_queue_tallies()")
    return QueueTally.objects.count()


def recompute_answer_estimates(*, now: datetime | None = None) -> list[AnswerEstimate]:
    """Recomputes every authority × category's "usually answered within N days" from the reports
    received in the last ANSWER_ESTIMATE_HISTORY_DAYS (issues.answer_times), and replaces the
    stored estimates with them in one transaction: a page reads the old set or the new one."""
    now = now or timezone.now()
    since = now - timedelta(days=settings.ANSWER_ESTIMATE_HISTORY_DAYS)
    history = answer_times.History.from_rows(selectors.answer_history(since=since, until=now))
    quantile = settings.ANSWER_ESTIMATE_QUANTILE
    groups = answer_times.estimate_groups(
        history,
        now=now.timestamp(),
        quantile=quantile,
        min_reports=settings.ANSWER_ESTIMATE_MIN_REPORTS,
    )
    estimates = [
        AnswerEstimate(
            authority_id=group.authority_id,
            category_id=group.category_id,
            quantile=quantile,
            days=group.days,
            reports=group.reports,
            answered=group.answered,
            computed_at=now,
        )
        for group in groups
    ]
    with transaction.atomic():
        AnswerEstimate.objects.all().delete()
        return AnswerEstimate.objects.bulk_create(estimates)
