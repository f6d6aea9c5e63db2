"""Who works for which authority: a staff member's scope in the workspace."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from districts.models import Authority


class StaffMembership(models.Model):
    """Links a user to the authority whose queue they work, or marks a city supervisor, who sees
    every authority's queue."""

    class Role(models.TextChoices):
        AGENT = "agent", _("Agent")
        MANAGER = "manager", _("Manager")
        MODERATOR = "moderator", _("Moderator")
        SUPERVISOR = "supervisor", _("City supervisor")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_membership"
    )
    authority = models.ForeignKey(
        Authority, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.AGENT)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="supervisor", authority__isnull=True)
                | (~Q(role="supervisor") & Q(authority__isnull=False)),
                name="membership_supervisor_has_no_authority_others_have_one",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} {self.authority or ''}".strip()

    @property
    def is_supervisor(self) -> bool:
        return self.role == self.Role.SUPERVISOR
