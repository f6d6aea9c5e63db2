"""Every route of the site, for the tests that walk them all (the gates, unstorable text)."""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver

PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def route_patterns(patterns=None, prefix="") -> list[str]:
    """Every route of the URL map as its pattern (`track/<str:reference>/`); the admin's
    regular-expression routes are represented by its index, `admin/`."""
    routes = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = getattr(entry.pattern, "_route", None)
        if route is None:
            continue
        if isinstance(entry, URLResolver):
            if route == "admin/":
                routes.append("admin/")
            else:
                routes.extend(route_patterns(entry.url_patterns, prefix + route))
        elif isinstance(entry, URLPattern):
            routes.append(prefix + route)
    return sorted(set(routes))


def concrete(route: str, values: dict[str, str] | None = None) -> str:
    """The route as a path: each parameter filled from `values`, else with "word"."""
    values = values or {}
    return "/" + PARAMETER.sub(lambda match: values.get(match.group(1), "word"), route)
