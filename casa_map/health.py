"""What /healthz checks: each service the site needs answers, within a second."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection

from . import replica
from .celery import app as celery_app

TIMEOUT_SECONDS = 1.0


def database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return f"down ({type(error).__name__})"
    return "ok"


def database_pooler() -> str:
    """What stands between the site and PostgreSQL (DATABASE_POOLER): "pgbouncer", or "none"
    when the site connects directly. The database check above goes through it."""
    return settings.DATABASE_POOLER or "none"


def database_replica() -> str:
    """ "none" without a replica; else "ok (lag …)" while lagging reads go there, or "skipped
    (why)" while they go to the primary: the site still answers, so this never reads "down"."""
    if not replica.configured():
        return "none"
    state = replica.replica_state()
    if state.usable:
        return f"ok (lag {state.lag_seconds:.1f} s)"
    return f"skipped ({state.problem})"


def cache_answers() -> str:
    probe = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(probe, "1", 10)
        answered = cache.get(probe) == "1"
        cache.delete(probe)
    except Exception as error:  # any backend's failure means the cache is down
        return f"down ({type(error).__name__})"
    return "ok" if answered else "down (did not keep a value)"


def broker() -> str:
    """ "in-process" when no broker is configured: tasks then run in the web process."""
    if celery_app.conf.task_always_eager:
        return "in-process"
    try:
        with celery_app.connection_for_write() as broker_connection:
            broker_connection.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)
    except Exception as error:  # kombu raises per transport; each means "down"
        return f"down ({type(error).__name__})"
    return "ok"


CHECKS = {
    "database": database,
    "database_pooler": database_pooler,
    "database_replica": database_replica,
    "cache": cache_answers,
    "broker": broker,
}


def report() -> dict[str, str]:
    return {name: check() for name, check in CHECKS.items()}
