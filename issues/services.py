"""Write-side operations on complaints, called by every interface (web, REST API, Open311)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Category
from districts.routing import route

from .errors import CategoryUnavailable, InvalidComplaint
from .models import Complaint

MAX_TITLE_LENGTH = 140
MAX_DESCRIPTION_LENGTH = 5000
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
    language: str = "fr",
    is_demo: bool = False,
) -> Complaint:
    """Validates, routes and saves a complaint in one transaction.

    Raises InvalidComplaint (with per-field messages) or districts' OutsideServiceArea; nothing is
    saved in either case.
    """
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
    if errors:
        raise InvalidComplaint(errors)
    if not category.is_active:
        raise CategoryUnavailable()

    now = timezone.now()
    with transaction.atomic():
        routing = route(location, category, on=timezone.localdate(now))
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
            reporter=reporter if reporter is not None and reporter.is_authenticated else None,
            contact_name=contact_name.strip(),
            contact_email=contact_email.strip(),
            contact_phone=contact_phone.strip(),
            language=language,
            is_demo=is_demo,
            created_at=now,
        )
        _save_with_unique_reference(complaint)
    return complaint


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
