"""Law 09-08's information notice in a real browser: on every form that collects personal data
(the report form, sign-up, alerts, following a report, the account page), in French and in
Arabic, on a 320 px phone, with its link to the full notice; and the consent box on the report
form."""

from __future__ import annotations

import pytest

from tests.e2e.test_accessibility import complaint_with_history, sign_in
from tests.e2e.test_reflow import overflowing

pytestmark = pytest.mark.e2e

__all__ = ["complaint_with_history"]

NOTICE = {
    "fr-FR": ("Responsable du traitement", "Déclaration CNDP", "Données personnelles"),
    "ar-MA": ("المسؤول عن المعالجة", "رقم التصريح", "المعطيات الشخصية"),
}


@pytest.fixture
def phone_page(browser):
    contexts = []

    def _page(locale: str):
        context = browser.new_context(locale=locale, viewport={"width": 320, "height": 740})
        context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
        contexts.append(context)
        return context.new_page()

    yield _page
    for context in contexts:
        context.close()


def notice_on(page, base_url: str, path: str) -> str:
    page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    notice = page.locator("[data-testid=privacy-notice]").first
    notice.scroll_into_view_if_needed()
    assert notice.is_visible(), path
    assert notice.locator("a[href='/privacy/']").count() == 1, path
    return notice.inner_text()


@pytest.mark.parametrize("locale", ["fr-FR", "ar-MA"])
def test_each_form_collecting_personal_data_shows_the_notice(
    live_city, phone_page, complaint_with_history, locale
):
    page = phone_page(locale)
    controller, declaration, link = NOTICE[locale]
    forms = ["/report/", "/accounts/signup/", "/alerts/"]

    for path in forms:
        text = notice_on(page, live_city.url, path)
        assert controller in text and declaration in text and link in text, path
    follow = notice_on(page, live_city.url, f"/track/{complaint_with_history.reference}/")
    assert link in follow
    assert overflowing(page, live_city.url, [*forms, "/privacy/"]) == {}


@pytest.mark.parametrize("locale", ["fr-FR", "ar-MA"])
def test_the_account_page_shows_the_notice_and_the_rights(
    live_city, phone_page, complaint_with_history, locale
):
    page = phone_page(locale)
    sign_in(page, live_city.url, "agent.anfa@example.org")

    text = notice_on(page, live_city.url, "/my/account/")

    assert NOTICE[locale][1] in text
    assert page.locator("[data-testid=my-data-link]").is_visible()
    assert page.locator("[data-testid=delete-account-link]").is_visible()
    assert overflowing(page, live_city.url, ["/my/account/", "/my/account/delete/"]) == {}


@pytest.mark.parametrize("locale", ["fr-FR", "ar-MA"])
def test_the_link_leads_to_the_full_notice(live_city, phone_page, locale):
    page = phone_page(locale)
    page.goto(live_city.url + "/report/")
    page.locator("[data-testid=privacy-notice] a").first.click()
    page.wait_for_load_state("networkidle")

    assert page.url.endswith("/privacy/")
    full = page.locator("[data-testid=privacy-page]").inner_text()
    assert "CNDP" in full
    assert page.locator("[data-testid=cndp-declaration]").inner_text().strip()
    assert page.evaluate("document.documentElement.dir") == ("rtl" if locale == "ar-MA" else "ltr")


def test_the_report_form_asks_for_consent_to_share_with_an_operator(live_city, phone_page):
    page = phone_page("fr-FR")
    page.goto(live_city.url + "/report/")
    box = page.locator("input[name=share_contact_with_operator]")

    assert box.count() == 1
    assert not box.is_checked()  # consent is given, never presumed
    label = page.locator("label[for=id_share_contact_with_operator]").inner_text()
    assert "opérateur délégué" in label
