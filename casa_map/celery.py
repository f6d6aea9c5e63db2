"""The Celery application: e-mails, digests and warming the planners' figures, off the request.

Without CELERY_BROKER_URL, tasks run in the web process right after the commit that queued them
(settings.CELERY_TASK_ALWAYS_EAGER); with it, `make worker` / the compose `worker` runs them.
"""

from __future__ import annotations

import logging
import os

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casa_map.settings")

logger = logging.getLogger("casa_map.tasks")


class LoggedTask(Task):
    """A task that gives up is logged with its id and arguments (ids, never personal data), so
    nothing fails silently; retries are logged as warnings."""

    def on_retry(self, exc, task_id, args, kwargs, einfo):
        logger.warning(
            "task %s[%s] will retry after %s: args=%r",
            self.name,
            task_id,
            type(exc).__name__,
            args,
        )

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        logger.error(
            "task %s[%s] failed for good after %s retries (%s): args=%r",
            self.name,
            task_id,
            self.request.retries,
            type(exc).__name__,
            args,
        )


app = Celery("casa_map", task_cls=LoggedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
