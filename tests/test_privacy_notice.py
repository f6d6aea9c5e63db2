"""Law 09-08's information notice (casa_map.privacy): its facts come from the settings (read
from the environment), in French and Arabic, on the /privacy/ page, on each form that collects
personal data, and in the API documentation of the filing endpoint."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

FORMS = ["/report/", "/accounts/signup/", "/alerts/"]


@pytest.fixture(autouse=True)
def declared(settings):
    settings.PRIVACY_CONTROLLER = "Commune de Casablanca"
    settings.PRIVACY_CONTROLLER_AR = "جماعة الدار البيضاء"
    settings.PRIVACY_CNDP_DECLARATION = "D-GC-123/2026"
    settings.PRIVACY_CONTACT_EMAIL = "dpo@casablanca.ma"
    settings.RETENTION_CONTACT_DAYS = 200


@pytest.mark.parametrize(
    ("language", "controller", "sentence"),
    [
        ("fr", "Commune de Casablanca", "effacées 200 jours après la clôture"),
        ("ar", "جماعة الدار البيضاء", "بعد 200 يومًا من إغلاق الشكاية"),
    ],
)
def test_each_form_carries_the_notice_from_the_settings(
    client, casablanca, language, controller, sentence
):
    client.cookies["django_language"] = language
    for path in FORMS:
        page = client.get(path).content.decode()

        assert 'data-testid="privacy-notice"' in page, path
        assert controller in page and sentence in page, path
        assert "D-GC-123/2026" in page and "dpo@casablanca.ma" in page, path
        assert 'href="/privacy/"' in page, path


def test_the_follow_form_of_a_report_links_to_the_notice(client, report_in):
    complaint = report_in("anfa")

    page = client.get(f"/track/{complaint.reference}/").content.decode()

    assert "droits d'accès, de rectification et d'opposition : dpo@casablanca.ma" in page


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_full_notice_names_the_operators_and_the_periods(client, casablanca, language):
    client.cookies["django_language"] = language

    page = client.get("/privacy/").content.decode()

    assert "D-GC-123/2026" in page
    if language == "ar":
        assert "الشركة الجهوية متعددة الخدمات الدار البيضاء سطات" in page
        assert "تُمحى بعد 200 يوم من إغلاق الشكاية" in page  # Arabic plural: 200 days
    else:
        assert "SRM Casablanca-Settat" in page
        assert "effacées 200 jours après la clôture du signalement" in page


def test_the_filing_endpoint_documents_the_notice_in_french_and_arabic(client, casablanca):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()

    description = schema["paths"]["/api/v1/complaints/"]["post"]["description"]
    assert "Données personnelles (loi 09-08)" in description
    assert "المعطيات الشخصية (القانون 09-08)" in description
    assert "D-GC-123/2026" in description
    assert "/privacy/" in description
