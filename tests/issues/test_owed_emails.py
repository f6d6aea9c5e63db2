"""Citizens' e-mails go through the background worker, each sent once, none lost when the mail
server, the broker or the worker fails."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import redis
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from issues import notifications
from issues.models import OwedEmail
from issues.services import transition
from issues.tasks import send_owed_email, send_owed_emails
from tests.conftest import celery_broker, database_url
from tests.issues.test_report_pages import report_data

pytestmark = pytest.mark.usefixtures("casablanca")

REDIS_TEST_DB = "redis://127.0.0.1:6379/15"


@pytest.fixture
def dead_mail_server(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    settings.EMAIL_TIMEOUT = 2
    return settings


@pytest.fixture
def file_report(report_in):
    """`file_report("anfa")`: a report filed through the service by a citizen who gave an
    e-mail address."""

    def _file(slug: str, **fields):
        return report_in(slug, **({"contact_email": "citoyen@example.org"} | fields))

    return _file


def test_the_acknowledgement_is_owed_with_the_report_and_sent_once(
    file_report, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = file_report("anfa")

    owed = OwedEmail.objects.get(key=f"submitted:{complaint.pk}")
    assert owed.sent_at is not None and not owed.skipped
    assert [message.to for message in mail.outbox] == [["citoyen@example.org"]]

    assert mail.outbox[0].extra_headers["Message-ID"] == notifications.message_id(owed.key)
    assert send_owed_email.apply(args=[owed.key]).get() is False  # a retried task, a redelivery
    send_owed_emails.apply()
    assert len(mail.outbox) == 1


def test_a_status_change_owes_the_citizen_one_update(
    file_report, django_capture_on_commit_callbacks
):
    complaint = file_report("anfa")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        transition(
            complaint=complaint,
            to_status="acknowledged",
            actor=None,
            public_message="Pris en charge.",
        )

    assert len(mail.outbox) == 1
    assert "Pris en charge." in mail.outbox[0].body
    assert OwedEmail.objects.filter(key__startswith="update:", sent_at__isnull=False).count() == 1


def test_nothing_is_owed_to_a_reporter_without_an_address(file_report):
    file_report("anfa", contact_email="")

    assert not OwedEmail.objects.exists()


def test_an_email_the_mail_server_refused_stays_owed_and_the_sweeper_sends_it(
    file_report, dead_mail_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = file_report("anfa")
    owed = OwedEmail.objects.get(key=f"submitted:{complaint.pk}")
    assert owed.sent_at is None

    dead_mail_server.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_owed_emails.apply().get() == 0  # not yet: its own retries come first
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert send_owed_emails.apply().get() == 1

    owed.refresh_from_db()
    assert owed.sent_at is not None
    assert [message.to for message in mail.outbox] == [["citoyen@example.org"]]


def test_a_task_that_keeps_failing_is_logged_with_its_id_and_no_address(
    file_report, dead_mail_server, caplog
):
    complaint = file_report("anfa")

    with caplog.at_level(logging.WARNING, logger="casa_map.tasks"):
        result = send_owed_email.apply(args=[f"submitted:{complaint.pk}"])

    assert result.failed()
    failures = [r for r in caplog.records if "failed for good" in r.getMessage()]
    assert len(failures) == 1
    assert failures[0].levelno == logging.ERROR
    assert f"submitted:{complaint.pk}" in failures[0].getMessage()
    assert result.id in failures[0].getMessage()
    assert "citoyen@example.org" not in caplog.text
    assert OwedEmail.objects.get(key=f"submitted:{complaint.pk}").sent_at is None


def test_with_the_broker_down_the_report_is_received_and_its_email_waits(
    client, point_in, caplog, django_capture_on_commit_callbacks
):
    with (
        celery_broker("redis://127.0.0.1:1/0"),
        caplog.at_level(logging.WARNING),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            "/report/", report_data(point_in("anfa"), contact_email="citoyen@example.org")
        )

    assert response.status_code == 302
    owed = OwedEmail.objects.get()
    assert owed.sent_at is None
    assert "left for the sweeper" in caplog.text
    assert mail.outbox == []


@contextmanager
def celery_worker_process(tmp_path: Path, *, pool: str, email_backend: str):
    """A real Celery worker process on the local Redis, on a queue of its own, against this
    test's database, writing e-mails as files in tmp_path/sent; yields (queue, outbox, process)."""
    queue = f"test-{uuid.uuid4().hex}"
    outbox = tmp_path / "sent"
    log = tmp_path / "worker.log"
    env = os.environ | {
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": REDIS_TEST_DB,
        "EMAIL_BACKEND": email_backend,
        "EMAIL_FILE_PATH": str(outbox),
        "CONN_MAX_AGE": "0",
    }
    with open(log, "w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "casa_map", "worker", "-Q", queue]
            + ["--pool", pool, "--concurrency", "1"]
            + ["--without-heartbeat", "--without-gossip", "--without-mingle"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            yield queue, outbox, process
        finally:
            process.terminate()
            process.wait(timeout=30)
            redis.Redis.from_url(REDIS_TEST_DB).delete(queue)
            print(log.read_text(errors="replace"))  # shown by pytest when the test fails


@pytest.fixture
def worker(tmp_path):
    with celery_worker_process(
        tmp_path, pool="solo", email_backend="django.core.mail.backends.filebased.EmailBackend"
    ) as (queue, outbox, _process):
        yield queue, outbox


def wait_for_files(
    folder: Path, count: int, deadline_seconds: float = 90, pattern: str = "*.log"
) -> list[Path]:
    """Polls until the worker has written `count` e-mails; the deadline only bounds a broken
    run, it is not a speed requirement."""
    give_up = time.monotonic() + deadline_seconds
    files: list[Path] = []
    while time.monotonic() < give_up:
        files = sorted(folder.glob(pattern)) if folder.exists() else []
        if len(files) >= count:
            break
        time.sleep(0.2)
    return files


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_acknowledgement_once(file_report, worker, casablanca):
    queue, outbox = worker

    with celery_broker(REDIS_TEST_DB, queue):
        complaint = file_report("anfa")  # committed: on_commit publishes the task
        sent = wait_for_files(outbox, 1)

        assert len(sent) == 1
        assert "To: citoyen@example.org" in sent[0].read_text()
        assert complaint.reference in sent[0].read_text()
        owed = OwedEmail.objects.get(key=f"submitted:{complaint.pk}")
        assert owed.sent_at is not None

        # Delivered twice more (a redelivery, the sweeper), then a second report's e-mail: the
        # worker takes its queue in order, so once that one is out, the repeats were handled.
        notifications.hand_to_worker(owed.key)
        send_owed_email.delay(owed.key)
        other = file_report("maarif", contact_email="voisin@example.org")
        sent = wait_for_files(outbox, 2)

    assert len(sent) == 2
    assert "To: voisin@example.org" in "".join(path.read_text() for path in sent)
    assert OwedEmail.objects.get(key=f"submitted:{other.pk}").sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_killed_mid_send_leaves_the_email_to_be_sent_once(
    file_report, casablanca, tmp_path
):
    """The pool process is killed while it is sending (the backend waits before writing):
    the task was acknowledged late, so the broker hands it to the next process, which sends
    the e-mail; it is sent once."""
    with celery_worker_process(
        tmp_path, pool="prefork", email_backend="tests.slow_mail.SlowFileBackend"
    ) as (queue, outbox, process):
        with celery_broker(REDIS_TEST_DB, queue):
            complaint = file_report("anfa")
        started = wait_for_files(outbox, 1, pattern="started-*")
        assert started, "the worker never began sending"
        os.kill(int(started[0].name.removeprefix("started-")), signal.SIGKILL)

        sent = wait_for_files(outbox, 1)

        assert len(sent) == 1
        assert complaint.reference in sent[0].read_text()
        assert process.poll() is None  # the worker itself lives on, with a new pool process
    owed = OwedEmail.objects.get(key=f"submitted:{complaint.pk}")
    assert owed.sent_at is not None
    assert len(list(outbox.glob("*.log"))) == 1
