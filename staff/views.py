"""The staff workspace: the queue, a complaint's page with its actions, bulk actions, exports.

Views only translate between HTTP and issues.services; every read is scoped by staff.selectors.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, ExpressionWrapper
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casa_map import inputs
from casa_map.outputs import SpreadsheetWriter
from districts import selectors as district_selectors
from districts.maps import tile_attribution
from districts.models import Category
from issues import policy
from issues.attachments import AttachmentRejected
from issues.errors import InvalidTransition
from issues.models import Complaint

from . import selectors
from .actions import STAFF_ACTIONS, apply_bulk, bound_bulk_form
from .filters import QueueFilter
from .forms import (
    AssignForm,
    MessageForm,
    ModerationForm,
    RerouteForm,
    ResolutionPhotoForm,
    TransitionForm,
)

PAGE_SIZE = 50
MAP_LIMIT = 2000
# What the queue table shows, read as plain values: no model, no geometry per row.
QUEUE_COLUMNS = [
    "reference",
    "title",
    "status",
    "created_at",
    "acknowledge_by",
    "answer_by",
    "is_reopened",
    "category__name_fr",
    "category__name_ar",
    "assigned_to__email",
]


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


def _filtered(request: HttpRequest) -> QueueFilter:
    scope = policy.scoped_complaints(request.user)
    return QueueFilter(request.GET or None, queryset=scope.order_by("-created_at"), request=request)


@dataclass
class QueuePage:
    """One page of the queue, found by looking one row ahead rather than counting the filtered
    set (a count of a large filtered queue costs more than the page itself)."""

    rows: list
    number: int
    has_next: bool
    total: int | None

    def __iter__(self):
        return iter(self.rows)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def num_pages(self) -> int | None:
        return None if self.total is None else max(1, -(-self.total // PAGE_SIZE))


def _page(queryset, number_text: str | None, total: int | None) -> QueuePage:
    try:
        number = inputs.page_number(number_text)
    except ValidationError:
        number = 1
    start = (number - 1) * PAGE_SIZE
    rows = list(queryset[start : start + PAGE_SIZE + 1])
    return QueuePage(rows[:PAGE_SIZE], number, len(rows) > PAGE_SIZE, total)


@dataclass(frozen=True)
class QueueRow:
    """What the queue table shows of a complaint, prepared once in Python: rendering 50 rows
    through template filters and tags cost more than fetching them."""

    reference: str
    url: str
    title: str
    category: str
    status: str
    received: str
    deadline: str
    overdue: bool
    reopened: bool
    assignee: str


def _rows(values: list[dict]) -> list[QueueRow]:
    """Rows from plain values (see QUEUE_COLUMNS): building 150 model instances per page cost
    more than the query."""
    url_template = reverse("staff-complaint", args=["REFERENCE"])
    statuses = dict(Complaint.Status.choices)
    arabic = (get_language() or "fr").startswith("ar")
    rows = []
    for item in values:
        deadline = (
            item["acknowledge_by"]
            if item["status"] == Complaint.Status.SUBMITTED
            else item["answer_by"]
        )
        category = (arabic and item["category__name_ar"]) or item["category__name_fr"]
        rows.append(
            QueueRow(
                reference=item["reference"],
                url=url_template.replace("REFERENCE", item["reference"]),
                title=item["title"],
                category=category,
                status=str(statuses[item["status"]]),
                received=timezone.localtime(item["created_at"]).strftime("%d/%m/%Y"),
                deadline=deadline.strftime("%d/%m/%Y"),
                overdue=item["overdue"],
                reopened=item["is_reopened"],
                assignee=item["assigned_to__email"] or "—",
            )
        )
    return rows


# One table row of the queue. Built with format_html (which escapes every value) rather than the
# template language: 50 rows of ten fields cost ~10 ms through template nodes, ~1 ms this way.
ROW_HTML = (
    '<tr data-reference="{reference}"{row_class}>'
    '<td><input type="checkbox" name="references" value="{reference}" aria-label="{reference}">'
    '</td><td><a href="{url}">{reference}</a>{reopened}</td><td>{title}</td><td>{category}</td>'
    "<td>{status}</td><td>{received}</td><td>{deadline}{overdue}</td><td>{assignee}</td></tr>"
)


def _rows_html(rows: list[QueueRow]) -> str:
    reopened = format_html(' <span class="tag">{}</span>', _("reopened"))
    overdue = format_html(' <span class="tag tag--late">{}</span>', _("overdue"))
    return mark_safe(
        "".join(
            format_html(
                ROW_HTML,
                reference=row.reference,
                row_class=mark_safe(' class="row--overdue"') if row.overdue else "",
                url=row.url,
                reopened=reopened if row.reopened else "",
                title=row.title,
                category=row.category,
                status=row.status,
                received=row.received,
                deadline=row.deadline,
                overdue=overdue if row.overdue else "",
                assignee=row.assignee,
            )
            for row in rows
        )
    )


def _filter_fields_html(filtered: QueueFilter) -> str:
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
    unfiltered = not any(v for k, v in request.GET.items() if k not in ("page", "sort"))
    overdue = ExpressionWrapper(Complaint.overdue_condition(today), output_field=BooleanField())
    rows = filtered.qs.select_related(None).annotate(overdue=overdue)
    page = _page(
        rows.values(*QUEUE_COLUMNS, "overdue"),
        request.GET.get("page"),
        counts["total"] if unfiltered else None,
    )
    page.rows = _rows(page.rows)
    rows_html = _rows_html(page.rows)
    filter_fields = _filter_fields_html(filtered)
    authority = request.membership.authority
    return render(
        request,
        "staff/queue.html",
        {
            "filter": filtered,
            "filter_fields": filter_fields,
            "page": page,
            "rows_html": rows_html,
            "counts": counts,
            "today": today,
            "authority": authority,
            "bulk_agents": selectors.agents_of(authority) if authority else [],
            "query_string": request.GET.urlencode(),
            "may_moderate": policy.may_moderate(request.user),
            "map_config": {
                "tileUrl": settings.MAP_TILE_URL,
                "tileAttribution": tile_attribution(),
                "pointsUrl": f"{reverse('staff-map-points')}?{request.GET.urlencode()}",
            },
        },
    )


@staff_only
def map_points(request: HttpRequest) -> JsonResponse:
    """The queue map's data, fetched only when the map is opened: the newest MAP_LIMIT
    complaints of the filtered set and the authority's boundary."""
    return JsonResponse(
        {
            "points": _map_points(_filtered(request).qs),
            "boundary": district_selectors.authority_boundary_geojson(request.membership.authority),
        }
    )


def _back_to_queue(request: HttpRequest) -> HttpResponse:
    """Back to the queue with the filters the bulk action was made from."""
    query = request.POST.get("query", "")
    return redirect(f"{reverse('staff-queue')}?{query}" if query else reverse("staff-queue"))


def _map_points(queryset) -> list[list]:
    """[lat, lon, reference] of the newest MAP_LIMIT complaints of the filtered set."""
    rows = queryset.values_list("location", "reference")[:MAP_LIMIT]
    return [[round(point.y, 6), round(point.x, 6), reference] for point, reference in rows]


@staff_only
def complaint(request: HttpRequest, reference: str) -> HttpResponse:
    item = _complaint_or_404(request, reference)
    return render(request, "staff/complaint.html", _complaint_context(request, item))


def _complaint_context(request, item: Complaint, **forms) -> dict:
    return {
        "complaint": item,
        "events": item.events.select_related("actor", "authority"),
        "attachments": item.attachments.all(),
        "today": timezone.localdate(),
        "next_statuses": [
            (value, label) for value, label in Complaint.Status.choices if item.can_become(value)
        ],
        "transition_form": forms.get("transition_form") or TransitionForm(),
        "reroute_form": forms.get("reroute_form")
        or RerouteForm(choices=selectors.reroute_choices(item)),
        "assign_form": forms.get("assign_form")
        or AssignForm(authority=item.authority, initial={"agent": item.assigned_to_id}),
        "message_form": forms.get("message_form") or MessageForm(),
        "photo_form": forms.get("photo_form") or ResolutionPhotoForm(),
        "may_moderate": policy.may_moderate(request.user),
        "moderate_form": forms.get("moderate_form") or ModerationForm(complaint=item),
        "open_flags": selectors.open_flags_by_reason(item),
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
            return redirect("staff-complaint", reference=item.reference)
    context = _complaint_context(request, item, **{f"{action}_form": form})
    return render(request, "staff/complaint.html", context, status=400)


@staff_only
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    form = bound_bulk_form(request.user, request.POST)
    if not form.is_valid():
        messages.error(request, _("Select reports of your queue, and an action."))
        return _back_to_queue(request)
    result = apply_bulk(form, actor=request.user)
    messages.success(request, _("%(count)d reports changed.") % {"count": len(result.changed)})
    for reference, reason in result.skipped.items():
        messages.warning(request, f"{reference}: {reason}")
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
    rows = _filtered(request).qs.values_list(*EXPORT_FIELDS).iterator(chunk_size=2000)
    for row in rows:
        *values, point = row
        yield [
            *(v.isoformat() if hasattr(v, "isoformat") else v for v in values),
            round(point.y, 7),
            round(point.x, 7),
        ]


@staff_only
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered queue as CSV, streamed row by row (no personal data of the reporter)."""
    writer = SpreadsheetWriter(_Echo())

    def lines():
        yield "\ufeff"  # so spreadsheet software reads UTF-8 (Arabic) correctly
        yield writer.writerow(EXPORT_HEADER)
        for row in _export_rows(request):
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
