"""The map's grid: square cells of EPSG:3857 whose size halves with each zoom, the SQL that
puts a complaint in its cell, and the box of a view."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS = 6378137.0  # the sphere of EPSG:3857
# One heat cell is this many screen pixels wide at every zoom, so its size in metres halves with
# each zoom level (Leaflet's 256-pixel tiles).
CELL_PIXELS = 16
MIN_ZOOM, MAX_ZOOM = 10, 18  # the heat map's zooms
# The pyramid of counts (planning.HeatCell) goes two levels coarser, for the public map's
# clusters (64 pixels wide: a cell two zooms coarser) at city zooms.
PYRAMID_MIN_ZOOM = 8
# EPSG:3857 stretches lengths by 1/cos(latitude): a cell's true width here is its size times this.
CITY_LATITUDE = 33.57


def cell_metres(zoom: int) -> float:
    """Side of a heat cell at this zoom, in EPSG:3857 metres."""
    zoom = min(max(zoom, PYRAMID_MIN_ZOOM), MAX_ZOOM)
    return 2 * math.pi * EARTH_RADIUS / (256 * 2**zoom) * CELL_PIXELS


CELL_X_SQL = f"floor(radians(ST_X(c.location)) * {EARTH_RADIUS} / %(size)s::float8)::integer"
CELL_Y_SQL = (
    f"floor(ln(tan(pi() / 4 + radians(ST_Y(c.location)) / 2)) * {EARTH_RADIUS}"
    " / %(size)s::float8)::integer"
)
CELL_OF_COMPLAINT_SQL = f"{CELL_X_SQL} AS gx, {CELL_Y_SQL} AS gy"

IN_BOX_SQL = """(%(west)s::float IS NULL
     OR c.location && ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326))"""


@dataclass(frozen=True)
class Bounds:
    west: float
    south: float
    east: float
    north: float
