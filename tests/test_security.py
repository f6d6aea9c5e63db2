"""Production hardening: sign-in lockout, short staff sessions, headers on every page, and
Django's deployment checklist clean under production settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from districts.models import Authority
from tests.factories import StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, username: str, password: str, **headers):
    return client.post("/accounts/login/", {"username": username, "password": password}, **headers)


def test_five_wrong_passwords_pause_that_account_from_that_client(client):
    UserFactory(username="amal@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "amal@example.org", "wrong-guess").status_code == 200
    assert sign_in(client, "amal@example.org", "wrong-guess").status_code == 429

    locked = sign_in(client, "amal@example.org", "pw-123456x")  # the right one, too late

    assert locked.status_code == 429
    assert "Connexion suspendue" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_pause_is_explained_in_arabic_to_an_arabic_visitor(client):
    UserFactory(username="amal@example.org")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "amal@example.org", "wrong-guess")

    locked = sign_in(client, "amal@example.org", "pw-123456x")

    assert locked.status_code == 429
    assert 'lang="ar"' in locked.content.decode()
    assert "Connexion suspendue" not in locked.content.decode()


def test_another_citizen_behind_the_same_address_can_still_sign_in(client):
    UserFactory(username="amal@example.org")
    UserFactory(username="youssef@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "amal@example.org", "wrong-guess")

    assert sign_in(client, "youssef@example.org", "pw-123456x").status_code == 302


def test_a_staff_session_ends_after_the_staff_hours_a_citizens_does_not(client, casablanca):
    StaffMembershipFactory(
        user__username="agent@example.org", authority=Authority.objects.get(slug="anfa")
    )
    UserFactory(username="citizen@example.org")

    sign_in(client, "agent@example.org", "pw-123456x")
    staff_age = client.session.get_expiry_age()
    client.logout()
    sign_in(client, "citizen@example.org", "pw-123456x")
    citizen_age = client.session.get_expiry_age()

    assert staff_age == settings.STAFF_SESSION_HOURS * 3600
    assert citizen_age == settings.SESSION_COOKIE_AGE


def test_pages_carry_the_policy_nosniff_and_no_framing(client, casablanca):
    response = client.get("/report/")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "img-src 'self' data: blob: https://tile.openstreetmap.org" in policy
    assert "object-src 'none'" in policy and "'unsafe-inline'" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_the_folium_document_allows_only_its_own_inline_blocks(client, casablanca):
    response = client.get("/map/arrondissements/")

    policy = response["Content-Security-Policy"]
    script_sources = next(d for d in policy.split("; ") if d.startswith("script-src"))
    assert script_sources.count("'sha256-") == response.content.decode().count("<script>")
    assert "'unsafe-inline'" not in policy


def test_tile_servers_with_subdomains_are_allowed_by_wildcard():
    from casa_map.settings import tile_origin

    assert tile_origin("https://{s}.tiles.example.ma/{z}/{x}/{y}.png") == (
        "https://*.tiles.example.ma"
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    production = os.environ | {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "casamap.example.ma",
        "SECURE_COOKIES": "true",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
        "SECURE_HSTS_PRELOAD": "true",
        "TRUST_X_FORWARDED_PROTO": "true",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=production,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
