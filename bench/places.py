"""Place search latency: `districts.selectors.search_places()` (what the report page calls) for a
set of real queries — exact, prefix, Arabic, misspelt, and well-known places typed in Arabic —
next to the floor: the bare indexed SQL `LIKE` on the same normalised text, and a bare `SELECT 1`
round trip, in the same run.

Prints figures; asserts nothing about time. Run against a seeded database:

    .venv/bin/python -m bench.places [--repeats 200]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casa_map.settings")
os.environ["DEBUG"] = "false"  # measure production settings, whatever the local .env says

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from bench.measure import percentiles, timed  # noqa: E402
from districts.selectors import search_places  # noqa: E402
from districts.text import normalise  # noqa: E402

QUERIES = {
    "exact": ["maarif", "Casa Voyageurs", "Twin Center", "ain diab"],
    "prefix": ["twin cen", "gare casa", "bd zerk", "hay mo"],
    "arabic": ["المعاريف", "شارع أنفا", "مستشفى", "زرقطوني"],
    "misspelt": ["zerktoni", "voyajeurs", "hopitall", "anfaa"],
    # issue #23: well-known places typed in Arabic, one with its vowel marks
    "ar-names": ["توين سنتر", "عين الذئاب", "درب السلطان", "دَرْب ٱلسُّلْطَان"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=200)
    options = parser.parse_args()

    def select_one():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchall()

    print(f"places: {connection.cursor().connection.info.dbname}, repeats {options.repeats}")
    round_trip = percentiles(timed(select_one, options.repeats))
    print(f"round trip  SELECT 1                         {round_trip}")
    for kind, queries in QUERIES.items():
        floor, full = [], []
        for query in queries:
            needle = normalise(query)

            def bare_like(needle=needle):
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT id FROM districts_place WHERE search_text LIKE %s LIMIT 8",
                        [f"%{needle}%"],
                    )
                    cursor.fetchall()

            floor += timed(bare_like, options.repeats // len(queries))
            full += timed(lambda query=query: search_places(query), options.repeats // len(queries))
        print(f"{kind:9}   floor: bare LIKE                 {percentiles(floor)}")
        print(f"{kind:9}   search_places()                  {percentiles(full)}")


if __name__ == "__main__":
    main()
