"""Open311 filings are limited per api_key (API_WRITE_RATES["open311_key"]): one busy
integrator cannot crowd out the others, whatever addresses its requests come from."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework_api_key.models import APIKey

from casa_map import limits


def take_filing(request: HttpRequest, key: APIKey) -> limits.Verdict:
    return limits.take(request, "open311_key", identity=f"api_key:{key.prefix}")
