"""Site-wide error views, rendered in the visitor's language with the site's layout."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found

from . import health


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def machine_error(
    request: HttpRequest, message: str, code: str, status: int, **extra
) -> HttpResponse | None:
    """An error for a program, in the form its interface promises: the API's error shape under
    /api/, Open311's error list (JSON or XML by the suffix) under /open311/; None for a page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": message, "code": code, **extra}, status=status)
    if request.path.startswith("/open311/"):
        from open311.formats import errors

        return errors([message], "xml" if request.path.endswith(".xml") else "json", status)
    return None


def not_found(request, exception):
    """Programs get a 404 they can read; people get the site's page."""
    answer = machine_error(request, _("Nothing is at this address."), "not_found", 404)
    return answer or page_not_found(request, exception)


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
