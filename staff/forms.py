"""Forms of the staff workspace. They check input; the rules live in issues.services."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casa_map import inputs
from districts.models import Authority
from districts.selectors import active_categories
from issues.forms import AttachmentsField, CategoryChoiceField, ReportForm, reject_broken_encoding
from issues.models import Attachment, CitizenUpdate, Complaint
from issues.services import MAX_DESCRIPTION_LENGTH, MAX_TITLE_LENGTH

MESSAGE_WIDGET = forms.Textarea(attrs={"rows": 2})


class OneMessageBox(forms.Form):
    """One message box and whom it is for: the staff page's single box. Cleaning turns it into
    the services' `public_message` or `internal_note` (the API may still send those directly)."""

    AUDIENCES = [("public", _("Public reply to the citizen")), ("internal", _("Internal note"))]
    message = inputs.TextField(
        label=_("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        validators=[reject_broken_encoding],
    )
    audience = forms.ChoiceField(
        label=_("Who reads it"), choices=AUDIENCES, required=False, widget=forms.RadioSelect
    )

    def clean(self):
        data = super().clean()
        message, audience = data.pop("message", ""), data.pop("audience", "")
        if message.strip():
            if not audience:
                self.add_error("audience", _("Say whether it is a public reply or a note."))
            else:
                field = "public_message" if audience == "public" else "internal_note"
                data[field] = "\n\n".join(filter(None, [data.get(field, ""), message]))
        return data


class TransitionForm(OneMessageBox):
    to_status = forms.ChoiceField(label=_("New status"), choices=Complaint.Status.choices)
    public_message = inputs.TextField(
        label=_("Message to the citizen (public)"),
        required=False,
        widget=MESSAGE_WIDGET,
        validators=[reject_broken_encoding],
    )
    internal_note = inputs.TextField(
        label=_("Internal note (staff only)"),
        required=False,
        widget=MESSAGE_WIDGET,
        validators=[reject_broken_encoding],
    )
    duplicate_of = inputs.TextField(
        label=_("Duplicate of (tracking code)"), required=False, max_length=16
    )

    def __init__(self, *args, complaint: Complaint | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.complaint = complaint

    def clean_duplicate_of(self):
        """The original must be public or handled by the same authority: another authority's
        hidden report answers as an unknown code."""
        code = self.cleaned_data["duplicate_of"].strip().upper()
        if not code:
            return None
        candidates = Complaint.objects.filter(reference=code)
        if self.complaint is not None:
            candidates = candidates.filter(
                Q(moderation=Complaint.Moderation.PUBLISHED)
                | Q(authority_id=self.complaint.authority_id)
            )
        original = candidates.first()
        if original is None:
            raise forms.ValidationError(_("No report has this tracking code."))
        return original


class RerouteForm(forms.Form):
    authority = forms.ModelChoiceField(
        label=_("Send to"), queryset=Authority.objects.all(), to_field_name="slug"
    )
    reason = inputs.TextField(
        label=_("Why it is not your responsibility (public)"),
        widget=MESSAGE_WIDGET,
        validators=[reject_broken_encoding],
    )

    def __init__(self, *args, options=None, **kwargs):
        """`options`: staff.selectors.RerouteOptions, shown as two groups, nothing preselected."""
        super().__init__(*args, **kwargs)
        if options is not None:
            field = self.fields["authority"]
            field.choices = [
                ("", _("Choose an authority")),
                (_("Suggested for this place"), [(a.slug, a.name) for a in options.suggested]),
                (_("Other authorities"), [(a.slug, a.name) for a in options.others]),
            ]


class AssignForm(forms.Form):
    agent = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("nobody"),
    )

    def __init__(self, *args, authority=None, **kwargs):
        super().__init__(*args, **kwargs)
        if authority is not None:
            self.fields["agent"].queryset = get_user_model().objects.filter(
                staff_membership__authority=authority
            )


class MessageForm(OneMessageBox):
    public_message = TransitionForm.base_fields["public_message"]
    internal_note = TransitionForm.base_fields["internal_note"]


class ModerationForm(forms.Form):
    """One moderation decision (issues.moderation.DECISIONS) with its reason."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        # nothing preselected: a moderator chooses, hiding is never a default
        choices=[
            ("", _("Choose a decision")),
            ("hide", _("Hide the report from the public")),
            ("publish", _("Publish the report")),
            ("redact", _("Replace its public text")),
            ("hide_photo", _("Hide a photo from the public")),
            ("show_photo", _("Show a photo again")),
            ("blur", _("Set the blurred areas of a photo")),
        ],
    )
    reason = inputs.TextField(label=_("Reason (kept for staff)"), max_length=500)
    public_title = inputs.TextField(
        label=_("Public title (empty: as written)"), max_length=140, required=False
    )
    public_description = inputs.TextField(
        label=_("Public description (empty: as written)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    attachment = forms.ModelChoiceField(
        label=_("Photo"), queryset=Attachment.objects.none(), required=False
    )
    boxes = inputs.TextField(
        label=_("Blurred areas: one per line, x y width height in pixels of the original"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean_boxes(self) -> list[list[int]]:
        boxes = []
        for line in self.cleaned_data["boxes"].splitlines():
            if not line.strip():
                continue
            numbers = line.replace(",", " ").split()
            if len(numbers) != 4 or not all(number.isdigit() for number in numbers):
                raise forms.ValidationError(
                    _("Write each area as four whole numbers: x y width height.")
                )
            boxes.append([int(number) for number in numbers])
        return boxes

    def __init__(self, *args, complaint=None, **kwargs):
        super().__init__(*args, **kwargs)
        if complaint is not None:
            self.fields["attachment"].queryset = complaint.attachments.filter(
                kind=Attachment.Kind.IMAGE
            )


class UpdateModerationForm(forms.Form):
    """Publish or hide one citizen's update of the report (issues.moderation.moderate_update),
    with the reason."""

    update = forms.ModelChoiceField(
        queryset=CitizenUpdate.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Choose an update of this report.")},
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("publish", _("Publish the update")), ("hide", _("Hide the update"))],
    )
    reason = inputs.TextField(label=_("Reason (kept for staff)"), max_length=500)

    def __init__(self, *args, complaint=None, **kwargs):
        super().__init__(*args, **kwargs)
        if complaint is not None:
            self.fields["update"].queryset = complaint.citizen_updates.all()


class ResolutionPhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo (JPEG, PNG, WebP or HEIC)"))


class BulkForm(forms.Form):
    ACTIONS = [
        ("acknowledge", _("Acknowledge")),
        ("close", _("Close")),
        ("assign", _("Assign")),
    ]
    references = forms.MultipleChoiceField(choices=[], required=True)
    action = forms.ChoiceField(choices=ACTIONS)
    agent = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False)
    public_message = TransitionForm.base_fields["public_message"]

    def __init__(self, *args, references=(), agents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["references"].choices = [(ref, ref) for ref in references]
        if agents is not None:
            self.fields["agent"].queryset = agents


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(
        label=_("Level"), choices=Complaint.Priority.choices, coerce=int
    )


class SplitForm(forms.Form):
    """The second problem a report names, to become a report of its own."""

    category = CategoryChoiceField(
        label=_("Category of the second problem"),
        queryset=active_categories(),
        empty_label=_("Choose a category"),
        to_field_name="code",
    )
    title = inputs.TextField(
        label=_("Its title"), max_length=MAX_TITLE_LENGTH, validators=[reject_broken_encoding]
    )
    description = inputs.TextField(
        label=_("Its description"),
        max_length=MAX_DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[reject_broken_encoding],
    )


class FieldsetRadioSelect(forms.RadioSelect):
    """Radio buttons drawn as a fieldset whose id is the field's (staff/_choices.html): the error
    summary's link to the field lands on the fieldset rather than nowhere."""

    def id_for_label(self, id_, index=None):
        return id_ if index is None else super().id_for_label(id_, index)


class IntakeForm(ReportForm):
    """A report a staff member files on a citizen's behalf (staff intake): the web form's own
    fields and rules, plus how it reached the city, the language the citizen is written to in,
    and their contact details (phone parsed by casa_map.inputs.phone_number). Never public."""

    channel = forms.ChoiceField(
        label=_("How did the citizen reach you?"),
        choices=Complaint.Channel.staff_choices,
        widget=FieldsetRadioSelect,
        error_messages={
            "required": _("Say how the citizen reached you."),
            "invalid_choice": _("Choose phone, counter, letter, WhatsApp or e-mail."),
        },
    )
    language = forms.ChoiceField(
        label=_("Language for the citizen's messages"),
        choices=[("fr", _("French")), ("ar", _("Arabic"))],
        initial="fr",
        required=False,
        widget=FieldsetRadioSelect,
        error_messages={"invalid_choice": _("Choose French or Arabic.")},
    )
    contact_name = inputs.TextField(
        label=_("Citizen's name (never public)"),
        max_length=120,
        required=False,
        validators=[reject_broken_encoding],
    )
    contact_phone = inputs.PhoneField(label=_("Citizen's phone (never public)"), required=False)
    contact_email = forms.EmailField(label=_("Citizen's e-mail (never public)"), required=False)
    attachments = AttachmentsField(label=_("Scanned letter or photos (up to 5)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget = FieldsetRadioSelect(choices=Complaint.Kind.choices)
        self.fields["description"].label = _("Description, in the citizen's words")
        self.fields["notify_by"].label = _("How does the citizen want to hear about it?")
        self.fields["notify_by"].help_text = ""
        self.fields["share_contact_with_operator"].label = _(
            "The citizen agrees that their contact details be given to the delegated operator "
            "in charge, if one handles the report (otherwise it contacts them through the city)."
        )
        self.fields["description"].widget.attrs["dir"] = "auto"
        self.fields["title"].widget.attrs["dir"] = "auto"

    def intake_fields(self) -> dict:
        """The report as issues.services.create_complaint takes it (call after is_valid())."""
        cleaned = self.cleaned_data
        return self.complaint_fields() | {
            "channel": cleaned["channel"],
            "language": cleaned["language"] or "fr",
        }
