"""Invariants the districts tables enforce."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError

from districts.models import Assignment, Authority
from tests.factories import AssignmentFactory, AuthorityFactory, PrefectureFactory

pytestmark = pytest.mark.django_db


def test_assignment_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError):
        AssignmentFactory(valid_from=date(2025, 1, 1), valid_until=date(2025, 1, 1))


def test_operator_cannot_belong_to_a_prefecture():
    with pytest.raises(IntegrityError):
        AuthorityFactory(kind=Authority.Kind.OPERATOR, prefecture=PrefectureFactory())


def test_authority_kind_is_checked_by_the_database():
    with pytest.raises(IntegrityError):
        AuthorityFactory(kind="ministry")


def test_name_follows_the_active_language(settings):
    from django.utils import translation

    authority = AuthorityFactory.build(name_fr="Anfa", name_ar="مقاطعة أنفا")

    with translation.override("ar"):
        assert authority.name == "مقاطعة أنفا"
    with translation.override("fr"):
        assert authority.name == "Anfa"


@pytest.mark.parametrize(
    ("day", "in_force"),
    [
        (date(2024, 12, 31), False),
        (date(2025, 1, 1), True),  # valid_from is included
        (date(2025, 6, 30), True),
        (date(2025, 7, 1), False),  # valid_until is excluded
    ],
)
def test_an_assignment_is_in_force_alike_in_memory_and_in_the_database(day, in_force):
    """Routing asks the model (in memory); other reads filter in SQL: both say the same."""
    assignment = AssignmentFactory(valid_from=date(2025, 1, 1), valid_until=date(2025, 7, 1))
    open_ended = AssignmentFactory(valid_from=date(2025, 1, 1), valid_until=None)

    assert assignment.is_in_force(day) is in_force
    assert Assignment.objects.valid_on(day).filter(pk=assignment.pk).exists() is in_force
    assert open_ended.is_in_force(day) is (day >= date(2025, 1, 1))
    assert Assignment.objects.valid_on(day).filter(pk=open_ended.pk).exists() is (
        day >= date(2025, 1, 1)
    )
