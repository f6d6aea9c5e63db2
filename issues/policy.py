"""Who may see and do what with a complaint: the one policy module that pages, the REST API,
the staff desk and its API, moderation, planning and exports all ask.

- **Staff**: a user's membership (districts.StaffMembership: an authority and a role), the scope
  it gives (the complaints its authority *handles*, every complaint for a city supervisor), and
  what each role may do (moderate: moderators, managers, supervisors; be assigned: the handling
  authority's members).
- **Citizens**: who is asking (their account, else their client address), whether they are a
  report's reporter (account, the browser session that filed it, or the private link),
  whether a repeated submission is theirs, whether they may support a report or already do.
- **Files**: who may be served which copy of an attachment.
- **Contact details** (law 09-08): what a staff member sees of a reporter's contact details,
  on the complaint page, the staff API and anything else that shows them.

What the public may see of a complaint is issues.public_view's."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import HttpRequest

from casa_map.clients import client_key
from districts.models import Authority, StaffMembership

from . import selectors
from .models import Attachment, Complaint, Support

OWNED_REPORTS = "owned_reports"
MODERATING_ROLES = frozenset(
    {
        StaffMembership.Role.MODERATOR,
        StaffMembership.Role.MANAGER,
        StaffMembership.Role.SUPERVISOR,
    }
)


# --- Staff ---------------------------------------------------------------------------------


class NotStaff(Exception):
    """The user has no staff membership: the workspace is closed to them (403)."""


def membership_of(user: AbstractBaseUser) -> StaffMembership:
    """The user's membership, read once per request (kept on the user object). Raises
    NotStaff for anyone else."""
    if not user.is_authenticated:
        raise NotStaff()
    if not hasattr(user, "_casa_membership"):
        user._casa_membership = (
            StaffMembership.objects.select_related("authority").filter(user=user).first()
        )
    if user._casa_membership is None:
        raise NotStaff()
    return user._casa_membership


def is_staff_member(user: AbstractBaseUser) -> bool:
    try:
        membership_of(user)
    except NotStaff:
        return False
    return True


def scoped_complaints(user: AbstractBaseUser) -> QuerySet[Complaint]:
    """Every complaint the user may work on: those their authority handles (not those lying
    in its area but handled by an operator), all of them for a city supervisor. Raises
    NotStaff."""
    membership = membership_of(user)
    complaints = Complaint.objects.select_related(
        "category", "authority", "arrondissement", "assigned_to"
    )
    if membership.is_supervisor:
        return complaints
    return complaints.filter(authority_id=membership.authority_id)


def scoped_complaint(user: AbstractBaseUser, reference: str) -> Complaint:
    """Raises Complaint.DoesNotExist for a complaint outside the user's scope (shown as 404)."""
    return scoped_complaints(user).get(reference=reference)


def in_scope(user: AbstractBaseUser, complaint: Complaint) -> bool:
    try:
        membership = membership_of(user)
    except NotStaff:
        return False
    return membership.is_supervisor or membership.authority_id == complaint.authority_id


def may_moderate(user: AbstractBaseUser) -> bool:
    try:
        return membership_of(user).role in MODERATING_ROLES
    except NotStaff:
        return False


def works_for(user: AbstractBaseUser, authority_id: int) -> bool:
    """A member of that authority (who may be assigned its complaints)."""
    try:
        return membership_of(user).authority_id == authority_id
    except NotStaff:
        return False


# --- Citizens ------------------------------------------------------------------------------


def requester_identity(request: HttpRequest) -> str:
    """The account when signed in, else the client's address (casa_map.clients): what a
    submission, a support or a flag is counted once for."""
    if request.user.is_authenticated:
        return f"account:{request.user.pk}"
    return f"client:{client_key(request)}"


def device_key(identity: str) -> str:
    """What is stored of an identity (a requester, a device): its hash with the secret key."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{identity}".encode()).hexdigest()


def remember_ownership(request: HttpRequest, complaint: Complaint) -> None:
    owned = set(request.session.get(OWNED_REPORTS, []))
    owned.add(complaint.reference)
    request.session[OWNED_REPORTS] = sorted(owned)


def is_owner(request: HttpRequest, complaint: Complaint) -> bool:
    """The reporter: their account, the browser session that sent it, or the private link
    (`?key=`, remembered in the session once shown)."""
    if request.user.is_authenticated and complaint.reporter_id == request.user.pk:
        return True
    key = request.GET.get("key")
    if key and secrets.compare_digest(key, complaint.owner_key):
        remember_ownership(request, complaint)
        return True
    return complaint.reference in request.session.get(OWNED_REPORTS, [])


def is_same_submitter(request: HttpRequest, complaint: Complaint) -> bool:
    """Whether a repeated submission key comes from whoever sent the report: its owner, or
    the same account or client address that filed it. Anyone else who holds the key (it is a
    form field) learns nothing from it."""
    if is_owner(request, complaint):
        return True
    stored = complaint.submitter_key
    return bool(stored) and secrets.compare_digest(stored, device_key(requester_identity(request)))


def may_support(request: HttpRequest, complaint: Complaint) -> bool:
    """ "I have this problem too" is for an open report, and not for whoever sent it (its
    owner, or the account or client address that filed it: their report counts already)."""
    return complaint.is_open and not is_same_submitter(request, complaint)


def has_supported(request: HttpRequest, complaint: Complaint) -> bool:
    """Whether this requester already supports the report: counted as a support is counted
    (issues.services.support_complaint), once per account and once per client address."""
    return selectors.already_recorded(
        Support,
        complaint,
        device_key=device_key(requester_identity(request)),
        user=request.user,
    )


# --- Files ---------------------------------------------------------------------------------


def _is_original_photo(attachment: Attachment, stored) -> bool:
    """The photo as received: faces and plates not blurred."""
    return attachment.kind == Attachment.Kind.IMAGE and stored == attachment.file


def is_public_file(attachment: Attachment, stored) -> bool:
    """The public copy or thumbnail of a photo, or a PDF, not hidden, of a public report."""
    return not (
        _is_original_photo(attachment, stored)
        or attachment.is_hidden
        or not attachment.complaint.is_public
    )


def may_see_file(request: HttpRequest, attachment: Attachment, stored) -> bool:
    """The original of a photo (faces and plates not blurred), a hidden photo, and any file of
    a report that is not public are for the handling staff only; the reporter of a report
    awaiting moderation also sees its public copies."""
    if is_public_file(attachment, stored):
        return True
    if in_scope(request.user, attachment.complaint):
        return True
    return not (_is_original_photo(attachment, stored) or attachment.is_hidden) and is_owner(
        request, attachment.complaint
    )


def may_file_on_behalf(user: AbstractBaseUser) -> bool:
    """Staff intake (a citizen's phone call, visit, letter, WhatsApp or e-mail): any staff
    member may file, for any place; the report is routed like every other (districts.routing),
    not to the filer's authority."""
    return is_staff_member(user)


def may_see_intake(user: AbstractBaseUser, complaint: Complaint) -> bool:
    """The intake's confirmation (the tracking code and the private link read back to the
    caller) is for the staff member who filed it."""
    return complaint.filed_by_id is not None and complaint.filed_by_id == user.pk


def may_list_members(membership: StaffMembership) -> bool:
    """The team page: a city supervisor sees every authority's members, a manager their own
    authority's; agents and moderators do not manage a team."""
    return membership.role in (StaffMembership.Role.SUPERVISOR, StaffMembership.Role.MANAGER)


# --- Contact details -----------------------------------------------------------------------


@dataclass(frozen=True)
class ContactView:
    """A reporter's contact details as one staff member sees them. `through_city`: there are
    some, but they are withheld (an operator without the reporter's consent): the operator
    contacts the reporter through the city."""

    name: str = ""
    email: str = ""
    phone: str = ""
    through_city: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.email or self.phone)


def withholds_contact(user: AbstractBaseUser, *, consent: bool) -> bool:
    """Law 09-08: a delegated operator's staff receive a reporter's contact details only if
    the reporter consented (Complaint.share_contact_with_operator); the city's staff
    (arrondissements, supervisors) always do, to handle the report or relay. The rule every
    staff surface applies, through the functions below or, row by row, itself."""
    try:
        membership = membership_of(user)
    except NotStaff:
        return True
    operator = membership.authority is not None and (
        membership.authority.kind == Authority.Kind.OPERATOR
    )
    return operator and not consent


def contact_shown_to(user: AbstractBaseUser, complaint: Complaint) -> ContactView:
    """A reporter's contact details as `user` may see them (withholds_contact); anyone who is
    not staff sees none."""
    if not is_staff_member(user):
        return ContactView()
    full = ContactView(
        name=complaint.contact_name, email=complaint.contact_email, phone=complaint.contact_phone
    )
    if not full.is_empty and withholds_contact(user, consent=complaint.share_contact_with_operator):
        return ContactView(through_city=True)
    return full


def staff_text(original: str, public: str, *, withheld: bool) -> str:
    """The title or description a staff member reads: the citizen's own words, or, when the
    contact details are withheld from them, the public copy (a phone number, an e-mail address
    or a CIN number typed into the text masked at filing, issues.personal_data)."""
    return (public or original) if withheld else original


def text_shown_to(user: AbstractBaseUser, complaint: Complaint) -> tuple[str, str]:
    """(title, description) of `complaint` as `user`, a staff member, may read them."""
    withheld = withholds_contact(user, consent=complaint.share_contact_with_operator)
    return (
        staff_text(complaint.title, complaint.public_title, withheld=withheld),
        staff_text(complaint.description, complaint.public_description, withheld=withheld),
    )
