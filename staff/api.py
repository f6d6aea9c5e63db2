"""The staff workspace through the API (session or `Authorization: Token …`): the queue with the
same filters and scope as /staff/, a report filed on a citizen's behalf (staff intake), a
complaint with its internal notes, and every workflow action through the same forms and services
as the pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casa_map.api_errors import (
    ErrorSerializer,
    InvalidParameter,
    domain_error,
    form_errors,
    invalid_parameter_body,
    object_body,
    refused_fields_body,
)
from issues import policy
from issues.api import filing_answer
from issues.attachments import AttachmentRejected
from issues.errors import InvalidTransition
from issues.models import Complaint
from issues.pages import PAGE_PARAMETERS, ComplaintPagination
from issues.selectors import public_complaint
from issues.serializers import (
    FiledComplaintSerializer,
    PublicComplaintDetailSerializer,
    ReportRequestSerializer,
    StaffComplaintDetailSerializer,
    StaffComplaintFeatureSerializer,
)

from .actions import STAFF_ACTIONS, apply_bulk, bound_bulk_form
from .filters import QueueFilter
from .forms import IntakeForm
from .intake import file_on_behalf, private_link
from .selectors import possible_duplicates_of, queue_count

STAFF_ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="not signed in / no token"),
    403: OpenApiResponse(ErrorSerializer, description="not a staff member"),
}


class IsStaffMember(IsAuthenticated):
    """Signed in (session or token) and holding a staff membership."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        try:
            policy.membership_of(request.user)
        except policy.NotStaff as refused:
            raise PermissionDenied(
                _("This workspace is for the staff of an authority.")
            ) from refused
        return True


def scoped_or_404(request: Request, reference: str) -> Complaint:
    try:
        return policy.scoped_complaint(request.user, reference.strip().upper())
    except Complaint.DoesNotExist as missing:
        raise NotFound(_("No report has this tracking code.")) from missing


def detail_response(request: Request, complaint: Complaint) -> Response:
    """The complaint as it now is; once re-routed out of the caller's scope, its public view."""
    try:
        complaint = policy.scoped_complaints(request.user).get(pk=complaint.pk)
    except Complaint.DoesNotExist:
        public = public_complaint(complaint.reference)
        return Response(PublicComplaintDetailSerializer(public, context={"request": request}).data)
    offers = possible_duplicates_of(request.user, complaint)
    context = {"request": request, "possible_duplicates": offers}
    return Response(StaffComplaintDetailSerializer(complaint, context=context).data)


class IntakeRequestSerializer(ReportRequestSerializer):
    """A report filed on a citizen's behalf (validated by staff.forms.IntakeForm: the web form's
    rules, plus these; documented here for the OpenAPI schema)."""

    channel = serializers.ChoiceField(
        choices=Complaint.Channel.staff_choices(), help_text="how the citizen reached the city"
    )
    language = serializers.ChoiceField(
        choices=["fr", "ar"], required=False, help_text="for the citizen's messages; fr if absent"
    )
    contact_phone = serializers.CharField(
        required=False, help_text="never public; Moroccan (06…) or international (+…)"
    )


class IntakeAnswerSerializer(FiledComplaintSerializer):
    """The filed report, with what to give the citizen: the tracking code and their private
    link (to reopen or rate it)."""

    channel = serializers.CharField()
    private_url = serializers.SerializerMethodField()

    def get_private_url(self, complaint: Complaint) -> str:
        return private_link(self.context["request"], complaint)


class StaffQueueView(GenericAPIView):
    """GET: the caller's queue as paginated GeoJSON, with the filters and sorting of /staff/
    (status, category, channel, created_after/created_before, overdue, assigned=me|nobody, q,
    sort). POST: a report filed on a citizen's behalf (staff intake: phone, counter, letter,
    WhatsApp, e-mail), by any staff member for any place, routed like every other."""

    permission_classes = [IsStaffMember]
    serializer_class = StaffComplaintFeatureSerializer
    pagination_class = ComplaintPagination
    queryset = Complaint.objects.none()  # for the schema; requests read the caller's scope

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, many=True),
            OpenApiParameter("category", str),
            OpenApiParameter("channel", str, enum=Complaint.Channel.values),
            OpenApiParameter("created_after", str, description="YYYY-MM-DD"),
            OpenApiParameter("created_before", str, description="YYYY-MM-DD"),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("assigned", str, enum=["me", "nobody"]),
            OpenApiParameter("q", str, description="code, title or description"),
            OpenApiParameter(
                "sort",
                str,
                description="created, acknowledge_by, answer_by, "
                "supports; minus sign for descending",
            ),
            OpenApiParameter("page", int),
            OpenApiParameter(
                "cursor",
                str,
                description="keyset pagination, in the `sort` order: give it empty for the "
                "first page, then follow `next` (`page` is then ignored). `count` is exact "
                "when only `status` filters (from the queue tallies), else null with "
                "`count_estimate` (an estimate). A cursor not taken from `next`/`previous` "
                "is a 400",
            ),
            OpenApiParameter("page_size", int, description="1–500 (default 100)"),
        ],
        responses={
            200: StaffComplaintFeatureSerializer(many=True),
            400: OpenApiResponse(ErrorSerializer, description="a refused parameter"),
            **STAFF_ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        scope = policy.scoped_complaints(request.user).order_by("-created_at", "-id")
        queue = QueueFilter(request.query_params, queryset=scope, request=request)
        if not queue.is_valid():
            raise InvalidParameter(invalid_parameter_body(queue.form))
        page = self.paginate_queryset(queue.qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def known_count(self, request: Request) -> int | None:
        """The queue's count when only statuses filter it (from the queue tallies); None
        otherwise (ComplaintPagination counts the rows, or estimates them for keyset pages)."""
        filters = {
            name
            for name, value in request.query_params.lists()
            if name not in {*PAGE_PARAMETERS, "sort"} and any(value)
        }
        if not filters <= {"status"}:
            return None
        statuses = [s for s in request.query_params.getlist("status") if s]
        return queue_count(request.user, statuses or None)

    @extend_schema(
        operation_id="staff_complaints_file_for_citizen",
        request={
            "application/json": IntakeRequestSerializer,
            "multipart/form-data": IntakeRequestSerializer,
        },
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="A UUID drawn once per report: sent again with the same key, "
                "nothing new is stored and the first report is answered (200).",
            )
        ],
        responses={
            200: OpenApiResponse(
                IntakeAnswerSerializer, description="already filed with this Idempotency-Key"
            ),
            201: IntakeAnswerSerializer,
            400: OpenApiResponse(ErrorSerializer, description="refused input or place"),
            409: OpenApiResponse(ErrorSerializer, description="key used by someone else"),
            **STAFF_ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        if not policy.may_file_on_behalf(request.user):
            raise PermissionDenied(_("This workspace is for the staff of an authority."))
        return filing_answer(
            request,
            IntakeForm,
            file=lambda form: file_on_behalf(form, request),
            may_see_filed=lambda complaint: policy.may_see_intake(request.user, complaint),
            answer_serializer=IntakeAnswerSerializer,
        )


class StaffComplaintView(APIView):
    """One complaint of the caller's scope, with contact details, internal notes and the
    statuses it may move to. Another authority's complaint is a 404."""

    permission_classes = [IsStaffMember]

    @extend_schema(
        responses={
            200: StaffComplaintDetailSerializer,
            404: OpenApiResponse(ErrorSerializer),
            **STAFF_ERRORS,
        }
    )
    def get(self, request: Request, reference: str) -> Response:
        return detail_response(request, scoped_or_404(request, reference))


class ActionRequestSerializer(serializers.Serializer):
    """Fields per action — transition: to_status, public_message, internal_note, duplicate_of;
    reroute: authority (slug), reason; assign: agent (user id, empty for nobody); message:
    public_message, internal_note; photo: photo (multipart)."""

    to_status = serializers.ChoiceField(choices=Complaint.Status.choices, required=False)
    public_message = serializers.CharField(required=False)
    internal_note = serializers.CharField(required=False)
    duplicate_of = serializers.CharField(required=False)
    authority = serializers.CharField(required=False)
    reason = serializers.CharField(required=False)
    agent = serializers.IntegerField(required=False, allow_null=True)
    photo = serializers.FileField(required=False)


class StaffActionView(APIView):
    """A workflow action on one complaint: `transition`, `reroute`, `assign`, `message` or
    `photo`. Answers the complaint as it now is. A move the workflow does not allow is a 400
    naming the allowed statuses."""

    permission_classes = [IsStaffMember]

    @extend_schema(
        parameters=[
            OpenApiParameter("action", str, OpenApiParameter.PATH, enum=sorted(STAFF_ACTIONS))
        ],
        request={
            "application/json": ActionRequestSerializer,
            "multipart/form-data": ActionRequestSerializer,
        },
        responses={
            200: StaffComplaintDetailSerializer,
            400: OpenApiResponse(ErrorSerializer, description="refused input or move"),
            404: OpenApiResponse(ErrorSerializer),
            **STAFF_ERRORS,
        },
    )
    def post(self, request: Request, reference: str, action: str) -> Response:
        complaint = scoped_or_404(request, reference)
        if action not in STAFF_ACTIONS:
            raise NotFound(_("Unknown action."))
        staff_action = STAFF_ACTIONS[action]
        form = staff_action.form(object_body(request), request.FILES, complaint)
        if not form.is_valid():
            return form_errors(form)
        try:
            staff_action.apply(complaint, form.cleaned_data, request.user)
        except InvalidTransition as refused:
            allowed = sorted(complaint.TRANSITIONS[complaint.status])
            return domain_error(refused.message, refused.code, allowed=allowed)
        except AttachmentRejected as rejected:
            body = refused_fields_body({"photo": [str(rejected.message)]})
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return detail_response(request, complaint)


class BulkRequestSerializer(serializers.Serializer):
    references = serializers.ListField(child=serializers.CharField())
    action = serializers.ChoiceField(choices=["acknowledge", "close", "assign"])
    agent = serializers.IntegerField(required=False, allow_null=True)
    public_message = serializers.CharField(required=False)


class BulkAnswerSerializer(serializers.Serializer):
    changed = serializers.ListField(child=serializers.CharField())
    skipped = serializers.DictField(child=serializers.CharField())


class StaffBulkView(APIView):
    """Acknowledge, close or assign several complaints of the caller's queue at once: each one
    takes the change or is listed in `skipped` with the reason. A reference outside the queue
    refuses the whole request."""

    permission_classes = [IsStaffMember]

    @extend_schema(
        request=BulkRequestSerializer,
        responses={
            200: BulkAnswerSerializer,
            400: OpenApiResponse(ErrorSerializer),
            **STAFF_ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        form = bound_bulk_form(request.user, object_body(request))
        if not form.is_valid():
            return form_errors(form)
        result = apply_bulk(form, actor=request.user)
        return Response(
            {"changed": result.changed, "skipped": {k: str(v) for k, v in result.skipped.items()}}
        )
