"""Redis is not a single point of failure (issue #26): a master, its replica and three sentinels
rendered by scripts/redis_ha.sh (deploy/redis), a Django process and a real Celery worker
configured through the sentinels (REDIS_SENTINELS, casa_map/redis_connections.py). The master is
killed: reports filed while it is down are received (201, their limits counted in process,
their e-mails left for the sweeper); once the sentinels promote the replica, the cache and the
broker work again through the new master, and every report and every e-mail it owes is there.

The outage window is the test's to hold open, not a race: the sentinels are told to wait an hour
before judging the master, and only when the reports of the outage are filed are they given back
their one second (the real setting), after which they must promote the replica."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import redis

from issues.models import Complaint, OwedEmail
from tests.conftest import database_url
from tests.deploy.proxy_fixtures import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
MASTER_NAME = "casa-map"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("casablanca")]

# A web process on the sentinels, driven line by line on its standard input.
WEB_PROCESS = """
import json, sys
from datetime import timedelta
import django
django.setup()
from django.core.cache import cache
from django.test import Client
from issues import tasks

lon, lat = float(sys.argv[1]), float(sys.argv[2])
client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
for line in sys.stdin:
    command = line.split()
    if command[0] == "file":
        response = client.post("/api/v1/complaints/", {
            "category": "roads-potholes", "title": "Nid-de-poule", "lat": lat, "lon": lon,
            "description": "Un trou profond devant l'ecole.",
            "contact_email": f"citoyen-{command[1]}@example.org",
        }, content_type="application/json")
        reference = response.json()["reference"] if response.status_code == 201 else None
        answer = {"status": response.status_code, "reference": reference}
    elif command[0] == "cache":
        cache.set("failover-probe", command[1], 60)
        answer = {"read_back": cache.get("failover-probe")}
    elif command[0] == "sweep":  # what beat runs every 5 minutes, its delay elapsed
        tasks.SWEEP_AFTER = timedelta(0)
        answer = {"handed_over": tasks.send_owed_emails()}
    print(json.dumps(answer), flush=True)
"""


class RedisSet:
    """The five servers of scripts/redis_ha.sh, each a process of this test's."""

    def __init__(self, run_dir: Path):
        self.run_dir = run_dir
        self.master_port, self.replica_port = free_port(), free_port()
        self.sentinel_ports = [free_port() for _ in range(3)]
        self.processes: dict[str, subprocess.Popen] = {}

    @property
    def sentinels(self) -> str:
        return ",".join(f"127.0.0.1:{port}" for port in self.sentinel_ports)

    def start(self) -> None:
        env = os.environ | {
            "CASA_RUN_DIR": str(self.run_dir),
            "CASA_REDIS_MASTER_PORT": str(self.master_port),
            "CASA_REDIS_REPLICA_PORT": str(self.replica_port),
            "CASA_SENTINEL_PORTS": " ".join(map(str, self.sentinel_ports)),
        }
        subprocess.run([ROOT / "scripts" / "redis_ha.sh", "render"], env=env, check=True)
        for name in ("master", "replica"):
            self.processes[name] = subprocess.Popen(
                ["redis-server", str(self.run_dir / name / "redis.conf")]
            )
        for number in (1, 2, 3):
            self.processes[f"sentinel-{number}"] = subprocess.Popen(
                ["redis-sentinel", str(self.run_dir / f"sentinel-{number}" / "sentinel.conf")]
            )
        wait_until(self.ready, "the replica in sync and the sentinels agreeing", limit=60)

    def sentinel(self, port: int) -> redis.Redis:
        return redis.Redis(port=port, socket_timeout=2, decode_responses=True)

    def ready(self) -> bool:
        try:
            replica = redis.Redis(port=self.replica_port).info("replication")
            if replica.get("master_link_status") != "up":
                return False
            for port in self.sentinel_ports:
                sentinel = self.sentinel(port)
                sentinel.execute_command("SENTINEL CKQUORUM", MASTER_NAME)
                if not sentinel.sentinel_slaves(MASTER_NAME):
                    return False
        except redis.RedisError:
            return False
        return True

    def master_port_named(self) -> int:
        """The master's port as the sentinels say (every one of them must agree)."""
        named = {
            int(self.sentinel(port).sentinel_get_master_addr_by_name(MASTER_NAME)[1])
            for port in self.sentinel_ports
        }
        return named.pop() if len(named) == 1 else -1

    def judge_after(self, milliseconds: int) -> None:
        for port in self.sentinel_ports:
            self.sentinel(port).sentinel_set(MASTER_NAME, "down-after-milliseconds", milliseconds)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            process.wait(10)


@pytest.fixture
def redis_set():
    # Not under pytest's tmp_path, as for pgbouncer: the same folder layout as `make serve`'s.
    run_dir = Path(tempfile.mkdtemp(prefix="casa-redis-ha-"))
    servers = RedisSet(run_dir)
    try:
        servers.start()
        yield servers
    finally:
        servers.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


@pytest.fixture
def through_sentinels(redis_set, tmp_path):
    return os.environ | {
        "DATABASE_URL": database_url(),
        "REDIS_SENTINELS": redis_set.sentinels,
        "REDIS_SENTINEL_MASTER": MASTER_NAME,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "sent"),
        "CONN_MAX_AGE": "0",
        "REPORT_RATE_LIMIT": "1000/h",
        "API_ANONYMOUS_WRITE_RATE": "1000/hour",
    }


@pytest.fixture
def worker(through_sentinels, tmp_path):
    log = tmp_path / "worker.log"
    with open(log, "w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "casa_map", "worker", "--pool", "solo"]
            + ["--without-heartbeat", "--without-gossip", "--without-mingle"],
            cwd=ROOT,
            env=through_sentinels,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    yield process
    process.terminate()
    process.wait(30)
    print(log.read_text(errors="replace"))  # shown by pytest when the test fails


class WebProcess:
    def __init__(self, env: dict, point):
        self.process = subprocess.Popen(
            [sys.executable, "-c", WEB_PROCESS, str(point.x), str(point.y)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, *command) -> dict:
        self.process.stdin.write(" ".join(map(str, command)) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the web process stopped (exit {self.process.poll()})"
        return json.loads(line)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(30)


@pytest.fixture
def web(through_sentinels, point_in):
    process = WebProcess(through_sentinels, point_in("anfa"))
    yield process
    process.close()


def test_filing_and_the_worker_carry_on_through_a_redis_master_failover(redis_set, web, worker):
    assert redis_set.master_port_named() == redis_set.master_port
    before = web.ask("file", 0)
    assert before["status"] == 201
    assert web.ask("cache", "before") == {"read_back": "before"}

    redis_set.judge_after(3_600_000)  # the outage lasts until the test says otherwise
    redis_set.processes["master"].send_signal(signal.SIGKILL)
    redis_set.processes["master"].wait(10)
    during = [web.ask("file", n) for n in range(1, 4)]
    assert redis_set.master_port_named() == redis_set.master_port  # still down, not replaced
    assert [answer["status"] for answer in during] == [201, 201, 201]

    redis_set.judge_after(1_000)
    judged = time.monotonic()
    wait_until(
        lambda: redis_set.master_port_named() == redis_set.replica_port,
        "the sentinels promoting the replica",
        limit=60,
    )
    print(f"replica promoted {time.monotonic() - judged:.2f} s after the sentinels could judge")

    after = web.ask("file", 4)
    assert after["status"] == 201
    assert web.ask("cache", "after") == {"read_back": "after"}
    promoted = redis.Redis(port=redis_set.replica_port)
    assert promoted.exists(":1:failover-probe")  # the cache went to the new master

    # The e-mails owed by the reports of the outage were left for the sweeper, which hands them
    # to the worker through the new master; the worker, reconnected, sends every one.
    web.ask("sweep")
    filed = [before, *during, after]
    wait_until(
        lambda: (
            OwedEmail.objects.count() == len(filed)
            and not OwedEmail.objects.filter(sent_at__isnull=True).exists()
        ),
        "the worker sending every owed e-mail through the new master",
        limit=120,
    )
    references = {answer["reference"] for answer in filed}
    assert set(Complaint.objects.values_list("reference", flat=True)) == references
    assert worker.poll() is None
