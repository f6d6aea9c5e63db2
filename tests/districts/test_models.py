"""Invariants the districts tables enforce."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError

from districts.models import Authority
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
