"""Loads the city's reference data — boundaries, categories, operators and their assignments —
from the files in fixtures/. Every loader is idempotent (keyed on slugs and codes) and verbose."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.gis.db.models import Union
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import connection, transaction

from .boundaries import ImportReport, Level, import_boundaries
from .models import Assignment, Authority, Category, Place, Prefecture, ServiceArea
from .text import search_text

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


class ReferenceDataError(Exception):
    pass


@dataclass
class LoadCounts:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def record(self, key: str, created: bool, changed: bool) -> None:
        if created:
            self.created.append(key)
        elif changed:
            self.updated.append(key)
        else:
            self.unchanged.append(key)

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged"
        )


def _upsert(model, lookup: dict, values: dict) -> tuple[object, bool, bool]:
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        return model.objects.create(**lookup, **values), True, False
    changed = False
    for name, value in values.items():
        current = getattr(instance, name)
        same = (
            current.equals_exact(value, tolerance=1e-9)
            if hasattr(current, "equals_exact") and value is not None
            else current == value
        )
        if not same:
            setattr(instance, name, value)
            changed = True
    if changed:
        instance.save()
    return instance, False, changed


@transaction.atomic
def load_categories(path: Path) -> LoadCounts:
    counts = LoadCounts()
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    for position, row in enumerate(document["categories"]):
        values = {
            "name_fr": row["name_fr"],
            "name_ar": row["name_ar"],
            "icon": row["icon"],
            "position": position,
        }
        _, created, changed = _upsert(Category, {"code": row["code"]}, values)
        counts.record(row["code"], created, changed)
    return counts


def _area_geometry(prefectures) -> MultiPolygon:
    queryset = Prefecture.objects.exclude(geometry__isnull=True)
    if prefectures != "all":
        known = set(queryset.filter(slug__in=prefectures).values_list("slug", flat=True))
        unknown = sorted(set(prefectures) - known)
        if unknown:
            raise ReferenceDataError(
                f"unknown préfecture(s) {', '.join(unknown)}: load fixtures/prefectures.geojson "
                "first (manage.py load_boundaries --level prefecture)"
            )
        queryset = queryset.filter(slug__in=prefectures)
    union = queryset.aggregate(union=Union("geometry"))["union"]
    if union is None:
        raise ReferenceDataError("no préfecture boundaries loaded yet")
    return MultiPolygon(union, srid=4326) if isinstance(union, Polygon) else union


@transaction.atomic
def load_operators(path: Path) -> LoadCounts:
    counts = LoadCounts()
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    sources = {}
    for row in document["operators"]:
        operator, created, changed = _upsert(
            Authority,
            {"slug": row["slug"]},
            {
                "kind": Authority.Kind.OPERATOR,
                "name_fr": row["name_fr"],
                "name_ar": row.get("name_ar", ""),
                "website": row.get("website", ""),
                "source": row.get("source", ""),
                "prefecture": None,
            },
        )
        counts.record(f"operator {row['slug']}", created, changed)
        for area_row in row["areas"]:
            _, created, changed = _upsert(
                ServiceArea,
                {"code": area_row["code"]},
                {
                    "authority": operator,
                    "name": area_row["name"],
                    "geometry": _area_geometry(area_row["prefectures"]),
                    "source": row.get("source", ""),
                },
            )
            counts.record(f"area {area_row['code']}", created, changed)
            sources[area_row["code"]] = row.get("source", "")
    for row in document["assignments"]:
        area = ServiceArea.objects.filter(code=row["area"]).first()
        category = Category.objects.filter(code=row["category"]).first()
        if area is None or category is None:
            raise ReferenceDataError(
                f"assignment {row['category']} → {row['area']}: unknown "
                + ("area" if area is None else "category (load categories first)")
            )
        valid_until = row.get("valid_until")
        _, created, changed = _upsert(
            Assignment,
            {
                "category": category,
                "service_area": area,
                "valid_from": date.fromisoformat(row["valid_from"]),
            },
            {
                "valid_until": date.fromisoformat(valid_until) if valid_until else None,
                "source": row.get("source") or sources.get(row["area"], ""),
            },
        )
        counts.record(f"assignment {row['category']}→{row['area']}", created, changed)
    return counts


PLACE_FIELDS = [
    "osm_name",
    "name_fr",
    "name_ar",
    "other_name_ar",
    "kind",
    "group",
    "arrondissement_id",
]
ARRONDISSEMENT_PREFIX_AR = "مقاطعة "


def _place_from_feature(
    feature: dict, arrondissement_ids: dict[str, int], more_names: list[str]
) -> Place:
    props = feature["properties"]
    # addr:street is left out: every shop on a boulevard would otherwise match the boulevard.
    # Arabic names carried from OSM first, then aliases and an arrondissement's other names.
    extra_names = (props.get("other_names_ar") or []) + more_names
    names = [props.get("name"), props.get("name_fr"), props.get("name_ar")]
    names += (props.get("alt_names") or []) + extra_names
    lon, lat = feature["geometry"]["coordinates"]
    other_name_ar = ""
    if not props.get("name_ar"):
        other_name_ar = next((name for name in extra_names if _is_arabic(name)), "")
    return Place(
        osm_key=feature["id"],
        osm_name=props.get("name") or props.get("name_fr") or props.get("name_ar"),
        name_fr=props.get("name_fr") or "",
        name_ar=props.get("name_ar") or "",
        other_name_ar=other_name_ar,
        kind=props["kind"],
        group=props["group"],
        arrondissement_id=arrondissement_ids.get(props.get("arrondissement")),
        location=Point(lon, lat, srid=4326),
        search_text=search_text(names),
    )


def _is_arabic(text: str) -> bool:
    return any("\u0600" <= char <= "\u06ff" for char in text)


def load_place_aliases(path: Path, features: dict[str, dict]) -> dict[str, list[str]]:
    """Arabic aliases of well-known places whose OSM data has no Arabic name, each with its
    source (fixtures/place_aliases_ar.csv, see fixtures/SOURCES.md), by OSM key. A row whose
    place is not in the gazetteer under that name, or without a source, is an error: a rebuilt
    gazetteer must not silently give an alias to another place."""
    aliases: dict[str, list[str]] = {}
    with Path(path).open(encoding="utf-8", newline="") as rows:
        for line, row in enumerate(csv.DictReader(rows), start=2):
            feature = features.get(row["osm_key"])
            props = feature["properties"] if feature else {}
            osm_name = props.get("name") or props.get("name_fr") or props.get("name_ar")
            if feature is None or osm_name != row["osm_name"]:
                raise ReferenceDataError(
                    f"{path.name} line {line}: no place {row['osm_key']} named "
                    f"{row['osm_name']!r} in the gazetteer"
                )
            if not row["source"].startswith("https://") or not _is_arabic(row["alias_ar"]):
                raise ReferenceDataError(
                    f"{path.name} line {line}: an alias needs Arabic text and an https source"
                )
            aliases.setdefault(row["osm_key"], []).append(row["alias_ar"].strip())
    return aliases


def arrondissement_names(path: Path) -> dict[str, list[str]]:
    """Every name of each arrondissement in fixtures/arrondissements.geojson (HCP and OSM names,
    the spellings in `aliases`, and the Arabic name without "مقاطعة", as the French aliases drop
    "Arrondissement"), by slug, for the arrondissement's place in the gazetteer."""
    names: dict[str, list[str]] = {}
    for feature in json.loads(Path(path).read_text(encoding="utf-8"))["features"]:
        props = feature["properties"]
        name_ar = props.get("name_ar") or ""
        found = [props.get("name"), props.get("osm_name_fr"), name_ar, *props.get("aliases", [])]
        if name_ar.startswith(ARRONDISSEMENT_PREFIX_AR):
            found.append(name_ar.removeprefix(ARRONDISSEMENT_PREFIX_AR))
        names[props["id"]] = [name for name in found if name]
    return names


@transaction.atomic
def load_gazetteer(
    path: Path, *, aliases: Path | None = None, arrondissements: Path | None = None
) -> LoadCounts:
    """The OpenStreetMap gazetteer: created in bulk, updated in place, keyed on the OSM element.
    With `aliases` (fixtures/place_aliases_ar.csv) and `arrondissements`
    (fixtures/arrondissements.geojson), their names are searchable too."""
    counts = LoadCounts()
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    features = {feature["id"]: feature for feature in document["features"]}
    more_names = load_place_aliases(aliases, features) if aliases else {}
    by_slug = arrondissement_names(arrondissements) if arrondissements else {}
    for key, feature in features.items():
        props = feature["properties"]
        if props["kind"] == "arrondissement" and props.get("arrondissement") in by_slug:
            more_names[key] = more_names.get(key, []) + by_slug[props["arrondissement"]]
    arrondissement_ids = dict(
        Authority.objects.filter(kind=Authority.Kind.ARRONDISSEMENT).values_list("slug", "id")
    )
    stored = {place.osm_key: place for place in Place.objects.all()}
    to_create, to_update = [], []
    for feature in document["features"]:
        place = _place_from_feature(feature, arrondissement_ids, more_names.get(feature["id"], []))
        current = stored.get(place.osm_key)
        if current is None:
            to_create.append(place)
            counts.created.append(place.osm_key)
            continue
        fields = PLACE_FIELDS + ["search_text"]
        same = all(getattr(current, name) == getattr(place, name) for name in fields)
        if same and current.location.equals_exact(place.location, tolerance=1e-9):
            counts.unchanged.append(place.osm_key)
            continue
        place.pk = current.pk
        to_update.append(place)
        counts.updated.append(place.osm_key)
    Place.objects.bulk_create(to_create, batch_size=1000)
    Place.objects.bulk_update(to_update, PLACE_FIELDS + ["search_text", "location"], batch_size=500)
    if to_create or to_update:
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE districts_place"
            )  # fresh statistics, so search uses its indexes
    return counts


@transaction.atomic
def seed_city(fixtures: Path = FIXTURES) -> dict[str, ImportReport | LoadCounts]:
    """Everything the app needs about the city, in dependency order."""
    return {
        "préfectures": import_boundaries(
            (fixtures / "prefectures.geojson").read_bytes(), level=Level.PREFECTURE
        ),
        "arrondissements": import_boundaries(
            (fixtures / "arrondissements.geojson").read_bytes(), level=Level.ARRONDISSEMENT
        ),
        "categories": load_categories(fixtures / "categories.json"),
        "operators": load_operators(fixtures / "operators.json"),
        "gazetteer": load_gazetteer(
            fixtures / "gazetteer.geojson",
            aliases=fixtures / "place_aliases_ar.csv",
            arrondissements=fixtures / "arrondissements.geojson",
        ),
    }
