"""Staff intake (issue #25): a report a staff member files on a citizen's behalf, from a phone
call (Chikaya.ma's 3737 line), a visit to the counter, a letter, WhatsApp or an e-mail.

The page and the staff API (staff.api) both file through issues.services.create_complaint, like
the web form, REST and Open311: same rules, same routing (to whoever handles that place, not to
the filer's authority), the same acknowledgement e-mail to the citizen. Who may file is
issues.policy.may_file_on_behalf.
"""

from __future__ import annotations

import math
import uuid
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from districts.errors import OutsideServiceArea
from districts.geocoding import describe_pin, search_or_explain
from districts.maps import tile_attribution
from issues import category_suggestion, notifications, policy, services
from issues.errors import AlreadyFiled, InvalidComplaint
from issues.models import Complaint
from issues.selectors import answer_expectation

from .forms import IntakeForm


def filing_staff_only(view):
    """Signed-in staff who may file on a citizen's behalf; anyone else is sent to sign in, or
    refused (403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not policy.may_file_on_behalf(request.user):
            raise PermissionDenied(_("This workspace is for the staff of an authority."))
        return view(request, *args, **kwargs)

    return wrapper


def file_on_behalf(form: IntakeForm, request: HttpRequest) -> Complaint:
    """Files the valid `form` for the citizen, recording the staff member who did. Raises what
    create_complaint raises (AlreadyFiled, OutsideServiceArea, InvalidComplaint)."""
    return services.create_complaint(
        **form.intake_fields(),
        submitter=policy.requester_identity(request),
        filed_by=request.user,
    )


def private_link(request: HttpRequest, complaint: Complaint) -> str:
    """The citizen's own link to the report (to reopen or rate it): given to them once."""
    return request.build_absolute_uri(f"{complaint.get_absolute_url()}?key={complaint.owner_key}")


@filing_staff_only
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """The intake form. Without the map, `?place=` lists matching places (the gazetteer, in
    French or Arabic) and `?lat=&lon=` starts the form with that pin."""
    if request.method == "GET":
        form = IntakeForm(
            initial={
                "submission_key": uuid.uuid4(),
                "language": "fr",
                "kind": Complaint.Kind.COMPLAINT,
                **_pin_from_query(request),
            }
        )
        return render(request, "staff/intake.html", _context(request, form))
    form = IntakeForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            complaint = file_on_behalf(form, request)
        except AlreadyFiled as filed:
            if policy.may_see_intake(request.user, filed.complaint):
                return redirect("staff-intake-filed", filed.complaint.reference)
            form.add_error(
                None, _("This form was already sent. Reload the page to file a new report.")
            )
        except OutsideServiceArea as outside:
            form.add_error(None, str(outside.message))
        except InvalidComplaint as refused:
            for field, message in refused.errors.items():
                form.add_error(field if field in form.fields else None, str(message))
        else:
            return redirect("staff-intake-filed", complaint.reference)
    if request.FILES:
        messages.warning(request, _("Please attach your files again: they could not be kept."))
    return render(request, "staff/intake.html", _context(request, form), status=400)


@filing_staff_only
def intake_filed(request: HttpRequest, reference: str) -> HttpResponse:
    """The filer's confirmation: the tracking code, large, to read back to the caller, and the
    private link. Anyone but the filer gets a 404."""
    complaint = (
        Complaint.objects.select_related("authority", "category", "filed_by")
        .filter(reference=reference.strip().upper())
        .first()
    )
    if complaint is None or not policy.may_see_intake(request.user, complaint):
        raise Http404(_("No report has this tracking code."))
    return render(
        request,
        "staff/intake_filed.html",
        {
            "complaint": complaint,
            "private_url": private_link(request, complaint),
            "acknowledged_to": notifications.recipient(complaint),
            "in_scope": policy.in_scope(request.user, complaint),
            "answer_expectation": answer_expectation(complaint),
        },
    )


def page_config() -> dict:
    """What the page's script needs (json_script): the same APIs as the citizen's form, and
    the same category suggestion."""
    return category_suggestion.form_config(_intake_page_config())


def _intake_page_config() -> dict:
    return {
        "locateUrl": reverse("api-v1:locate"),
        "placesUrl": reverse("api-v1:places"),
        "boundariesUrl": reverse("api-v1:arrondissement-boundaries"),
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": tile_attribution(),
        "language": get_language(),
        "messages": {
            "inArrondissement": _("Arrondissement:"),
            "handledBy": _("Handled by:"),
            "chooseCategory": _("Choose a category to see who will handle it."),
            "locating": _("Finding where this is…"),
            "noResults": _("No place found."),
            "nearestTo": _("Nearest to:"),
            "placesFound": _("places found"),
            "networkError": _("The connection failed. Try again."),
        },
    }


def _context(request: HttpRequest, form: IntakeForm) -> dict:
    place_query = request.GET.get("place", "").strip()[:120]
    places, places_problem = search_or_explain(place_query) if place_query else ([], "")
    return {
        "form": form,
        "page_config": page_config(),
        "place_query": place_query,
        "places": places,
        "places_problem": places_problem,
        "pin": _pin_in_words(form),
    }


def _coordinates(lat, lon) -> tuple[float, float] | None:
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def _pin_from_query(request: HttpRequest) -> dict:
    coordinates = _coordinates(request.GET.get("lat"), request.GET.get("lon"))
    if coordinates is None:
        return {}
    lat, lon = coordinates
    return {"lat": round(lat, 7), "lon": round(lon, 7)}


def _pin_in_words(form: IntakeForm):
    coordinates = _coordinates(form["lat"].value(), form["lon"].value())
    return describe_pin(*coordinates) if coordinates is not None else None
