"""The data files carry their sources inside the repository, not in a folder beside it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.conf import settings

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def test_every_fixture_file_has_its_source_and_licence_in_sources_md():
    sources = (FIXTURES / "SOURCES.md").read_text(encoding="utf-8")

    data_files = [path.name for path in FIXTURES.iterdir() if path.name != "SOURCES.md"]

    assert data_files
    assert [name for name in data_files if f"`{name}`" not in sources] == []
    assert "ODbL 1.0, © OpenStreetMap contributors" in sources
    assert "RGPH 2024" in sources


def test_no_tracked_file_points_outside_the_repository_for_its_data():
    tracked = subprocess.run(
        ["git", "grep", "-l", "shared/data", "--", ".", ":!tests/districts/test_sources.py"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )

    assert tracked.stdout == ""
