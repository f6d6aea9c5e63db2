"""Compresses pages and API answers (gzip, with Django's BREACH padding) so a phone on a slow
network downloads a fifth of the bytes; photos and PDFs, already compressed, are left alone."""

from __future__ import annotations

from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/geo+json",
    "application/manifest+json",
    "application/javascript",
    "application/xml",
    "application/atom+xml",
    "image/svg+xml",
)


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES):
            return response
        return super().process_response(request, response)
