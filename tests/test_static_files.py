"""The production static files build (whitenoise's compressed manifest, as in the Docker image and
`make serve`) succeeds: every file a stylesheet or script refers to exists."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings


def test_collectstatic_with_the_production_storage_succeeds(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=settings.BASE_DIR,
        env=os.environ
        | {
            "STATIC_ROOT": str(tmp_path / "static"),
            "STATICFILES_BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
    assert list((tmp_path / "static").rglob("leaflet.*.js.gz"))
