"""Generated demo complaints are marked as such and go through the normal service."""

from __future__ import annotations

import pytest

from issues.demo import DEMO_TITLE_PREFIX, seed_demo_complaints
from issues.models import Complaint

pytestmark = pytest.mark.usefixtures("casablanca")


def test_demo_complaints_are_marked_routed_and_created_once():
    created = seed_demo_complaints(count=12, seed=1)

    assert len(created) == 12
    assert Complaint.objects.filter(is_demo=True).count() == 12
    assert all(c.title.startswith(DEMO_TITLE_PREFIX) for c in created)
    assert all(c.arrondissement.kind == "arrondissement" for c in created)
    assert seed_demo_complaints(count=12, seed=1) == []
    assert Complaint.objects.count() == 12
