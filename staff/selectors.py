"""What a staff member may see. Every staff view and export goes through `scoped_complaints`:
an agent or manager sees their authority's complaints, a city supervisor sees all."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet

from districts.models import Authority
from issues.models import Complaint

from .models import StaffMembership


class NotStaff(Exception):
    """The user has no staff membership: the workspace is closed to them (403)."""


def membership_of(user: AbstractBaseUser) -> StaffMembership:
    if not user.is_authenticated:
        raise NotStaff()
    try:
        return StaffMembership.objects.select_related("authority").get(user=user)
    except StaffMembership.DoesNotExist as missing:
        raise NotStaff() from missing


def scoped_complaints(user: AbstractBaseUser) -> QuerySet[Complaint]:
    membership = membership_of(user)
    complaints = Complaint.objects.select_related(
        "category", "authority", "arrondissement", "assigned_to"
    )
    if membership.is_supervisor:
        return complaints
    return complaints.filter(authority_id=membership.authority_id)


def scoped_complaint(user: AbstractBaseUser, reference: str) -> Complaint:
    """Raises Complaint.DoesNotExist for a complaint outside the user's scope (shown as 404)."""
    return scoped_complaints(user).get(reference=reference)


def overdue_q(today: date) -> Q:
    """Not acknowledged in time, or not answered in time."""
    return Q(status=Complaint.Status.SUBMITTED, acknowledge_by__lt=today) | Q(
        status__in=Complaint.OPEN_STATUSES, answer_by__lt=today
    )


def status_counts(queryset: QuerySet[Complaint]) -> dict[str, int]:
    rows = queryset.order_by().values("status").annotate(total=Count("id"))
    counts = {status: 0 for status in Complaint.Status.values}
    counts.update({row["status"]: row["total"] for row in rows})
    return counts


def agents_of(authority: Authority) -> QuerySet:
    return StaffMembership.objects.filter(authority=authority).select_related("user")


def reroute_choices(complaint: Complaint) -> list[Authority]:
    """Every other authority, those proposed by routing first: the point's arrondissement when
    an operator holds it, and the operators whose service area covers the point."""
    proposed = [complaint.arrondissement] if not complaint.authority.is_arrondissement else []
    proposed += list(
        Authority.objects.filter(
            kind=Authority.Kind.OPERATOR, areas__geometry__covers=complaint.location
        )
        .exclude(pk=complaint.authority_id)
        .distinct()
        .order_by("slug")
    )
    proposed = [a for a in proposed if a.pk != complaint.authority_id]
    others = Authority.objects.exclude(pk__in=[a.pk for a in proposed] + [complaint.authority_id])
    return proposed + list(others.order_by("kind", "name_fr"))
