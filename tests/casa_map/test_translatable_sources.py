"""Every user-facing string reaches the translators: makemessages (xgettext) does not read a
gettext call written inside an f-string, and drops its translation as obsolete the next time it
runs (the API's law 09-08 notice lost its Arabic heading that way once)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "alerts", "casa_map", "districts", "issues", "open311", "planning", "staff"]
GETTEXT_IN_FSTRING = re.compile(
    r"""\bf(?P<quote>["'])[^\n]*?\{\s*(?:_|gettext|gettext_lazy|pgettext|ngettext)\("""
)


def test_no_gettext_call_hides_inside_an_f_string():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if GETTEXT_IN_FSTRING.search(line)
    ]

    assert offenders == []


def test_the_pattern_finds_what_it_is_for():
    assert GETTEXT_IN_FSTRING.search("""f"**{_('Personal data')}** — {text}\"""")
    assert not GETTEXT_IN_FSTRING.search("""heading = _("Personal data")""")
