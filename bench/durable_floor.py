"""The durable floor of filing (issue #26): the least a report must do, in a bare Django view on
the same stack (nginx, gunicorn, PgBouncer) — read a point from a JSON body, route it with one
`ST_Covers` query on the service areas, insert one row into a table with a GiST index, in one
committed transaction. bench/load.py compares filing a report with it.

Mounted at /_bench/durable-floor only when BENCH_DURABLE_FLOOR=true (the bench's stack); its
table is made by `ensure_table()` in the bench's database and nowhere else.
"""

from __future__ import annotations

import json

from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

TABLE = "bench_durable_floor"


def ensure_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE TABLE IF NOT EXISTS {TABLE} (
                id bigserial PRIMARY KEY,
                location geometry(Point, 4326) NOT NULL,
                service_area_id bigint,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX IF NOT EXISTS {TABLE}_location ON {TABLE} USING gist (location);
            """
        )


@csrf_exempt
@require_POST
def durable_floor(request: HttpRequest) -> JsonResponse:
    body = json.loads(request.body)
    lon, lat = float(body["lon"]), float(body["lat"])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM districts_servicearea"
            " WHERE ST_Covers(geometry, ST_SetSRID(ST_MakePoint(%s, %s), 4326)) LIMIT 1",
            [lon, lat],
        )
        found = cursor.fetchone()
        cursor.execute(
            f"INSERT INTO {TABLE} (location, service_area_id)"
            " VALUES (ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s) RETURNING id",
            [lon, lat, found[0] if found else None],
        )
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id}, status=201)
