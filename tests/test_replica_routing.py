"""With DATABASE_REPLICA_URL, the planners' aggregates and the public map read from the replica
and writes stay on the primary (tests/replica/replica_reads.py, run with the replica configured
as Django's test MIRROR of the test database); without it, everything uses the one database."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

from casa_map.replica import ReplicaRouter, replica_alias
from planning.models import HeatCell
from tests.conftest import database_url


def test_without_a_replica_everything_reads_the_primary():
    assert "replica" not in settings.DATABASES
    assert replica_alias() == "default"
    assert ReplicaRouter().db_for_read(HeatCell) == "default"


def test_with_a_replica_the_router_sends_the_lagging_reads_there():
    url = database_url("casa_map_replica_check")  # so its test database is not this run's

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/replica/replica_reads.py", "-q"]
        + ["-p", "no:randomly", "-p", "no:cacheprovider", "--create-db"],
        cwd=settings.BASE_DIR,
        env=os.environ | {"DATABASE_URL": url, "DATABASE_REPLICA_URL": url},
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout
