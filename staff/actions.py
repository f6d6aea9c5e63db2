"""The workflow actions staff take on one complaint, as one table that both the staff pages and
the staff API use: which form checks the input, which service applies it, what to say after."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from casa_map import inputs
from issues import moderation, policy, services
from issues.attachments import prepare
from issues.models import Complaint

from . import selectors
from .forms import (
    AssignForm,
    BulkForm,
    MessageForm,
    ModerationForm,
    PriorityForm,
    RerouteForm,
    ResolutionPhotoForm,
    SplitForm,
    TransitionForm,
    UpdateModerationForm,
)

# One bulk request changes at most this many reports.
BULK_MAX_REFERENCES = 1000


@dataclass(frozen=True)
class StaffAction:
    form: Callable[[Mapping, Mapping, Complaint], forms.Form]  # (data, files, complaint)
    apply: Callable[[Complaint, dict, object], object]  # (complaint, cleaned data, actor)
    done: Callable[[Complaint], str]
    lands_on_queue: bool = False  # the staff page goes back to the queue after it, not the report


def _attach_photo(item: Complaint, data: dict, actor) -> None:
    """Raises AttachmentRejected when the file is not a readable photo."""
    services.attach_resolution_photo(complaint=item, prepared=prepare(data["photo"]), actor=actor)


STAFF_ACTIONS = {
    "transition": StaffAction(
        form=lambda data, files, item: TransitionForm(data, complaint=item),
        apply=lambda item, data, actor: services.transition(complaint=item, actor=actor, **data),
        done=lambda item: _("Status changed."),
    ),
    "reroute": StaffAction(
        form=lambda data, files, item: RerouteForm(data, options=selectors.reroute_options(item)),
        apply=lambda item, data, actor: services.reroute(
            complaint=item, to_authority=data["authority"], actor=actor, reason=data["reason"]
        ),
        done=lambda item: _("Report sent to %(name)s.") % {"name": item.authority.name},
        # the report has left the user's queue: its page would now answer 404
        lands_on_queue=True,
    ),
    "assign": StaffAction(
        form=lambda data, files, item: AssignForm(data, authority=item.authority),
        apply=lambda item, data, actor: services.assign(
            complaint=item, agent=data["agent"], actor=actor
        ),
        done=lambda item: _("Assignment saved."),
    ),
    "message": StaffAction(
        form=lambda data, files, item: MessageForm(data),
        apply=lambda item, data, actor: services.add_message(complaint=item, actor=actor, **data),
        done=lambda item: _("Message saved."),
    ),
    "moderate": StaffAction(
        form=lambda data, files, item: ModerationForm(data, complaint=item),
        apply=lambda item, data, actor: moderation.moderate(complaint=item, actor=actor, **data),
        done=lambda item: _("Moderation saved."),
    ),
    "moderate_update": StaffAction(
        form=lambda data, files, item: UpdateModerationForm(data, complaint=item),
        apply=lambda item, data, actor: moderation.moderate_update(actor=actor, **data),
        done=lambda item: _("Moderation saved."),
    ),
    "photo": StaffAction(
        form=lambda data, files, item: ResolutionPhotoForm(data, files),
        apply=_attach_photo,
        done=lambda item: _("Photo added."),
    ),
}


def bound_bulk_form(user, data: Mapping) -> BulkForm:
    """The bulk form for `user`: only references in their scope validate, and a reference
    outside it makes the whole request invalid (nothing changes)."""
    given = data.getlist("references") if hasattr(data, "getlist") else data.get("references")
    try:
        references = inputs.text_list(given, max_items=BULK_MAX_REFERENCES, max_length=20)
    except ValidationError:
        references = []  # the form refuses the request, naming the field
    scope = policy.scoped_complaints(user)
    visible = list(scope.filter(reference__in=references))
    authority = policy.membership_of(user).authority
    agents = (
        get_user_model().objects.filter(staff_membership__authority=authority)
        if authority
        else get_user_model().objects.none()
    )
    form = BulkForm(data, references=[c.reference for c in visible], agents=agents)
    form.visible = visible
    return form


def apply_bulk(form: BulkForm, *, actor) -> services.BulkResult:
    """Call after form.is_valid(): each report takes the change or is listed as skipped."""
    action = form.cleaned_data["action"]
    if action == "assign":
        return services.bulk_assign(
            complaints=form.visible, agent=form.cleaned_data["agent"], actor=actor
        )
    target = Complaint.Status.ACKNOWLEDGED if action == "acknowledge" else Complaint.Status.CLOSED
    return services.bulk_transition(
        complaints=form.visible,
        to_status=target,
        actor=actor,
        public_message=form.cleaned_data["public_message"],
    )


# Kept apart from the table above so each action reads on its own.
STAFF_ACTIONS["priority"] = StaffAction(
    form=lambda data, files, item: PriorityForm(data),
    apply=lambda item, data, actor: services.set_priority(complaint=item, actor=actor, **data),
    done=lambda item: _("Priority: %(priority)s.") % {"priority": item.get_priority_display()},
)

STAFF_ACTIONS["split"] = StaffAction(
    form=lambda data, files, item: SplitForm(data),
    apply=lambda item, data, actor: services.split_complaint(complaint=item, actor=actor, **data),
    done=lambda item: _("The second problem is now a report of its own (see the timeline)."),
)
