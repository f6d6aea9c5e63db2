"""Where the planners' figures are, in words and on the map: each hotspot's nearest place and
arrondissement, and each arrondissement's label point, in the page's language."""

from __future__ import annotations

from django.contrib.gis.db.models.functions import PointOnSurface
from django.contrib.gis.geos import Point

from districts import selectors as district_selectors
from districts.errors import OutsideServiceArea
from districts.geocoding import nearest_place

from .hotspots import Hotspot


def hotspot_place(hotspot: Hotspot) -> dict[str, str]:
    """`{"place", "arrondissement"}` of the hotspot's centre (empty when unknown)."""
    centre = Point(hotspot.lon, hotspot.lat, srid=4326)
    try:
        arrondissement = str(district_selectors.locate(centre).arrondissement.name)
    except OutsideServiceArea:
        arrondissement = ""
    return {"place": nearest_place(centre), "arrondissement": arrondissement}


def arrondissement_labels() -> list[dict]:
    """Each arrondissement's name at a point inside its area (PostGIS ST_PointOnSurface), for
    the choropleth's labels; ordered by slug."""
    areas = (
        district_selectors.arrondissement_areas()
        .annotate(label=PointOnSurface("geometry"))
        .order_by("authority__slug")
    )
    return [
        {
            "slug": area.authority.slug,
            "name": str(area.authority.name),
            "lat": round(area.label.y, 5),
            "lon": round(area.label.x, 5),
        }
        for area in areas
    ]
