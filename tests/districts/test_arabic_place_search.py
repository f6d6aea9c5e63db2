"""Place search in Arabic (issue #23): well-known places found by their Arabic names, the right
one first, whatever the spelling variant; Arabic labels on an Arabic page. Real PostGIS, the
seeded gazetteer."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.utils import translation

from districts.geocoding import GazetteerGeocoder
from districts.reference_data import ReferenceDataError, load_gazetteer
from districts.selectors import search_places
from districts.text import normalise

pytestmark = pytest.mark.usefixtures("casablanca")

FIXTURES = settings.BASE_DIR / "fixtures"
TWIN_CENTER = "node/770235536"  # tourism=attraction, wikidata Q2743636
AIN_DIAB = "node/3843049026"  # the Casabus stop "Ain Diab"
DERB_SULTAN = "node/5599986592"  # the tram stop "Derb Sultan", in Al Fida
CASA_VOYAGEURS = "node/7055155496"


def first(query: str) -> str:
    found = search_places(query)
    assert found, f"nothing found for {query!r}"
    return found[0].osm_key


@pytest.mark.parametrize(
    ("query", "osm_key"),
    [("توين سنتر", TWIN_CENTER), ("عين الذئاب", AIN_DIAB), ("درب السلطان", DERB_SULTAN)],
)
def test_well_known_places_are_found_first_by_their_arabic_names(query, osm_key):
    assert first(query) == osm_key


@pytest.mark.parametrize(
    ("query", "osm_key"),
    [("Twin Center", TWIN_CENTER), ("ain diab", AIN_DIAB), ("Derb Sultan", DERB_SULTAN)],
)
def test_their_latin_spellings_still_find_them_first(query, osm_key):
    assert first(query) == osm_key


def test_a_place_named_by_the_query_comes_before_one_whose_name_only_resembles_it():
    keys = [place.osm_key for place in search_places("درب السلطان")]
    mers_sultan = [place.osm_key for place in search_places("مرس السلطان")][0]

    assert keys[0] == DERB_SULTAN
    assert mers_sultan in keys[1:]  # still offered, after the place of that name


def test_a_whole_name_comes_before_a_longer_name_that_starts_with_it():
    assert [place.osm_name for place in search_places("derb sultan")][:2] == [
        "Derb Sultan",
        "Derb Sultan Gallery",
    ]


@pytest.mark.parametrize(
    "variant",
    [
        "دَرْب ٱلسُّلْطَان",  # harakat, shadda and alef wasla, as Wikipedia writes it
        "درب سلطان",  # without the article
        "درب الســلطان",  # tatweel
    ],
)
def test_spelling_variants_of_an_arabic_name_find_the_same_place(variant):
    assert first(variant) == DERB_SULTAN


@pytest.mark.parametrize("variant", ["أنفا", "انفا", "إنفا", "آنفا"])
def test_alef_forms_are_one_letter(variant):
    assert first(variant) == first("انفا")


def test_alef_maqsura_ta_marbuta_and_vowel_marks_are_folded():
    assert normalise("مستشفى") == normalise("مستشفي")
    assert normalise("مَدْرَسَة") == normalise("مدرسه")
    assert normalise("عـيـن الذِّئَاب") == normalise("عين الذئاب")
    assert normalise("زنقة ١٢") == normalise("زنقة 12")
    assert normalise("گراج علال") == normalise("كراج علال")
    assert normalise("المعاريف") == normalise("معاريف")
    assert normalise("الم") == "الم"  # a word being typed keeps its first letters


def test_normalising_twice_changes_nothing():
    features = json.loads((FIXTURES / "gazetteer.geojson").read_text(encoding="utf-8"))
    names = {
        name
        for feature in features["features"]
        for name in [feature["properties"].get("name"), feature["properties"].get("name_ar")]
        if name
    }

    assert [name for name in names if normalise(normalise(name)) != normalise(name)] == []


def test_arabic_names_the_gazetteer_had_dropped_are_searchable():
    # Casa Voyageurs has no name:ar; its station nodes name the Arabic Wikipedia article.
    assert first("محطة الدار البيضاء المسافرين") == CASA_VOYAGEURS
    assert first("الدار البيضاء المسافرين") == CASA_VOYAGEURS


def _arrondissements() -> list[dict]:
    path = FIXTURES / "arrondissements.geojson"
    return [feature["properties"] for feature in json.loads(path.read_text())["features"]]


@pytest.mark.parametrize("props", _arrondissements(), ids=lambda props: props["id"])
def test_every_arrondissement_is_found_first_by_its_arabic_name_and_its_aliases(props):
    bare_arabic = props["name_ar"].removeprefix("مقاطعة ")
    for query in [props["name_ar"], bare_arabic, *props["aliases"]]:
        place = search_places(query)[0]
        assert (place.kind, place.arrondissement.slug) == ("arrondissement", props["id"]), query


def test_labels_are_in_the_page_language_when_an_arabic_name_exists():
    geocoder = GazetteerGeocoder()
    with translation.override("ar"):
        twin_center = geocoder.search("Twin Center")[0]
        voyageurs = geocoder.search("الدار البيضاء المسافرين")[0]
        maarif = geocoder.search("maarif")[0]
    with translation.override("fr"):
        twin_center_fr = geocoder.search("توين سنتر")[0]

    assert twin_center.label == "توين سنتر"
    assert twin_center.detail == "مقاطعة المعاريف"
    assert voyageurs.label == "محطة الدار البيضاء المسافرين"
    assert maarif.label == "مقاطعة المعاريف"  # OSM's own name:ar
    assert twin_center_fr.label == "Twin Center"


def test_places_api_answers_an_arabic_query_in_the_page_language(client):
    arabic = client.get("/api/v1/places/", {"q": "درب السلطان"}, HTTP_ACCEPT_LANGUAGE="ar")
    french = client.get("/api/v1/places/", {"q": "درب السلطان"}, HTTP_ACCEPT_LANGUAGE="fr")

    assert arabic.status_code == french.status_code == 200
    assert arabic.json()[0] == {
        "label": "درب السلطان",
        "detail": "مقاطعة الفداء",
        "lat": pytest.approx(33.5721247),
        "lon": pytest.approx(-7.5958327),
    }
    assert french.json()[0]["label"] == "Derb Sultan"
    assert french.json()[0]["detail"] == "Al Fida"


def test_an_alias_for_a_place_the_gazetteer_does_not_have_under_that_name_is_refused(tmp_path):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text(
        "osm_key,osm_name,alias_ar,source,evidence\n"
        f"{TWIN_CENTER},Morocco Mall,موروكو مول,https://example.org/,wrong place\n",
        encoding="utf-8",
    )

    with pytest.raises(ReferenceDataError, match="line 2"):
        load_gazetteer(FIXTURES / "gazetteer.geojson", aliases=aliases)


def test_an_alias_without_a_source_is_refused(tmp_path):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text(
        f"osm_key,osm_name,alias_ar,source,evidence\n{TWIN_CENTER},Twin Center,توين سنتر,,\n",
        encoding="utf-8",
    )

    with pytest.raises(ReferenceDataError, match="source"):
        load_gazetteer(FIXTURES / "gazetteer.geojson", aliases=aliases)


def test_every_alias_in_the_fixture_names_its_source():
    import csv

    with (FIXTURES / "place_aliases_ar.csv").open(encoding="utf-8", newline="") as rows:
        rows = list(csv.DictReader(rows))

    assert 0 < len(rows) <= 20  # a small list: OSM's own names come first
    assert all(row["source"].startswith("https://") and row["evidence"] for row in rows)
