"""Limits on writes through the API: per IP for anonymous callers, per account (so per token)
for authenticated ones. Reads are not throttled here. Answers 429 with Retry-After."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class WriteThrottle(SimpleRateThrottle):
    """Reads its rate from settings on each request (API_WRITE_RATES), not at import."""

    def get_rate(self) -> str:
        return settings.API_WRITE_RATES[self.scope]


class AnonymousWriteThrottle(WriteThrottle):
    scope = "anonymous"

    def get_cache_key(self, request, view):
        if request.method in SAFE_METHODS or request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AuthenticatedWriteThrottle(WriteThrottle):
    scope = "authenticated"

    def get_cache_key(self, request, view):
        if request.method in SAFE_METHODS or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
