"""The citizen's report form: checks every field on the server (the page's JS only helps)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils.translation import gettext_lazy as _

from casa_map import inputs
from districts import routing_table
from districts.models import Category
from districts.selectors import active_categories

from .attachments import AttachmentRejected, prepare
from .models import CitizenUpdate, Complaint
from .services import MAX_DESCRIPTION_LENGTH, MAX_TITLE_LENGTH, MAX_UPDATE_LENGTH


def reject_broken_encoding(value: str) -> None:
    """Text that was not valid UTF-8 reaches Django with U+FFFD in place of the bad bytes."""
    if "\ufffd" in value:
        raise forms.ValidationError(
            _("This text contains characters that could not be read. Type it again."),
            code="broken_encoding",
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to ATTACHMENTS_PER_COMPLAINT files, each checked and cleaned by issues.attachments."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"accept": "image/jpeg,image/png,image/webp,image/heic,.heic,application/pdf"}
        )

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data or []) if upload]
        if len(uploads) > settings.ATTACHMENTS_PER_COMPLAINT:
            raise forms.ValidationError(
                _("Attach at most %(count)d files.") % {"count": settings.ATTACHMENTS_PER_COMPLAINT}
            )
        prepared, problems = [], []
        for number, upload in enumerate(uploads, start=1):
            try:
                prepared.append(prepare(upload))
            except AttachmentRejected as rejected:
                problems.append(
                    _("File %(number)d: %(problem)s")
                    % {"number": number, "problem": rejected.message}
                )
        if problems:
            raise forms.ValidationError(problems)
        return prepared


class CategoryChoiceField(forms.ModelChoiceField):
    """Category names in the visitor's language (French or Arabic). The chosen code is looked up
    in the routing table (districts.routing_table), which filing reads anyway, not queried."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Category):
            value = value.code
        category = routing_table.current().active_categories.get(str(value))
        if category is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return category

    def label_from_instance(self, category) -> str:
        return category.name


class ReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Complaint.Kind.choices,
        initial=Complaint.Kind.COMPLAINT,
        widget=forms.RadioSelect,
    )
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=active_categories(),
        empty_label=_("Choose a category"),
        to_field_name="code",
        error_messages={"invalid_choice": _("Choose one of the listed categories.")},
    )
    title = inputs.TextField(
        label=_("Title"), max_length=MAX_TITLE_LENGTH, validators=[reject_broken_encoding]
    )
    description = inputs.TextField(
        label=_("Description"),
        max_length=MAX_DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[reject_broken_encoding],
    )
    lat = forms.FloatField(widget=forms.HiddenInput, required=False)
    lon = forms.FloatField(widget=forms.HiddenInput, required=False)
    attachments = AttachmentsField(label=_("Photos or documents (up to 5)"))
    contact_name = inputs.TextField(
        label=_("Your name (optional, never public)"),
        max_length=120,
        required=False,
        validators=[reject_broken_encoding],
    )
    submission_key = forms.UUIDField(
        widget=forms.HiddenInput,
        required=False,
        error_messages={"invalid": _("This form is damaged. Reload the page and try again.")},
    )
    contact_email = forms.EmailField(label=_("E-mail (optional, never public)"), required=False)
    contact_phone = inputs.PhoneField(label=_("Phone (optional, never public)"), required=False)
    notify_by = forms.ChoiceField(
        label=_("How should we tell you about its progress?"),
        choices=Complaint.NotifyBy.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Without a choice: by SMS if you give a mobile number, by e-mail if you give an "
            "address, by both if you give both. SMS only to Moroccan mobile numbers."
        ),
        error_messages={"invalid_choice": _("Choose e-mail, SMS, both or no messages.")},
    )

    share_contact_with_operator = forms.BooleanField(
        label=_(
            "I agree that my contact details be given to the delegated operator in charge "
            "(water, electricity, waste, transport…) if it handles my report; otherwise it "
            "contacts me through the city."
        ),
        required=False,
    )

    def complaint_fields(self) -> dict:
        """The report as issues.services.create_complaint takes it (call after is_valid())."""
        cleaned = self.cleaned_data
        fields = ["category", "location", "title", "description", "kind", "attachments"]
        fields += ["contact_name", "contact_email", "contact_phone", "submission_key"]
        fields += ["share_contact_with_operator"]
        return {name: cleaned[name] for name in fields} | {
            "notify_by": cleaned["notify_by"] or None
        }

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("lat"), cleaned.get("lon")
        if lat is None or lon is None:
            self.add_error(None, _("Place the pin on the map where the problem is."))
            return cleaned
        try:
            lat, lon = inputs.coordinates(lat, lon)
        except forms.ValidationError as refused:
            self.add_error(None, refused)
        else:
            cleaned["location"] = Point(lon, lat, srid=4326)
        return cleaned


class CitizenUpdateForm(forms.Form):
    """Anyone's update of an open report (issues.services.add_citizen_update): still there or
    fixed, an optional text, an optional photo checked and cleaned by issues.attachments."""

    claim = forms.ChoiceField(
        label=_("Is the problem still there?"),
        choices=CitizenUpdate.Claim.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Say whether the problem is still there or fixed."),
            "invalid_choice": _("Say whether the problem is still there or fixed."),
        },
    )
    text = inputs.TextField(
        label=_("What you saw (optional)"),
        max_length=MAX_UPDATE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[reject_broken_encoding],
    )
    photo = forms.FileField(
        label=_("A photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,.heic"}
        ),
    )

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        try:
            prepared = prepare(upload)
        except AttachmentRejected as rejected:
            raise forms.ValidationError(rejected.message) from rejected
        if prepared.kind != "image":
            raise forms.ValidationError(_("Attach a photo (JPEG, PNG, WebP, HEIC)."))
        return prepared
