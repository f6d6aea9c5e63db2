"""The staff complaint page (#24): where the report is, only the allowed moves, one message box,
ready-made replies filled in the page's language, moderation with no default, re-routing with
suggested authorities first that ends on the queue."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.utils import translation

from districts.models import Authority, Category
from issues.models import Complaint, Event
from staff import selectors
from staff.models import ResponseTemplate
from tests.factories import AssignmentFactory, AuthorityFactory, ServiceAreaFactory, square
from tests.staff.conftest import signed_in

S = Complaint.Status


def page_of(membership, complaint, language="fr") -> str:
    response = signed_in(membership).get(
        f"/staff/complaints/{complaint.reference}/", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_where_the_report_is(anfa_agent, report_in):
    complaint = report_in("anfa")
    html = page_of(anfa_agent, complaint)

    point = complaint.location
    assert f"{point.y:.6f}, {point.x:.6f}" in html
    assert 'data-testid="arrondissement">Anfa<' in html
    assert f'href="/staff/?q={complaint.reference}"' in html
    config = json.loads(re.search(r'id="desk-map-config"[^>]*>(.*?)</script>', html)[1])
    assert config["point"] == [round(point.y, 6), round(point.x, 6)]
    assert config["boundary"]["type"] in ("Polygon", "MultiPolygon")


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (S.SUBMITTED, {S.ACKNOWLEDGED, S.REJECTED, S.DUPLICATE}),
        (S.RESOLVED, {S.CLOSED}),
        (S.CLOSED, set()),
    ],
)
def test_only_the_allowed_moves_are_offered(anfa_agent, report_in, status, offered):
    complaint = report_in("anfa")
    Complaint.objects.filter(pk=complaint.pk).update(status=status)

    html = page_of(anfa_agent, complaint)

    assert set(re.findall(r'name="to_status" value="(\w+)"', html)) == offered
    assert offered == Complaint.TRANSITIONS[status]


def test_a_forged_move_is_refused_and_changes_nothing(anfa_agent, report_in):
    complaint = report_in("anfa")
    events = complaint.events.count()

    response = signed_in(anfa_agent).post(
        f"/staff/complaints/{complaint.reference}/transition/",
        {"to_status": S.CLOSED, "message": "Fermé.", "audience": "public"},
    )

    complaint.refresh_from_db()
    assert response.status_code == 400
    assert complaint.status == S.SUBMITTED
    assert complaint.events.count() == events


def test_one_message_box_is_a_public_reply_or_an_internal_note(anfa_agent, report_in):
    complaint = report_in("anfa")
    client = signed_in(anfa_agent)
    url = f"/staff/complaints/{complaint.reference}"

    client.post(
        f"{url}/transition/",
        {"to_status": S.ACKNOWLEDGED, "message": "Vu, merci.", "audience": "public"},
    )
    client.post(f"{url}/message/", {"message": "Voir le chef d'équipe.", "audience": "internal"})
    undecided = client.post(f"{url}/message/", {"message": "Pour qui ?"})

    acknowledged, noted = complaint.events.order_by("-id")[:2][::-1]
    assert (acknowledged.to_status, acknowledged.public_message) == (S.ACKNOWLEDGED, "Vu, merci.")
    assert (noted.public_message, noted.internal_note) == ("", "Voir le chef d'équipe.")
    assert undecided.status_code == 400
    assert not complaint.events.filter(public_message="Pour qui ?").exists()


@pytest.fixture
def templates(anfa):
    general = ResponseTemplate.objects.create(
        title="Général",
        text_fr="Dossier {reference} ({category}, {authority}) : vu avant le {acknowledge_by}, "
        "réponse avant le {answer_by}. {inconnu}",
        text_ar="الملف {reference} ({category}، {authority}): قبل {answer_by}.",
    )
    ResponseTemplate.objects.create(title="Inactif", text_fr="x", text_ar="x", is_active=False)
    ResponseTemplate.objects.create(
        title="Autre catégorie",
        text_fr="x",
        text_ar="x",
        category=Category.objects.get(code="noise"),
    )
    ResponseTemplate.objects.create(
        title="Autre autorité",
        text_fr="x",
        text_ar="x",
        authority=Authority.objects.get(slug="maarif"),
    )
    own = ResponseTemplate.objects.create(
        title="Voirie Anfa",
        text_fr="Voirie",
        text_ar="الطرق",
        category=Category.objects.get(code="roads-potholes"),
        authority=anfa,
    )
    return general, own


def test_ready_made_replies_are_filled_in_the_pages_language(
    anfa_agent, anfa, report_in, templates
):
    general, own = templates
    category = Category.objects.get(code="roads-potholes")
    with time_machine.travel(date(2026, 3, 2), tick=False):
        complaint = report_in("anfa")
    complaint.acknowledge_by, complaint.answer_by = date(2026, 3, 17), date(2026, 5, 1)
    complaint.save()
    ResponseTemplate.objects.exclude(pk__in=[general.pk, own.pk]).filter(
        category=None,
        authority=None,
        is_active=True,
        title__in=["Pris en charge", "Travaux programmés", "Réparé, merci"],
    ).delete()  # the seeded ones, if the database still has them

    with translation.override("fr"):
        french = selectors.response_templates_for(complaint)
    with translation.override("ar"):
        arabic = selectors.response_templates_for(complaint)

    assert [title for _, title, _ in french] == ["Général", "Voirie Anfa"]
    assert french[0][2] == (
        f"Dossier {complaint.reference} ({category.name_fr}, Anfa) : vu avant le 17 mars 2026, "
        "réponse avant le 1 mai 2026. {inconnu}"
    )
    assert arabic[0][2] == (
        f"الملف {complaint.reference} ({category.name_ar}، {anfa.name_ar}): قبل 1 مايو 2026."
    )
    html = page_of(anfa_agent, complaint, "ar")
    texts = json.loads(re.search(r'id="reply-texts"[^>]*>(.*?)</script>', html)[1])
    assert texts == {str(general.pk): arabic[0][2], str(own.pk): "الطرق"}


def test_reroute_suggests_who_could_be_responsible_first(anfa_agent, report_in, point_in):
    here = point_in("anfa")
    lighting = Category.objects.get(code="street-lighting")
    # a second lighting operator here: routing picks SRM (slug order), this one once SRM is out
    other = AuthorityFactory(slug="zz-eclairage", name_fr="Éclairage bis")
    AssignmentFactory(
        category=lighting,
        service_area=ServiceAreaFactory(authority=other, geometry=square(here.x, here.y)),
    )
    complaint = report_in("anfa", "street-lighting")

    options = selectors.reroute_options(complaint)

    assert complaint.authority.slug == "srm-casablanca-settat"
    assert [a.slug for a in options.suggested] == ["zz-eclairage", "anfa", "alsa-al-baida", "arma"]
    assert complaint.authority not in options.all
    assert set(options.all) == set(Authority.objects.exclude(pk=complaint.authority_id))
    assert not set(options.suggested) & set(options.others)


def test_reroute_list_groups_suggestions_and_preselects_nothing(anfa_agent, report_in):
    html = page_of(anfa_agent, report_in("anfa"))

    select = re.search(r'<select name="authority".*?</select>', html, re.S)[0]
    assert "selected" not in select.split("<optgroup", 1)[1]
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    assert [label for label, _ in groups] == ["Suggérées pour ce lieu", "Autres autorités"]
    assert re.findall(r'value="([\w-]+)"', groups[0][1]) == [
        "alsa-al-baida",
        "arma",
        "srm-casablanca-settat",
    ]


def test_reroute_lands_on_the_queue_with_a_message(anfa_agent, report_in, maarif):
    complaint = report_in("anfa")

    response = signed_in(anfa_agent).post(
        f"/staff/complaints/{complaint.reference}/reroute/",
        {"authority": maarif.slug, "reason": "Côté Maârif de la rue"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Signalement transmis à Maârif."
    ]
    complaint.refresh_from_db()
    assert complaint.authority == maarif
    assert complaint.events.filter(kind=Event.Kind.REROUTED).count() == 1


def test_moderation_has_no_default_decision(anfa_manager, report_in):
    complaint = report_in("anfa")
    html = page_of(anfa_manager, complaint)

    decision = re.search(r'<select name="decision".*?</select>', html, re.S)[0]
    assert "selected" not in decision.split("</option>", 1)[1]
    assert '<option value="" selected>' in decision
    refused = signed_in(anfa_manager).post(
        f"/staff/complaints/{complaint.reference}/moderate/", {"reason": "Doublon"}
    )
    complaint.refresh_from_db()
    assert refused.status_code == 400
    assert complaint.moderation == Complaint.Moderation.PUBLISHED
