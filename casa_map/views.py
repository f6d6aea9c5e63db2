"""Site-wide error views, rendered in the visitor's language with the site's layout."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def not_found(request, exception):
    """Programs get a 404 they can read: the API's error shape, or Open311's error list."""
    message = _("Nothing is at this address.")
    if request.path.startswith("/api/"):
        return JsonResponse({"error": message, "code": "not_found"}, status=404)
    if request.path.startswith("/open311/"):
        from open311.formats import errors

        return errors([message], "xml" if request.path.endswith(".xml") else "json", 404)
    return page_not_found(request, exception)
