"""Who is asking: the client's address as the deployment's proxies report it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address in RATELIMIT_IP_META_KEY (REMOTE_ADDR, or the proxy's X-Forwarded-For), the
    same one django-ratelimit counts. Of a forwarded list, the last entry: the one our own proxy
    added, which the client cannot forge."""
    value = request.META.get(settings.RATELIMIT_IP_META_KEY, "") or request.META.get(
        "REMOTE_ADDR", ""
    )
    return value.split(",")[-1].strip()
