"""The list serializers build each GeoJSON Feature directly (issues.serializers, for speed): what
they write must be what their declared fields give through DRF's generic path, which the API
schema describes, in French and in Arabic, for the public and for the staff."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.utils import translation
from rest_framework.request import Request
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from issues import policy
from issues.models import Complaint
from issues.selectors import public_complaint, public_complaints
from issues.serializers import (
    PublicComplaintDetailSerializer,
    PublicComplaintFeatureSerializer,
    StaffComplaintFeatureSerializer,
)
from issues.services import transition
from tests.factories import StaffMembershipFactory

pytestmark = pytest.mark.usefixtures("casablanca")


def generic_and_built(serializer_class, complaints, request) -> tuple[list, list]:
    serializer = serializer_class(complaints, many=True, context={"request": request})
    built = serializer.data["features"]
    child = serializer_class(context={"request": request})
    generic = [GeoFeatureModelSerializer.to_representation(child, c) for c in complaints]
    return generic, built


def assert_same(generic: list[dict], built: list[dict]) -> None:
    assert len(built) == len(generic) > 0
    for expected, got in zip(generic, built, strict=True):
        assert got["properties"] == expected["properties"]
        assert list(got["properties"]) == list(expected["properties"])  # the same key order
        assert got["geometry"]["type"] == expected["geometry"]["type"] == "Point"
        assert got["geometry"]["coordinates"] == pytest.approx(
            expected["geometry"]["coordinates"], abs=1e-9
        )


@pytest.fixture
def api_request():
    return Request(RequestFactory().get("/api/v1/complaints/"))


def move(complaint, status, actor) -> None:
    transition(complaint=complaint, to_status=status, actor=actor, public_message="Vu.")


@pytest.fixture
def varied(report_in):
    """Reports unlike one another: a redacted one, a noise one (shown on its grid cell), one
    in progress, one closed."""
    agent = StaffMembershipFactory(authority=None, role="supervisor").user
    redacted = report_in("anfa", title="Mon voisin M. X", description="Chez M. X, au 3e.")
    Complaint.objects.filter(pk=redacted.pk).update(
        public_title="Nuisance", public_description="Signalée (texte modéré)."
    )
    report_in("maarif", "noise")
    working = report_in("sidi-belyout")
    move(working, Complaint.Status.ACKNOWLEDGED, agent)
    closed = report_in("ain-chock")
    move(closed, Complaint.Status.ACKNOWLEDGED, agent)
    move(closed, Complaint.Status.REJECTED, agent)
    Complaint.objects.filter(pk=working.pk).update(assigned_to=agent)
    return agent


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_public_features_are_what_the_declared_fields_give(varied, api_request, language):
    with translation.override(language):
        complaints = list(public_complaints().order_by("-created_at", "-id"))
        generic, built = generic_and_built(
            PublicComplaintFeatureSerializer, complaints, api_request
        )

    assert_same(generic, built)
    assert {f["properties"]["title"] for f in built} >= {"Nuisance"}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_staff_features_are_what_the_declared_fields_give(varied, api_request, language):
    with translation.override(language):
        complaints = list(policy.scoped_complaints(varied).order_by("-created_at", "-id"))
        generic, built = generic_and_built(StaffComplaintFeatureSerializer, complaints, api_request)

    assert_same(generic, built)
    assert any(f["properties"]["assigned_to"] for f in built)
    assert any(f["properties"]["acknowledged_at"] for f in built)


def test_the_detail_keeps_its_own_fields(varied, api_request):
    newest = public_complaints().order_by("-created_at").first()
    complaint = public_complaint(newest.reference)

    detail = PublicComplaintDetailSerializer(complaint, context={"request": api_request}).data

    assert "timeline" in detail["properties"]
