"""Citizens' pages: report a problem, see it sent, follow it, support one, the public map."""

from __future__ import annotations

import math
import uuid
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casa_map import inputs, limits
from casa_map.views import too_many
from districts.errors import OutsideServiceArea
from districts.geocoding import describe_pin, nearest_place, search_or_explain
from districts.maps import tile_attribution

from . import (
    category_suggestion,
    moderation,
    notifications,
    policy,
    public_view,
    selectors,
    services,
)
from .attachments import photo_position
from .errors import (
    AlreadyFiled,
    InvalidComplaint,
    InvalidTransition,
    SupportRefused,
    UpdateRefused,
)
from .forms import CitizenUpdateForm, ReportForm
from .models import Attachment, Complaint, Flag

PUBLIC_FILE_MAX_AGE = 300


def page_config(request: HttpRequest) -> dict:
    """Data the report page's script needs, passed with json_script (never string-built JS)."""
    return {
        "locateUrl": reverse("api-v1:locate"),
        "placesUrl": reverse("api-v1:places"),
        "nearbyUrl": reverse("api-v1:nearby-complaints"),
        "boundariesUrl": reverse("api-v1:arrondissement-boundaries"),
        "photoLocationUrl": reverse("report-photo-location"),
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": tile_attribution(),
        "language": get_language(),
        "maxFiles": settings.ATTACHMENTS_PER_COMPLAINT,
        "maxFileBytes": settings.ATTACHMENT_MAX_BYTES,
        "messages": {
            "inArrondissement": _("Arrondissement:"),
            "handledBy": _("Handled by:"),
            "chooseCategory": _("Choose a category to see who will handle it."),
            "locating": _("Finding where this is…"),
            "geolocationFailed": _("Your location could not be read. Place the pin by hand."),
            "noResults": _("No place found."),
            "support": _("Support"),
            "supported": _("Supported"),
            "supports": _("supports"),
            "metresAway": _("m away"),
            "closedRecently": _("Closed recently. If the problem is back, send your report."),
            "networkError": _("The connection failed. Try again."),
            "demo": _("Demo (generated)"),
            "clusterTitle": _("open reports here: zoom in to see them"),
            "open": _("Open"),
            "nearestTo": _("Nearest to:"),
            "placesFound": _("places found"),
            "pinKeptOffline": _(
                "Pin placed. You are offline: it will be checked when the report is sent."
            ),
            "waitingToBeSent": _(
                "Waiting to be sent: it will go as soon as the connection returns."
            ),
            "sentWithCode": _("Sent. Tracking code:"),
            "refused": _("Not accepted:"),
            "dismiss": _("Hide"),
            "editAgain": _("Change and send again"),
            "serverTrouble": _(
                "Kept on this phone: the server has a problem right now. "
                "It will be sent again automatically in a minute."
            ),
            "tooManyReports": _(
                "Too many reports were sent from this connection. "
                "Your report is still in the form: try again in %(minutes)s minutes."
            ),
            "fileTooLarge": _("this file is too large (at most %(size)d MB).")
            % {"size": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)},
            "tooManyFiles": _("Attach at most %(count)d files.")
            % {"count": settings.ATTACHMENTS_PER_COMPLAINT},
            "labelSeparator": _(": "),
            "summaryPlace": _("Place"),
            "summaryCategory": _("Category"),
            "summaryHandler": _("Handled by"),
            "summaryKind": _("Kind"),
            "summaryTitle": _("Title"),
            "summaryFiles": _("Files"),
            "summaryContact": _("Contact"),
            "summaryNotify": _("Messages about it"),
            "notifyByContact": _("As your contact allows"),
            "noPin": _("No pin placed yet."),
            "none": _("None"),
            "anonymous": _("Anonymous"),
        },
    }


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """The report form. Without the map (no script, or a screen reader), `?place=` lists matching
    places and `?lat=&lon=` starts the form with that pin, confirmed in words."""
    wants_json = request.headers.get("X-Requested-With") == "fetch"
    if request.method == "GET":
        form = ReportForm(initial={"submission_key": uuid.uuid4(), **_pin_from_query(request)})
        return render(request, "issues/report.html", _report_context(request, form))
    verdict = limits.take_anonymous(request, "report")
    if not verdict.allowed:
        return too_many(request, verdict, _("Too many reports from this connection."), wants_json)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            complaint = services.create_complaint(
                **form.complaint_fields(),
                reporter=request.user,
                submitter=policy.requester_identity(request),
                language=get_language() or "fr",
            )
        except AlreadyFiled as filed:
            if not policy.is_same_submitter(request, filed.complaint):
                return _already_used(request, wants_json)
            return _report_received(request, filed.complaint, wants_json, status=200)
        except OutsideServiceArea as error:
            form.add_error(None, str(error.message))
        except InvalidComplaint as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, str(message))
        else:
            return _report_received(request, complaint, wants_json, status=201)
    if wants_json:
        errors = {
            field: [str(message) for message in messages_]
            for field, messages_ in form.errors.items()
        }
        return JsonResponse({"errors": errors}, status=400)
    if request.FILES:
        messages.warning(request, _("Please attach your files again: they could not be kept."))
    return render(request, "issues/report.html", _report_context(request, form), status=400)


def _already_used(request: HttpRequest, wants_json: bool) -> HttpResponse:
    """A submission key someone else sent: 409, naming nothing of their report."""
    message = _("This form was already sent. Reload the page to send a new report.")
    if wants_json:
        return JsonResponse({"error": message, "code": "already_used"}, status=409)
    return render(request, "400.html", {"message": message}, status=409)


def _report_received(
    request: HttpRequest, complaint: Complaint, wants_json: bool, *, status: int
) -> HttpResponse:
    """The answer to a stored report, the same for its first copy and any resent one."""
    policy.remember_ownership(request, complaint)
    sent_url = reverse("report-sent", args=[complaint.reference])
    if wants_json:
        return JsonResponse({"reference": complaint.reference, "url": sent_url}, status=status)
    return redirect(sent_url)


def _pin_from_query(request: HttpRequest) -> dict:
    coordinates = _finite_coordinates(request.GET.get("lat"), request.GET.get("lon"))
    if coordinates is None:
        return {}
    lat, lon = coordinates
    return {"lat": round(lat, 7), "lon": round(lon, 7)}


def _finite_coordinates(lat, lon) -> tuple[float, float] | None:
    """(lat, lon) as numbers from what a page sent, or None if either is missing or not one."""
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    return (lat, lon) if math.isfinite(lat) and math.isfinite(lon) else None


def _report_context(request: HttpRequest, form: ReportForm) -> dict:
    place_query = request.GET.get("place", "").strip()[:120]
    places, places_problem = search_or_explain(place_query) if place_query else ([], "")
    return {
        "form": form,
        "page_config": category_suggestion.form_config(page_config(request)),
        "place_query": place_query,
        "places": places,
        "places_problem": places_problem,
        "pin": _pin_in_words(form),
    }


def _pin_in_words(form: ReportForm):
    coordinates = _finite_coordinates(form["lat"].value(), form["lon"].value())
    if coordinates is None:
        return None
    lat, lon = coordinates
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return describe_pin(lat, lon)


@require_POST
def report_photo_location(request: HttpRequest) -> JsonResponse:
    """The GPS position stored in a photo, read from its head (the page sends the first 128 KB),
    to offer it as the pin. Nothing is kept."""
    upload = request.FILES.get("photo")
    if upload is None:
        return JsonResponse({"error": _("No photo was sent.")}, status=400)
    position = photo_position(upload)
    if position is None:
        return JsonResponse({"found": False})
    lat, lon = position
    return JsonResponse({"found": True, "lat": lat, "lon": lon})


def report_sent(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _visible_or_404(request, reference)
    owner_url = None
    writes_to_reporter = texts_reporter = cannot_text = False
    if policy.is_owner(request, complaint):
        owner_url = request.build_absolute_uri(
            f"{complaint.get_absolute_url()}?key={complaint.owner_key}"
        )
        # The reporter gave an address (or has an account): updates already go there, so the
        # page does not ask for it again.
        writes_to_reporter = bool(notifications.recipient(complaint))
        texts_reporter = bool(notifications.sms_recipient(complaint))
        cannot_text = bool(complaint.contact_phone) and not inputs.can_receive_sms(
            complaint.contact_phone
        )
    context = {
        "complaint": complaint,
        "owner_url": owner_url,
        "writes_to_reporter": writes_to_reporter,
        "texts_reporter": texts_reporter,
        "cannot_text": cannot_text,
        "answer_expectation": selectors.answer_expectation(complaint),
    }
    return render(request, "issues/report_sent.html", context)


def track_lookup(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip().upper()[:40]
    if code:
        try:
            _visible_or_404(request, code)
        except Http404:
            pass  # hidden and unknown codes answer alike
        else:
            return redirect("track", reference=code)
        messages.error(request, _("No report has the tracking code %(code)s.") % {"code": code})
    return render(request, "issues/track_lookup.html", {"code": code})


def track(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _visible_or_404(request, reference)
    if request.GET.get("key"):
        policy.is_owner(request, complaint)  # remembers the owner in the session
        return redirect("track", reference=complaint.reference)  # the key leaves the address bar
    return render(request, "issues/track.html", _track_context(request, complaint))


def _track_context(
    request: HttpRequest,
    complaint: Complaint,
    *,
    update_form: CitizenUpdateForm | None = None,
    update_refusal: str = "",
) -> dict:
    """The tracking page: where the problem is (its public position only: a sensitive
    category's is a grid cell's centre), its timeline with the published citizens' updates,
    and what this visitor may do."""
    is_owner = policy.is_owner(request, complaint)
    public_point = public_view.public_point(complaint)
    may_support = policy.may_support(request, complaint)
    return {
        "complaint": complaint,
        "is_owner": is_owner,
        "can_reopen": is_owner and services.can_reopen(complaint),
        "timeline": _timeline(complaint),
        "answer_expectation": selectors.answer_expectation(complaint),
        "map_point": {"lat": public_point.y, "lon": public_point.x},
        "nearest_place": nearest_place(public_point),
        "may_support": may_support,
        "has_supported": may_support and policy.has_supported(request, complaint),
        "takes_updates": complaint.is_open and complaint.is_public,
        "update_form": update_form or CitizenUpdateForm(),
        "update_refusal": update_refusal,
        "page_config": page_config(request),
        "flag_reasons": Flag.Reason.choices,
    }


def _timeline(complaint: Complaint) -> list:
    """The public events and the published citizens' updates (selectors.public_complaint
    fetched both), oldest first."""
    for update in complaint.published_updates:
        update.public_photo = public_view.public_update_photo(update)
    entries = [*complaint.events.all(), *complaint.published_updates]
    return sorted(entries, key=lambda entry: entry.created_at)


@require_POST
def add_update(request: HttpRequest, reference: str) -> HttpResponse:
    """Anyone's update of an open report: stored awaiting moderation, rate-limited per account
    or client address. A refusal shows the tracking page again with the reason."""
    complaint = _public_or_404(reference)
    verdict = limits.take(request, "update")
    if not verdict.allowed:
        return too_many(request, verdict, _("Too many updates from this connection."), False)
    form = CitizenUpdateForm(request.POST, request.FILES)
    try:
        services.refuse_update_if_closed(complaint)
        if form.is_valid():
            services.add_citizen_update(
                complaint=complaint,
                claim=form.cleaned_data["claim"],
                text=form.cleaned_data["text"],
                photo=form.cleaned_data["photo"],
                author=request.user,
                submitter=policy.requester_identity(request),
            )
            messages.success(
                request,
                _("Thank you: your update will be public once a moderator has checked it."),
            )
            return redirect("track", reference=complaint.reference)
    except UpdateRefused as refused:
        context = _track_context(request, complaint, update_refusal=str(refused.message))
        return render(request, "issues/track.html", context, status=409)
    if request.FILES and not form.has_error("photo"):
        form.add_error("photo", _("Please attach your photo again: it could not be kept."))
    context = _track_context(request, complaint, update_form=form)
    return render(request, "issues/track.html", context, status=400)


@require_POST
def support(request: HttpRequest, reference: str) -> HttpResponse:
    """ "I have this problem too": counted once per account, or per client address when
    anonymous (a cookie the client can drop would let one person count again and again)."""
    complaint = _public_or_404(reference)
    wants_json = not request.accepts("text/html") or bool(request.headers.get("X-Requested-With"))
    verdict = limits.take(request, "support")
    if not verdict.allowed:
        return too_many(request, verdict, _("Too many supports from this connection."), wants_json)
    try:
        if complaint.is_open and not policy.may_support(request, complaint):
            raise SupportRefused(_("You sent this report: it counts already."))
        counted = services.support_complaint(
            complaint=complaint, device_token=policy.requester_identity(request), user=request.user
        )
    except SupportRefused as refused:
        payload, status = {"error": str(refused.message)}, 409
    else:
        payload = {
            "counted": counted,
            "supports": complaint.support_count,
            "message": _("Thank you: your support was counted.")
            if counted
            else _("You have already supported this report."),
        }
        status = 200
    if not wants_json:
        messages.info(request, payload.get("message") or payload.get("error"))
        return redirect("track", reference=complaint.reference)
    return JsonResponse(payload, status=status)


@require_POST
def flag(request: HttpRequest, reference: str) -> HttpResponse:
    """A citizen's "this should not be public": once per account or client address,
    rate-limited."""
    complaint = _public_or_404(reference)
    verdict = limits.take(request, "flag")
    if not verdict.allowed:
        return too_many(request, verdict, _("Too many flags from this connection."), False)
    try:
        counted = moderation.flag(
            complaint=complaint,
            reason=request.POST.get("reason", ""),
            device_token=policy.requester_identity(request),
            user=request.user,
        )
    except moderation.ModerationRefused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.info(
            request,
            _("Thank you: a moderator will look at this report.")
            if counted
            else _("You have already flagged this report."),
        )
    return redirect("track", reference=complaint.reference)


@require_POST
def reopen(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _visible_or_404(request, reference)
    if not policy.is_owner(request, complaint):
        raise PermissionDenied(_("Only the person who sent this report can reopen it."))
    try:
        services.reopen(complaint=complaint, reason=request.POST.get("reason", ""))
    except InvalidTransition as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(
            request,
            _("Your report was reopened and sent back to %(name)s.")
            % {"name": complaint.authority.name},
        )
    return redirect("track", reference=complaint.reference)


@require_POST
def rate(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _visible_or_404(request, reference)
    if not policy.is_owner(request, complaint):
        raise PermissionDenied(_("Only the person who sent this report can rate it."))
    try:
        rating = int(request.POST.get("rating", ""))
    except ValueError:
        rating = 0
    try:
        services.rate(
            complaint=complaint,
            rating=rating,
            comment=request.POST.get("comment", ""),
            actor=request.user,
        )
    except InvalidTransition as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect("track", reference=complaint.reference)


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    return render(
        request, "issues/my_reports.html", {"complaints": selectors.reports_of(request.user)}
    )


@require_http_methods(["GET", "HEAD"])
def attachment_file(request: HttpRequest, name: str) -> FileResponse:
    """A stored photo or PDF, with the type it was stored as; PDFs download rather than open in
    the site's origin."""
    try:
        attachment, stored = selectors.attachment_file(name)
        opened = stored.open("rb")
    except (Attachment.DoesNotExist, FileNotFoundError) as missing:
        raise Http404(_("Nothing is at this address.")) from missing
    if not policy.may_see_file(request, attachment, stored):
        opened.close()
        raise Http404(_("Nothing is at this address."))
    is_pdf = attachment.content_type == "application/pdf"
    filename = f"{attachment.complaint.reference}.pdf" if is_pdf else None
    if settings.MEDIA_ACCEL_REDIRECT and settings.MEDIA_STORAGE == "filesystem":
        opened.close()
        response = _sent_by_proxy(stored.name, attachment.content_type, filename)
    else:
        response = FileResponse(
            opened, content_type=attachment.content_type, as_attachment=is_pdf, filename=filename
        )
    response["X-Content-Type-Options"] = "nosniff"
    # Shared caches keep a public copy five minutes at most: a photo a moderator hides is gone
    # from every cache soon after, not a day later.
    response["Cache-Control"] = f"public, max-age={PUBLIC_FILE_MAX_AGE}, must-revalidate"
    if not policy.is_public_file(attachment, stored):
        response["Cache-Control"] = "private, no-store"
    return response


def _sent_by_proxy(name: str, content_type: str, download_as: str | None) -> HttpResponse:
    """An empty answer the proxy replaces with the file (nginx's X-Accel-Redirect to an internal
    location): the policy above was Django's, the bytes are nginx's, so no worker streams a photo
    to a slow phone."""
    response = HttpResponse(content_type=content_type)
    response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT.rstrip("/") + "/" + quote(name)
    if download_as:
        response["Content-Disposition"] = f'attachment; filename="{download_as}"'
    return response


def _visible_or_404(request: HttpRequest, reference: str) -> Complaint:
    """The public report, or a hidden or pending one to its own reporter."""
    try:
        return selectors.public_complaint(reference)
    except Complaint.DoesNotExist:
        pass
    try:
        complaint = selectors.public_complaint(reference, published_only=False)
    except Complaint.DoesNotExist as missing:
        raise Http404(_("No report has this tracking code.")) from missing
    if not policy.is_owner(request, complaint):
        raise Http404(_("No report has this tracking code."))
    return complaint


def _public_or_404(reference: str) -> Complaint:
    try:
        return selectors.public_complaint(reference)
    except Complaint.DoesNotExist as missing:
        raise Http404(_("No report has this tracking code.")) from missing
