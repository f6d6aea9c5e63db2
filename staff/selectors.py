"""What the staff desk reads, always within the user's scope (issues.policy.scoped_complaints:
an agent or manager sees the complaints their authority handles, a city supervisor sees all)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet, Sum

from districts.models import Authority, StaffMembership
from issues import policy
from issues.models import CitizenUpdate, Complaint, Flag, QueueTally


def moderation_queue(user: AbstractBaseUser) -> QuerySet[Complaint]:
    """Reports of the user's scope flagged by citizens since a moderator last decided, awaiting
    pre-moderation, or with citizens' updates awaiting a decision: most flagged first, then
    oldest first."""
    open_flags = Count("flags", filter=Q(flags__reviewed_at__isnull=True), distinct=True)
    pending_updates = Count(
        "citizen_updates",
        filter=Q(citizen_updates__moderation=CitizenUpdate.Moderation.PENDING),
        distinct=True,
    )
    return (
        policy.scoped_complaints(user)
        .annotate(open_flags=open_flags, pending_updates=pending_updates)
        .filter(
            Q(open_flags__gt=0)
            | Q(moderation=Complaint.Moderation.PENDING)
            | Q(pending_updates__gt=0)
        )
        .order_by("-open_flags", "created_at", "id")
    )


def citizen_updates_of(complaint: Complaint) -> QuerySet[CitizenUpdate]:
    """Every citizen's update of the report, whatever its moderation, oldest first (staff)."""
    return complaint.citizen_updates.select_related("photo").order_by("created_at", "id")


def open_flags_by_reason(complaint: Complaint) -> list[tuple[str, int]]:
    rows = (
        complaint.flags.filter(reviewed_at__isnull=True)
        .values("reason")
        .annotate(count=Count("id"))
        .order_by("-count", "reason")
    )
    labels = dict(Flag.Reason.choices)
    return [(labels[row["reason"]], row["count"]) for row in rows]


def queue_counts(user: AbstractBaseUser, *, today: date) -> dict[str, int]:
    """Complaints per status, plus "overdue" and "total", of the user's queue: summed from the
    queue tallies (a few thousand rows), exact at every moment, without counting complaints."""
    membership = policy.membership_of(user)
    tallies = QueueTally.objects.all()
    if not membership.is_supervisor:
        tallies = tallies.filter(authority_id=membership.authority_id)
    per_status = (
        tallies.order_by()
        .values("status")
        .annotate(
            held=Sum("complaints"),
            overdue=Sum("complaints", filter=Complaint.overdue_condition(today)),
        )
        .values_list("status", "held", "overdue")
    )
    counts = dict.fromkeys(Complaint.Status.values, 0) | {"overdue": 0, "total": 0}
    for status, held, overdue in per_status:
        counts[status] = held
        counts["overdue"] += overdue or 0
        counts["total"] += held
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
