"""Limits on writes through the API, as DRF throttles over the one limiter (casa_map.limits):
per client address for anonymous callers, per account (so per token) for authenticated ones.
Reads are not throttled, nor a method the view does not answer (405 comes before 429)."""

from __future__ import annotations

from rest_framework.throttling import BaseThrottle

from . import limits

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class WriteThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        self.retry_after = None
        method = request.method.lower()
        if request.method in SAFE_METHODS or not hasattr(view, method):
            return True
        if request.user.is_authenticated:
            verdict = limits.take(
                request, "api_write_account", identity=f"account:{request.user.pk}"
            )
        else:
            verdict = limits.take(request, "api_write_anonymous")
        self.retry_after = verdict.retry_after
        return verdict.allowed

    def wait(self) -> float | None:
        return self.retry_after
