"""Outputs made safe by construction: what the site writes into documents other programs read.

Every export, feed and XML document is written through these, so citizen text typed today
(or stored before a rule existed) cannot turn a spreadsheet cell into a formula, a feed's
summary into markup, or a document into XML that no parser accepts.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable

from django.utils.feedgenerator import Atom1Feed

# What XML 1.0 cannot carry at all (even escaped): C0 controls but tab, newline and carriage
# return; lone surrogates; U+FFFE and U+FFFF.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A spreadsheet reads a cell starting with one of these as a formula (OWASP's CSV injection
# list, with tab and carriage return, which some programs skip before the sign).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def xml_text(value: str) -> str:
    """`value` without the characters XML cannot carry."""
    return NOT_XML.sub("", value)


def spreadsheet_cell(value):
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading `'`
    (OWASP's advice); numbers, dates and empty cells are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class SpreadsheetWriter:
    """csv.writer whose every cell goes through `spreadsheet_cell`; `writerow` returns what it
    wrote when the file is an echo (streamed exports)."""

    def __init__(self, file, **kwargs):
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row: Iterable):
        return self._writer.writerow([spreadsheet_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


class TextAtomFeed(Atom1Feed):
    """Atom with summaries as plain text (`type="text"`: a feed reader shows citizen text, never
    renders it) and every text cleaned of what XML cannot carry."""

    def __init__(self, title, link, description, *args, **kwargs):
        super().__init__(_clean(title), link, _clean(description), *args, **_clean_values(kwargs))

    def add_item(self, title, link, description, *args, **kwargs):
        super().add_item(_clean(title), link, _clean(description), *args, **_clean_values(kwargs))

    def add_item_elements(self, handler, item):
        summary = item.get("description")
        super().add_item_elements(handler, {**item, "description": None})
        if summary:
            handler.addQuickElement("summary", summary, {"type": "text"})


def _clean(value):
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, list | tuple):
        return type(value)(_clean(item) for item in value)
    return value


def _clean_values(values: dict) -> dict:
    return {key: _clean(value) for key, value in values.items()}
