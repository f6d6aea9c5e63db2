"""How complaints are shown through the API. Public serializers name every field they show:
none of them can reach the reporter's account or contact details."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from casa_map import inputs
from districts.models import name_in_language

from . import policy, public_view, selectors
from .models import Attachment, CitizenUpdate, Complaint, Event


@extend_schema_field(
    {
        "type": "object",
        "description": "GeoJSON Point (WGS 84)",
        "properties": {
            "type": {"type": "string", "example": "Point"},
            "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2},
        },
    }
)
class PublicPointField(GeometryField):
    """The public position that issues.public_view annotates (a GeoJSON Point)."""


class PublicComplaintFeatureSerializer(GeoFeatureModelSerializer):
    """One complaint as a GeoJSON Feature (WGS 84 point), as anyone may see it."""

    category = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    arrondissement = serializers.CharField(source="arrondissement.slug", read_only=True)
    authority = serializers.CharField(source="authority.slug", read_only=True)
    authority_name = serializers.CharField(source="authority.name", read_only=True)
    supports = serializers.IntegerField(source="support_count", read_only=True)
    title = serializers.CharField(source="shown_title", read_only=True)
    description = serializers.CharField(source="shown_description", read_only=True)
    tracking_url = serializers.SerializerMethodField()
    # The public position: issues.public_view annotates it (generalised for sensitive
    # categories) on every public queryset.
    location = PublicPointField(source="public_location", read_only=True)

    class Meta:
        model = Complaint
        geo_field = "location"
        id_field = False
        fields = [
            "location",
            "reference",
            "kind",
            "category",
            "category_name",
            "status",
            "status_label",
            "title",
            "description",
            "arrondissement",
            "authority",
            "authority_name",
            "supports",
            "is_demo",
            "acknowledge_by",
            "answer_by",
            "created_at",
            "updated_at",
            "tracking_url",
        ]
        read_only_fields = fields

    def get_tracking_url(self, complaint: Complaint) -> str:
        return absolute(self.context.get("request"), complaint.get_absolute_url())

    BUILT_FIELDS = Meta.fields[1:]

    # A page of 100 through DRF's generic fields (a source lookup, a lazy translation, a GDAL
    # geometry and a URL reversal per field and row) cost ten times its SQL: the Feature is
    # built here directly, the same as the declared fields give (which the API schema reads;
    # tests/issues/test_feature_projection.py compares the two).

    def to_representation(self, complaint: Complaint) -> dict:
        if not self.builds_feature:  # a subclass with more fields (the detail serializers)
            return super().to_representation(complaint)
        point = self.feature_point(complaint)
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
            "properties": self.feature_properties(complaint),
        }

    def feature_point(self, complaint: Complaint):
        return complaint.public_location

    def feature_properties(self, complaint: Complaint) -> dict:
        shared = self.shared
        language = shared.language
        return {
            "reference": complaint.reference,
            "kind": complaint.kind,
            "category": complaint.category.code,
            "category_name": name_in_language(
                complaint.category.name_fr, complaint.category.name_ar, language
            ),
            "status": complaint.status,
            "status_label": shared.status_labels[complaint.status],
            "title": complaint.shown_title,
            "description": complaint.shown_description,
            "arrondissement": complaint.arrondissement.slug,
            "authority": complaint.authority.slug,
            "authority_name": name_in_language(
                complaint.authority.name_fr, complaint.authority.name_ar, language
            ),
            "supports": complaint.support_count,
            "is_demo": complaint.is_demo,
            "acknowledge_by": complaint.acknowledge_by.isoformat(),
            "answer_by": complaint.answer_by.isoformat(),
            "created_at": shared.moment(complaint.created_at),
            "updated_at": shared.moment(complaint.updated_at),
            "tracking_url": shared.tracking_url(complaint.reference),
        }

    @property
    def builds_feature(self) -> bool:
        """Whether feature_properties writes exactly this class's fields."""
        return list(self.Meta.fields) == ["location", *self.BUILT_FIELDS]

    @cached_property
    def shared(self) -> FeatureContext:
        """What every row of a list shares, looked up once (the child serializer of a list is
        one instance for all its rows)."""
        return FeatureContext(self.context.get("request"))


class FeatureContext:
    """The language, time zone, status labels and tracking address of one answer."""

    PLACEHOLDER = "REFERENCE"

    def __init__(self, request):
        self.language = get_language() or "fr"
        self.zone = timezone.get_current_timezone()
        self.status_labels = {value: str(label) for value, label in Complaint.Status.choices}
        self.tracking_template = absolute(request, reverse("track", args=[self.PLACEHOLDER]))

    def tracking_url(self, reference: str) -> str:
        return self.tracking_template.replace(self.PLACEHOLDER, reference)

    def moment(self, value) -> str | None:
        """As DRF's DateTimeField writes it: ISO 8601 in the current time zone, Z for UTC."""
        if value is None:
            return None
        text = value.astimezone(self.zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text


class PublicEventSerializer(serializers.ModelSerializer):
    """A public step of the timeline: never the internal note, never who did it."""

    authority_name = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["kind", "from_status", "to_status", "public_message", "authority_name"]
        fields += ["created_at"]

    def get_authority_name(self, event: Event) -> str | None:
        return event.authority.name if event.authority else None


class StaffEventSerializer(PublicEventSerializer):
    actor = serializers.EmailField(
        source="actor.email", default=None, read_only=True, allow_null=True
    )

    class Meta(PublicEventSerializer.Meta):
        fields = [*PublicEventSerializer.Meta.fields, "is_public", "internal_note", "actor"]


def served_path(stored) -> str:
    """Where the site serves a stored file (never the storage's own URL, e.g. a bucket's)."""
    return reverse("attachment-file", args=[stored.name])


class AttachmentSerializer(serializers.ModelSerializer):
    """The cleaned copies only (photos re-encoded without metadata), as absolute URLs."""

    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["kind", "stage", "url", "thumbnail_url", "created_at"]

    def get_url(self, attachment: Attachment) -> str:
        return absolute(self.context.get("request"), served_path(attachment.public_copy))

    def get_thumbnail_url(self, attachment: Attachment) -> str | None:
        if not attachment.thumbnail:
            return None
        return absolute(self.context.get("request"), served_path(attachment.thumbnail))


class StaffAttachmentSerializer(AttachmentSerializer):
    """For the handling staff: the file as received (cleaned of metadata, faces not blurred;
    served to staff only) and the public copy, null until the worker has made it."""

    public_url = serializers.SerializerMethodField()

    class Meta(AttachmentSerializer.Meta):
        fields = [*AttachmentSerializer.Meta.fields, "public_url", "is_hidden"]

    def get_url(self, attachment: Attachment) -> str:
        staff_copy = attachment.staff_copy
        return absolute(self.context.get("request"), served_path(staff_copy)) if staff_copy else ""

    def get_public_url(self, attachment: Attachment) -> str | None:
        public = attachment.public_copy
        return absolute(self.context.get("request"), served_path(public)) if public else None


class PublicCitizenUpdateSerializer(serializers.ModelSerializer):
    """A published citizen's update (issues.public_view.published_updates): never who sent it;
    its photo by its public copy, or null."""

    text = serializers.CharField(source="shown_text", read_only=True)  # personal data masked
    photo = serializers.SerializerMethodField()

    class Meta:
        model = CitizenUpdate
        fields = ["claim", "text", "photo", "created_at"]

    @extend_schema_field(AttachmentSerializer(allow_null=True))
    def get_photo(self, update: CitizenUpdate) -> dict | None:
        photo = public_view.public_update_photo(update)
        return AttachmentSerializer(photo, context=self.context).data if photo else None


class PublicComplaintDetailSerializer(PublicComplaintFeatureSerializer):
    timeline = PublicEventSerializer(source="events", many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    citizen_updates = PublicCitizenUpdateSerializer(
        source="published_updates", many=True, read_only=True
    )
    usually_answered_within_days = serializers.SerializerMethodField()

    class Meta(PublicComplaintFeatureSerializer.Meta):
        fields = [
            *PublicComplaintFeatureSerializer.Meta.fields,
            "usually_answered_within_days",
            "timeline",
            "attachments",
            "citizen_updates",
        ]
        read_only_fields = fields

    def get_usually_answered_within_days(self, complaint: Complaint) -> int | None:
        return usually_answered_within_days(complaint)


class StaffComplaintFeatureSerializer(PublicComplaintFeatureSerializer):
    """What the handling staff see in their queue: deadlines, assignment and contact too."""

    assigned_to = serializers.EmailField(
        source="assigned_to.email", default=None, read_only=True, allow_null=True
    )
    location = GeometryField(read_only=True)  # the exact point

    class Meta(PublicComplaintFeatureSerializer.Meta):
        fields = [
            *PublicComplaintFeatureSerializer.Meta.fields,
            "assigned_to",
            "routing_fell_back",
            "is_reopened",
            "acknowledged_at",
            "resolved_at",
        ]
        read_only_fields = fields

    BUILT_FIELDS = Meta.fields[1:]

    def feature_point(self, complaint: Complaint):
        return complaint.location

    def feature_properties(self, complaint: Complaint) -> dict:
        shared = self.shared
        return {
            **super().feature_properties(complaint),
            "assigned_to": complaint.assigned_to.email if complaint.assigned_to else None,
            "routing_fell_back": complaint.routing_fell_back,
            "is_reopened": complaint.is_reopened,
            "acknowledged_at": shared.moment(complaint.acknowledged_at),
            "resolved_at": shared.moment(complaint.resolved_at),
        }


class PossibleDuplicateSerializer(serializers.Serializer):
    reference = serializers.CharField()
    title = serializers.CharField()
    category = serializers.CharField()
    status = serializers.CharField()
    distance_m = serializers.IntegerField(help_text="From this report's real position.")
    same_category = serializers.BooleanField()
    text_similarity = serializers.FloatField(help_text="0 to 1")
    score = serializers.FloatField(help_text="0 to 1: distance, category and text similarity")
    url = serializers.CharField(help_text="Its staff page in your scope, else its public page.")


class StaffComplaintDetailSerializer(StaffComplaintFeatureSerializer):
    timeline = StaffEventSerializer(source="events", many=True, read_only=True)
    attachments = StaffAttachmentSerializer(many=True, read_only=True)
    # What the caller may see of them: issues.policy.contact_shown_to.
    contact_name = serializers.SerializerMethodField()
    contact_email = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()
    contact_through_city = serializers.SerializerMethodField()
    notify_by = serializers.CharField(read_only=True)
    channel = serializers.CharField(read_only=True)
    reported_media_url = serializers.CharField(read_only=True)
    allowed_statuses = serializers.SerializerMethodField()
    # Recurring (issue #27): the tracking code of the fixed report this one recurs, or null.
    recurrence_of = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    # Possible duplicates (issue #27): staff.selectors.possible_duplicates_of, given in the
    # context by the view; best first.
    possible_duplicates = serializers.SerializerMethodField()

    class Meta(StaffComplaintFeatureSerializer.Meta):
        fields = [
            *StaffComplaintFeatureSerializer.Meta.fields,
            "recurrence_of",
            "possible_duplicates",
            "contact_name",
            "contact_email",
            "contact_phone",
            "contact_through_city",
            "notify_by",
            "channel",
            "reported_media_url",
            "allowed_statuses",
            "timeline",
            "attachments",
        ]
        read_only_fields = fields

    @extend_schema_field(PossibleDuplicateSerializer(many=True))
    def get_possible_duplicates(self, complaint: Complaint) -> list[dict]:
        return [
            {
                "reference": offer.found.complaint.reference,
                "title": offer.found.complaint.shown_title,
                "category": offer.found.complaint.category.code,
                "status": offer.found.complaint.status,
                "distance_m": round(offer.found.distance_m),
                "same_category": offer.found.same_category,
                "text_similarity": round(offer.found.text_similarity, 4),
                "score": offer.found.score,
                "url": offer.url,
            }
            for offer in self.context.get("possible_duplicates", [])
        ]

    def _contact(self, complaint: Complaint) -> policy.ContactView:
        request = self.context.get("request")
        if request is None:
            return policy.ContactView()
        return policy.contact_shown_to(request.user, complaint)

    def get_contact_name(self, complaint: Complaint) -> str:
        return self._contact(complaint).name

    def get_contact_email(self, complaint: Complaint) -> str:
        return self._contact(complaint).email

    def get_contact_phone(self, complaint: Complaint) -> str:
        return self._contact(complaint).phone

    def get_contact_through_city(self, complaint: Complaint) -> bool:
        """The reporter left contact details but did not agree to their being given to the
        operator: reach them through the city."""
        return self._contact(complaint).through_city

    def get_allowed_statuses(self, complaint: Complaint) -> list[str]:
        return sorted(complaint.TRANSITIONS[complaint.status])


class FiledComplaintSerializer(serializers.Serializer):
    """The answer to a report filed through the API."""

    reference = serializers.CharField()
    status = serializers.CharField()
    authority = serializers.CharField(source="authority.slug")
    authority_name = serializers.CharField(source="authority.name")
    acknowledge_by = serializers.DateField()
    answer_by = serializers.DateField()
    usually_answered_within_days = serializers.SerializerMethodField()
    tracking_url = serializers.SerializerMethodField()

    def get_usually_answered_within_days(self, complaint: Complaint) -> int | None:
        return usually_answered_within_days(complaint)

    def get_tracking_url(self, complaint: Complaint) -> str:
        return absolute(self.context.get("request"), complaint.get_absolute_url())


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


class ReportRequestSerializer(serializers.Serializer):
    """What a report filed through the API carries (validated by issues.forms.ReportForm, the
    web form's own rules; documented here for the OpenAPI schema)."""

    kind = serializers.ChoiceField(choices=Complaint.Kind.choices, required=False)
    category = serializers.CharField(help_text="category code, see /api/v1/categories/")
    title = serializers.CharField(max_length=140)
    description = serializers.CharField(max_length=5000)
    lat = serializers.FloatField(help_text="WGS 84")
    lon = serializers.FloatField(help_text="WGS 84")
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text="multipart only: up to 5 photos (JPEG, PNG, WebP, HEIC) or PDFs, 10 MB each",
    )
    contact_name = serializers.CharField(required=False, help_text="never public")
    contact_email = serializers.EmailField(required=False, help_text="never public")
    share_contact_with_operator = serializers.BooleanField(
        required=False,
        default=False,
        help_text="the reporter's consent (law 09-08) to their contact details being given to "
        "the delegated operator handling the report; without it the operator's staff see "
        "'contact through the city'",
    )
    contact_phone = serializers.CharField(
        required=False,
        validators=[inputs.phone_number],
        help_text="never public; a Moroccan number as usually written (06 61 23 45 67, "
        "+212 6 61 23 45 67, 00212661234567) or any valid international number; stored in E.164",
    )
    notify_by = serializers.ChoiceField(
        choices=Complaint.NotifyBy.choices,
        required=False,
        help_text="messages about the report: email, sms (Moroccan mobile numbers only), both or "
        "none; when absent: sms for a mobile number, email for an address, both for both",
    )


def usually_answered_within_days(complaint: Complaint) -> int | None:
    """ "Usually answered within N days" (issues.selectors.answer_expectation): null when
    nothing is known, or the report is answered."""
    expectation = selectors.answer_expectation(complaint)
    return expectation.days if expectation else None
