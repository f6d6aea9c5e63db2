"""A real Celery worker (prefork, tasks acknowledged late) sending to the test SMSC, its pool
process killed in the middle of a two-part Arabic SMS. What holds: a part the SMSC had not
accepted is sent once by the next process; a part it accepted but whose answer never reached
the worker is sent again (at least once: SMPP has no idempotency key; README › SMS)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from django.conf import settings

from issues.models import OwedSms
from tests.conftest import celery_broker, database_url
from tests.issues.sms.smsc import Smsc

REDIS_TEST_DB = "redis://127.0.0.1:6379/15"
# Bounds a broken run; not a speed requirement.
DEADLINE_SECONDS = 120


@contextmanager
def sms_worker(tmp_path: Path, smsc: Smsc):
    """A worker process on a queue of its own, against this test's database and the SMSC."""
    queue = f"test-{uuid.uuid4().hex}"
    log = tmp_path / "worker.log"
    env = os.environ | {
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": REDIS_TEST_DB,
        "SMS_BACKEND": "issues.sms.backends.smpp.SmsBackend",
        "SMPP_HOST": "127.0.0.1",
        "SMPP_PORT": str(smsc.port),
        "SMPP_SYSTEM_ID": smsc.system_id,
        "SMPP_PASSWORD": smsc.password,
        "CONN_MAX_AGE": "0",
    }
    with open(log, "w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "casa_map", "worker", "-Q", queue]
            + ["--pool", "prefork", "--concurrency", "1"]
            + ["--without-heartbeat", "--without-gossip", "--without-mingle"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            yield queue, process
        finally:
            process.terminate()
            process.wait(timeout=30)
            redis.Redis.from_url(REDIS_TEST_DB).delete(queue)
            print(log.read_text(errors="replace"))  # shown by pytest when the test fails


def pool_processes(worker: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def wait_until(condition) -> None:
    """Polls `condition` (a database or SMSC state) until true; the deadline only bounds a
    broken run."""
    import time

    give_up = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        assert time.monotonic() < give_up, "gave up waiting"
        time.sleep(0.2)


def file_and_kill_on_hold(text_report, tmp_path, smsc: Smsc) -> OwedSms:
    with sms_worker(tmp_path, smsc) as (queue, process):
        with celery_broker(REDIS_TEST_DB, queue):
            complaint = text_report("anfa", language="ar")
        assert smsc.holding.wait(DEADLINE_SECONDS), "the worker never reached the SMSC"
        for pid in pool_processes(process):
            os.kill(pid, signal.SIGKILL)
        owed = OwedSms.objects.get(key=f"submitted:{complaint.pk}")
        wait_until(lambda: OwedSms.objects.filter(pk=owed.pk, sent_at__isnull=False).exists())
        assert process.poll() is None  # the worker lives on, with a new pool process
    owed.refresh_from_db()
    return owed


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_before_the_smsc_accepted_part_two_sends_each_part_once(
    text_report, casablanca, tmp_path, smsc
):
    smsc.hold_submits = {2}  # part 1 accepted and answered; part 2 left unanswered

    owed = file_and_kill_on_hold(text_report, tmp_path, smsc)

    first, second = smsc.accepted
    assert [first.udh[5], second.udh[5]] == [1, 2]
    assert first.udh[3] == second.udh[3]  # one message for the phone
    assert owed.message_ids == ["M1", "M2"] and owed.parts == 2


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_the_smsc_accepted_but_before_its_answer_sends_that_part_again(
    text_report, casablanca, tmp_path, smsc
):
    """The documented limit: the SMSC accepted part 1 but its answer never reached the worker;
    nothing tells the next process, which sends part 1 again (a duplicate the phone drops or
    shows twice), then part 2."""
    smsc.hold_submits, smsc.hold_accepts = {1}, True

    owed = file_and_kill_on_hold(text_report, tmp_path, smsc)

    assert [part.udh[5] for part in smsc.accepted] == [1, 1, 2]
    assert owed.message_ids == ["M2", "M3"]
