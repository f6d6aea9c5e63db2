"""GET /api/v1/categories/suggest/?text=… and the forms' suggestion settings."""

from __future__ import annotations

import pytest

from districts.models import Category
from issues import category_suggestion
from issues.models import CategorySuggestionModel
from tests.issues.test_category_suggestion import small_corpus

SUGGEST = "/api/v1/categories/suggest/"


@pytest.fixture
def small_model(casablanca):
    return category_suggestion.store(
        category_suggestion.fit(small_corpus()), examples={}, metrics={}
    )


def test_the_categories_come_ranked_with_their_score_and_french_name(client, small_model):
    response = client.get(SUGGEST, {"text": "Le lampadaire de ma rue est éteint"})

    assert response.status_code == 200
    body = response.json()
    assert body[0]["code"] == "street-lighting"
    assert body[0]["name"] == "Éclairage public"
    assert set(body[0]) == {"code", "name", "score"}
    scores = [item["score"] for item in body]
    assert scores == sorted(scores, reverse=True)


def test_names_are_in_arabic_for_an_arabic_caller_writing_arabizi(client, small_model):
    response = client.get(SUGGEST, {"text": "kayna wa7d l7ofra f tri9"}, HTTP_ACCEPT_LANGUAGE="ar")

    assert response.json()[0] == {
        "code": "roads-potholes",
        "name": Category.objects.get(code="roads-potholes").name_ar,
        "score": response.json()[0]["score"],
    }


def test_no_text_gets_an_empty_list(client, small_model):
    assert client.get(SUGGEST).json() == []
    assert client.get(SUGGEST, {"text": "  "}).json() == []


def test_a_text_longer_than_a_report_is_refused_in_the_callers_language(client, small_model):
    too_long = "a" * (category_suggestion.TEXT_MAX_LENGTH + 1)

    response = client.get(SUGGEST, {"text": too_long}, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_parameter"
    assert response.json()["parameter"] == "text"
    assert str(category_suggestion.TEXT_MAX_LENGTH) in response.json()["error"]
    assert CategorySuggestionModel.objects.count() == 1  # nothing trained or changed


def test_a_report_long_text_is_accepted(client, small_model):
    longest = "trou " * (category_suggestion.TEXT_MAX_LENGTH // 5)
    assert client.get(SUGGEST, {"text": longest}).status_code == 200


def test_the_report_form_and_the_staff_intake_carry_the_settable_threshold(settings, casablanca):
    from staff.intake import page_config as intake_config

    settings.CATEGORY_SUGGESTION_THRESHOLD = 0.7
    config = intake_config()
    assert config["suggestUrl"] == SUGGEST
    assert config["suggestThreshold"] == 0.7
    assert config["messages"]["suggestedCategories"]


def test_the_report_page_carries_the_suggestion_settings(client, settings, casablanca):
    settings.CATEGORY_SUGGESTION_THRESHOLD = 0.55
    response = client.get("/report/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '"suggestThreshold": 0.55' in page
    assert 'id="category-suggestion"' in page
    assert "js/category_suggestion" in page
