"""Who is asking: the client's address, as the deployment's own proxies report it, and the key
every rate limit counts by. The one place that reads REMOTE_ADDR or X-Forwarded-For."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address. With no trusted proxy (TRUSTED_PROXIES = 0, the default) it is the
    connection's REMOTE_ADDR, whatever headers say. Behind N proxies of our own, each appends
    the address it received the request from to X-Forwarded-For, so the client is the N-th
    entry from the right: the entries left of it are the client's to write and are ignored.
    A header shorter than that (a request that did not come through our proxies) counts as
    REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


def client_key(request: HttpRequest) -> str:
    """What rate limits and once-per-client counts key on: the IPv4 address, or the /64 network
    of an IPv6 one (one subscriber line gets a whole /64, and picks any address in it)."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def ratelimit_key(group: str, request: HttpRequest) -> str:
    """The same key in django-ratelimit's form (key=callable(group, request))."""
    return client_key(request)
