"""The one rate limiter: how often a client may do each action, whichever surface it comes
through (pages, REST, staff API, Open311).

Every limit is a fixed-window counter in the shared cache (django-ratelimit's), keyed on the
action and on who acts: the client's address (casa_map.clients: never a header the client
writes), the account, or an Open311 api_key. DRF's throttle for API writes
(casa_map.throttles) is a thin adapter over this module, so a report's limit is the same for
the web form and the API: ten anonymous reports an hour from one address, in all.

When the shared cache does not answer (Redis stopped or failing over), a limit is counted in the
process instead (`_take_locally`): the same windows and rates, per process, so with N web
processes a client gets at most N times its allowance for the length of the outage rather than
none, and a citizen's report is still received (issue #26).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest
from django_ratelimit.core import _split_rate, get_usage
from redis.exceptions import RedisError

from .clients import client_key

logger = logging.getLogger(__name__)


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
    try:
        usage = get_usage(
            request,
            group=f"casa_map.{action}",
            key=lambda group, request: who,
            rate=RATES[action](),
            increment=True,
        )
    except (RedisError, OSError) as error:
        return _take_locally(action, who, error)
    if usage is None:  # RATELIMIT_ENABLE = False
        return Verdict(True, 0)
    return Verdict(not usage["should_limit"], max(1, usage["time_left"]))


def take_anonymous(request: HttpRequest, action: str) -> Verdict:
    """`take` for anonymous visitors; signed-in ones are not limited by this action."""
    if request.user.is_authenticated:
        return Verdict(True, 0)
    return take(request, action)


# The fallback's counters: this process's memory, never shared, never failing.
_LOCAL_COUNTS = LocMemCache("casa-map-limits-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})


def _take_locally(action: str, who: str, error: Exception) -> Verdict:
    """`take` counted in this process while the shared cache does not answer."""
    logger.warning(
        "rate limit %s counted in process: the shared cache failed (%s)",
        action,
        type(error).__name__,
    )
    limit, seconds = _split_rate(RATES[action]())
    now = int(time.time())
    window = now // seconds
    key = f"{action}:{who}:{window}"
    _LOCAL_COUNTS.add(key, 0, timeout=seconds)
    count = _LOCAL_COUNTS.incr(key)
    return Verdict(count <= limit, max(1, (window + 1) * seconds - now))
