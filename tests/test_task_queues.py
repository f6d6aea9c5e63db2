"""Heavy work has a queue of its own, so a citizen's e-mail or SMS never waits behind it."""

from __future__ import annotations

import pytest

from casa_map.celery import app


def queue_of(task: str) -> str:
    route = app.amqp.router.route({}, task)
    return route["queue"].name


@pytest.mark.parametrize(
    "task",
    [
        "issues.tasks.make_public_copy",
        "issues.tasks.make_missing_public_copies",
        "planning.tasks.warm_planning_figures",
        "issues.tasks.recompute_answer_estimates",
        "issues.tasks.train_category_model",
    ],
)
def test_heavy_work_goes_to_the_heavy_queue(task):
    assert queue_of(task) == "heavy"


@pytest.mark.parametrize(
    "task",
    [
        "issues.tasks.send_owed_email",
        "issues.tasks.send_owed_sms",
        "issues.tasks.send_owed_emails",
        "alerts.tasks.send_alerts",
        "staff.tasks.send_overdue_digests",
    ],
)
def test_messages_go_to_the_default_queue(task):
    assert queue_of(task) == "celery"
