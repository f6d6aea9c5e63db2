"""The SMS texts: the acknowledgement with the tracking code, each public status change and each
answer, in the citizen's language, in one or two parts (the answer is shortened, the link to
the tracking page where it is read whole always kept). Registered with issues.sms.delivery."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from casa_map import inputs

from ..models import Complaint, Event
from . import delivery, parts

MAX_PARTS = 2


def recipient(complaint: Complaint) -> str:
    """The number to text about `complaint`: its phone when the citizen chose SMS and it is a
    Moroccan mobile; "" otherwise."""
    if complaint.wants_sms and inputs.can_receive_sms(complaint.contact_phone):
        return complaint.contact_phone
    return ""


def tracking_url(complaint: Complaint) -> str:
    return f"{settings.SITE_URL}{complaint.get_absolute_url()}"


def acknowledgement_text(complaint: Complaint) -> str:
    with translation.override(complaint.language):
        return parts.fit(
            _("Casa Map: report %(reference)s received. Follow it at %(url)s"),
            "",
            max_parts=MAX_PARTS,
            reference=complaint.reference,
            url=tracking_url(complaint),
        )


def update_text(event: Event) -> str:
    complaint = event.complaint
    with translation.override(complaint.language):
        values = {"reference": complaint.reference, "url": tracking_url(complaint)}
        if event.to_status:
            template = _("Casa Map %(reference)s: %(status)s. %(text)s %(url)s")
            values["status"] = str(dict(Complaint.Status.choices)[event.to_status])
        else:
            template = _("Casa Map %(reference)s, answer: %(text)s %(url)s")
        return parts.fit(template, event.public_message, max_parts=MAX_PARTS, **values)


def _acknowledgement(complaint_id: int) -> delivery.Text | None:
    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None or not recipient(complaint):
        return None
    return delivery.Text(recipient(complaint), acknowledgement_text(complaint))


def _update(event_id: int) -> delivery.Text | None:
    event = Event.objects.select_related("complaint").filter(pk=event_id).first()
    if event is None or not recipient(event.complaint):
        return None
    return delivery.Text(recipient(event.complaint), update_text(event))


delivery.register_builder("submitted", _acknowledgement)
delivery.register_builder("update", _update)
