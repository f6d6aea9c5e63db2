"""Public REST endpoints on complaints (no personal data)."""

from __future__ import annotations

from django import forms
from django.contrib.gis.geos import Point
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casa_map import inputs, limits
from casa_map.api_errors import (
    ErrorSerializer,
    domain_error,
    form_errors,
    invalid_parameter,
    object_body,
)
from casa_map.views import too_many
from districts.errors import OutsideServiceArea
from districts.models import Category
from districts.serializers import CoordinatesSerializer

from . import category_suggestion, policy, selectors, services
from .answers import CategorySuggestionAnswer, NearbyComplaintAnswer
from .errors import AlreadyFiled, InvalidComplaint, SupportRefused
from .filters import (
    InBoxFilter,
    PublicComplaintFilter,
    StrictFilterBackend,
    StrictOrderingFilter,
    WithinDistanceFilter,
)
from .forms import ReportForm
from .models import Complaint
from .pages import PAGE_PARAMETERS, ComplaintPagination
from .serializers import (
    FiledComplaintSerializer,
    PublicComplaintDetailSerializer,
    PublicComplaintFeatureSerializer,
    ReportRequestSerializer,
    served_path,
)

# Possible duplicates offered on the report form: a phone screen's worth.
NEARBY_LIMIT = 10


class NearbyQuerySerializer(CoordinatesSerializer):
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.filter(is_active=True)
    )
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=True)

    def validate_text(self, value: str) -> str:
        return inputs.text(value, max_length=category_suggestion.TEXT_MAX_LENGTH)


class NearbyComplaintsView(APIView):
    """Possible duplicates of a report about to be filed (issues.selectors.possible_duplicates),
    to support one instead of filing again: open, or closed within the category's window,
    within its radius of the public position, of the same category; ranked best first by a
    score of distance, category and — when `text` is given — text similarity."""

    @extend_schema(
        parameters=[
            OpenApiParameter("lat", float, required=True),
            OpenApiParameter("lon", float, required=True),
            OpenApiParameter("category", str, required=True),
            OpenApiParameter(
                "text",
                str,
                description="optional: the report's title and description as typed so far",
            ),
        ],
        responses={200: NearbyComplaintAnswer(many=True)},
    )
    def get(self, request: Request) -> Response:
        query = NearbyQuerySerializer(data=request.query_params)
        if not query.is_valid():
            return invalid_parameter(query)
        data = query.validated_data
        found = selectors.possible_duplicates(
            Point(data["lon"], data["lat"], srid=4326),
            data["category"],
            data.get("text", ""),
            limit=NEARBY_LIMIT,
        )
        return Response(
            [
                {
                    "reference": duplicate.complaint.reference,
                    "title": duplicate.complaint.shown_title,
                    "status": duplicate.complaint.get_status_display(),
                    "is_open": duplicate.complaint.is_open,
                    "supports": duplicate.complaint.support_count,
                    "distance_m": round(duplicate.distance_m),
                    "score": duplicate.score,
                    "created": duplicate.complaint.created_at.date().isoformat(),
                    "thumbnail": (
                        served_path(duplicate.complaint.public_photos[0].thumbnail)
                        if duplicate.complaint.public_photos
                        else None
                    ),
                    "url": duplicate.complaint.get_absolute_url(),
                    "support_url": f"{duplicate.complaint.get_absolute_url()}support/",
                }
                for duplicate in found
            ]
        )


COMPLAINT_FILTER_PARAMETERS = [
    OpenApiParameter("in_bbox", str, description="west,south,east,north (WGS 84 degrees)"),
    OpenApiParameter("point", str, description="lon,lat: with `dist`, complaints near it"),
    OpenApiParameter("dist", float, description="metres around `point` (default 1000)"),
    OpenApiParameter(
        "ordering",
        str,
        description="created_at, updated_at or support_count; minus sign for descending "
        "(default -created_at)",
    ),
    OpenApiParameter("page", int),
    OpenApiParameter(
        "cursor",
        str,
        description="keyset pagination: give it empty for the first page, then follow `next`; "
        "deep pages cost what the first does, and a report filed meanwhile never shifts them "
        "(`page` is then ignored). `count` is then exact where the tallies hold it, else null "
        "with `count_estimate` (an estimate). A cursor not taken from `next`/`previous` is a 400",
    ),
    OpenApiParameter("page_size", int, description="1–500 (default 100)"),
]
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="a refused parameter or field"),
}


class SuggestionQueryForm(forms.Form):
    text = inputs.TextField(
        required=False, max_length=category_suggestion.TEXT_MAX_LENGTH, strip=True
    )


class CategorySuggestionView(APIView):
    """The categories a report's text most likely belongs to, best first, each with its score
    (the model's probability) and its name in the caller's language. French, Arabic and Darija
    (Arabic script or Latin letters with digits). An empty text gets an empty list."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "text",
                str,
                required=True,
                description="the report's title and description as typed so far",
            )
        ],
        responses={200: CategorySuggestionAnswer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = SuggestionQueryForm(data=request.query_params)
        if not query.is_valid():
            return invalid_parameter(query)
        return Response(
            [
                {"code": s.code, "name": s.name, "score": s.score}
                for s in category_suggestion.suggest(query.cleaned_data["text"])
            ]
        )


class ComplaintsView(GenericAPIView):
    """Complaints, public: GET lists them as a paginated GeoJSON FeatureCollection; POST files a
    new one through the same service as the web form (JSON, or multipart with up to 5 files)."""

    serializer_class = PublicComplaintFeatureSerializer
    pagination_class = ComplaintPagination
    filter_backends = [StrictFilterBackend, InBoxFilter, WithinDistanceFilter, StrictOrderingFilter]
    filterset_class = PublicComplaintFilter
    ordering_fields = ["created_at", "updated_at", "support_count"]
    ordering = ["-created_at"]

    def get_queryset(self):
        return selectors.public_complaints()

    def known_count(self, request: Request) -> int | None:
        """The count when the filter can read it from the tallies (issues.filters)."""
        params = request.query_params.copy()
        for name in {*PAGE_PARAMETERS, "ordering"}:
            params.pop(name, None)
        if any(
            value and name not in self.filterset_class.base_filters
            for name, value in params.items()
        ):
            return None
        return self.filterset_class(params, queryset=self.get_queryset()).count_without_rows()

    @extend_schema(
        parameters=COMPLAINT_FILTER_PARAMETERS,
        responses={200: PublicComplaintFeatureSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request={
            "application/json": ReportRequestSerializer,
            "multipart/form-data": ReportRequestSerializer,
        },
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="A UUID drawn once per report. Sending the same report again with "
                "the same key stores nothing new and answers 200 with the first report.",
            )
        ],
        responses={
            200: OpenApiResponse(
                FiledComplaintSerializer, description="already filed with this Idempotency-Key"
            ),
            201: FiledComplaintSerializer,
            **ERRORS,
            429: OpenApiResponse(ErrorSerializer, description="too many reports from this IP"),
        },
    )
    def post(self, request: Request) -> Response:
        verdict = limits.take_anonymous(request, "report")
        if not verdict.allowed:
            return too_many(request, verdict, _("Too many reports from this connection."), True)
        return filing_answer(
            request,
            ReportForm,
            file=lambda form: services.create_complaint(
                **form.complaint_fields(),
                reporter=request.user,
                submitter=policy.requester_identity(request),
                language=get_language() or "fr",
                channel=Complaint.Channel.API,
            ),
            may_see_filed=lambda complaint: policy.is_same_submitter(request, complaint),
            answer_serializer=FiledComplaintSerializer,
        )


def filing_answer(request: Request, form_class, *, file, may_see_filed, answer_serializer):
    """The filing endpoints' one path from a request to its answer (the public API, staff
    intake): the body and its Idempotency-Key read into `form_class`, `file(form)` called, and
    each refusal answered in the error shape. A key already used answers its report (200) to
    whoever `may_see_filed` it, 409 to anyone else."""
    data = object_body(request).copy()
    data.setdefault("kind", Complaint.Kind.COMPLAINT)
    if "Idempotency-Key" in request.headers:
        data["submission_key"] = request.headers["Idempotency-Key"]
    form = form_class(data, request.FILES)
    if not form.is_valid():
        return form_errors(form)
    created = status.HTTP_201_CREATED
    try:
        complaint = file(form)
    except AlreadyFiled as filed:
        if not may_see_filed(filed.complaint):
            return domain_error(
                _("This Idempotency-Key was already used for another report."),
                "already_used",
                status.HTTP_409_CONFLICT,
            )
        complaint, created = filed.complaint, status.HTTP_200_OK
    except OutsideServiceArea as outside:
        return domain_error(outside.message, outside.code)
    except InvalidComplaint as refused:
        return domain_error(
            next(iter(refused.errors.values())),
            refused.code,
            fields={name: [str(message)] for name, message in refused.errors.items()},
        )
    answer = answer_serializer(complaint, context={"request": request}).data
    return Response(answer, status=created, headers={"Location": answer["tracking_url"]})


def public_complaint_or_404(reference: str) -> Complaint:
    try:
        return selectors.public_complaint(reference)
    except Complaint.DoesNotExist as missing:
        raise NotFound(_("No report has this tracking code.")) from missing


class ComplaintDetailView(APIView):
    """One complaint by its tracking code: status, public timeline, cleaned photos, supports."""

    @extend_schema(
        responses={
            200: PublicComplaintDetailSerializer,
            404: OpenApiResponse(ErrorSerializer, description="no report has this code"),
        }
    )
    def get(self, request: Request, reference: str) -> Response:
        complaint = public_complaint_or_404(reference)
        serializer = PublicComplaintDetailSerializer(complaint, context={"request": request})
        return Response(serializer.data)


class SupportRequestSerializer(serializers.Serializer):
    device_id = serializers.CharField(
        required=False,
        max_length=200,
        help_text="Accepted for older clients and ignored: a support counts once per account "
        "when signed in, else once per client address.",
    )


class SupportAnswerSerializer(serializers.Serializer):
    counted = serializers.BooleanField()
    supports = serializers.IntegerField()


class SupportView(APIView):
    """ "I have this problem too": counted once per account, or per client address when
    anonymous; rate-limited per client (SUPPORT_RATE_LIMIT), like the page's button."""

    @extend_schema(
        request=SupportRequestSerializer,
        responses={
            200: SupportAnswerSerializer,
            **ERRORS,
            404: OpenApiResponse(ErrorSerializer),
            409: OpenApiResponse(ErrorSerializer, description="the report is closed"),
        },
    )
    def post(self, request: Request, reference: str) -> Response:
        complaint = public_complaint_or_404(reference)
        SupportRequestSerializer(data=object_body(request)).is_valid(raise_exception=True)
        verdict = limits.take(request, "support")
        if not verdict.allowed:
            return too_many(request, verdict, _("Too many supports from this connection."), True)
        try:
            counted = services.support_complaint(
                complaint=complaint,
                device_token=policy.requester_identity(request),
                user=request.user,
            )
        except SupportRefused as refused:
            return domain_error(refused.message, "support_refused", status.HTTP_409_CONFLICT)
        return Response({"counted": counted, "supports": complaint.support_count})
