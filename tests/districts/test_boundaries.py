"""The boundary import: the real file, idempotence, and each kind of bad file."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from districts.boundaries import BoundaryFileError, Level, import_boundaries
from districts.models import Authority, Prefecture, ServiceArea
from tests.conftest import FIXTURES

pytestmark = pytest.mark.usefixtures("empty_city")


@pytest.fixture
def arrondissements_file() -> dict:
    return json.loads((FIXTURES / "arrondissements.geojson").read_text(encoding="utf-8"))


def encode(document: dict) -> bytes:
    return json.dumps(document).encode("utf-8")


def import_arrondissements(document: dict):
    return import_boundaries(encode(document), level=Level.ARRONDISSEMENT)


def problems_of(raw: bytes) -> list[str]:
    with pytest.raises(BoundaryFileError) as raised:
        import_boundaries(raw, level=Level.ARRONDISSEMENT)
    return raised.value.problems


def test_real_file_creates_the_16_arrondissements_with_french_and_arabic_names(
    arrondissements_file,
):
    report = import_arrondissements(arrondissements_file)

    assert len(report.created) == 16
    maarif = Authority.objects.get(slug="maarif")
    assert maarif.kind == Authority.Kind.ARRONDISSEMENT
    assert maarif.name_fr == "Maârif"
    assert maarif.name_ar == "مقاطعة المعاريف"
    assert maarif.prefecture.slug == "casablanca-anfa"
    assert maarif.population_2024 == 139669
    assert ServiceArea.objects.filter(authority__kind="arrondissement").count() == 16


def test_mers_sultan_keeps_the_mechouar_as_a_hole(arrondissements_file):
    import_arrondissements(arrondissements_file)

    mers_sultan = ServiceArea.objects.get(code="arrondissement-mers-sultan").geometry
    assert mers_sultan[0].num_interior_rings == 1


def test_importing_the_same_file_twice_changes_nothing(arrondissements_file):
    import_arrondissements(arrondissements_file)
    ids_before = dict(ServiceArea.objects.values_list("code", "id"))

    report = import_arrondissements(arrondissements_file)

    assert report.created == [] and report.updated == []
    assert len(report.unchanged) == 16
    assert dict(ServiceArea.objects.values_list("code", "id")) == ids_before


def test_changed_feature_is_updated_in_place(arrondissements_file):
    import_arrondissements(arrondissements_file)
    anfa_id = Authority.objects.get(slug="anfa").id
    feature = next(f for f in arrondissements_file["features"] if f["properties"]["id"] == "anfa")
    feature["properties"]["name_ar"] = "أنفا"
    ring = feature["geometry"]["coordinates"][0]
    ring.insert(1, [(ring[0][0] + ring[1][0]) / 2, (ring[0][1] + ring[1][1]) / 2])

    report = import_arrondissements(arrondissements_file)

    assert report.updated == ["anfa"]
    anfa = Authority.objects.get(slug="anfa")
    assert anfa.id == anfa_id
    assert anfa.name_ar == "أنفا"


def test_arrondissement_missing_from_a_later_file_is_reported_and_kept(arrondissements_file):
    import_arrondissements(arrondissements_file)
    arrondissements_file["features"] = [
        f for f in arrondissements_file["features"] if f["properties"]["id"] != "sbata"
    ]

    report = import_arrondissements(arrondissements_file)

    assert report.missing_from_file == ["sbata"]
    assert Authority.objects.filter(slug="sbata").exists()


def test_self_intersecting_polygon_is_repaired_and_reported(arrondissements_file):
    bowtie = {
        "type": "Feature",
        "properties": {"id": "bowtie", "name": "Bowtie"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[-7.6, 33.5], [-7.5, 33.6], [-7.5, 33.5], [-7.6, 33.6], [-7.6, 33.5]]],
        },
    }
    arrondissements_file["features"].append(bowtie)

    report = import_arrondissements(arrondissements_file)

    assert report.repaired == ["bowtie"]
    repaired = ServiceArea.objects.get(code="arrondissement-bowtie").geometry
    assert repaired.valid
    assert repaired.num_geom == 2


def test_file_that_is_not_json_is_refused():
    assert problems_of(b"<html>not json</html>") == [
        "the file is not JSON: Expecting value at line 1"
    ]


def test_file_that_is_not_utf8_is_refused():
    problems = problems_of('{"type": "FeatureCollection", "name": "é"}'.encode("latin-1"))
    assert problems[0].startswith("the file is not UTF-8 text")


def test_json_that_is_not_a_feature_collection_is_refused():
    assert problems_of(encode({"type": "Polygon", "coordinates": []})) == [
        "the file is not a GeoJSON FeatureCollection"
    ]


def test_declared_projected_crs_is_refused(arrondissements_file):
    arrondissements_file["crs"] = {"type": "name", "properties": {"name": "EPSG:26191"}}

    problems = problems_of(encode(arrondissements_file))

    assert "EPSG:26191" in problems[0]
    assert "WGS 84" in problems[0]


def test_projected_coordinates_without_a_crs_are_refused(arrondissements_file):
    feature = arrondissements_file["features"][0]
    feature["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[290000, 330000], [300000, 330000], [300000, 340000], [290000, 330000]]],
    }

    problems = problems_of(encode(arrondissements_file))

    assert problems == [
        "feature 1 (anfa): coordinates are not longitude/latitude degrees; "
        "boundaries must be WGS 84 (EPSG:4326)"
    ]


def test_every_feature_without_a_name_is_listed(arrondissements_file):
    for feature in arrondissements_file["features"][:2]:
        del feature["properties"]["name"]

    problems = problems_of(encode(arrondissements_file))

    assert problems == ["feature 1 (anfa): missing 'name'", "feature 2 (maarif): missing 'name'"]


def test_line_geometry_is_refused(arrondissements_file):
    arrondissements_file["features"][0]["geometry"] = {
        "type": "LineString",
        "coordinates": [[-7.6, 33.5], [-7.5, 33.6]],
    }

    problems = problems_of(encode(arrondissements_file))

    assert problems == [
        "feature 1 (anfa): geometry is LineString; expected Polygon or MultiPolygon"
    ]


def test_unreadable_coordinates_are_refused(arrondissements_file):
    arrondissements_file["features"][0]["geometry"] = {"type": "Polygon", "coordinates": "x"}

    problems = problems_of(encode(arrondissements_file))

    assert problems[0].startswith("feature 1 (anfa): unreadable geometry")


def test_duplicate_ids_are_refused(arrondissements_file):
    arrondissements_file["features"][1]["properties"]["id"] = "anfa"

    problems = problems_of(encode(arrondissements_file))

    assert problems == ["feature 2: id 'anfa' appears more than once"]


def test_refused_file_leaves_the_database_as_it_was(arrondissements_file):
    import_arrondissements(arrondissements_file)
    arrondissements_file["features"][0]["properties"]["name"] = "Renamed"
    del arrondissements_file["features"][5]["properties"]["name"]

    with pytest.raises(BoundaryFileError):
        import_arrondissements(arrondissements_file)

    assert Authority.objects.get(slug="anfa").name_fr == "Anfa"


def test_prefecture_level_loads_names_and_geometry():
    report = import_boundaries(
        (FIXTURES / "prefectures.geojson").read_bytes(), level=Level.PREFECTURE
    )

    assert len(report.created) == 8
    anfa = Prefecture.objects.get(slug="casablanca-anfa")
    assert anfa.name_ar == "عمالة مقاطعات الدار البيضاء أنفا"
    assert anfa.geometry is not None


def test_command_prints_counts():
    out = StringIO()

    call_command("load_boundaries", str(FIXTURES / "arrondissements.geojson"), stdout=out)

    assert "16 created, 0 updated, 0 unchanged" in out.getvalue()


def test_command_refuses_a_bad_file_with_its_problems(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")

    with pytest.raises(CommandError, match="the FeatureCollection has no features"):
        call_command("load_boundaries", str(bad))

    assert not Authority.objects.exists()


def test_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("load_boundaries", str(tmp_path / "absent.geojson"))
