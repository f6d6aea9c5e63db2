"""Filing through a Redis master failover (issue #26): the Redis set of `make serve`
(scripts/redis_ha.sh: master, replica, three sentinels) on scratch ports, this process configured
through its sentinels, reports filed one after another through Django's full handler (the test
client, as bench.filing) while the master is killed, each with an e-mail address, and a real
Celery worker on the sentinels. Prints the answers before, during (master killed, replica not yet
promoted) and after the failover, the time from the kill to the sentinels naming the promoted
replica, whether every report answered 201 is in the database, and, after the sweeper (run at
once instead of beat's 5 minutes) has handed over what the broker could not take, whether the
worker sent every acknowledgement owed.

    DATABASE_URL=postgis:///casa_map .venv/bin/python -m bench.redis_failover [--seconds 4]

Files its reports ("[Bench-failover]" in their titles) into that database.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


MASTER, REPLICA = free_port(), free_port()
SENTINELS = [free_port() for _ in range(3)]
RUN_DIR = Path(tempfile.mkdtemp(prefix="casa-redis-failover-"))
os.environ |= {
    "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    "EMAIL_FILE_PATH": str(RUN_DIR / "sent"),
    "CONN_MAX_AGE": "0",
    "DJANGO_SETTINGS_MODULE": "casa_map.settings",
    "DEBUG": "false",
    "REDIS_SENTINELS": ",".join(f"127.0.0.1:{port}" for port in SENTINELS),
    "REDIS_SENTINEL_MASTER": "casa-map",
    "REPORT_RATE_LIMIT": "1000000/h",
    "API_ANONYMOUS_WRITE_RATE": "1000000/hour",
}

import argparse  # noqa: E402
import logging  # noqa: E402

import django  # noqa: E402
import redis  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from districts.selectors import random_points_in_city  # noqa: E402
from issues import tasks  # noqa: E402
from issues.models import Complaint, OwedEmail  # noqa: E402

MARKER = "[Bench-failover]"


def master_named() -> int | None:
    try:
        return int(
            redis.Redis(port=SENTINELS[0], socket_timeout=1).sentinel_get_master_addr_by_name(
                "casa-map"
            )[1]
        )
    except redis.RedisError:
        return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=4.0, help="filing before and after")
    args = parser.parse_args()

    run_dir = RUN_DIR / "redis"
    env = os.environ | {
        "CASA_RUN_DIR": str(run_dir),
        "CASA_REDIS_MASTER_PORT": str(MASTER),
        "CASA_REDIS_REPLICA_PORT": str(REPLICA),
        "CASA_SENTINEL_PORTS": " ".join(map(str, SENTINELS)),
    }
    redis_set = subprocess.Popen(
        [ROOT / "scripts" / "redis_ha.sh", "run"], env=env, start_new_session=True
    )
    worker = None
    try:
        while not (
            master_named() == MASTER
            and redis.Redis(port=REPLICA).info("replication").get("master_link_status") == "up"
        ):
            time.sleep(0.1)
        time.sleep(2)  # the sentinels discover each other and the replica
        with open(RUN_DIR / "worker.log", "w") as log:
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "casa_map", "worker", "--pool", "solo"]
                + ["--without-heartbeat", "--without-gossip", "--without-mingle"],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        run(run_dir, args.seconds)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(30)
        os.killpg(redis_set.pid, signal.SIGTERM)
        redis_set.wait(10)
        shutil.rmtree(RUN_DIR, ignore_errors=True)


class Counted(logging.Handler):
    """Counts the hand-overs the broker could not take (issues.handover logs each)."""

    count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "left for the sweeper" in record.getMessage():
            Counted.count += 1


def run(run_dir: Path, seconds: float) -> None:
    logging.getLogger("issues.handover").addHandler(Counted())
    client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
    points = iter(random_points_in_city(100_000, seed=23))
    answers = {"before": Counter(), "during": Counter(), "after": Counter()}
    filed: list[str] = []

    def file(phase: str) -> None:
        point = next(points)
        response = client.post(
            "/api/v1/complaints/",
            {
                "category": "roads-potholes",
                "title": f"{MARKER} Nid-de-poule",
                "description": "Un trou profond.",
                "lat": point.y,
                "lon": point.x,
                "contact_email": f"bench-failover-{len(filed)}@example.org",
            },
            content_type="application/json",
        )
        answers[phase][response.status_code] += 1
        if response.status_code == 201:
            filed.append(response.json()["reference"])

    started = time.monotonic()
    while time.monotonic() - started < seconds:
        file("before")
    master_pid = int((run_dir / "master" / "redis.pid").read_text())
    os.kill(master_pid, signal.SIGKILL)
    killed = time.monotonic()
    promoted_after = None
    while promoted_after is None:
        file("during")
        if master_named() == REPLICA:
            promoted_after = time.monotonic() - killed
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        file("after")

    in_database = Complaint.objects.filter(reference__in=filed).count()
    keys = [
        f"submitted:{pk}"
        for pk in Complaint.objects.filter(reference__in=filed).values_list("pk", flat=True)
    ]
    owed = OwedEmail.objects.filter(key__in=keys)
    tasks.SWEEP_AFTER = timedelta(0)  # what beat does every 5 minutes, at once
    tasks.send_owed_emails()
    give_up = time.monotonic() + 300
    while owed.filter(sent_at__isnull=True).exists() and time.monotonic() < give_up:
        time.sleep(1)
    for phase, counts in answers.items():
        shown = ", ".join(f"{count} × {status}" for status, count in sorted(counts.items()))
        print(f"{phase:>6}: {shown}")
    print(f"master killed → replica promoted: {promoted_after:.2f} s")
    print(f"answered 201: {len(filed)}, in the database: {in_database}")
    sent = owed.filter(sent_at__isnull=False).count()
    print(f"hand-overs the broker could not take, left for the sweeper: {Counted.count}")
    print(f"e-mails owed: {owed.count()}, sent: {sent}, not sent: {len(keys) - sent}")


if __name__ == "__main__":
    main()
