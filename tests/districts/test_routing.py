"""Routing by polygon: who handles a category at a point, on a date."""

from __future__ import annotations

import random
from datetime import date

import pytest
from django.contrib.gis.geos import Point
from shapely.geometry import shape

from districts.errors import OutsideServiceArea
from districts.models import Category
from districts.routing import route, route_categories, route_many
from districts.selectors import locate
from tests.conftest import point_inside
from tests.factories import AssignmentFactory, AuthorityFactory, CategoryFactory, square

pytestmark = pytest.mark.django_db

ARRONDISSEMENT_SLUGS = [
    "anfa",
    "maarif",
    "sidi-belyout",
    "al-fida",
    "mers-sultan",
    "ain-sebaa",
    "assoukhour-assawda",
    "hay-mohammadi",
    "hay-hassani",
    "ain-chock",
    "sidi-bernoussi",
    "sidi-moumen",
    "ben-msick",
    "sbata",
    "moulay-rachid",
    "sidi-othmane",
]


def category(code: str) -> Category:
    return Category.objects.get(code=code)


@pytest.mark.parametrize("slug", ARRONDISSEMENT_SLUGS)
def test_pothole_well_inside_each_arrondissement_goes_to_that_arrondissement(
    casablanca, point_in, slug
):
    routing = route(point_in(slug), category("roads-potholes"))

    assert routing.authority.slug == slug
    assert routing.arrondissement.slug == slug
    assert routing.fell_back is False


@pytest.mark.parametrize("slug", ["anfa", "sidi-moumen", "hay-hassani"])
def test_water_leak_goes_to_the_water_operator_everywhere(casablanca, point_in, slug):
    routing = route(point_in(slug), category("water-leak"))

    assert routing.authority.slug == "srm-casablanca-settat"
    assert routing.arrondissement.slug == slug


@pytest.mark.parametrize(
    ("slug", "operator"),
    [("hay-hassani", "averda"), ("sidi-moumen", "averda"), ("maarif", "arma"), ("sbata", "arma")],
)
def test_waste_collection_goes_to_the_lot_holder_of_the_prefecture(
    casablanca, point_in, slug, operator
):
    assert route(point_in(slug), category("waste-collection")).authority.slug == operator


def test_bus_stop_goes_to_the_bus_operator(casablanca, point_in):
    assert route(point_in("al-fida"), category("bus-stops")).authority.slug == "alsa-al-baida"


def test_before_the_srm_contract_a_water_leak_stays_with_the_arrondissement_and_says_so(
    casablanca, point_in
):
    routing = route(point_in("anfa"), category("water-leak"), on=date(2024, 9, 30))

    assert routing.authority.slug == "anfa"
    assert routing.fell_back is True
    assert "Aucun opérateur ne couvre « Fuite d'eau »" in str(routing.explanation)


@pytest.mark.parametrize(
    "neighbour", ["Bouskoura", "Dar Bouazza", "Lahraouyine", "Tit Mellil", "Ain Harrouda"]
)
def test_point_in_a_neighbouring_commune_is_outside_the_service_area(
    casablanca, neighbour_features, neighbour
):
    feature = next(f for f in neighbour_features if f["properties"]["name"] == neighbour)

    with pytest.raises(OutsideServiceArea) as raised:
        route(point_inside(feature), category("roads-potholes"))

    assert str(raised.value) == "Cet emplacement est en dehors de la zone de service de Casablanca."


def test_point_in_the_mechouar_belongs_to_no_arrondissement(casablanca, commune_features):
    mechouar = point_inside(commune_features["Méchouar de Casablanca"])

    with pytest.raises(OutsideServiceArea):
        locate(mechouar)


def test_point_at_sea_off_the_port_is_outside(casablanca):
    with pytest.raises(OutsideServiceArea):
        locate(Point(-7.60, 33.70, srid=4326))


def test_point_on_the_anfa_maarif_border_gets_one_deterministic_answer(
    casablanca, arrondissement_features
):
    polygons = {f["properties"]["id"]: shape(f["geometry"]) for f in arrondissement_features}
    shared_border = polygons["anfa"].boundary.intersection(polygons["maarif"].boundary)
    lon, lat = next(iter(shared_border.geoms)).coords[0]
    on_border = Point(lon, lat, srid=4326)

    answers = {route(on_border, category("roads-potholes")).authority.slug for _ in range(5)}

    assert answers == {"anfa"}


def test_contract_change_routes_each_date_to_the_operator_then_in_charge(casablanca, point_in):
    point = point_in("maarif")
    street_cleaning = CategoryFactory()
    area_around = square(point.x - 0.01, point.y - 0.01, size=0.02)
    AssignmentFactory(
        category=street_cleaning,
        service_area__authority=AuthorityFactory(slug="old-operator"),
        service_area__geometry=area_around,
        valid_from=date(2019, 1, 1),
        valid_until=date(2024, 10, 1),
    )
    AssignmentFactory(
        category=street_cleaning,
        service_area__authority=AuthorityFactory(slug="new-operator"),
        service_area__geometry=area_around,
        valid_from=date(2024, 10, 1),
    )

    assert route(point, street_cleaning, on=date(2024, 9, 30)).authority.slug == "old-operator"
    assert route(point, street_cleaning, on=date(2024, 10, 1)).authority.slug == "new-operator"


def test_category_whose_operator_has_no_area_here_falls_back_to_the_arrondissement(
    casablanca, point_in
):
    graffiti = CategoryFactory(name_fr="Graffitis")
    AssignmentFactory(category=graffiti)  # its area is far out at sea

    routing = route(point_in("ben-msick"), graffiti)

    assert routing.authority.slug == "ben-msick"
    assert routing.fell_back is True
    assert str(routing.explanation) == (
        "Aucun opérateur ne couvre « Graffitis » à cet endroit ; "
        "transmis à l'arrondissement Ben M'Sick."
    )


def test_overlapping_operators_are_chosen_by_slug(casablanca, point_in):
    point = point_in("maarif")
    shared = CategoryFactory()
    for slug in ["zeta-services", "alpha-services"]:
        AssignmentFactory(
            category=shared,
            service_area__authority=AuthorityFactory(slug=slug),
            service_area__geometry=square(point.x - 0.01, point.y - 0.01, size=0.02),
        )

    assert route(point, shared).authority.slug == "alpha-services"


def test_route_categories_answers_every_category_at_once(casablanca, point_in):
    decisions = route_categories(point_in("anfa"), Category.objects.all())

    assert decisions["roads-potholes"].authority.slug == "anfa"
    assert decisions["electricity"].authority.slug == "srm-casablanca-settat"
    assert decisions["waste-collection"].authority.slug == "arma"
    assert len(decisions) == Category.objects.count()
    for decision in decisions.values():  # the area that decided is the handler's own
        assert decision.service_area.authority == decision.authority
        assert decision.service_area.geometry.covers(point_in("anfa"))


def test_bulk_routing_agrees_with_route_point_by_point(casablanca, arrondissement_features):
    rng = random.Random(7)
    polygons = [shape(f["geometry"]) for f in arrondissement_features]
    min_lon, min_lat, max_lon, max_lat = (-7.76, 33.48, -7.44, 33.66)  # a bit beyond the city
    points = [(rng.uniform(min_lon, max_lon), rng.uniform(min_lat, max_lat)) for _ in range(150)]
    assert any(
        not any(p.covers(shape({"type": "Point", "coordinates": pt})) for p in polygons)
        for pt in points
    ), "the sample must include points outside the city"

    for code in ["roads-potholes", "waste-collection", "water-leak", "bus-stops"]:
        bulk = route_many(points, category(code))
        one_by_one = []
        for lon, lat in points:
            try:
                one_by_one.append(route(Point(lon, lat, srid=4326), category(code)).authority.id)
            except OutsideServiceArea:
                one_by_one.append(None)
        assert bulk == one_by_one, code


def test_locate_gives_arrondissement_and_prefecture(casablanca, point_in):
    location = locate(point_in("sidi-othmane"))

    assert location.arrondissement.slug == "sidi-othmane"
    assert location.prefecture.slug == "moulay-rachid"
