"""Everything held about a citizen, for law 09-08's right of access: their account and what it
links to (reports with their private fields, contact details, updates, alerts, supports,
flags), or, for a reporter without an account, their one report. Nothing of anyone else: each
query is filtered by the account (or the report), never by a name or an address typed by
someone else."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils import timezone

from alerts.models import Alert
from issues.models import CitizenUpdate, Complaint, Flag, Support

FORMAT = "casa-map-personal-data/1"


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


def report_record(complaint: Complaint) -> dict:
    """One report as held, its private fields included (its reporter's own data)."""
    return {
        "reference": complaint.reference,
        "kind": complaint.kind,
        "category": complaint.category.code,
        "title": complaint.title,
        "description": complaint.description,
        "public_title": complaint.shown_title,
        "public_description": complaint.shown_description,
        "location": {"lat": complaint.location.y, "lon": complaint.location.x},
        "status": complaint.status,
        "moderation": complaint.moderation,
        "arrondissement": complaint.arrondissement.slug,
        "handled_by": complaint.authority.slug,
        "contact": {
            "name": complaint.contact_name,
            "email": complaint.contact_email,
            "phone": complaint.contact_phone,
        },
        "share_contact_with_operator": complaint.share_contact_with_operator,
        "language": complaint.language,
        "channel": complaint.channel,
        "satisfaction": complaint.satisfaction,
        "satisfaction_comment": complaint.satisfaction_comment,
        "created_at": _when(complaint.created_at),
        "resolved_at": _when(complaint.resolved_at),
        "attachments": [
            {"kind": item.kind, "stage": item.stage, "received_at": _when(item.created_at)}
            for item in complaint.attachments.order_by("created_at", "id")
        ],
        "public_timeline": [
            {
                "kind": event.kind,
                "to_status": event.to_status,
                "message": event.public_message,
                "at": _when(event.created_at),
            }
            for event in complaint.events.filter(is_public=True).order_by("created_at", "id")
        ],
    }


def _reports(complaints) -> list[dict]:
    return [
        report_record(complaint)
        for complaint in complaints.select_related(
            "category", "arrondissement", "authority"
        ).order_by("created_at", "id")
    ]


def personal_data_of(user: AbstractBaseUser) -> dict:
    """Everything held about the account `user`."""
    reports = Complaint.objects.filter(reporter=user)
    contacts = sorted(
        {
            (item.contact_name, item.contact_email, item.contact_phone)
            for item in reports.only("contact_name", "contact_email", "contact_phone")
            if item.contact_name or item.contact_email or item.contact_phone
        }
    )
    alerts = Alert.objects.filter(Q(user=user) | Q(email__iexact=user.email)).select_related(
        "complaint", "arrondissement"
    )
    return {
        "format": FORMAT,
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "reports": _reports(reports),
        "contacts": [{"name": n, "email": e, "phone": p} for n, e, p in contacts],
        "updates": [
            {
                "report": update.complaint.reference,
                "claim": update.claim,
                "text": update.text,
                "public_text": update.shown_text,
                "moderation": update.moderation,
                "sent_at": _when(update.created_at),
            }
            for update in CitizenUpdate.objects.filter(author=user)
            .select_related("complaint")
            .order_by("created_at", "id")
        ],
        "alerts": [
            {
                "kind": alert.kind,
                "email": alert.email,
                "language": alert.language,
                "report": alert.complaint.reference if alert.complaint else None,
                "point": {"lat": alert.point.y, "lon": alert.point.x} if alert.point else None,
                "radius_m": alert.radius_m,
                "arrondissement": alert.arrondissement.slug if alert.arrondissement else None,
                "categories": sorted(alert.categories.values_list("code", flat=True)),
                "confirmed_at": _when(alert.confirmed_at),
                "created_at": _when(alert.created_at),
            }
            for alert in alerts.order_by("created_at", "id")
        ],
        "supports": [
            {"report": support.complaint.reference, "at": _when(support.created_at)}
            for support in Support.objects.filter(user=user)
            .select_related("complaint")
            .order_by("created_at", "id")
        ],
        "flags": [
            {
                "report": flag.complaint.reference,
                "reason": flag.reason,
                "at": _when(flag.created_at),
            }
            for flag in Flag.objects.filter(user=user)
            .select_related("complaint")
            .order_by("created_at", "id")
        ],
    }


def latest_contact(user: AbstractBaseUser) -> dict:
    """The contact details of the user's latest report that has some (the form's start)."""
    latest = (
        Complaint.objects.filter(reporter=user)
        .exclude(contact_name="", contact_email="", contact_phone="")
        .order_by("-created_at", "-id")
        .values("contact_name", "contact_email", "contact_phone")
        .first()
    )
    return latest or {"contact_email": user.email}


def personal_data_of_report(complaint: Complaint) -> dict:
    """What is held about the reporter of `complaint` (no account: the report is all)."""
    return {
        "format": FORMAT,
        "exported_at": timezone.now().isoformat(),
        "reports": _reports(Complaint.objects.filter(pk=complaint.pk)),
    }
