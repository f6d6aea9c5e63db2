"""Validated, idempotent import of boundary GeoJSON (arrondissements, préfectures).

The management command and any future admin upload call `import_boundaries`; it either applies the
whole file in one transaction or raises `BoundaryFileError` listing every problem, touching nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import shapely
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon
from django.db import transaction
from django.utils.text import slugify
from shapely.errors import ShapelyError
from shapely.geometry import shape

from .models import Authority, Prefecture, ServiceArea

ACCEPTED_CRS_NAMES = {
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "urn:ogc:def:crs:EPSG::4326",
    "EPSG:4326",
}
POLYGONAL_TYPES = {"Polygon", "MultiPolygon"}


class Level:
    ARRONDISSEMENT = "arrondissement"
    PREFECTURE = "prefecture"
    CHOICES = (ARRONDISSEMENT, PREFECTURE)


class BoundaryFileError(Exception):
    """The file cannot be imported; `problems` lists every reason found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    missing_from_file: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged"
        ]
        if self.repaired:
            lines.append("geometry repaired with make_valid: " + ", ".join(self.repaired))
        if self.missing_from_file:
            lines.append(
                "in the database but not in this file (left as they are): "
                + ", ".join(self.missing_from_file)
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class BoundaryFeature:
    slug: str
    properties: dict
    geometry: MultiPolygon
    repaired: bool


def import_boundaries(raw: bytes, *, level: str) -> ImportReport:
    if level not in Level.CHOICES:
        raise BoundaryFileError([f"unknown level {level!r}; expected one of {Level.CHOICES}"])
    features = parse_boundary_file(raw)
    with transaction.atomic():
        if level == Level.ARRONDISSEMENT:
            return _apply_arrondissements(features)
        return _apply_prefectures(features)


def parse_boundary_file(raw: bytes) -> list[BoundaryFeature]:
    """Checks the whole file and returns its features, or raises with every problem found."""
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise BoundaryFileError([f"the file is not UTF-8 text ({error.reason})"]) from error
    except json.JSONDecodeError as error:
        raise BoundaryFileError(
            [f"the file is not JSON: {error.msg} at line {error.lineno}"]
        ) from error
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise BoundaryFileError(["the file is not a GeoJSON FeatureCollection"])
    crs_problem = _crs_problem(document.get("crs"))
    if crs_problem:
        raise BoundaryFileError([crs_problem])
    raw_features = document.get("features")
    if not isinstance(raw_features, list) or not raw_features:
        raise BoundaryFileError(["the FeatureCollection has no features"])

    problems: list[str] = []
    features: list[BoundaryFeature] = []
    seen: set[str] = set()
    for index, raw_feature in enumerate(raw_features, start=1):
        feature, feature_problems = _parse_feature(index, raw_feature)
        problems.extend(feature_problems)
        if feature is None:
            continue
        if feature.slug in seen:
            problems.append(f"feature {index}: id {feature.slug!r} appears more than once")
        seen.add(feature.slug)
        features.append(feature)
    if problems:
        raise BoundaryFileError(problems)
    return features


def _crs_problem(crs) -> str | None:
    if crs is None:
        return None
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if name in ACCEPTED_CRS_NAMES:
        return None
    return (
        f"the file declares the coordinate system {name or crs!r}; "
        "boundaries must be WGS 84 longitude/latitude (EPSG:4326, as RFC 7946 requires)"
    )


def _parse_feature(index: int, raw_feature) -> tuple[BoundaryFeature | None, list[str]]:
    if not isinstance(raw_feature, dict) or raw_feature.get("type") != "Feature":
        return None, [f"feature {index}: not a GeoJSON Feature"]
    properties = raw_feature.get("properties") or {}
    slug = str(properties.get("id") or raw_feature.get("id") or "").strip()
    label = f"feature {index}" + (f" ({slug})" if slug else "")
    problems = []
    if not slug or slug != slugify(slug):
        problems.append(f"{label}: missing or invalid 'id' (a slug such as 'maarif')")
    if not str(properties.get("name") or "").strip():
        problems.append(f"{label}: missing 'name'")
    geometry, repaired, geometry_problem = _parse_geometry(raw_feature.get("geometry"))
    if geometry_problem:
        problems.append(f"{label}: {geometry_problem}")
    if problems:
        return None, problems
    return BoundaryFeature(slug, properties, geometry, repaired), []


def _parse_geometry(raw_geometry) -> tuple[MultiPolygon | None, bool, str | None]:
    if not isinstance(raw_geometry, dict):
        return None, False, "no geometry"
    geometry_type = raw_geometry.get("type")
    if geometry_type not in POLYGONAL_TYPES:
        return None, False, f"geometry is {geometry_type}; expected Polygon or MultiPolygon"
    try:
        # Parsed by shapely (GEOS), not GDAL: nothing in an uploaded file can make GDAL resolve a
        # spatial reference from a file or the network.
        parsed = shape({"type": geometry_type, "coordinates": raw_geometry.get("coordinates")})
        geometry = GEOSGeometry(memoryview(shapely.to_wkb(parsed)), srid=4326)
    except (ShapelyError, GEOSException, ValueError, TypeError, KeyError, IndexError) as error:
        return None, False, f"unreadable geometry ({error})"
    if geometry.empty:
        return None, False, "empty geometry"
    min_lon, min_lat, max_lon, max_lat = geometry.extent
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        return (
            None,
            False,
            (
                "coordinates are not longitude/latitude degrees; "
                "boundaries must be WGS 84 (EPSG:4326)"
            ),
        )
    repaired = False
    if not geometry.valid:
        geometry = geometry.make_valid()
        repaired = True
    polygonal = _as_multipolygon(geometry)
    if polygonal is None:
        return None, repaired, "geometry has no polygon area once repaired"
    return polygonal, repaired, None


def _as_multipolygon(geometry) -> MultiPolygon | None:
    if isinstance(geometry, MultiPolygon):
        return geometry
    if isinstance(geometry, Polygon):
        return MultiPolygon(geometry, srid=geometry.srid)
    polygons = []
    for part in geometry:  # a GeometryCollection left by make_valid
        if isinstance(part, Polygon):
            polygons.append(part)
        elif isinstance(part, MultiPolygon):
            polygons.extend(part)
    return MultiPolygon(*polygons, srid=geometry.srid) if polygons else None


def _same_geometry(stored, new) -> bool:
    return stored is not None and stored.equals_exact(new, tolerance=1e-9)


def _record(report: ImportReport, slug: str, created: bool, changed: bool) -> None:
    if created:
        report.created.append(slug)
    elif changed:
        report.updated.append(slug)
    else:
        report.unchanged.append(slug)


def _apply_fields(instance, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _apply_prefectures(features: list[BoundaryFeature]) -> ImportReport:
    report = ImportReport()
    for feature in features:
        props = feature.properties
        prefecture, created = Prefecture.objects.get_or_create(
            slug=feature.slug, defaults={"name_fr": props["name"]}
        )
        changed = _apply_fields(
            prefecture,
            {
                "name_fr": props["name"],
                "name_ar": props.get("name_ar") or "",
                "osm_relation_id": props.get("osm_relation_id"),
                "population_2024": props.get("population_2024"),
            },
        )
        if not _same_geometry(prefecture.geometry, feature.geometry):
            prefecture.geometry = feature.geometry
            changed = True
        if changed or created:
            prefecture.save()
        _record(report, feature.slug, created, changed)
        if feature.repaired:
            report.repaired.append(feature.slug)
    in_file = {feature.slug for feature in features}
    report.missing_from_file = sorted(
        set(Prefecture.objects.values_list("slug", flat=True)) - in_file
    )
    return report


def _apply_arrondissements(features: list[BoundaryFeature]) -> ImportReport:
    report = ImportReport()
    for feature in features:
        props = feature.properties
        prefecture = None
        if props.get("prefecture_slug"):
            prefecture, _ = Prefecture.objects.get_or_create(
                slug=props["prefecture_slug"],
                defaults={"name_fr": props.get("prefecture_arrondissements") or ""},
            )
        authority, created = Authority.objects.get_or_create(
            slug=feature.slug,
            defaults={"kind": Authority.Kind.ARRONDISSEMENT, "name_fr": props["name"]},
        )
        changed = _apply_fields(
            authority,
            {
                "kind": Authority.Kind.ARRONDISSEMENT,
                "name_fr": props["name"],
                "name_ar": props.get("name_ar") or "",
                "prefecture": prefecture,
                "hcp_code": props.get("hcp_code") or "",
                "osm_relation_id": props.get("osm_relation_id"),
                "wikidata": props.get("wikidata") or "",
                "population_2024": props.get("population_2024"),
                "households_2024": props.get("households_2024"),
                "source": "OpenStreetMap boundary (ODbL); population HCP RGPH 2024",
            },
        )
        if changed or created:
            authority.save()
        area, area_created = ServiceArea.objects.get_or_create(
            code=f"arrondissement-{feature.slug}",
            defaults={"authority": authority, "name": props["name"], "geometry": feature.geometry},
        )
        if not area_created:
            area_changed = _apply_fields(area, {"authority": authority, "name": props["name"]})
            if not _same_geometry(area.geometry, feature.geometry):
                area.geometry = feature.geometry
                area_changed = True
            if area_changed:
                area.save()
            changed = changed or area_changed
        _record(report, feature.slug, created, changed)
        if feature.repaired:
            report.repaired.append(feature.slug)
    in_file = {feature.slug for feature in features}
    stored = Authority.objects.filter(kind=Authority.Kind.ARRONDISSEMENT)
    report.missing_from_file = sorted(set(stored.values_list("slug", flat=True)) - in_file)
    return report
