"""Shedding load above saturation: a clear 503 at once rather than a wait that ends in a timeout.

gunicorn's sync workers take one connection at a time; the others wait in the kernel's accept
queue of the listening socket, and past saturation that queue, and every visitor's wait, only
grows. Each worker is handed the listening sockets (`watch`, from gunicorn.conf.py's
post_worker_init) and, before doing any work for a request, reads how many connections are
waiting behind it (Linux's TCP_INFO on a listening socket: `tcpi_unacked` is the accept queue's
length). With `queued` waiting above OVERLOAD_QUEUE_LENGTH (`limit`), a request is let in with
probability limit / queued and otherwise answered 503 with Retry-After, in the visitor's language
and in the form of the interface, without touching the database: nothing was received, and the
phone's outbox sends the report again later. A 503 takes a millisecond, so the workers go on
serving at capacity (shedding every request above the limit would serve almost none while the
clients keep the queue full), and a request let in waits behind about `limit` requests' work.

Without watched sockets (runserver, the test client, a platform without TCP_INFO) nothing is shed.
"""

from __future__ import annotations

import logging
import random
import socket
import struct
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .views import machine_error

logger = logging.getLogger(__name__)

# struct tcp_info: eight one-byte fields, then u32 rto, ato, snd_mss, rcv_mss, unacked.
_UNACKED_OFFSET = 24
_TCP_INFO_SIZE = 104
# Probes and health checks must see the process as it is, busy or not.
NEVER_SHED = ("/livez", "/healthz")

_listeners: list[socket.socket] = []


def watch(listeners: list[socket.socket]) -> None:
    """Sheds load by the accept queues of these listening sockets (TCP ones; others ignored)."""
    usable = []
    for listener in listeners:
        try:
            queued_connections(listener)
        except (AttributeError, OSError):
            continue
        usable.append(listener)
    _listeners[:] = usable


def queued_connections(listener: socket.socket) -> int:
    """Connections accepted by the kernel that no worker has taken yet."""
    info = listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, _TCP_INFO_SIZE)
    return struct.unpack_from("I", info, _UNACKED_OFFSET)[0]


def should_shed(draw: Callable[[], float] = random.random) -> bool:
    """Whether to refuse this request: never at or under the limit, above it in proportion to
    the excess (`draw` is uniform on [0, 1))."""
    limit = settings.OVERLOAD_QUEUE_LENGTH
    queued = 0
    for listener in _listeners:
        try:
            queued = max(queued, queued_connections(listener))
        except OSError:
            continue
    return queued > limit and draw() >= limit / queued


def overloaded_answer(request: HttpRequest) -> HttpResponse:
    message = _(
        "Too many people are using the service right now: nothing you just sent was received "
        "or changed. Please try again in a few seconds."
    )
    answer = machine_error(request, message, "overloaded", 503)
    if answer is None:
        answer = HttpResponse(render_to_string("outage.html", {"message": message}), status=503)
    answer["Retry-After"] = str(settings.OVERLOAD_RETRY_AFTER)
    answer["Cache-Control"] = "no-store"
    return answer


class ShedWhenSaturatedMiddleware:
    """Place after LocaleMiddleware (the answer is in the visitor's language) and before anything
    that reads the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _listeners and request.path not in NEVER_SHED and should_shed():
            logger.warning("shed %s %s: accept queue too long", request.method, request.path)
            return overloaded_answer(request)
        return self.get_response(request)
