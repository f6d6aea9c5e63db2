"""The one rate limiter: how often a client may do each action, whichever surface it comes
through (pages, REST, staff API, Open311).

Every limit is a fixed-window counter in the shared cache (django-ratelimit's), keyed on the
action and on who acts: the client's address (casa_map.clients: never a header the client
writes), the account, or an Open311 api_key. DRF's throttle for API writes
(casa_map.throttles) is a thin adapter over this module, so a report's limit is the same for
the web form and the API: ten anonymous reports an hour from one address, in all.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from .clients import client_key


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends (when refused)


# Each action's rate, read from settings when used (tests and deployments change them).
RATES = {
    "report": lambda: settings.REPORT_RATE_LIMIT,
    "support": lambda: settings.SUPPORT_RATE_LIMIT,
    "flag": lambda: settings.FLAG_RATE_LIMIT,
    "signup": lambda: settings.SIGNUP_RATE_LIMIT,
    "alert": lambda: settings.ALERT_RATE_LIMIT,
    "update": lambda: settings.UPDATE_RATE_LIMIT,
    "planning_pdf": lambda: settings.PLANNING_PDF_RATE_LIMIT,
    "api_write_anonymous": lambda: settings.API_WRITE_RATES["anonymous"],
    "api_write_account": lambda: settings.API_WRITE_RATES["authenticated"],
    "open311_key": lambda: settings.API_WRITE_RATES["open311_key"],
}


def take(request: HttpRequest, action: str, *, identity: str | None = None) -> Verdict:
    """Counts one `action` by this client (or by `identity`: an account, an api_key) and says
    whether it is within the limit. A refused attempt is counted too."""
    who = identity if identity is not None else f"client:{client_key(request)}"
    usage = get_usage(
        request,
        group=f"casa_map.{action}",
        key=lambda group, request: who,
        rate=RATES[action](),
        increment=True,
    )
    if usage is None:  # RATELIMIT_ENABLE = False
        return Verdict(True, 0)
    return Verdict(not usage["should_limit"], max(1, usage["time_left"]))


def take_anonymous(request: HttpRequest, action: str) -> Verdict:
    """`take` for anonymous visitors; signed-in ones are not limited by this action."""
    if request.user.is_authenticated:
        return Verdict(True, 0)
    return take(request, action)
