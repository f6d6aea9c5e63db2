"""Refuses, where a request enters, text that PostgreSQL cannot store or that a feed, an XML
document or a terminal cannot carry, so no view meets it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from .views import machine_error

# PostgreSQL refuses NUL in text, and psycopg2 cannot encode a lone UTF-16 surrogate (which only
# a JSON escape such as "\ud800" can produce: Django decodes the rest with replacement). The other
# C0 controls (all but tab, newline and carriage return), DEL and U+FFFE/U+FFFF could be stored,
# but XML 1.0 cannot carry them (Atom feeds, Open311's XML would break for every reader) and no
# one types them: refused as well.
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
JSON_MEDIA_TYPE = re.compile(r"^application/([\w.+-]+\+)?json$")


# Methods any route may answer; TRACE, CONNECT and the rest never reach a view.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class KnownMethodsMiddleware:
    """405 for a method no route of the site answers (TRACE echoes a request back, and was
    answered 200 by the pages' views, which do not all restrict their methods)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in KNOWN_METHODS:
            response = HttpResponse(status=405)
            response["Allow"] = ", ".join(sorted(KNOWN_METHODS))
            return response
        return self.get_response(request)


def body_limit(view_name: str | None) -> int:
    """The largest body, in bytes, the route named `view_name` reads: a report with its files
    where files are sent, a photo's head where only that is read, a form or JSON document
    everywhere else."""
    files = settings.ATTACHMENT_MAX_BYTES
    slack = 1024 * 1024  # the form's other fields and the multipart framing
    limits = {
        "report": settings.ATTACHMENTS_PER_COMPLAINT * files + slack,
        "api-v1:complaints": settings.ATTACHMENTS_PER_COMPLAINT * files + slack,
        "open311:requests": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        "staff-act": files + slack,
        "track-update": files + slack,
        "api-v1:staff-action": files + slack,
        "report-photo-location": settings.PHOTO_HEAD_BYTES + 64 * 1024,
    }
    return limits.get(view_name, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


class BodyLimitMiddleware:
    """413 before a byte of the body is read when its declared length is over the route's
    limit (body_limit), in the interface's error format and the visitor's language. Django reads
    no more than CONTENT_LENGTH, so a body without one is read as empty."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.PHOTO_HEAD_BYTES:  # below the smallest limit, nothing to look up
            try:
                view_name = resolve(request.path_info).view_name
            except Resolver404:
                view_name = None
            limit = body_limit(view_name)
            if declared > limit:
                return too_large_response(request, limit)
        return self.get_response(request)


def too_large_response(request: HttpRequest, limit: int) -> HttpResponse:
    megabytes = max(1, round(limit / (1024 * 1024)))
    message = _("What you sent is too large: at most %(size)d MB here.") % {"size": megabytes}
    answer = machine_error(request, message, "too_large", 413)
    return answer or render(request, "400.html", {"message": message}, status=413)


class UnstorableTextMiddleware:
    """Answers 400 naming the part of the request (path, query parameter, form field, file
    name, JSON member, cookie or header) that holds a control character or a lone surrogate.

    Checked once here rather than in each view: every query, lookup and save downstream may
    then assume its text can be stored. File contents are bytes and are not checked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            where = first_unstorable_part(request)
        except JsonTooDeep:
            return too_deep_response(request)
        except RequestDataTooBig:
            return too_large_response(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        if where is not None:
            return bad_text_response(request, where)
        return self.get_response(request)


def first_unstorable_part(request: HttpRequest) -> str | None:
    for where, text in texts_of(request):
        if UNSTORABLE.search(text):
            return where
    return None


def texts_of(request: HttpRequest) -> Iterator[tuple[str, str]]:
    """Every text of the request that a view might use, named as the error will name it."""
    yield "path", request.path
    for key, values in request.GET.lists():
        yield key, key
        for value in values:
            yield key, value
    for key, value in request.COOKIES.items():
        yield f"cookie {key}", key + value
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str):
            yield key[5:].replace("_", "-").lower(), value
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, values in request.POST.lists():
            yield key, key
            for value in values:
                yield key, value
        for key, uploads in request.FILES.lists():
            for upload in uploads:
                yield key, upload.name or ""
    elif JSON_MEDIA_TYPE.match(content_type):
        try:
            document = json.loads(request.body)
        except RecursionError as error:
            raise JsonTooDeep() from error
        except ValueError:
            return  # malformed JSON is the view's to refuse, with its own message
        yield from json_texts(document, "")


class JsonTooDeep(Exception):
    """Nested deeper than MAX_JSON_DEPTH: no document of ours is, and parsers and walkers past
    that depth exhaust Python's recursion limit (a 500) instead of answering."""


MAX_JSON_DEPTH = 32


def json_texts(value, where: str, depth: int = 0) -> Iterator[tuple[str, str]]:
    if depth > MAX_JSON_DEPTH:
        raise JsonTooDeep()
    if isinstance(value, str):
        yield where or "body", value
    elif isinstance(value, dict):
        for key, item in value.items():
            path = f"{where}.{key}" if where else str(key)
            yield path, str(key)
            yield from json_texts(item, path, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_texts(item, f"{where}[{index}]", depth + 1)


def too_deep_response(request: HttpRequest) -> HttpResponse:
    message = _("This JSON document is nested too deeply.")
    answer = machine_error(request, message, "invalid_json", 400)
    return answer or render(request, "400.html", {"message": message}, status=400)


def bad_text_response(request: HttpRequest, where: str) -> HttpResponse:
    shown = UNSTORABLE.sub("\ufffd", where)
    message = _(
        "%(part)s: this text holds a character that is not allowed (a control character or an "
        "invalid one)."
    ) % {"part": shown}
    answer = machine_error(request, message, "invalid_character", 400, parameter=shown)
    return answer or render(request, "400.html", {"message": message}, status=400)
