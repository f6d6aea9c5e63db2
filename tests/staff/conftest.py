"""Staff of Anfa and of Maârif, a city supervisor, and complaints routed to each."""

from __future__ import annotations

import pytest
from django.test import Client

from districts.models import Authority
from tests.factories import StaffMembershipFactory


def signed_in(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.fixture
def anfa(casablanca) -> Authority:
    return Authority.objects.get(slug="anfa")


@pytest.fixture
def maarif(casablanca) -> Authority:
    return Authority.objects.get(slug="maarif")


@pytest.fixture
def anfa_agent(anfa):
    return StaffMembershipFactory(authority=anfa, role="agent")


@pytest.fixture
def anfa_manager(anfa):
    return StaffMembershipFactory(authority=anfa, role="manager")


@pytest.fixture
def maarif_agent(maarif):
    return StaffMembershipFactory(authority=maarif, role="agent")


@pytest.fixture
def supervisor(casablanca):
    return StaffMembershipFactory(authority=None, role="supervisor")
