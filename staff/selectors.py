"""What a staff member may see. Every staff view and export goes through `scoped_complaints`:
an agent or manager sees their authority's complaints, a city supervisor sees all."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from districts.models import Authority
from issues import queue_versions
from issues.models import Complaint

from .models import StaffMembership


class NotStaff(Exception):
    """The user has no staff membership: the workspace is closed to them (403)."""


def membership_of(user: AbstractBaseUser) -> StaffMembership:
    """Read once per request: kept on the user object."""
    if not user.is_authenticated:
        raise NotStaff()
    if not hasattr(user, "_casa_membership"):
        user._casa_membership = (
            StaffMembership.objects.select_related("authority").filter(user=user).first()
        )
    if user._casa_membership is None:
        raise NotStaff()
    return user._casa_membership


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


COUNTS_TIMEOUT = 60 * 60


def cached_queue_counts(user: AbstractBaseUser, *, today: date) -> dict[str, int]:
    """The user's queue counts, recomputed only after a change to that queue (see
    issues.queue_versions) or a new day; counting a 100,000-complaint queue takes ~0.2 s."""
    membership = membership_of(user)
    scope = queue_versions.ALL if membership.is_supervisor else membership.authority_id
    key = f"queue-counts:{scope}:{queue_versions.version(scope)}:{today.isoformat()}"
    counts = cache.get(key)
    if counts is None:
        counts = queue_counts(scoped_complaints(user), today=today)
        cache.set(key, counts, COUNTS_TIMEOUT)
    return counts


def queue_counts(queryset: QuerySet[Complaint], *, today: date) -> dict[str, int]:
    """Complaints per status, plus "overdue" and "total", in one pass over the queue."""
    aggregates = {
        status: Count("id", filter=Q(status=status)) for status in Complaint.Status.values
    }
    counts = queryset.order_by().aggregate(
        **aggregates, overdue=Count("id", filter=overdue_q(today)), total=Count("id")
    )
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
