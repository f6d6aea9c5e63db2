"""Sign-up and sign-in by e-mail address: the e-mail is the username."""

from __future__ import annotations

import copy

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from issues.forms import ReportForm


class SignUpForm(forms.Form):
    """Only the address: whether it has an account is told to its mailbox, never here."""

    email = forms.EmailField(label=_("E-mail"))

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class ChoosePasswordForm(SetPasswordForm):
    """The password of the account being created (Django's validators), from the e-mailed link."""

    def __init__(self, email: str, *args, **kwargs):
        super().__init__(get_user_model()(username=email, email=email), *args, **kwargs)


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.CharField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class ContactDetailsForm(forms.Form):
    """Rectification of the contact details on the citizen's reports: the report form's own
    fields, so a value is read and refused the same way."""

    contact_name = copy.deepcopy(ReportForm.base_fields["contact_name"])
    contact_email = copy.deepcopy(ReportForm.base_fields["contact_email"])
    contact_phone = copy.deepcopy(ReportForm.base_fields["contact_phone"])


class DeleteAccountForm(forms.Form):
    """The confirmation step of deleting an account."""

    confirm = forms.BooleanField(
        label=_(
            "I understand: my account and my alerts are deleted; my reports stay public without "
            "my contact details."
        ),
        error_messages={"required": _("Tick the box to confirm.")},
    )
