"""Cached figures are kept until a complaint they cover changes, and only then: a new report in
Anfa leaves a figure cached for Sidi Moumen (or for another category) alone."""

from __future__ import annotations

from collections import Counter

import pytest

from districts.models import Authority, Category
from issues.models import Complaint
from issues.services import transition
from planning import selectors
from planning.selection import Selection
from tests.factories import UserFactory


@pytest.fixture
def computed():
    """Cached figures that count how often they were computed, by name."""
    calls = Counter()

    def figure(name: str, selection: Selection, **options):
        def compute():
            calls[name] += 1
            return name

        return selectors.cached(name, selection, compute, **options)

    figure.calls = calls
    return figure


def selections():
    arrondissement = Authority.objects.get
    category = Category.objects.get
    return {
        "city": Selection(),
        "anfa": Selection(arrondissement=arrondissement(slug="anfa")),
        "sidi-moumen": Selection(arrondissement=arrondissement(slug="sidi-moumen")),
        "potholes": Selection(category=category(code="roads-potholes")),
        "lighting": Selection(category=category(code="street-lighting")),
        "sidi-moumen-city-wide": Selection(arrondissement=arrondissement(slug="sidi-moumen")),
    }


def compute_all(figure) -> None:
    for name, selection in selections().items():
        figure(name, selection, city_wide=name.endswith("city-wide"))


def test_a_report_refreshes_only_the_figures_it_belongs_to(
    computed, file_at, django_capture_on_commit_callbacks
):
    compute_all(computed)
    compute_all(computed)
    assert set(computed.calls.values()) == {1}  # the second round came from the cache

    with django_capture_on_commit_callbacks(execute=True):
        complaint = file_at("anfa", code="roads-potholes")
    compute_all(computed)

    assert computed.calls == {
        "city": 2,
        "anfa": 2,
        "potholes": 2,
        "sidi-moumen": 1,
        "lighting": 1,
        "sidi-moumen-city-wide": 2,
    }

    with django_capture_on_commit_callbacks(execute=True):
        transition(
            complaint=complaint, to_status=Complaint.Status.ACKNOWLEDGED, actor=UserFactory()
        )
    compute_all(computed)

    assert computed.calls["anfa"] == 3 and computed.calls["sidi-moumen"] == 1
