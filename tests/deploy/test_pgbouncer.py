"""Every process reaches PostgreSQL through PgBouncer in transaction pooling (scripts/pgbouncer.sh,
deploy/pgbouncer): a Django process configured as `make serve` configures it files a report,
exports the queue, runs the alerts (an advisory lock) and answers /healthz naming the pooler."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from issues.models import Complaint
from tests.conftest import database_url
from tests.deploy.proxy_fixtures import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("casablanca")]

THROUGH_THE_POOLER = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection
from django.test import Client
from alerts.services import send_alerts
from districts.models import Category
from issues.models import Complaint
from issues.services import create_complaint

lon, lat = float(sys.argv[1]), float(sys.argv[2])
complaint = create_complaint(
    category=Category.objects.get(code="roads-potholes"),
    location=Point(lon, lat, srid=4326),
    title="Nid-de-poule signale a travers PgBouncer",
    description="Devant le numero 12.",
)
references = list(Complaint.objects.order_by("id").values_list("reference", flat=True).iterator(2))
send_alerts()
with connection.cursor() as cursor:
    cursor.execute("SELECT inet_server_port(), current_setting('application_name')")
    port, _ = cursor.fetchone()
health = Client().get("/healthz", headers={"host": "127.0.0.1"}).json()
print(json.dumps({
    "reference": complaint.reference,
    "authority": complaint.authority.slug,
    "references": references,
    "server_side_cursors_disabled": connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"],
    "pooler": health["checks"]["database_pooler"],
    "database": health["checks"]["database"],
}))
"""


@pytest.fixture
def pgbouncer():
    # Not under pytest's tmp_path: run as root (CI), pgbouncer runs as postgres, which must reach
    # its folder (the script hands it over); pytest's folders are root's only.
    run_dir = Path(tempfile.mkdtemp(prefix="casa-pgbouncer-"))
    port = free_port()
    database = django_settings.DATABASES["default"]
    env = os.environ | {
        "CASA_PG_HOST": database["HOST"] if database["HOST"].startswith("1") else "127.0.0.1",
        "CASA_PG_PORT": str(database["PORT"] or 5432),
        "CASA_POOLER_PORT": str(port),
        "CASA_RUN_DIR": str(run_dir),
    }
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "pgbouncer.sh"), "run"], env=env, stderr=subprocess.PIPE
    )

    def listening() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"pgbouncer stopped: {process.stderr.read().decode()}")
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    wait_until(listening, "pgbouncer listening")
    yield port
    process.terminate()
    process.wait(10)
    shutil.rmtree(run_dir, ignore_errors=True)


def test_a_process_configured_for_pgbouncer_files_exports_and_names_it(pgbouncer, point_in):
    point = point_in("anfa")
    test_database = database_url().rsplit("/", 1)[1]
    pooled = f"postgis://127.0.0.1:{pgbouncer}/{test_database}"

    finished = subprocess.run(
        [sys.executable, "-c", THROUGH_THE_POOLER, str(point.x), str(point.y)],
        cwd=ROOT,
        env=os.environ | {"DATABASE_URL": pooled, "DATABASE_POOLER": "pgbouncer"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert finished.returncode == 0, finished.stderr
    seen = json.loads(finished.stdout.strip().splitlines()[-1])
    assert seen["authority"] == "anfa"
    assert seen["references"] == [seen["reference"]]
    assert seen["server_side_cursors_disabled"] is True
    assert (seen["database"], seen["pooler"]) == ("ok", "pgbouncer")
    # Committed through the pooler: this test's own connection (direct) sees it.
    assert Complaint.objects.filter(reference=seen["reference"]).exists()
