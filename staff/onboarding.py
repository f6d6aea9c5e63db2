"""Staff accounts: adding an arrondissement's or an operator's team, one person or a CSV file at
a time, and inviting each new member to choose a password. Used by `manage.py staff` (and open
to a page later); who may work on what is issues.policy's, from the membership made here.

A row is checked whole before anything is written: an unknown authority, an unknown role, a
supervisor tied to an authority or a worker tied to none, a malformed address — each refused
with its line number, and the good lines of the same file still go in."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from districts.models import Authority, StaffMembership

CSV_COLUMNS = ("email", "authority", "role")


class MemberRefused(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Added:
    email: str
    created_account: bool
    invited: bool


def add_member(
    *, email: str, authority: str | None, role: str, invite: bool = True, language: str = "fr"
) -> Added:
    """Makes `email` a member of `authority` (a slug; none for a city supervisor) with `role`,
    creating the account (without a password) if needed, and e-mails a new account the link to
    choose its password. Raises MemberRefused naming what is wrong; nothing is then written."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as invalid:
        raise MemberRefused(f"not an e-mail address: {email!r}") from invalid
    if role not in StaffMembership.Role.values:
        known = ", ".join(StaffMembership.Role.values)
        raise MemberRefused(f"unknown role {role!r} (one of: {known})")
    slug = (authority or "").strip()
    if role == StaffMembership.Role.SUPERVISOR:
        if slug:
            raise MemberRefused("a city supervisor belongs to no authority: leave it empty")
        place = None
    else:
        if not slug:
            raise MemberRefused(f"a {role} needs an authority")
        place = Authority.objects.filter(slug=slug).first()
        if place is None:
            raise MemberRefused(f"unknown authority {slug!r}")
    users = get_user_model()
    with transaction.atomic():
        user = users.objects.filter(username__iexact=email).first()
        created = user is None
        if created:
            user = users(username=email, email=email)
            user.set_unusable_password()
            user.save()
        StaffMembership.objects.update_or_create(
            user=user, defaults={"authority": place, "role": role}
        )
        invited = invite and not user.has_usable_password()
        if invited:
            transaction.on_commit(lambda: send_invitation(user, language=language))
    return Added(email=email, created_account=created, invited=invited)


def remove_member(email: str) -> bool:
    """Ends `email`'s membership (the account stays: its history in the timelines keeps its
    author). False if there was none."""
    deleted, _ = StaffMembership.objects.filter(user__username__iexact=email.strip()).delete()
    return bool(deleted)


def members(authority: str | None = None) -> list[StaffMembership]:
    """Every membership (or one authority's), by authority then address."""
    memberships = StaffMembership.objects.select_related("user", "authority")
    if authority:
        memberships = memberships.filter(authority__slug=authority)
    return list(memberships.order_by("authority__kind", "authority__slug", "user__username"))


def import_members(
    lines: Iterable[str], *, invite: bool = True, language: str = "fr"
) -> tuple[list[Added], list[tuple[int, str]]]:
    """Adds each row of a CSV file with the columns email, authority, role (a header line
    naming them first). Returns what was added and the refused lines as (line number, why)."""
    reader = csv.reader(lines)
    added, refused = [], []
    header = next(reader, None)
    if header is None or tuple(cell.strip().lower() for cell in header) != CSV_COLUMNS:
        return [], [(1, f"the first line must name the columns: {','.join(CSV_COLUMNS)}")]
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(CSV_COLUMNS):
            refused.append((number, f"expected {len(CSV_COLUMNS)} columns, found {len(row)}"))
            continue
        email, authority, role = (cell.strip() for cell in row)
        try:
            added.append(
                add_member(
                    email=email, authority=authority, role=role, invite=invite, language=language
                )
            )
        except MemberRefused as why:
            refused.append((number, why.message))
    return added, refused


def send_invitation(user, *, language: str) -> None:
    """The link to choose a password (Django's password-reset link, which also serves an
    account that has none yet), then the staff queue."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = settings.SITE_URL + reverse("password_reset_confirm", args=[uid, token])
    with translation.override(language):
        context = {"link": link, "queue": settings.SITE_URL + reverse("staff-queue")}
        subject = render_to_string("staff/email/invitation_subject.txt", context)
        body = render_to_string("staff/email/invitation_body.txt", context)
    EmailMessage(subject.strip(), body, settings.DEFAULT_FROM_EMAIL, [user.email]).send()
