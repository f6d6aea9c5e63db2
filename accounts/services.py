"""Creating a citizen's account only once its address is shown to be theirs.

Sign-up asks only for the address and answers the same whatever it is: nothing is stored, and
a link is e-mailed — to choose a password and create the account, or, when the address already
has one, to sign in or reset the password. So the form cannot be used to learn who has an
account, nor to take an address before its owner does."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

SIGNUP_SALT = "casa_map.accounts.signup"
SIGNUP_DAYS = 3


class SignupRefused(Exception):
    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def request_signup(*, email: str, language: str) -> None:
    """E-mails `email` the link that creates the account, or a reminder that it exists."""
    email = email.strip().lower()
    exists = get_user_model().objects.filter(username__iexact=email).exists()
    if exists:
        template, link = "already", settings.SITE_URL + reverse("password_reset")
    else:
        token = signing.dumps(email, salt=SIGNUP_SALT)
        template, link = "confirm", settings.SITE_URL + reverse("signup-confirm", args=[token])
    with translation.override(language):
        context = {"link": link, "days": SIGNUP_DAYS, "login": settings.SITE_URL + reverse("login")}
        subject = render_to_string(f"registration/email/signup_{template}_subject.txt", context)
        body = render_to_string(f"registration/email/signup_{template}_body.txt", context)
    EmailMessage(subject.strip(), body, settings.DEFAULT_FROM_EMAIL, [email]).send()


def address_of(token: str) -> str:
    """The address a sign-up link was sent to. Raises SignupRefused when the link is altered,
    expired, or its account already exists (it was used)."""
    try:
        email = signing.loads(token, salt=SIGNUP_SALT, max_age=timedelta(days=SIGNUP_DAYS))
    except signing.SignatureExpired as expired:
        raise SignupRefused(_("This link has expired. Sign up again.")) from expired
    except signing.BadSignature as bad:
        raise SignupRefused(_("This link is not valid.")) from bad
    if get_user_model().objects.filter(username__iexact=email).exists():
        raise SignupRefused(_("This account already exists: sign in."))
    return email


def create_account(*, token: str, password: str):
    """The account of the address the link was sent to, with the password its owner chose."""
    email = address_of(token)
    try:
        with transaction.atomic():
            return get_user_model().objects.create_user(
                username=email, email=email, password=password
            )
    except IntegrityError as taken:  # the same link used twice at once
        raise SignupRefused(_("This account already exists: sign in.")) from taken


# --- Law 09-08: the citizen's rights of rectification and opposition ------------------------


class AccountNotDeletable(Exception):
    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def correct_contact_details(*, user, name: str, email: str, phone: str) -> int:
    """Rectification: the contact details on the user's reports that still hold some, or are
    open (erased ones stay erased). Returns how many reports changed."""
    from issues.models import Complaint

    reports = Complaint.objects.filter(reporter=user).filter(
        Q(status__in=Complaint.OPEN_STATUSES)
        | ~Q(contact_name="")
        | ~Q(contact_email="")
        | ~Q(contact_phone="")
    )
    phone, email = phone.strip(), email.strip()
    with transaction.atomic():
        if not phone:
            # No number left to text: SMS falls back to e-mail where there is an address.
            without_sms = Complaint.NotifyBy.EMAIL if email else Complaint.NotifyBy.NONE
            reports.filter(notify_by__in=[Complaint.NotifyBy.SMS, Complaint.NotifyBy.BOTH]).update(
                notify_by=without_sms
            )
        return reports.update(contact_name=name.strip(), contact_email=email, contact_phone=phone)


def delete_account(*, user) -> dict[str, int]:
    """Opposition: the account is deleted. Its reports stay (public interest) but lose their
    link to it and their contact details; its alerts (and those of its address) are deleted;
    updates, supports and flags stay, no longer linked (their foreign keys are SET_NULL).
    Staff accounts are closed by the city's administrators, not here. Returns the counts."""
    from alerts.models import Alert
    from issues.models import Complaint

    from .sessions import holds_staff_powers

    if holds_staff_powers(user):
        raise AccountNotDeletable(
            _("A staff account is closed by the city's administrators: ask them.")
        )
    with transaction.atomic():
        reports = Complaint.objects.filter(reporter=user).update(
            reporter=None,
            contact_name="",
            contact_email="",
            contact_phone="",
            notify_by=Complaint.NotifyBy.NONE,
        )
        _total, deleted = Alert.objects.filter(Q(user=user) | Q(email__iexact=user.email)).delete()
        user.delete()
    return {"reports_unlinked": reports, "alerts_deleted": deleted.get("alerts.Alert", 0)}
