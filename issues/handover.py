"""Work handed to the Celery worker once the caller's transaction commits (e-mails owed, photos'
public copies). A hand-over never raises: with the broker down the work stays recorded in the
database (an owed e-mail, a photo without its public copy) and the beat sweepers hand it over
again later (issues.tasks)."""

from __future__ import annotations

import logging

import kombu.exceptions
import redis.exceptions
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Raised by publishing when the broker cannot be reached.
BROKER_DOWN = (kombu.exceptions.OperationalError, redis.exceptions.RedisError, OSError)


def after_commit(task_path: str, argument: int | str, *, what: str) -> None:
    """`send(task_path, argument)` once the caller's transaction commits."""

    # A named function, not a partial: Django logs a failing robust callback by its
    # __qualname__, and a partial has none (the logging itself would raise).
    def hand_to_worker() -> None:
        send(task_path, argument, what=what)

    transaction.on_commit(hand_to_worker, robust=True)


def send(task_path: str, argument: int | str, *, what: str) -> None:
    """Queues the task at `task_path` (a dotted path, imported here: the task modules import the
    services that call this) with `argument`; `what` names the work in the log."""
    try:
        import_string(task_path).delay(argument)
    except BROKER_DOWN as error:
        logger.warning("%s %s left for the sweeper: broker unreachable (%s)", what, argument, error)
