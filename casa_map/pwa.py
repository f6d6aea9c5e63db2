"""The installable web app: its manifest (French or Arabic) and its service worker, which keeps
the report page, its scripts and the arrondissement boundaries on the phone so `/report/` opens
offline (see static/js/outbox.js for reports filled in meanwhile)."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

THEME_COLOUR = "#1d4e89"
# What the report page needs to open with no network: scripts, styles, the pin's images.
SHELL_STATIC = (
    "css/casa_map.css",
    "js/app.js",
    "js/outbox.js",
    "js/casa_map.js",
    "js/report.js",
    "js/category_suggestion.js",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/images/marker-icon.png",
    "vendor/leaflet/images/marker-icon-2x.png",
    "vendor/leaflet/images/marker-shadow.png",
    "icons/icon-192.png",
)


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        payload = {
            "name": translation.gettext("Casa Map — report a problem in Casablanca"),
            "short_name": "Casa Map",
            "description": translation.gettext(
                "Report potholes, dark street lights, leaks and rubbish to whoever is responsible."
            ),
            "lang": language,
            "dir": "rtl" if translation.get_language_bidi() else "ltr",
            "start_url": reverse("report") + "?source=app",
            "scope": "/",
            "id": "/",
            "display": "standalone",
            "orientation": "portrait",
            "theme_color": THEME_COLOUR,
            "background_color": "#ffffff",
            "icons": [
                {
                    "src": staticfiles_storage.url(f"icons/icon-{size}.png"),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                }
                for size in (192, 512)
            ]
            + [
                {
                    "src": staticfiles_storage.url("icons/icon-maskable-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                }
            ],
        }
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@lru_cache(maxsize=1)
def _shell_version() -> str:
    """Changes whenever a file of the shell changes, so phones replace their cached copy."""
    digest = hashlib.sha256()
    for name in SHELL_STATIC:
        path = finders.find(name)
        digest.update(name.encode())
        if path:
            with open(path, "rb") as content:
                digest.update(content.read())
    return digest.hexdigest()[:12]


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the site's root so its scope covers every page; never cached by HTTP caches
    (browsers check it for updates on each visit)."""
    config = {
        "cacheName": f"casa-map-{_shell_version()}",
        "reportUrl": reverse("report"),
        "staticPrefix": settings.STATIC_URL,
        "boundariesUrl": reverse("api-v1:arrondissement-boundaries"),
        "precache": [reverse("report"), reverse("api-v1:arrondissement-boundaries")]
        + [staticfiles_storage.url(name) for name in SHELL_STATIC],
    }
    body = render_to_string(
        "pwa/sw.js",
        {
            "outbox_script": json.dumps(staticfiles_storage.url("js/outbox.js")),
            "config": json.dumps(config),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
