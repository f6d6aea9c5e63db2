"""Open311 GeoReport v2 server under /open311/v2/, in JSON and XML: discovery, services, service
definitions, service requests (read and file) and tokens. Filing goes through
issues.services.create_complaint, like the web form and the REST API."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.request import Request
from rest_framework_api_key.models import APIKey

from casa_map import inputs
from casa_map.api_errors import InvalidParameter
from districts import selectors as district_selectors
from districts.errors import OutsideServiceArea
from districts.geocoding import GeocoderUnavailable, get_geocoder
from districts.models import Category
from issues import services
from issues.errors import InvalidComplaint
from issues.models import Complaint
from issues.pages import CURSOR, ComplaintCursorPagination
from issues.selectors import answer_expectation

from . import selectors
from .formats import FORMATS, document, errors
from .throttles import take_filing

MAX_SPAN = timedelta(days=90)
DEFAULT_PAGE_SIZE = 1000
MAX_PAGE_SIZE = 1000
MAX_DESCRIPTION = 4000
TITLE_LENGTH = 80


class Refused(Exception):
    """A request the spec says to refuse: the problems, and the HTTP status to answer."""

    def __init__(self, status: int, *problems: str):
        self.status = status
        self.problems = list(problems)


def open311_view(view):
    """Checks the format and the jurisdiction, and answers Refused in the spec's error list."""

    def wrapper(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
        if fmt not in FORMATS:
            return errors([_("Unknown format: use .json or .xml.")], "json", 404)
        try:
            check_jurisdiction(request)
            return view(request, *args, fmt=fmt, **kwargs)
        except Refused as refused:
            return errors(refused.problems, fmt, refused.status)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def check_jurisdiction(request: HttpRequest) -> None:
    """This server serves one jurisdiction: jurisdiction_id is optional, but a wrong one is
    refused (404, as the spec says for an unknown jurisdiction)."""
    given = (
        request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or ""
    ).strip()
    if given and given != settings.OPEN311_JURISDICTION:
        raise Refused(
            404,
            _("jurisdiction_id %(given)s not found: this server serves %(ours)s.")
            % {"given": given, "ours": settings.OPEN311_JURISDICTION},
        )


def endpoint_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": "json"}))[
        : -len("discovery.json")
    ].rstrip("/")


@require_GET
@open311_view
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    changeset = settings.OPEN311_CHANGESET
    return document(
        "discovery",
        {
            "changeset": changeset,
            "contact": settings.OPEN311_CONTACT,
            "key_service": settings.OPEN311_KEY_SERVICE,
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": endpoint_url(request),
                    "changeset": changeset,
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
        fmt,
    )


def service_payload(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": f"{category.name_fr} — {category.name_ar}",
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join([category.code, category.name_fr, category.name_ar]),
        "group": "",
    }


@require_GET
@open311_view
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    categories = district_selectors.active_categories().order_by("position", "code")
    return document("services", [service_payload(category) for category in categories], fmt)


def category_or_404(code: str) -> Category:
    category = district_selectors.active_categories().filter(code=code).first()
    if category is None:
        raise Refused(404, _("service_code %(code)s not found.") % {"code": code})
    return category


@require_GET
@open311_view
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    """No category asks extra questions yet: every definition has an empty attribute list."""
    category = category_or_404(service_code)
    return document("service_definition", {"service_code": category.code, "attributes": []}, fmt)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@open311_view
def service_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return file_service_request(request, fmt)
    query, page, page_size = parse_request_query(request)
    found = selectors.request_rows(selectors.service_requests(query))
    links = {}
    if query.references:
        pass  # the spec: service_request_id overrides every other argument
    elif CURSOR in request.GET:
        found, links = keyset_page(request, found, page_size)
    else:
        start = (page - 1) * page_size
        found = found[start : start + page_size]
    media_base = request.build_absolute_uri(settings.MEDIA_URL)
    response = document(
        "service_requests", selectors.request_payloads(found, media_base=media_base), fmt
    )
    if links:
        response["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
    return response


def keyset_page(request: HttpRequest, found, page_size: int) -> tuple[list, dict[str, str]]:
    """This server's continuation beyond the spec (README): `cursor`, empty for the first page,
    then the `Link: <…>; rel="next"` header's address, pages by keyset (issues.pages), newest
    first; the links to the next and previous pages, when there are some."""
    pages = ComplaintCursorPagination(page_size=page_size, max_page_size=MAX_PAGE_SIZE)
    try:
        rows = pages.paginate_queryset(found, Request(request))
    except InvalidParameter as refused:
        raise Refused(400, refused.body["error"]) from refused
    links = {"next": pages.get_next_link(), "prev": pages.get_previous_link()}
    return rows, {rel: url for rel, url in links.items() if url}


@require_GET
@open311_view
def service_request(request: HttpRequest, service_request_id: str, fmt: str) -> HttpResponse:
    found = selectors.request_rows(
        selectors.service_requests(
            selectors.RequestQuery(references=(service_request_id.strip().upper(),))
        )
    )[:1]
    media_base = request.build_absolute_uri(settings.MEDIA_URL)
    payloads = selectors.request_payloads(found, media_base=media_base)
    if not payloads:
        raise Refused(404, _("service_request_id %(id)s not found.") % {"id": service_request_id})
    return document("service_requests", payloads, fmt)


@require_GET
@open311_view
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    """Every service is `realtime`: a POST answers the service_request_id at once and never a
    token, so no token is ever known here."""
    raise Refused(
        404,
        _("token %(token)s not found: this server answers with a service_request_id at once.")
        % {"token": token},
    )


# --- GET requests: the query --------------------------------------------------------------


def parse_request_query(request: HttpRequest) -> tuple[selectors.RequestQuery, int, int]:
    params = request.GET
    problems = []
    references = tuple(
        part.strip().upper()
        for part in (params.get("service_request_id") or "").split(",")
        if part.strip()
    )
    categories = []
    for code in (part.strip() for part in (params.get("service_code") or "").split(",")):
        if not code:
            continue
        category = district_selectors.active_categories().filter(code=code).first()
        if category is None:
            problems.append(_("service_code %(code)s not found.") % {"code": code})
        else:
            categories.append(category)
    statuses = tuple(
        part.strip() for part in (params.get("status") or "").split(",") if part.strip()
    )
    for status in statuses:
        if status not in (selectors.OPEN, selectors.CLOSED):
            problems.append(
                _("status must be open or closed, not %(status)s.") % {"status": status}
            )
    start = _datetime_parameter(params, "start_date", problems)
    end = _datetime_parameter(params, "end_date", problems)
    if start is None and end is None:
        end = timezone.now()
        start = end - MAX_SPAN
    elif start is None:
        start = end - MAX_SPAN
    elif end is None:
        end = start + MAX_SPAN
    if start and end and (end < start or end - start > MAX_SPAN):
        problems.append(_("start_date and end_date must be in order and at most 90 days apart."))
    near = _near_parameters(params, problems)
    page = _integer_parameter(params, "page", 1, 1, 100_000, problems)
    page_size = _integer_parameter(
        params, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, problems
    )
    if problems:
        raise Refused(400, *problems)
    query = selectors.RequestQuery(
        references=references,
        categories=tuple(categories),
        start=start,
        end=end,
        statuses=statuses,
        near=near,
    )
    return query, page, page_size


def _datetime_parameter(params, name: str, problems: list) -> datetime | None:
    try:
        return inputs.moment(params.get(name) or "")
    except ValidationError as refused:
        problems.append(f"{name}: {refused.messages[0]}")
        return None


def _float(text: str) -> float | None:
    try:
        return inputs.finite_number(text, "")
    except ValidationError:
        return None


def _lat_long(params, problems: list) -> Point | None:
    """The spec's `lat` and `long` as a point; None when both are absent (or refused, with the
    problem listed)."""
    lat_text, long_text = (params.get("lat") or "").strip(), (params.get("long") or "").strip()
    if not lat_text and not long_text:
        return None
    lat, lon = _float(lat_text), _float(long_text)
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        problems.append(_("lat and long must be given together, in WGS 84 degrees."))
        return None
    return Point(lon, lat, srid=4326)


def _near_parameters(params, problems: list):
    point = _lat_long(params, problems)
    if point is None:
        return None
    radius = _float((params.get("radius") or "1000").strip())
    if radius is None or not 1 <= radius <= 50_000:
        problems.append(_("radius must be a distance in metres, from 1 to 50000."))
        return None
    return point, radius


def _integer_parameter(params, name, default, low, high, problems) -> int:
    text = (params.get(name) or "").strip()
    if not text:
        return default
    try:
        return inputs.whole_number(text, low=low, high=high)
    except ValidationError as refused:
        problems.append(f"{name}: {refused.messages[0]}")
        return default


# --- POST requests: filing ----------------------------------------------------------------


def file_service_request(request: HttpRequest, fmt: str) -> HttpResponse:
    key = authenticated_key(request)
    verdict = take_filing(request, key)
    if not verdict.allowed:
        response = errors([_("Too many requests with this api_key; try again later.")], fmt, 429)
        response["Retry-After"] = str(verdict.retry_after)
        return response
    data = request.POST
    service_code = (data.get("service_code") or "").strip()
    if not service_code:
        raise Refused(400, _("service_code was not provided."))
    category = category_or_404(service_code)
    fields = filing_fields(data, category)
    try:
        complaint = services.create_complaint(
            category=category,
            language=get_language() or "fr",
            channel=Complaint.Channel.OPEN311,
            premoderated=key.name in settings.PREMODERATED_API_CLIENTS,
            **fields,
        )
    except OutsideServiceArea as outside:
        raise Refused(400, str(outside.message)) from outside
    except InvalidComplaint as refused:
        raise Refused(
            400, *(f"{name}: {message}" for name, message in refused.errors.items())
        ) from refused
    return document(
        "service_requests",
        [
            {
                "service_request_id": complaint.reference,
                "service_notice": selectors.service_notice(
                    complaint, answer_expectation(complaint)
                ),
                "account_id": None,
            }
        ],
        fmt,
        status=201,
    )


def authenticated_key(request: HttpRequest) -> APIKey:
    given = (request.POST.get("api_key") or request.GET.get("api_key") or "").strip()
    if not given:
        raise Refused(403, _("api_key was not provided: filing needs a key of this server."))
    try:
        key = APIKey.objects.get_from_key(given)
    except APIKey.DoesNotExist:
        key = None
    if key is None or not key.is_valid(given) or key.has_expired or key.revoked:
        raise Refused(403, _("This api_key is not valid (unknown or revoked)."))
    return key


def filing_fields(data, category: Category) -> dict:
    """The spec's POST arguments as create_complaint's, with every problem listed at once."""
    problems = []
    location = _location(data, problems)
    description = (data.get("description") or "").strip()
    if not description:
        problems.append(_("description: describe the problem."))
    elif len(description) > MAX_DESCRIPTION:
        problems.append(_("description: 4,000 characters at most."))
    email = (data.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("email: enter a valid e-mail address."))
    try:
        phone = inputs.phone_number(data.get("phone") or "")
    except ValidationError as refused:
        phone = ""
        problems.append(f"phone: {refused.messages[0]}")
    # Not in GeoReport v2: this server's own argument (README). Without it, a mobile phone
    # gets SMS and an e-mail address e-mails (issues.services.notify_by_default).
    notify_by = (data.get("notify_by") or "").strip() or None
    media_url = (data.get("media_url") or "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            problems.append(_("media_url: give an http(s) address."))
    attributes = sorted(key for key in data if key.startswith("attribute["))
    if attributes:
        problems.append(
            _("%(service)s has no attributes: %(given)s.")
            % {"service": category.code, "given": ", ".join(attributes)}
        )
    if problems:
        raise Refused(400, *problems)
    name = " ".join(
        part
        for part in ((data.get("first_name") or "").strip(), (data.get("last_name") or "").strip())
        if part
    )
    return {
        "location": location,
        "title": title_from(description),
        "description": description,
        "contact_name": name[:120],
        "contact_email": email,
        "contact_phone": phone,
        "notify_by": notify_by,
        "reported_media_url": media_url,
    }


def title_from(description: str) -> str:
    """Open311 has no title: the description's first line, shortened at a word."""
    first_line = description.splitlines()[0].strip()
    if len(first_line) <= TITLE_LENGTH:
        return first_line
    return first_line[: TITLE_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _location(data, problems: list) -> Point | None:
    if (data.get("lat") or "").strip() or (data.get("long") or "").strip():
        return _lat_long(data, problems)
    address = (data.get("address_string") or "").strip()
    if address:
        try:
            found = get_geocoder().search(address[:100])
        except GeocoderUnavailable:
            problems.append(_("address_string could not be looked up now; send lat and long."))
            return None
        if not found:
            problems.append(_("address_string: no place in Casablanca has this name."))
            return None
        return Point(found[0].lon, found[0].lat, srid=4326)
    if (data.get("address_id") or "").strip():
        problems.append(_("address_id is not supported here: send lat and long."))
        return None
    problems.append(_("A location is required: lat and long, or address_string."))
    return None
