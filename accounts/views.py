"""Citizen sign-up (by an e-mailed link, accounts.services); sign-in, sign-out and password
reset are Django's own views; the citizen's rights under law 09-08 (their data, corrected,
downloaded, or deleted with the account)."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casa_map import limits
from casa_map.views import too_many
from issues import policy
from issues.models import Complaint

from . import selectors, services
from .forms import ChoosePasswordForm, ContactDetailsForm, DeleteAccountForm, SignUpForm


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


# --- Law 09-08: the citizen's rights (access, rectification, opposition) -------------------


def personal_data_download(data: dict, filename: str) -> JsonResponse:
    """A JSON file of personal data: downloaded, never cached."""
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response


@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    """The citizen's data: download it, correct the contact details on their reports, or
    delete the account."""
    latest = selectors.latest_contact(request.user)
    form = ContactDetailsForm(request.POST if request.method == "POST" else None, initial=latest)
    if request.method == "POST" and form.is_valid():
        changed = services.correct_contact_details(
            user=request.user,
            name=form.cleaned_data["contact_name"],
            email=form.cleaned_data["contact_email"],
            phone=form.cleaned_data["contact_phone"],
        )
        messages.success(
            request,
            ngettext(
                "Contact details corrected on %(count)d report.",
                "Contact details corrected on %(count)d reports.",
                changed,
            )
            % {"count": changed},
        )
        return redirect("my-account")
    return render(request, "registration/my_account.html", {"form": form})


@login_required
@require_http_methods(["GET", "HEAD"])
def my_data(request: HttpRequest) -> JsonResponse:
    """Right of access: everything held about the signed-in citizen (accounts.selectors)."""
    return personal_data_download(selectors.personal_data_of(request.user), "casa-map-my-data.json")


@login_required
def delete_my_account(request: HttpRequest) -> HttpResponse:
    """Deleting the account, after a confirmation step."""
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_account(user=request.user)
        except services.AccountNotDeletable as refused:
            messages.error(request, str(refused.message))
            return redirect("my-account")
        logout(request)
        messages.success(request, _("Your account is deleted."))
        return redirect("home")
    return render(request, "registration/delete_account.html", {"form": form})


@require_http_methods(["GET", "HEAD"])
def report_data(request: HttpRequest, reference: str) -> JsonResponse:
    """Right of access of a reporter without an account: what is held about their report, to
    its reporter only (issues.policy.is_owner: the private link, remembered by the tracking
    page, or the account that filed it); anyone else is told no such report exists."""
    try:
        complaint = Complaint.objects.get(reference=reference.strip().upper())
    except Complaint.DoesNotExist as missing:
        raise Http404(_("No report has this tracking code.")) from missing
    if not policy.is_owner(request, complaint):
        raise Http404(_("No report has this tracking code."))
    return personal_data_download(
        selectors.personal_data_of_report(complaint), f"casa-map-{complaint.reference}.json"
    )
