"""Run by tests/test_replica_routing.py in a pytest of its own, with DATABASE_REPLICA_URL set:
the "replica" alias is then a test MIRROR of the test database (a second connection to it), so
what each connection was asked shows where the router sent each read. Not collected by the main
run (not named test_*.py): that run has no replica alias."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from issues.models import Complaint

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def sql_of(context: CaptureQueriesContext) -> str:
    return "\n".join(query["sql"] for query in context.captured_queries)


def test_planners_aggregates_and_the_public_map_read_from_the_replica(client, report_in):
    report_in("anfa")
    report_in("maarif")

    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        heat = client.get("/api/v1/heatmap/?zoom=12")
        public = client.get("/api/v1/map/complaints/?zoom=11")
        figures = client.get("/api/v1/figures/arrondissements/")

    assert sum(cell[2] for cell in heat.json()["cells"]) == 2
    assert public.json()["total"] == 2
    assert sum(row["complaints"] for row in figures.json()) == 2
    assert "planning_heatcell" in sql_of(replica)
    assert "planning_heatcell" not in sql_of(primary)


def test_reports_are_written_to_the_primary(client, report_in):
    complaint = report_in("anfa")

    assert Complaint.objects.using("default").filter(pk=complaint.pk).exists()
    assert (
        connections["replica"].settings_dict["NAME"] == connections["default"].settings_dict["NAME"]
    )
