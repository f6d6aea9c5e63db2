"""The staff workspace: the queue, a complaint's page with its actions, bulk actions, exports.

Views only translate between HTTP and issues.services; every read is scoped by staff.selectors.
"""

from __future__ import annotations

import hashlib
import json
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casa_map.outputs import SpreadsheetWriter
from districts import selectors as district_selectors
from districts.maps import tile_attribution
from districts.models import Category
from issues import policy
from issues.attachments import AttachmentRejected
from issues.errors import InvalidTransition
from issues.models import Complaint

from . import bulk as bulk_scope
from . import exports, queue_map, selectors
from .actions import BULK_MAX_REFERENCES, STAFF_ACTIONS, apply_bulk, bound_bulk_form
from .filters import QueuePageFilter
from .forms import (
    AssignForm,
    MessageForm,
    ModerationForm,
    PriorityForm,
    RerouteForm,
    ResolutionPhotoForm,
    SplitForm,
    TransitionForm,
    UpdateModerationForm,
)
from .queue import queue_page


def staff_only(view):
    """Signed-in staff members only: anyone else is sent to sign in, or refused (403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            request.membership = policy.membership_of(request.user)
        except policy.NotStaff as refused:
            raise PermissionDenied(
                _("This workspace is for the staff of an authority.")
            ) from refused
        return view(request, *args, **kwargs)

    return wrapper


def _complaint_or_404(request: HttpRequest, reference: str) -> Complaint:
    try:
        return policy.scoped_complaint(request.user, reference)
    except Complaint.DoesNotExist as missing:
        raise Http404(_("No report has this tracking code.")) from missing


def _filtered(request: HttpRequest, data: QueryDict | None = None) -> QueuePageFilter:
    """The user's scope through the queue page's filters: the request's query, or `data`."""
    scope = policy.scoped_complaints(request.user)
    query = request.GET if data is None else data
    return QueuePageFilter(query, queryset=scope.order_by("-created_at"), request=request)


def _filter_fields_html(filtered: QueuePageFilter) -> str:
    """The filter form's fields. Django renders each widget and option through templates (about
    12 ms here); the HTML depends only on the query, the language and the categories."""
    key = "queue-filters:{}:{}:{}".format(
        get_language(),
        Category.objects.order_by("-pk").values_list("pk", flat=True).first(),
        hashlib.sha256(filtered.data.urlencode().encode() if filtered.data else b"").hexdigest(),
    )
    html = cache.get(key)
    if html is None:
        html = render_to_string("staff/_queue_filters.html", {"form": filtered.form})
        cache.set(key, html, 60 * 10)
    return mark_safe(html)  # rendered by Django's own (escaping) templates just above


@staff_only
def queue(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    counts = selectors.queue_counts(request.user, today=today)
    filtered = _filtered(request)
    # The default filters (open reports): their total is the sum of the open statuses' tallies.
    unfiltered = not any(v for k, v in request.GET.items() if k not in ("page", "sort"))
    open_total = sum(counts[status] for status in Complaint.OPEN_STATUSES)
    matching = open_total if unfiltered else bulk_scope.matching_count(filtered.qs)
    overdue = ExpressionWrapper(Complaint.overdue_condition(today), output_field=BooleanField())
    page = queue_page(
        filtered.qs.select_related(None).annotate(overdue=overdue),
        request.GET.get("page"),
        total=open_total if unfiltered else None,
        viewer=request.user,
    )
    filter_fields = _filter_fields_html(filtered)
    authority = request.membership.authority
    return render(
        request,
        "staff/queue.html",
        {
            "filter": filtered,
            "filter_fields": filter_fields,
            "page": page,
            "counts": counts,
            "today": today,
            "authority": authority,
            "bulk_agents": selectors.agents_of(authority) if authority else [],
            "query_string": request.GET.urlencode(),
            "may_moderate": policy.may_moderate(request.user),
            "matching": matching,
            "bulk_max": BULK_MAX_REFERENCES,
            "refusals": bulk_scope.take_refusals(request.session),
            "map_legend": queue_map.legend(),
            "map_config": {
                "complaintUrl": reverse("staff-complaint", args=["REFERENCE"]),
                "colours": {item["key"]: item["colour"] for item in queue_map.legend()},
                # Each marker's accessible name: "ABC-123, Submitted, overdue".
                "labels": {item["key"]: item["label"] for item in queue_map.legend()},
                "overdue": _("overdue"),
                "tileUrl": settings.MAP_TILE_URL,
                "tileAttribution": tile_attribution(),
                "pointsUrl": f"{reverse('staff-map-points')}?{request.GET.urlencode()}",
            },
        },
    )


@staff_only
def map_points(request: HttpRequest) -> JsonResponse:
    """The queue map's data, fetched only when the map is opened: the newest MAP_LIMIT
    complaints of the filtered set (staff.queue_map.points) and the authority's boundary."""
    return JsonResponse(
        {
            "points": queue_map.points(_filtered(request).qs, today=timezone.localdate()),
            "boundary": district_selectors.authority_boundary_geojson(request.membership.authority),
        }
    )


def _back_to_queue(request: HttpRequest) -> HttpResponse:
    """Back to the queue with the filters the bulk action was made from."""
    query = request.POST.get("query", "")
    return redirect(f"{reverse('staff-queue')}?{query}" if query else reverse("staff-queue"))


@staff_only
def complaint(request: HttpRequest, reference: str) -> HttpResponse:
    item = _complaint_or_404(request, reference)
    return render(request, "staff/complaint.html", _complaint_context(request, item))


def _recurrence_url(user, item: Complaint) -> str:
    """The fixed report `item` recurs (issue #27): its staff page when in the user's scope, its
    public tracking page otherwise."""
    earlier = item.recurrence_of
    if earlier is None:
        return ""
    in_scope = policy.scoped_complaints(user).filter(pk=earlier.pk).exists()
    return reverse("staff-complaint" if in_scope else "track", args=[earlier.reference])


def _complaint_context(request, item: Complaint, **forms) -> dict:
    where = selectors.location_facts(item)
    replies = selectors.response_templates_for(item)
    next_statuses = [
        (value, label) for value, label in Complaint.Status.choices if item.can_become(value)
    ]
    return {
        "complaint": item,
        "contact": policy.contact_shown_to(request.user, item),
        "staff_title": policy.text_shown_to(request.user, item)[0],
        "staff_description": policy.text_shown_to(request.user, item)[1],
        "where": where,
        "desk_map": {
            "tileUrl": settings.MAP_TILE_URL,
            "tileAttribution": tile_attribution(),
            "point": [where["lat"], where["lon"]],
            "boundary": where["boundary"],
        },
        "queue_map_url": f"{reverse('staff-queue')}?{urlencode({'q': item.reference})}",
        "recurrence_url": _recurrence_url(request.user, item),
        "duplicate_offers": selectors.possible_duplicates_of(request.user, item),
        "reply_templates": replies,
        "reply_texts": {str(pk): text for pk, _title, text in replies},
        "events": item.events.select_related("actor", "authority"),
        "attachments": item.attachments.all(),
        "today": timezone.localdate(),
        "next_statuses": next_statuses,
        "next_status_values": [value for value, _label in next_statuses],
        "transition_form": forms.get("transition_form") or TransitionForm(),
        "message_form": forms.get("message_form") or forms.get("transition_form") or MessageForm(),
        "reroute_form": forms.get("reroute_form")
        or RerouteForm(options=selectors.reroute_options(item)),
        "assign_form": forms.get("assign_form")
        or AssignForm(authority=item.authority, initial={"agent": item.assigned_to_id}),
        "photo_form": forms.get("photo_form") or ResolutionPhotoForm(),
        "priority_form": forms.get("priority_form")
        or PriorityForm(initial={"priority": item.priority}),
        "split_form": forms.get("split_form") or SplitForm(),
        "may_moderate": policy.may_moderate(request.user),
        "moderate_form": forms.get("moderate_form") or ModerationForm(complaint=item),
        "open_flags": selectors.open_flags_by_reason(item),
        "citizen_updates": selectors.citizen_updates_of(item),
        "update_form": forms.get("moderate_update_form") or UpdateModerationForm(complaint=item),
    }


@staff_only
def moderation_queue(request: HttpRequest) -> HttpResponse:
    if not policy.may_moderate(request.user):
        raise PermissionDenied(_("Moderation is for moderators and managers."))
    return render(
        request,
        "staff/moderation.html",
        {"complaints": selectors.moderation_queue(request.user)[:200]},
    )


@staff_only
@require_POST
def act(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    item = _complaint_or_404(request, reference)
    if action not in STAFF_ACTIONS:
        raise Http404()
    staff_action = STAFF_ACTIONS[action]
    form = staff_action.form(request.POST, request.FILES, item)
    if form.is_valid():
        try:
            staff_action.apply(item, form.cleaned_data, request.user)
        except (InvalidTransition, AttachmentRejected) as refused:
            messages.error(request, str(refused.message))
        else:
            messages.success(request, staff_action.done(item))
            if staff_action.lands_on_queue:
                return redirect("staff-queue")
            return redirect("staff-complaint", reference=item.reference)
    context = _complaint_context(request, item, **{f"{action}_form": form})
    return render(request, "staff/complaint.html", context, status=400)


@staff_only
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """The chosen action on the ticked reports or, with `select=matching`, on every report
    matching the queue's filters (the query the form was sent from), within the user's scope.
    Reports the action refuses are listed on the queue, each with the reason."""
    data = request.POST
    if data.get("select") == "matching":
        query = QueryDict(data.get("query", ""))
        references = bulk_scope.matching_references(_filtered(request, query).qs)
        if references is None:
            messages.error(
                request,
                _("More than %(count)d reports match: narrow the filters.")
                % {"count": BULK_MAX_REFERENCES},
            )
            return _back_to_queue(request)
        data = data.copy()
        data.setlist("references", references)
    form = bound_bulk_form(request.user, data)
    if not form.is_valid():
        messages.error(request, _("Select reports of your queue, and an action."))
        return _back_to_queue(request)
    result = apply_bulk(form, actor=request.user)
    messages.success(request, _("%(count)d reports changed.") % {"count": len(result.changed)})
    bulk_scope.keep_refusals(request.session, result.skipped)
    return _back_to_queue(request)


EXPORT_FIELDS = [
    "reference",
    "status",
    "kind",
    "category__code",
    "title",
    "description",
    "authority__slug",
    "arrondissement__slug",
    "created_at",
    "acknowledge_by",
    "answer_by",
    "support_count",
    "location",
    "public_title",
    "public_description",
    "share_contact_with_operator",
]
EXPORT_HEADER = [
    "reference",
    "status",
    "kind",
    "category",
    "title",
    "description",
    "authority",
    "arrondissement",
    "created_at",
    "acknowledge_by",
    "answer_by",
    "supports",
    "lat",
    "lon",
]


class _Echo:
    def write(self, value):
        return value


def _export_rows(request):
    """Rows of the GeoJSON export; an operator's staff read the public copy of the text of a
    report filed without consent (issues.policy.withholds_contact)."""
    rows = _filtered(request).qs.values_list(*EXPORT_FIELDS).iterator(chunk_size=2000)
    for row in rows:
        *values, point, public_title, public_description, consent = row
        withheld = policy.withholds_contact(request.user, consent=consent)
        values[4] = policy.staff_text(values[4], public_title, withheld=withheld)
        values[5] = policy.staff_text(values[5], public_description, withheld=withheld)
        yield [
            *(v.isoformat() if hasattr(v, "isoformat") else v for v in values),
            round(point.y, 7),
            round(point.x, 7),
        ]


@staff_only
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered queue as CSV for people (staff.exports: names in the reader's language, the
    assigned agent), streamed row by row (no personal data of the reporter)."""
    writer = SpreadsheetWriter(_Echo())
    language = get_language()  # the rows are written after the view returns

    def lines():
        yield "\ufeff"  # so spreadsheet software reads UTF-8 (Arabic) correctly
        with override(language):
            yield writer.writerow(exports.header())
            for row in exports.rows(_filtered(request).qs, viewer=request.user):
                yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="casa-map-queue.csv"'
    return response


@staff_only
def export_geojson(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered queue as a GeoJSON FeatureCollection, streamed feature by feature."""

    def chunks():
        yield '{"type": "FeatureCollection", "features": ['
        separator = ""
        for row in _export_rows(request):
            *values, lat, lon = row
            feature = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": dict(zip(EXPORT_HEADER[:-2], values, strict=True)),
            }
            yield separator + json.dumps(feature, ensure_ascii=False)
            separator = ","
        yield "]}"

    response = StreamingHttpResponse(chunks(), content_type="application/geo+json")
    response["Content-Disposition"] = 'attachment; filename="casa-map-queue.geojson"'
    return response
