"""Site-wide error views, rendered in the visitor's language with the site's layout."""

import errno
import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found
from redis.exceptions import RedisError

from . import health, privacy

logger = logging.getLogger(__name__)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def machine_error(
    request: HttpRequest, message: str, code: str, status: int, **extra
) -> HttpResponse | None:
    """An error for a program, in the form its interface promises: the API's error shape under
    /api/; under another interface's prefix, what its writer in INTERFACE_ERROR_WRITERS makes
    (Open311's error list, JSON or XML); None for a page. The interfaces are named in settings,
    so this ground floor imports none of them."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": message, "code": code, **extra}, status=status)
    for prefix, writer in settings.INTERFACE_ERROR_WRITERS.items():
        if request.path.startswith(prefix):
            return import_string(writer)(request, message, status)
    return None


def too_many(request: HttpRequest, verdict, message: str, wants_json: bool) -> HttpResponse:
    """429 with Retry-After, from a refusal of casa_map.limits: the interface's error shape for
    programs and the page's own scripts, the 429 page for a person."""
    minutes = max(1, -(-verdict.retry_after // 60))
    if wants_json:
        answer = JsonResponse(
            {"error": message, "code": "rate_limited", "retry_after": verdict.retry_after},
            status=429,
        )
    else:
        answer = machine_error(
            request, message, "rate_limited", 429, retry_after=verdict.retry_after
        )
    if answer is None:
        answer = render(request, "429.html", {"message": message, "minutes": minutes}, status=429)
    answer["Retry-After"] = str(verdict.retry_after)
    return answer


def outage_answer(error: BaseException | None) -> tuple[int, str, str]:
    """(status, code, message) for an unhandled error: an outage — the database or Redis (cache,
    rate limits) not answering, the disk full — is not a bug, and the visitor is told that
    nothing was received. Nothing that runs after a report's commit can raise (services'
    on_commit callbacks are robust), so this answer is never given for a saved report."""
    if isinstance(error, OperationalError | InterfaceError | RedisError):
        return (
            503,
            "service_unavailable",
            _(
                "The service is briefly unavailable: nothing you just sent was received or "
                "changed. Please try again in a minute."
            ),
        )
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return (
            507,
            "insufficient_storage",
            _(
                "Files cannot be stored right now: nothing you just sent was received. "
                "Please try again later."
            ),
        )
    return (
        500,
        "server_error",
        _(
            "An error occurred on our side. Nothing you sent before this error was lost; "
            "please try again in a moment."
        ),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 view, rendered without touching the database (it may be what failed)."""
    status, code, message = outage_answer(sys.exc_info()[1])
    if status != 500:
        logger.error("answered %s %s to %s %s", status, code, request.method, request.path)
    answer = machine_error(request, message, code, status)
    if answer is None:
        template = "500.html" if status == 500 else "outage.html"
        answer = HttpResponse(render_to_string(template, {"message": message}), status=status)
    if status != 500:
        answer["Retry-After"] = "60"
    return answer


def privacy_page(request: HttpRequest) -> HttpResponse:
    """The full information notice of law 09-08 (casa_map.privacy, through the context)."""
    return render(request, "privacy.html", {"operators": privacy.operators()})


def not_found(request, exception):
    """Programs get a 404 they can read; people get the site's page."""
    answer = machine_error(request, _("Nothing is at this address."), "not_found", 404)
    return answer or page_not_found(request, exception)


@never_cache
def livez(request: HttpRequest) -> JsonResponse:
    """The process answers (no service checked): liveness, and the load benchmark's floor."""
    return JsonResponse({"status": "alive"})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and container health checks: 200 when the database, the cache and the
    broker answer, 503 naming what is down."""
    checks = health.report()
    down = sorted(name for name, state in checks.items() if state.startswith("down"))
    return JsonResponse(
        {"status": "down" if down else "ok", "down": down, "checks": checks},
        status=503 if down else 200,
    )
