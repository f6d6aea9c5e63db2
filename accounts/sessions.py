"""Sessions of people who can change or see what citizens sent end sooner than citizens' own."""

from __future__ import annotations

from django.conf import settings

from districts.models import StaffMembership


def holds_staff_powers(user) -> bool:
    return (
        user.is_staff
        or user.is_superuser
        or StaffMembership.objects.filter(user_id=user.pk).exists()
    )


def shorten_staff_sessions(sender, request, user, **kwargs) -> None:
    """On sign-in (user_logged_in): a staff session lasts STAFF_SESSION_HOURS from its last
    change; a citizen's keeps SESSION_COOKIE_AGE (two weeks)."""
    if holds_staff_powers(user):
        request.session.set_expiry(settings.STAFF_SESSION_HOURS * 3600)
