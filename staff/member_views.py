"""The team page: who works for which authority (a supervisor sees every authority, a manager
their own). Members are added with `manage.py staff` (staff.onboarding)."""

from __future__ import annotations

from itertools import groupby

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from issues import policy

from . import onboarding
from .views import staff_only


@staff_only
def members(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    if not policy.may_list_members(membership):
        raise PermissionDenied(_("Only a manager or a city supervisor sees the team."))
    authority = None if membership.is_supervisor else membership.authority.slug
    listed = onboarding.members(authority)
    teams = [
        (place, list(people))
        for place, people in groupby(listed, key=lambda member: member.authority)
    ]
    return render(request, "staff/members.html", {"teams": teams})
