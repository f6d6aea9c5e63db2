"""A real streaming replica (scripts/replica.sh: a second PostgreSQL cluster made by
pg_basebackup, streaming from the primary) behind a running Casa Map configured with it. Its
replay is paused to make it lag for as long as a test needs: a citizen who files still sees their
report everywhere, other clients' public lists do not yet, staff act on it; a replica lagging
beyond the bound, or stopped, is skipped and every read is still answered."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings as django_settings
from rest_framework.authtoken.models import Token

from casa_map.replica import LSN_COOKIE
from districts.models import Authority
from tests.conftest import database_url
from tests.deploy.proxy_fixtures import free_port, wait_until
from tests.factories import StaffMembershipFactory

ROOT = Path(__file__).resolve().parents[2]
REPLICA_PORT = int(os.environ.get("CASA_REPLICA_PORT", "5433"))

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("casablanca")]


def replica_script(*args: str) -> str:
    finished = subprocess.run(
        [str(ROOT / "scripts" / "replica.sh"), *args],
        env=os.environ | {"CASA_REPLICA_PORT": str(REPLICA_PORT)} | primary_address(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return finished.stdout.strip()


def primary_address() -> dict:
    database = django_settings.DATABASES["default"]
    host = database["HOST"] or "127.0.0.1"
    return {
        "CASA_PG_HOST": host if not host.startswith("/") else "127.0.0.1",
        "CASA_PG_PORT": str(database["PORT"] or 5432),
    }


def sql(port: int, query: str):
    """One statement in its own session (autocommit) on the test database at `port`."""
    database = django_settings.DATABASES["default"]
    connection = psycopg2.connect(
        host="127.0.0.1",
        port=port,
        dbname=database["NAME"],
        user=database["USER"] or None,
        connect_timeout=5,
    )
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(query)
            return cursor.fetchone()[0] if cursor.description else None
    finally:
        connection.close()


def primary_port() -> int:
    return int(primary_address()["CASA_PG_PORT"])


def replica_caught_up() -> None:
    position = sql(primary_port(), "SELECT pg_current_wal_lsn()::text")
    wait_until(
        lambda: sql(REPLICA_PORT, f"SELECT pg_last_wal_replay_lsn() >= '{position}'::pg_lsn"),
        "the replica replays what the primary wrote",
        limit=60,
    )


@pytest.fixture(scope="session")
def streaming_replica():
    """The replica `make replica` makes, started (made first when missing) and streaming."""
    replica_script("start")
    return REPLICA_PORT


@contextmanager
def replay_paused():
    replica_caught_up()
    sql(REPLICA_PORT, "SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        sql(REPLICA_PORT, "SELECT pg_wal_replay_resume()")


@pytest.fixture
def casa_map_with_replica(streaming_replica):
    """Starts Casa Map (runserver, one process) on the test database with the replica configured;
    `casa_map_with_replica(REPLICA_MAX_LAG_SECONDS="0")` sets more of its environment."""
    servers = []

    def start(**environment: str) -> str:
        port = free_port()
        test_database = django_settings.DATABASES["default"]["NAME"]
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=os.environ
            | {
                "DEBUG": "true",
                "DATABASE_URL": database_url(),
                "DATABASE_REPLICA_URL": f"postgis://127.0.0.1:{REPLICA_PORT}/{test_database}",
                "REPLICA_MAX_LAG_SECONDS": "3600",
                "CELERY_BROKER_URL": "",
                "CACHE_URL": "locmemcache://replica-test",
            }
            | environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        servers.append(server)
        base = f"http://127.0.0.1:{port}"

        def answering() -> bool:
            if server.poll() is not None:
                raise AssertionError(f"the server stopped: {server.stderr.read().decode()}")
            try:
                return urllib.request.urlopen(f"{base}/livez", timeout=5).status == 200
            except OSError:
                return False

        wait_until(answering, "Casa Map answers", limit=60)
        return base

    yield start
    for server in servers:
        server.terminate()
        server.wait(10)


class Visitor:
    """A client with its own cookies, as a browser or an API integrator keeps them."""

    def __init__(self, base: str, **headers: str):
        self.base, self.headers, self.cookies = base, headers, CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | str]:
        data = json.dumps(body).encode() if body is not None else None
        headers = self.headers | ({"Content-Type": "application/json"} if data else {})
        request = urllib.request.Request(self.base + path, data, headers, method=method)
        try:
            with self.opener.open(request, timeout=30) as response:
                status, raw, kind = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, raw, kind = error.code, error.read(), error.headers
        text = raw.decode()
        return status, json.loads(text) if "json" in kind.get("Content-Type", "") else text

    def get(self, path: str):
        return self.request("GET", path)

    def file(self, point) -> str:
        status, body = self.request(
            "POST",
            "/api/v1/complaints/",
            {
                "category": "roads-potholes",
                "title": "Nid-de-poule devant la pharmacie",
                "description": "Un trou profond, signalé pendant que le réplica est en pause.",
                "lat": point.y,
                "lon": point.x,
            },
        )
        assert status == 201, body
        return body["reference"]

    def listed(self, reference: str) -> dict[str, bool]:
        """Whether the report is in each public list (REST, Open311, the public map)."""
        _, rest = self.get("/api/v1/complaints/?page_size=100")
        _, open311 = self.get("/open311/v2/requests.json")
        _, public_map = self.get("/api/v1/map/complaints/?zoom=18")
        return {
            "rest": reference in [f["properties"]["reference"] for f in rest["features"]],
            "open311": reference in [r["service_request_id"] for r in open311],
            "map": reference in json.dumps(public_map),
        }

    def has_cookie(self, name: str) -> bool:
        return any(cookie.name == name for cookie in self.cookies)


def test_a_citizen_sees_their_report_while_the_replica_lags_and_others_do_not_yet(
    casa_map_with_replica, point_in
):
    base = casa_map_with_replica()
    citizen, neighbour = Visitor(base), Visitor(base)
    staff = StaffMembershipFactory(authority=Authority.objects.get(slug="anfa"), role="agent")
    token = Token.objects.create(user=staff.user)
    agent = Visitor(base, Authorization=f"Token {token.key}")

    with replay_paused():
        reference = citizen.file(point_in("anfa"))

        assert citizen.has_cookie(LSN_COOKIE)
        status, page = citizen.get(f"/track/{reference}/")
        assert status == 200 and reference in page
        assert citizen.listed(reference) == {"rest": True, "open311": True, "map": True}
        # Served by the paused replica: the report is not there yet for anyone else.
        assert neighbour.listed(reference) == {"rest": False, "open311": False, "map": False}
        # A cookie that is not a write position pins its client to the primary.
        forged = Visitor(base, Cookie=f"{LSN_COOKIE}=0/XYZ")
        assert forged.listed(reference) == {"rest": True, "open311": True, "map": True}
        # Staff read and act on the primary.
        status, queued = agent.get(f"/api/v1/staff/complaints/{reference}/")
        assert status == 200 and queued["properties"]["reference"] == reference
        status, acted = agent.request(
            "POST",
            f"/api/v1/staff/complaints/{reference}/transition/",
            {"to_status": "acknowledged", "public_message": "Pris en charge."},
        )
        assert status == 200 and acted["properties"]["status"] == "acknowledged"

    wait_until(lambda: all(neighbour.listed(reference).values()), "the replica catches up")


def test_a_replica_lagging_beyond_the_bound_is_skipped(casa_map_with_replica, point_in):
    base = casa_map_with_replica(REPLICA_MAX_LAG_SECONDS="0", REPLICA_CHECK_SECONDS="0.2")
    citizen, neighbour = Visitor(base), Visitor(base)
    replica_caught_up()
    wait_until(
        lambda: neighbour.get("/healthz")[1]["checks"]["database_replica"].startswith("ok"),
        "the caught-up replica is used",
    )

    with replay_paused():
        reference = citizen.file(point_in("anfa"))

        # Once the process sees the lag (at its next check), everyone reads the primary.
        wait_until(lambda: all(neighbour.listed(reference).values()), "the lagging replica skipped")
        checks = neighbour.get("/healthz")[1]["checks"]
        assert checks["database_replica"] == "skipped (lags)"


def test_with_the_replica_stopped_every_read_is_still_answered(casa_map_with_replica, point_in):
    # The replica's state is never checked again in this run: a read that fails on the stopped
    # replica must itself be answered again from the primary.
    base = casa_map_with_replica(REPLICA_CHECK_SECONDS="3600")
    citizen, neighbour = Visitor(base), Visitor(base)
    reference = citizen.file(point_in("anfa"))
    replica_caught_up()
    assert neighbour.listed(reference) == {"rest": True, "open311": True, "map": True}

    replica_script("stop")
    try:
        assert neighbour.listed(reference) == {"rest": True, "open311": True, "map": True}
        for path in ("/api/v1/heatmap/?zoom=12", "/api/v1/figures/arrondissements/", "/map/"):
            assert neighbour.get(path)[0] == 200, path
        checks = neighbour.get("/healthz")[1]["checks"]
        assert checks["database_replica"].startswith("skipped (")
    finally:
        replica_script("start")
