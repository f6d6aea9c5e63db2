"""Who may see and do what with a citizen's report, outside the staff desk: the reporter's
ownership (their account, the browser session that sent it, the private link), who is asking
(the account, else the client's address), and whether a repeated submission is theirs.

Pages, the REST API and the attachment view all ask here; staff scope and roles are
staff.selectors' (membership, role, handling authority)."""

from __future__ import annotations

import secrets

from django.http import HttpRequest

from casa_map.clients import client_key

from .models import Complaint
from .services import device_key

OWNED_REPORTS = "owned_reports"


def requester_identity(request: HttpRequest) -> str:
    """The account when signed in, else the client's address (casa_map.clients): what a
    submission, a support or a flag is counted once for."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"account:{user.pk}"
    return f"client:{client_key(request)}"


def remember_ownership(request: HttpRequest, complaint: Complaint) -> None:
    owned = set(request.session.get(OWNED_REPORTS, []))
    owned.add(complaint.reference)
    request.session[OWNED_REPORTS] = sorted(owned)


def is_owner(request: HttpRequest, complaint: Complaint) -> bool:
    """The reporter: their account, the browser session that sent it, or the private link
    (`?key=`, remembered in the session once shown)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and complaint.reporter_id == user.pk:
        return True
    key = request.GET.get("key", "")
    if key and secrets.compare_digest(key, complaint.owner_key):
        remember_ownership(request, complaint)
        return True
    session = getattr(request, "session", None)
    return session is not None and complaint.reference in session.get(OWNED_REPORTS, [])


def is_same_submitter(request: HttpRequest, complaint: Complaint) -> bool:
    """Whether a repeated submission key comes from whoever sent the report: its owner, or
    the same account or client address that filed it. Anyone else who holds the key (it is a
    form field) learns nothing from it."""
    if is_owner(request, complaint):
        return True
    stored = complaint.submitter_key
    return bool(stored) and secrets.compare_digest(stored, device_key(requester_identity(request)))
