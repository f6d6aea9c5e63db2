"""The routing table each process keeps in memory (districts.routing_table): reused while nothing
changes, and never older than what the caller's transaction sees."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from districts import routing_table
from districts.models import Assignment, Category
from districts.routing import route
from tests.factories import AssignmentFactory, AuthorityFactory, CategoryFactory, square

pytestmark = pytest.mark.django_db


class RolledBack(Exception):
    pass


def operator_around(point, category: Category, slug: str) -> Assignment:
    return AssignmentFactory(
        category=category,
        service_area__authority=AuthorityFactory(slug=slug),
        service_area__geometry=square(point.x - 0.01, point.y - 0.01, size=0.02),
    )


def test_the_table_is_reused_while_nothing_changes_at_the_price_of_one_small_query(
    casablanca, django_assert_num_queries
):
    loaded = routing_table.current()

    with django_assert_num_queries(1):
        assert routing_table.current() is loaded


def test_a_new_assignment_is_routed_to_by_the_next_report(casablanca, point_in):
    point = point_in("hay-hassani")
    lighting = CategoryFactory()
    assert route(point, lighting).authority.slug == "hay-hassani"

    operator_around(point, lighting, "lights-operator")

    assert route(point, lighting).authority.slug == "lights-operator"


def test_a_change_made_without_the_orm_is_seen_too(casablanca, point_in):
    point = point_in("ain-sebaa")
    lighting = CategoryFactory()
    operator_around(point, lighting, "lights-operator")
    assert route(point, lighting, on=date(2026, 1, 1)).authority.slug == "lights-operator"

    Assignment.objects.filter(category=lighting).update(valid_until=date(2025, 1, 1))

    routing = route(point, lighting, on=date(2026, 1, 1))
    assert (routing.authority.slug, routing.fell_back) == ("ain-sebaa", True)


def test_a_change_rolled_back_is_forgotten(casablanca, point_in):
    point = point_in("sbata")
    lighting = CategoryFactory()

    with pytest.raises(RolledBack), transaction.atomic():
        operator_around(point, lighting, "lights-operator")
        assert route(point, lighting).authority.slug == "lights-operator"
        raise RolledBack

    assert route(point, lighting).authority.slug == "sbata"


def test_a_category_deactivated_is_no_longer_offered_to_reports(casablanca):
    assert "noise" in routing_table.current().active_categories

    Category.objects.filter(code="noise").update(is_active=False)

    assert "noise" not in routing_table.current().active_categories
