"""`make backup` then `make restore` into a fresh database gives back every complaint, event and
attachment, files included."""

from __future__ import annotations

import os
import subprocess
import uuid

import psycopg2
import pytest
from django.conf import settings

from issues.attachments import prepare
from issues.models import Attachment, Complaint, Event
from tests.conftest import database_url, server_params
from tests.media import pdf_bytes, photo_upload, upload


def run(script: str, *args: str, env: dict) -> str:
    result = subprocess.run(
        [f"scripts/{script}", *args],
        cwd=settings.BASE_DIR,
        env=os.environ | env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture
def fresh_database():
    """An empty database beside the test database (CREATE DATABASE needs its own connection:
    it cannot run inside the test's transaction)."""
    name = f"casa_map_restore_{uuid.uuid4().hex[:10]}"
    server = psycopg2.connect(dbname="postgres", **server_params())
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server.close()


def rows_in(database: str) -> dict[str, list]:
    with (
        psycopg2.connect(dbname=database, **server_params()) as restored,
        restored.cursor() as cursor,
    ):
        cursor.execute("SELECT reference FROM issues_complaint ORDER BY reference")
        references = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT id FROM issues_event ORDER BY id")
        events = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT file, thumbnail FROM issues_attachment ORDER BY id")
        files = cursor.fetchall()
    restored.close()
    return {"references": references, "events": events, "files": files}


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_fresh_database_has_everything(
    report_in, media_in_tmp, tmp_path, fresh_database
):
    report_in("anfa", attachments=[prepare(photo_upload())])
    report_in("maarif", attachments=[prepare(upload("devis.pdf", pdf_bytes()))])
    report_in("sbata")
    expected = {
        "references": sorted(Complaint.objects.values_list("reference", flat=True)),
        "events": list(Event.objects.order_by("id").values_list("id", flat=True)),
        "files": list(Attachment.objects.order_by("id").values_list("file", "thumbnail")),
    }

    backup = run(
        "backup.sh",
        str(tmp_path / "backups"),
        env={"DATABASE_URL": database_url(), "MEDIA_ROOT": str(media_in_tmp)},
    )
    restored_media = tmp_path / "restored-media"
    run(
        "restore.sh",
        backup,
        env={
            "DATABASE_URL": database_url(fresh_database),
            "MEDIA_ROOT": str(restored_media),
        },
    )

    assert rows_in(fresh_database) == expected
    stored = [name for pair in expected["files"] for name in pair if name]
    assert len(stored) == 3  # photo, its thumbnail, the PDF
    for name in stored:
        assert (restored_media / name).read_bytes() == (media_in_tmp / name).read_bytes()


@pytest.mark.django_db
def test_a_damaged_backup_is_refused_before_anything_is_touched(tmp_path, fresh_database):
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "database.dump").write_bytes(b"PGDMP not really")
    (damaged / "media.tar.gz").write_bytes(b"")
    (damaged / "SHA256SUMS").write_text(f"{'0' * 64}  database.dump\n{'0' * 64}  media.tar.gz\n")

    result = subprocess.run(
        ["scripts/restore.sh", str(damaged)],
        cwd=settings.BASE_DIR,
        env=os.environ | {"DATABASE_URL": database_url(fresh_database)},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "FAILED" in result.stderr + result.stdout
