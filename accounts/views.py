"""Citizen sign-up (by an e-mailed link, accounts.services); sign-in, sign-out and password
reset are Django's own views."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from casa_map import limits
from casa_map.views import too_many
from issues import policy

from . import services
from .forms import ChoosePasswordForm, SignUpForm


def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        verdict = limits.take(request, "signup")
        if not verdict.allowed:
            return too_many(request, verdict, _("Too many sign-ups from this connection."), False)
        if form.is_valid():
            services.request_signup(
                email=form.cleaned_data["email"], language=get_language() or "fr"
            )
            return render(
                request, "registration/signup_sent.html", {"email": form.cleaned_data["email"]}
            )
    return render(request, "registration/signup.html", {"form": form})


def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Choose a password; the account is created then, and signed in."""
    try:
        email = services.address_of(token)
    except services.SignupRefused as refused:
        messages.error(request, str(refused.message))
        return redirect("login")
    form = ChoosePasswordForm(email, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_account(token=token, password=form.cleaned_data["new_password1"])
        except services.SignupRefused as refused:
            messages.error(request, str(refused.message))
            return redirect("login")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your account is ready."))
        return redirect("my-reports")
    return render(request, "registration/signup_confirm.html", {"form": form, "email": email})


@login_required
def after_sign_in(request: HttpRequest) -> HttpResponse:
    """Where signing in leads when no page was asked for: staff to their queue, citizens to
    their reports."""
    return redirect("staff-queue" if policy.is_staff_member(request.user) else "my-reports")
