"""Reads from the streaming replica (DATABASE_REPLICA_URL, `make replica`), and read-your-writes.

What may lag: the public, read-only views named in LAG_TOLERANT_ROUTES (maps, heat map, figures,
feeds, the public API's lists, Open311's list) read the complaints' apps from the replica, and the
planners' raw SQL asks `replica_connection()`. Everything else — tracking pages, "my" pages, every
staff page and staff API, single complaints, sessions and users — reads the primary, and every
write goes there.

Read-your-writes: after a request that may have written (an unsafe method answered below 400)
the primary's WAL position goes into the LSN_COOKIE, kept REPLICA_MAX_LAG_SECONDS + 1 seconds; while
that position is ahead of what the replica has replayed, that client's reads all go to the primary,
so a citizen never sees their report vanish. A client without the cookie (another citizen, an API
integrator) may read the replica, at most REPLICA_MAX_LAG_SECONDS behind.

A replica that is down or lags beyond REPLICA_MAX_LAG_SECONDS is skipped: each process checks its
state at most once every REPLICA_CHECK_SECONDS (connecting with a one-second timeout), and a read
that fails on it is answered again from the primary. Without a replica everything is "default".
"""

from __future__ import annotations

import contextlib
import math
import re
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections

REPLICA = "replica"
LSN_COOKIE = "casa_map_written"
# Apps whose models a lag-tolerant view reads from the replica (not sessions, users or API keys:
# who the client is must never lag).
REPLICATED_APPS = frozenset({"issues", "districts", "planning"})
# Models always read from the replica when there is one: the planners' pyramids.
LAGGING_READ_MODELS = frozenset({"planning.heatcell", "planning.heatweekcell"})
# Routes (namespace:name) whose GET and HEAD may lag by REPLICA_MAX_LAG_SECONDS. Public and
# read-only, all of them (tests/casa_map/test_replica_routes.py walks the URLconf to hold it).
LAG_TOLERANT_ROUTES = frozenset(
    {
        "public-map",
        "heat-map",
        "planning",
        "planning-export",
        "planning-report",
        "planning-report-pdf",
        "feed-arrondissement",
        "feed-category",
        "feed-nearby",
        "api-v1:complaints",
        "api-v1:nearby-complaints",
        "api-v1:open-complaints",
        "api-v1:heatmap",
        "api-v1:hotspots",
        "api-v1:arrondissement-figures",
        "open311:requests",
    }
)

_STATE_SQL = """
    SELECT pg_is_in_recovery(),
           pg_last_wal_replay_lsn() - '0/0'::pg_lsn,
           CASE WHEN NOT pg_is_in_recovery() THEN 0
                -- Everything received is replayed: no lag, however long ago the last write was.
                WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())
           END
"""
_LSN = re.compile(r"\A([0-9A-F]{1,8})/([0-9A-F]{1,8})\Z")


def configured() -> bool:
    return REPLICA in settings.DATABASES


@dataclass(frozen=True)
class ReplicaState:
    """What this process last learnt of the replica."""

    checked_at: float
    usable: bool
    # How far it has replayed the primary's WAL (bytes); None when it is not a standby (the
    # tests' mirror of the primary), which then sees every write.
    replayed: int | None = None
    lag_seconds: float | None = None
    problem: str = ""


_state = ReplicaState(checked_at=-math.inf, usable=False)
_state_lock = threading.Lock()


def replica_state() -> ReplicaState:
    """The replica's state, checked again when the last check is REPLICA_CHECK_SECONDS old."""
    global _state
    if time.monotonic() - _state.checked_at < settings.REPLICA_CHECK_SECONDS:
        return _state
    with _state_lock:
        if time.monotonic() - _state.checked_at >= settings.REPLICA_CHECK_SECONDS:
            _state = _check_replica()
    return _state


def _check_replica() -> ReplicaState:
    connection = connections[REPLICA]
    try:
        with connection.cursor() as cursor:
            cursor.execute(_STATE_SQL)
            in_recovery, replayed, lag = cursor.fetchone()
    except DatabaseError as error:
        _close_quietly(connection)
        return ReplicaState(time.monotonic(), usable=False, problem=type(error).__name__)
    now = time.monotonic()
    if not in_recovery:
        return ReplicaState(now, usable=True, lag_seconds=0.0)
    if lag is None or replayed is None:
        return ReplicaState(now, usable=False, problem="replay position unknown")
    lag = float(lag)
    if lag > settings.REPLICA_MAX_LAG_SECONDS:
        return ReplicaState(now, False, int(replayed), lag, problem="lags")
    return ReplicaState(now, True, int(replayed), lag)


def mark_replica_down(problem: str) -> None:
    """Skip the replica until the next check (a read on it just failed)."""
    global _state
    _close_quietly(connections[REPLICA])
    _state = ReplicaState(time.monotonic(), usable=False, problem=problem)


def _close_quietly(connection) -> None:
    with contextlib.suppress(DatabaseError):
        connection.close()


@dataclass
class RequestReads:
    """Where this request's reads go: decided once, when a read first asks."""

    written_at: int | None = None  # the client's last write (LSN_COOKIE), WAL bytes
    lag_tolerant: bool = False  # the view is one of LAG_TOLERANT_ROUTES
    alias: str | None = None


_current: ContextVar[RequestReads | None] = ContextVar("casa_map_request_reads", default=None)


def replica_alias() -> str:
    """ "replica" when lagging reads may go there now, else "default"."""
    if not configured():
        return DEFAULT_DB_ALIAS
    reads = _current.get()
    if reads is not None and reads.alias is not None:
        return reads.alias
    alias = REPLICA if _replica_may_answer(reads) else DEFAULT_DB_ALIAS
    if reads is not None:
        reads.alias = alias
    return alias


def replica_connection():
    return connections[replica_alias()]


def _replica_may_answer(reads: RequestReads | None) -> bool:
    state = replica_state()
    if not state.usable:
        return False
    if reads is None or reads.written_at is None or state.replayed is None:
        return True
    return state.replayed >= reads.written_at


def cache_seconds(seconds: int) -> int:
    """How long a value computed from lagging reads may be cached under the data version it was
    filed under: no longer than the replica may lag behind it."""
    if not configured():
        return seconds
    bound = math.ceil(settings.REPLICA_MAX_LAG_SECONDS + settings.REPLICA_CHECK_SECONDS)
    return min(seconds, bound)


def parse_lsn(text: str | None) -> int | None:
    """A WAL position as PostgreSQL writes it ("16/B374D848"), in bytes; None if malformed."""
    match = _LSN.match(text or "")
    if match is None:
        return None
    return (int(match[1], 16) << 32) + int(match[2], 16)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.label_lower in LAGGING_READ_MODELS:
            return replica_alias()
        reads = _current.get()
        if reads is not None and reads.lag_tolerant and model._meta.app_label in REPLICATED_APPS:
            return replica_alias()
        return None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def route_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else ""


class ReadYourWritesMiddleware:
    """Decides, per request, whether its reads may lag (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not configured():
            return self.get_response(request)
        reads = RequestReads(written_at=self._client_wrote_at(request))
        token = _current.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        if request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
            self._remember_write(response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        reads = _current.get()
        if reads is not None and request.method in ("GET", "HEAD"):
            reads.lag_tolerant = route_name(request) in LAG_TOLERANT_ROUTES

    def process_exception(self, request, exception):
        """A read that failed on the replica is answered again from the primary."""
        reads = _current.get()
        failed_on_replica = isinstance(exception, (OperationalError, InterfaceError))
        if reads is None or reads.alias != REPLICA or not failed_on_replica:
            return None
        mark_replica_down(type(exception).__name__)
        reads.alias = DEFAULT_DB_ALIAS
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response = response.render()
        return response

    @staticmethod
    def _client_wrote_at(request) -> int | None:
        cookie = request.COOKIES.get(LSN_COOKIE)
        if cookie is None:
            return None
        # A malformed cookie counts as a write just made: that client reads the primary.
        written_at = parse_lsn(cookie)
        return written_at if written_at is not None else 2**64

    @staticmethod
    def _remember_write(response) -> None:
        try:
            with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
                cursor.execute("SELECT pg_current_wal_lsn()::text")
                (position,) = cursor.fetchone()
        except DatabaseError:
            return  # the answer stands; the next reads may lag, as for any other client
        response.set_cookie(
            LSN_COOKIE,
            position,
            max_age=math.ceil(settings.REPLICA_MAX_LAG_SECONDS) + 1,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
