"""Sign-up by an e-mailed link (accounts.services): the form answers the same whether the
address has an account or not, nothing is stored before the link is opened, and sign-ups are
limited per client."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/accounts/signup/(\S+)/")


def sign_up(client, email: str):
    return client.post("/accounts/signup/", {"email": email})


def test_a_new_address_gets_a_link_that_creates_the_account(client):
    answer = sign_up(client, "Youssef@Example.org")

    assert answer.status_code == 200
    assert not get_user_model().objects.exists()
    (message,) = mail.outbox
    assert message.to == ["youssef@example.org"]
    token = LINK.search(message.body).group(1)

    chosen = client.post(
        f"/accounts/signup/{token}/",
        {"new_password1": "a-long-pass-123", "new_password2": "a-long-pass-123"},
    )

    assert chosen.status_code == 302
    assert chosen["Location"] == "/my/reports/"
    client.logout()
    signed_in = client.post(
        "/accounts/login/", {"username": "youssef@example.org", "password": "a-long-pass-123"}
    )
    assert signed_in["Location"] == "/accounts/welcome/"  # which sends a citizen to their reports
    assert client.get("/accounts/welcome/")["Location"] == "/my/reports/"


def test_the_answer_is_the_same_whether_the_address_has_an_account(client):
    UserFactory(username="amal@example.org", email="amal@example.org")

    known = sign_up(client, "amal@example.org").content.decode()
    unknown = sign_up(client, "nadia@example.org").content.decode()

    def neutral(page: str, email: str) -> str:
        return re.sub(r'value="[^"]*"', "", page.replace(email, "EMAIL"))

    assert neutral(known, "amal@example.org") == neutral(unknown, "nadia@example.org")
    reminder, link = mail.outbox
    assert "/accounts/password/reset/" in reminder.body
    assert "/accounts/signup/" not in reminder.body
    assert LINK.search(link.body)


def test_a_used_or_forged_link_creates_nothing(client):
    sign_up(client, "youssef@example.org")
    token = LINK.search(mail.outbox[0].body).group(1)
    password = {"new_password1": "a-long-pass-123", "new_password2": "a-long-pass-123"}
    client.post(f"/accounts/signup/{token}/", password)

    again = client.post(f"/accounts/signup/{token}/", password)
    forged = client.post(f"/accounts/signup/{token[:-2]}xx/", password)

    assert again.status_code == forged.status_code == 302
    assert again["Location"] == forged["Location"] == "/accounts/login/"
    assert get_user_model().objects.count() == 1


def test_a_weak_password_is_refused_on_the_links_page(client):
    sign_up(client, "youssef@example.org")
    token = LINK.search(mail.outbox[0].body).group(1)

    answer = client.post(
        f"/accounts/signup/{token}/", {"new_password1": "123", "new_password2": "123"}
    )

    assert answer.status_code == 200
    assert not get_user_model().objects.exists()


def test_sign_ups_are_limited_per_client(client, settings):
    settings.SIGNUP_RATE_LIMIT = "2/h"

    answers = [sign_up(client, f"n{n}@example.org").status_code for n in range(3)]

    assert answers == [200, 200, 429]
    assert len(mail.outbox) == 2
