"""Finding places by name and describing a pin: one small interface, two implementations.

`GazetteerGeocoder` (the default) searches the OpenStreetMap gazetteer in our own database and
works offline. `NominatimGeocoder` asks a Nominatim server through geopy, for production; its
results are kept only when they fall inside the 16 arrondissements. `get_geocoder()` picks one
from the GEOCODER setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

from . import selectors
from .errors import OutsideServiceArea


class GeocoderUnavailable(Exception):
    """The geocoding service did not answer; the citizen can still place the pin by hand."""


@dataclass(frozen=True)
class FoundPlace:
    label: str
    detail: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Address:
    """What is near a pin, e.g. "Boulevard d'Anfa (40 m)". The arrondissement is not repeated
    here: callers have it from routing."""

    label: str
    near: str
    distance_m: int | None


class Geocoder(Protocol):
    def search(self, query: str, *, limit: int = 8) -> list[FoundPlace]: ...

    def reverse(self, point: Point) -> Address | None: ...


def _arrondissement_name(point: Point) -> str | None:
    try:
        return selectors.locate(point).arrondissement.name
    except OutsideServiceArea:
        return None


def _local(name_fr: str | None, name_ar: str | None) -> str:
    if (get_language() or "fr").startswith("ar") and name_ar:
        return name_ar
    return name_fr or ""


class GazetteerGeocoder:
    def search(self, query: str, *, limit: int = 8) -> list[FoundPlace]:
        return [
            FoundPlace(
                label=place.label,
                detail=_local(place.arrondissement_fr, place.arrondissement_ar),
                lat=place.location.y,
                lon=place.location.x,
            )
            for place in selectors.search_places(query, limit=limit)
        ]

    def reverse(self, point: Point) -> Address | None:
        nearest = selectors.nearest_place(point)
        if nearest is None:
            return None
        place, metres = nearest
        label = _("%(place)s (%(metres)d m)") % {"place": place.label, "metres": round(metres)}
        return Address(label, place.label, round(metres))


class NominatimGeocoder:
    def __init__(self, *, domain: str, scheme: str, user_agent: str, timeout: float):
        self._nominatim = Nominatim(
            domain=domain, scheme=scheme, user_agent=user_agent, timeout=timeout
        )

    def search(self, query: str, *, limit: int = 8) -> list[FoundPlace]:
        min_lon, min_lat, max_lon, max_lat = selectors.city_extent()
        try:
            locations = self._nominatim.geocode(
                query,
                exactly_one=False,
                limit=limit,
                country_codes="ma",
                viewbox=[(min_lat, min_lon), (max_lat, max_lon)],
                bounded=True,
                language=get_language() or "fr",
            )
        except GeopyError as error:
            raise GeocoderUnavailable(str(error)) from error
        found = []
        for location in locations or []:
            point = Point(location.longitude, location.latitude, srid=4326)
            arrondissement = _arrondissement_name(point)
            if arrondissement is None:
                continue
            label = location.address.split(",")[0]
            found.append(FoundPlace(label, arrondissement, location.latitude, location.longitude))
        return found

    def reverse(self, point: Point) -> Address | None:
        try:
            location = self._nominatim.reverse(
                (point.y, point.x), exactly_one=True, language=get_language() or "fr", zoom=18
            )
        except GeopyError as error:
            raise GeocoderUnavailable(str(error)) from error
        if location is None:
            return None
        near = location.address.split(",")[0]
        return Address(near, near, None)


def get_geocoder() -> Geocoder:
    if settings.GEOCODER == "nominatim":
        return NominatimGeocoder(
            domain=settings.NOMINATIM_DOMAIN,
            scheme=settings.NOMINATIM_SCHEME,
            user_agent=settings.NOMINATIM_USER_AGENT,
            timeout=settings.NOMINATIM_TIMEOUT,
        )
    return GazetteerGeocoder()


@dataclass(frozen=True)
class PinDescription:
    """A pin put in words, for citizens who place it without the map: where it falls and what
    it is nearest to, or why it cannot be used."""

    lat: float
    lon: float
    arrondissement: str = ""
    near: str = ""
    problem: str = ""


def nearest_place(point: Point) -> str:
    """What the point is nearest to, e.g. "Boulevard d'Anfa (40 m)", in the page's language;
    empty when nothing is known near it or the geocoder does not answer."""
    try:
        address = get_geocoder().reverse(point)
    except GeocoderUnavailable:
        return ""
    return address.label if address else ""


def describe_pin(lat: float, lon: float) -> PinDescription:
    point = Point(lon, lat, srid=4326)
    try:
        arrondissement = selectors.locate(point).arrondissement.name
    except OutsideServiceArea as outside:
        return PinDescription(lat, lon, problem=str(outside.message))
    return PinDescription(lat, lon, arrondissement, nearest_place(point))


def search_or_explain(query: str) -> tuple[list[FoundPlace], str]:
    """Places matching `query`, or none and a message the citizen can act on."""
    try:
        found = get_geocoder().search(query)
    except GeocoderUnavailable:
        return [], _("Place search is unavailable right now. Try again later.")
    if not found:
        return [], _("No place found.")
    return found, ""
