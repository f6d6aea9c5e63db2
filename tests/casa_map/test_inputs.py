"""The input gate's parsers (casa_map.inputs), one rule each: what they take, what they refuse.
No database: these run in milliseconds, and the mutation run (make mutate) leans on them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casa_map import inputs


@pytest.mark.parametrize("value", ["33.5", 33.5, "-7", 0, "1e2"])
def test_finite_numbers_are_taken(value):
    assert inputs.finite_number(value, "bad") == float(value)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e309", "abc", None, [], True, ""])
def test_anything_else_is_refused_with_the_message(value):
    with pytest.raises(ValidationError) as refused:
        inputs.finite_number(value, "bad number")
    assert refused.value.messages == ["bad number"]


@pytest.mark.parametrize(
    ("lat", "lon"), [(90, 180), (-90, -180), (33.57, -7.59), ("33.57", "-7.59"), (0, 0)]
)
def test_coordinates_in_range(lat, lon):
    assert inputs.coordinates(lat, lon) == (float(lat), float(lon))


@pytest.mark.parametrize(
    ("lat", "lon"), [(90.01, 0), (-90.01, 0), (0, 180.01), (0, -180.01), ("nan", 0), (0, None)]
)
def test_coordinates_out_of_range(lat, lon):
    with pytest.raises(ValidationError):
        inputs.coordinates(lat, lon)


def test_a_box_is_four_numbers_in_order():
    assert inputs.box("-7.7,33.5,-7.5,33.6") == (-7.7, 33.5, -7.5, 33.6)
    assert inputs.box("") is None
    assert inputs.box(None) is None
    edge = inputs.MERCATOR_MAX_LATITUDE
    assert inputs.box(f"-180,{-edge},180,{edge}") == (-180, -edge, 180, edge)


@pytest.mark.parametrize(
    "text",
    [
        "-7.5,33.5,-7.7,33.6",  # west after east
        "-7.7,33.6,-7.5,33.5",  # south after north
        "-7.7,33.5,-7.7,33.6",  # no width
        "-7.7,33.5,-7.5,33.5",  # no height
        "-180.1,0,0,1",
        "0,0,180.1,1",
        "-7.7,-90,-7.5,33.6",  # beyond the map's limits
        "-7.7,33.5,-7.5,85.06",
        "1,2,3",
        "1,2,3,4,5",
        "a,b,c,d",
        "nan,0,1,1",
        ["1,2,3,4"],
    ],
)
def test_a_box_out_of_order_or_range_is_refused(text):
    with pytest.raises(ValidationError):
        inputs.box(text)


def test_whole_numbers_within_bounds():
    assert inputs.whole_number("7", low=1, high=10) == 7
    assert inputs.whole_number(" 10 ", low=1, high=10) == 10
    assert inputs.whole_number("1", low=1, high=10) == 1
    assert inputs.whole_number(5, low=1, high=10) == 5
    assert inputs.whole_number("-3", low=-5, high=10) == -3


@pytest.mark.parametrize(
    "value", ["0", "11", "99999999999999999999", "1.5", "1e3", "", "x", "١", True, None, 2.0]
)
def test_other_whole_numbers_are_refused(value):
    with pytest.raises(ValidationError):
        inputs.whole_number(value, low=1, high=10)


def test_the_message_names_the_bounds():
    with pytest.raises(ValidationError) as refused:
        inputs.whole_number("0", low=1, high=10)
    assert "1" in refused.value.messages[0] and "10" in refused.value.messages[0]


def test_page_numbers():
    assert inputs.page_number(None) == 1
    assert inputs.page_number("") == 1
    assert inputs.page_number("3") == 3
    assert inputs.page_number("1") == 1
    assert inputs.page_number(str(inputs.MAX_PAGE)) == inputs.MAX_PAGE
    for bad in ("0", str(inputs.MAX_PAGE + 1), "-1"):
        with pytest.raises(ValidationError):
            inputs.page_number(bad)


def test_days_between_the_sane_ends():
    assert inputs.day_in_range(inputs.EARLIEST_DATE) == inputs.EARLIEST_DATE
    assert inputs.day_in_range(inputs.LATEST_DATE) == inputs.LATEST_DATE
    for bad in (date(1999, 12, 31), date(2101, 1, 1), date(1, 1, 1), date(9999, 12, 31)):
        with pytest.raises(ValidationError):
            inputs.day_in_range(bad)


def test_moments():
    assert inputs.moment("") is None
    assert inputs.moment("  ") is None
    aware = inputs.moment("2026-03-01T10:00:00Z")
    assert aware == datetime(2026, 3, 1, 10, tzinfo=UTC)
    naive = inputs.moment("2026-03-01T10:00:00")
    assert timezone.is_aware(naive)
    assert naive.utcoffset() == timezone.get_default_timezone().utcoffset(datetime(2026, 3, 1, 10))
    for bad in ("9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "yesterday", "2026-02-30T00:00"):
        with pytest.raises(ValidationError):
            inputs.moment(bad)


def test_text_is_a_stripped_string_of_bounded_length():
    assert inputs.text(None) == ""
    assert inputs.text("  a b  ") == "a b"
    assert inputs.text("abc", max_length=3) == "abc"
    with pytest.raises(ValidationError):
        inputs.text("abcd", max_length=3)
    for bad in (["a"], 5, {"a": 1}, b"a"):
        with pytest.raises(ValidationError):
            inputs.text(bad)


def test_text_lists():
    assert inputs.text_list(None, max_items=2) == []
    assert inputs.text_list("", max_items=2) == []
    assert inputs.text_list("a", max_items=2) == ["a"]
    assert inputs.text_list(["a", " b "], max_items=2) == ["a", "b"]
    for bad in (5, [5], ["a", None], {"a": 1}, ["a", "b", "c"], ["x" * 201]):
        with pytest.raises(ValidationError):
            inputs.text_list(bad, max_items=2)


def test_the_text_field_takes_strings_only():
    field = inputs.TextField(required=False)
    assert field.clean("  a  ") == "a"
    assert field.clean("") == ""
    assert field.clean(None) == ""
    for bad in (["a", "b"], 5, {"a": 1}):
        with pytest.raises(ValidationError):
            field.clean(bad)


def test_the_form_fields_use_the_same_rules():
    assert inputs.BoxField(required=False).clean("") is None
    assert inputs.BoxField(required=False).clean("1,2,3,4") == (1, 2, 3, 4)
    with pytest.raises(ValidationError):
        inputs.BoxField(required=False).clean("1,-90,3,4")
    field = inputs.BoundedDateField(required=False)
    assert field.clean("2026-01-02") == date(2026, 1, 2)
    assert field.clean("") is None
    with pytest.raises(ValidationError):
        field.clean("9999-12-31")


# What each refusal says, in the visitor's language (French by default): the same words on
# every surface that uses the parser.
MESSAGES = [
    (lambda: inputs.coordinates("nan", 0), "Les coordonnées de l’épingle ne sont pas valides."),
    (lambda: inputs.coordinates(91, 0), "Les coordonnées de l’épingle ne sont pas valides."),
    (lambda: inputs.coordinates(0, "nan"), "Les coordonnées de l’épingle ne sont pas valides."),
    (lambda: inputs.coordinates(0, 181), "Les coordonnées de l’épingle ne sont pas valides."),
    (lambda: inputs.box("1,2,3"), "Indiquez quatre nombres : ouest,sud,est,nord."),
    (lambda: inputs.box("a,b,c,d"), "Indiquez quatre nombres : ouest,sud,est,nord."),
    (lambda: inputs.box(["1"]), "Indiquez quatre nombres : ouest,sud,est,nord."),
    (lambda: inputs.box("3,0,1,1"), "Indiquez quatre nombres : ouest,sud,est,nord."),
    (
        lambda: inputs.box("1,-90,3,4"),
        "Les latitudes doivent être comprises entre -85,05 et 85,05 (les limites de la carte).",
    ),
    (lambda: inputs.whole_number("x", low=1, high=9), "Donnez un nombre entier de 1 à 9."),
    (lambda: inputs.whole_number(0, low=1, high=9), "Donnez un nombre entier de 1 à 9."),
    (lambda: inputs.whole_number(True, low=0, high=9), "Donnez un nombre entier de 0 à 9."),
    (
        lambda: inputs.day_in_range(date(2200, 1, 1)),
        "Donnez une date entre le 2000-01-01 et le 2100-12-31.",
    ),
    (lambda: inputs.moment("x"), "Donnez une date-heure W3C, par ex. 2026-03-01T00:00:00Z."),
    (lambda: inputs.text(5), "Saisissez du texte ici."),
    (lambda: inputs.text("abcd", max_length=3), "3 caractères au maximum."),
    (lambda: inputs.text_list(5, max_items=2), "Donnez une liste de textes."),
    (lambda: inputs.text_list(["a", "b", "c"], max_items=2), "2 éléments au maximum."),
    (lambda: inputs.TextField().clean([1]), "Saisissez du texte ici."),
]


@pytest.mark.parametrize(("refusal", "message"), MESSAGES)
def test_each_refusal_says_what_to_give(refusal, message):
    with pytest.raises(ValidationError) as refused:
        refusal()
    assert refused.value.messages == [message]
