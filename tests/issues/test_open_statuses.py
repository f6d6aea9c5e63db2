"""Which statuses are open is defined once (issues.models.OPEN_STATUSES); the database's
triggers (queue tallies, pyramids of counts) spell the list in SQL, and are held to it here, so
adding or renaming a status cannot leave them counting another set."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from issues.models import OPEN_STATUSES, Complaint

pytestmark = pytest.mark.django_db

STATUS_LIST = re.compile(r"IN \(('[a-z_]+'(?:, '[a-z_]+')*)\)")


def function_sources() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, prosrc FROM pg_proc "
            "WHERE proname LIKE 'planning\\_%%' OR proname LIKE 'issues\\_%%'"
        )
        return dict(cursor.fetchall())


def test_every_status_list_in_the_triggers_is_the_open_statuses():
    expected = {f"'{status}'" for status in OPEN_STATUSES}
    lists = {
        name: {part.strip() for part in found.split(",")}
        for name, source in function_sources().items()
        for found in STATUS_LIST.findall(source)
    }

    assert lists, "no trigger names the open statuses"
    assert all(found == expected for found in lists.values()), lists


def test_the_queryset_and_the_model_agree(report_in):
    complaint = report_in("anfa")
    Complaint.objects.filter(pk=complaint.pk).update(status=Complaint.Status.CLOSED)

    assert not Complaint.objects.open().filter(pk=complaint.pk).exists()
    assert Complaint.objects.closed().filter(pk=complaint.pk).exists()
    complaint.refresh_from_db()
    assert not complaint.is_open
