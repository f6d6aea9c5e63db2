"""Invariants the Complaint model and its table enforce."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError

from issues.models import REFERENCE_PATTERN, new_reference
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def test_reference_is_generated_on_save_in_the_tracking_format():
    complaint = ComplaintFactory()

    assert re.match(REFERENCE_PATTERN, complaint.reference)
    assert complaint.reference.startswith(f"CM-{complaint.created_at.year}-")


def test_references_avoid_letters_that_are_misread():
    codes = {new_reference(2026) for _ in range(2000)}

    assert len(codes) == 2000
    assert not any(letter in code[8:] for code in codes for letter in "ILOU")


def test_database_refuses_an_unknown_status():
    with pytest.raises(IntegrityError):
        ComplaintFactory(status="lost")


def test_database_refuses_a_malformed_reference():
    with pytest.raises(IntegrityError):
        ComplaintFactory(reference="CM-1")


def test_database_refuses_a_duplicate_reference():
    first = ComplaintFactory()

    with pytest.raises(IntegrityError):
        ComplaintFactory(reference=first.reference)
