"""The routes whose reads may lag behind the primary (casa_map.replica.LAG_TOLERANT_ROUTES) exist,
and are all public, read-only ones: nothing of a tracking page, a citizen's own pages or staff."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from casa_map.replica import LAG_TOLERANT_ROUTES, parse_lsn

PRIVATE_PREFIXES = ("staff/", "api/v1/staff/", "my/", "track/", "accounts/", "admin/", "report/")


def routes(resolver=None, prefix="", namespace="") -> dict[str, str]:
    """Every named route of the URLconf: its view name and its path pattern."""
    found = {}
    for entry in (resolver or get_resolver()).url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found |= routes(entry, pattern, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            found[namespace + entry.name] = pattern
    return found


def test_every_lag_tolerant_route_exists_and_is_public():
    named = routes()

    assert named.keys() >= LAG_TOLERANT_ROUTES, LAG_TOLERANT_ROUTES - named.keys()
    private = {name for name in LAG_TOLERANT_ROUTES if named[name].startswith(PRIVATE_PREFIXES)}
    assert private == set()


def test_single_complaints_and_the_citizens_own_pages_read_the_primary():
    for name in (
        "track",
        "report-sent",
        "my-reports",
        "api-v1:complaint-detail",
        "open311:request",
    ):
        assert name not in LAG_TOLERANT_ROUTES


def test_write_positions_are_read_as_postgresql_writes_them():
    assert parse_lsn("0/3000148") == 0x3000148
    assert parse_lsn("16/B374D848") == (0x16 << 32) + 0xB374D848
    for forged in ("", "16/", "16/B374D848;", "x/1", "1/2/3", "123456789/1", " 0/1"):
        assert parse_lsn(forged) is None, forged
