"""Alert pages: subscribe (from the tracking page, the confirmation page, the map or /alerts/),
confirm by the e-mailed link, unsubscribe by link or by one-click POST (RFC 8058)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from casa_map import limits
from casa_map.views import too_many
from districts.geocoding import search_or_explain

from . import selectors, services
from .forms import RADIUS_CHOICES, AlertForm
from .models import Alert


def alerts(request: HttpRequest) -> HttpResponse:
    """A signed-in citizen's alerts, and the forms to add one: around a place found by name
    (`?place=`), or for an arrondissement."""
    place_query = request.GET.get("place", "").strip()[:120]
    places, places_problem = search_or_explain(place_query) if place_query else ([], "")
    context = {
        "place_query": place_query,
        "places": places,
        "places_problem": places_problem,
        "radius_choices": RADIUS_CHOICES,
        "alerts": selectors.alerts_of(request.user) if request.user.is_authenticated else None,
        "nearby_form": AlertForm(initial={"kind": Alert.Kind.NEARBY}, user=request.user),
        "arrondissement_form": AlertForm(
            initial={"kind": Alert.Kind.ARRONDISSEMENT}, user=request.user
        ),
    }
    return render(request, "alerts/alerts.html", context)


def _back(request: HttpRequest, fallback: str = "alerts") -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@require_POST
def subscribe(request: HttpRequest) -> HttpResponse:
    verdict = limits.take_anonymous(request, "alert")
    if not verdict.allowed:
        return too_many(request, verdict, _("Too many alerts from this connection."), False)
    form = AlertForm(request.POST, user=request.user)
    if not form.is_valid():
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return render(request, "alerts/refused.html", {"errors": errors}, status=400)
    try:
        alert = services.subscribe(
            **form.subscription(), user=request.user, language=get_language() or "fr"
        )
    except services.AlertRefused as refused:
        return render(request, "alerts/refused.html", {"errors": [refused.message]}, status=400)
    if alert.is_confirmed:
        messages.success(
            request, _("Your alert is set: you will get an e-mail when there is news.")
        )
    else:
        messages.info(
            request,
            _("We sent a link to %(email)s: follow it within 7 days to start the alert.")
            % {"email": alert.email},
        )
    return _back(request)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners open links; only a person presses it)."""
    if request.method == "GET":
        return render(request, "alerts/confirm.html", {"token": token})
    try:
        services.confirm(token)
    except services.AlertRefused as refused:
        return render(request, "alerts/refused.html", {"errors": [refused.message]}, status=400)
    messages.success(request, _("Your alert is confirmed."))
    return redirect("alerts")


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click"; the token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        known = Alert.objects.filter(token=token).exists()
        return render(request, "alerts/unsubscribe.html", {"token": token, "known": known})
    services.unsubscribe(token)
    if request.POST.get("List-Unsubscribe") == "One-Click":
        return HttpResponse(status=200)
    messages.success(request, _("You will get no more e-mails from this alert."))
    return redirect("alerts")
