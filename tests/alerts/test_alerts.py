"""Alerts by e-mail: subscribing (double opt-in for addresses that are not the account's),
unsubscribing by link and by one-click POST (RFC 8058), and sending each item once per alert,
grouped into one e-mail per alert per run, in the subscriber's language."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.core import mail
from django.test import Client
from django.utils import timezone

from alerts import services
from alerts.models import Alert, AlertItem
from districts.models import Authority, Category
from issues.models import Complaint
from issues.services import create_complaint, transition
from tests.factories import StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.usefixtures("casablanca")

SUBSCRIBER = "nadia.alaoui@example.org"


def near(point: Point, *, east_m: float = 0, north_m: float = 0) -> Point:
    return Point(point.x + east_m / 92_800, point.y + north_m / 111_320, srid=4326)


def file(point: Point, code: str = "roads-potholes", **fields) -> Complaint:
    values = {
        "category": Category.objects.get(code=code),
        "location": point,
        "title": "Problème signalé",
        "description": "Description.",
    }
    return create_complaint(**(values | fields))


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """One alerts run; the owed e-mails are sent in process after its commit."""

    def _run() -> list:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.send_alerts()
        return [message for message in mail.outbox if message.to == [SUBSCRIBER]]

    return _run


def confirmed_alert(**fields) -> Alert:
    values = {"email": SUBSCRIBER, "confirmed_at": timezone.now() - timedelta(minutes=1)}
    categories = fields.pop("categories", [])
    alert = Alert.objects.create(**(values | fields))
    alert.categories.set(categories)
    return alert


def references_in(message) -> set[str]:
    return set(re.findall(r"CM-\d{4}-[0-9A-Z]{6}", message.body))


def test_a_signed_in_citizens_own_address_needs_no_confirmation(point_in):
    user = UserFactory(email=SUBSCRIBER)

    alert = services.subscribe(
        kind=Alert.Kind.NEARBY, email=SUBSCRIBER, user=user, point=point_in("anfa"), radius_m=500
    )

    assert alert.is_confirmed
    assert mail.outbox == []


def test_another_address_is_confirmed_by_an_expiring_signed_link(
    client, point_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/alerts/subscribe/",
            {
                "kind": "nearby",
                "lat": point_in("anfa").y,
                "lon": point_in("anfa").x,
                "radius_m": 500,
                "email": SUBSCRIBER,
            },
        )
    assert response.status_code == 302
    alert = Alert.objects.get()
    assert not alert.is_confirmed
    (confirmation,) = mail.outbox
    link = re.search(r"https?://\S+/alerts/confirm/\S+/", confirmation.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    assert (
        client.get("/" + path).status_code == 200
    )  # a button: a mail scanner's GET confirms nothing
    alert.refresh_from_db()
    assert not alert.is_confirmed
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert client.post("/" + path).status_code == 400
    assert client.post("/" + path.replace("confirm/", "confirm/x")).status_code == 400
    assert client.post("/" + path).status_code == 302
    alert.refresh_from_db()
    assert alert.is_confirmed


def test_nothing_is_sent_before_confirmation(point_in, run):
    services.subscribe(
        kind=Alert.Kind.NEARBY, email=SUBSCRIBER, point=point_in("anfa"), radius_m=500
    )
    file(point_in("anfa"))

    assert run() == []


def test_new_reports_nearby_are_sent_once_grouped_and_never_the_subscribers_own(point_in, run):
    centre = point_in("anfa")
    confirmed_alert(kind=Alert.Kind.NEARBY, point=centre, radius_m=500)
    inside = [file(near(centre, east_m=300)), file(near(centre, north_m=-200))]
    file(near(centre, east_m=800))  # outside the 500 m
    file(near(centre, east_m=100), contact_email=SUBSCRIBER.upper())  # the subscriber's own

    (first,) = run()
    assert references_in(first) == {complaint.reference for complaint in inside}
    assert run() == []  # a second run sends nothing again

    later = file(near(centre, north_m=50))
    (second,) = run()
    assert references_in(second) == {later.reference}
    assert AlertItem.objects.count() == 3


def test_a_signed_in_subscribers_own_reports_are_left_out(point_in, run):
    user = UserFactory(email=SUBSCRIBER)
    centre = point_in("maarif")
    confirmed_alert(kind=Alert.Kind.NEARBY, point=centre, radius_m=1000, user=user)
    file(centre, reporter=user)
    other = file(near(centre, east_m=50))

    (message,) = run()

    assert references_in(message) == {other.reference}


def test_reports_filed_before_the_alert_was_confirmed_are_not_sent(point_in, run):
    centre = point_in("anfa")
    file(centre)
    confirmed_alert(kind=Alert.Kind.NEARBY, point=centre, radius_m=500, confirmed_at=timezone.now())

    assert run() == []


def test_arrondissement_alerts_keep_to_their_categories(point_in, run):
    confirmed_alert(
        kind=Alert.Kind.ARRONDISSEMENT,
        arrondissement=Authority.objects.get(slug="sbata"),
        categories=[Category.objects.get(code="street-lighting")],
    )
    wanted = file(point_in("sbata"), code="street-lighting")
    file(point_in("sbata"), code="roads-potholes")
    file(point_in("anfa"), code="street-lighting")

    (message,) = run()

    assert references_in(message) == {wanted.reference}


def test_a_followed_report_sends_its_public_updates_only(point_in, run):
    complaint = file(point_in("anfa"))
    confirmed_alert(kind=Alert.Kind.REPORT, complaint=complaint)
    agent = StaffMembershipFactory(authority=Authority.objects.get(slug="anfa")).user
    transition(
        complaint=complaint,
        to_status=Complaint.Status.ACKNOWLEDGED,
        actor=agent,
        public_message="Équipe voirie prévenue.",
        internal_note="Note interne à ne pas publier.",
    )

    (message,) = run()

    assert "Équipe voirie prévenue." in message.body
    assert "Note interne" not in message.body
    assert run() == []


def test_the_email_is_in_the_subscribers_language_right_to_left_in_arabic(point_in, run):
    confirmed_alert(kind=Alert.Kind.NEARBY, point=point_in("anfa"), radius_m=500, language="ar")
    file(point_in("anfa"))

    (message,) = run()

    html = message.alternatives[0][0]
    assert re.search(r"[\u0600-\u06FF]", message.subject)
    assert '<html lang="ar" dir="rtl">' in html


def test_every_alert_email_offers_one_click_unsubscribe(point_in, run):
    alert = confirmed_alert(kind=Alert.Kind.NEARBY, point=point_in("anfa"), radius_m=500)
    file(point_in("anfa"))

    (message,) = run()

    url = f"/alerts/unsubscribe/{alert.token}/"
    assert message.extra_headers["List-Unsubscribe"].endswith(f"{url}>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.body
    # RFC 8058: the mail client POSTs this body, with no cookie and no CSRF token.
    one_click = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert not Alert.objects.filter(pk=alert.pk).exists()


def test_the_unsubscribe_link_asks_before_stopping(client, point_in):
    alert = confirmed_alert(kind=Alert.Kind.NEARBY, point=point_in("anfa"), radius_m=500)
    url = f"/alerts/unsubscribe/{alert.token}/"

    assert client.get(url).status_code == 200
    assert Alert.objects.filter(pk=alert.pk).exists()
    assert client.post(url).status_code == 302
    assert not Alert.objects.exists()
    assert "déjà" in client.get(url).content.decode()


def test_a_signed_in_citizen_lists_and_stops_their_alerts(client, point_in):
    user = UserFactory(email=SUBSCRIBER)
    complaint = file(point_in("anfa"))
    mine = confirmed_alert(kind=Alert.Kind.REPORT, complaint=complaint, user=user)
    confirmed_alert(kind=Alert.Kind.REPORT, complaint=complaint, email="someone@example.org")
    client.force_login(user)

    page = client.get("/alerts/").content.decode()

    assert complaint.reference in page
    assert page.count('data-kind="report"') == 1
    client.post(f"/alerts/unsubscribe/{mine.token}/")
    assert not Alert.objects.filter(pk=mine.pk).exists()


def test_following_a_report_from_its_tracking_page(
    client, point_in, django_capture_on_commit_callbacks
):
    complaint = file(point_in("anfa"))
    page = client.get(f"/track/{complaint.reference}/").content.decode()
    assert 'id="follow-report"' in page

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            "/alerts/subscribe/",
            {
                "kind": "report",
                "reference": complaint.reference,
                "email": SUBSCRIBER,
                "next": f"/track/{complaint.reference}/",
            },
        )

    assert answer["Location"] == f"/track/{complaint.reference}/"
    assert Alert.objects.get().complaint == complaint
    assert len(mail.outbox) == 1  # the confirmation


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "nearby", "radius_m": 500, "email": SUBSCRIBER},  # no place
        {"kind": "nearby", "lat": 33.59, "lon": -7.62, "radius_m": 9000, "email": SUBSCRIBER},
        {"kind": "report", "reference": "CM-2026-NOPE00", "email": SUBSCRIBER},
        {"kind": "arrondissement", "email": SUBSCRIBER},
        {"kind": "arrondissement", "arrondissement": "anfa"},  # anonymous without an address
        {"kind": "everything", "email": SUBSCRIBER},
    ],
)
def test_bad_subscriptions_are_refused_with_a_message_and_store_nothing(client, data):
    response = client.post("/alerts/subscribe/", data)

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Alert.objects.exists()


def test_a_redirect_after_subscribing_never_leaves_the_site(client):
    response = client.post(
        "/alerts/subscribe/",
        {
            "kind": "arrondissement",
            "arrondissement": "anfa",
            "email": SUBSCRIBER,
            "next": "https://evil.example/",
        },
    )

    assert response["Location"] == "/alerts/"


def test_a_report_hidden_after_matching_is_left_out_of_the_email(
    point_in, django_capture_on_commit_callbacks
):
    from issues.moderation import moderate

    centre = point_in("anfa")
    confirmed_alert(kind=Alert.Kind.NEARBY, point=centre, radius_m=500)
    kept, hidden = file(centre), file(near(centre, east_m=50))
    moderator = StaffMembershipFactory(
        role="moderator", authority=Authority.objects.get(slug="anfa")
    ).user
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as owed:
        services.send_alerts()  # matched now, e-mailed after the commit…
    moderate(complaint=hidden, actor=moderator, decision="hide", reason="Insulte")
    for send in owed:  # …which comes after the moderator's decision
        send()

    (message,) = [m for m in mail.outbox if m.to == [SUBSCRIBER]]
    assert references_in(message) == {kept.reference}


def test_an_alert_around_a_place_found_by_name(client, django_capture_on_commit_callbacks):
    from districts.selectors import search_places

    page = client.get("/alerts/", {"place": "Gare Casa-Port"}).content.decode()
    place = search_places("Gare Casa-Port")[0]
    assert f'value="{place.location.y:.7f}"' in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/alerts/subscribe/",
            {
                "kind": "nearby",
                "lat": f"{place.location.y:.7f}",
                "lon": f"{place.location.x:.7f}",
                "radius_m": 250,
                "email": SUBSCRIBER,
            },
        )

    alert = Alert.objects.get()
    assert alert.point.distance(place.location) < 1e-6 and alert.radius_m == 250
    assert "Aucun lieu trouvé" in client.get("/alerts/", {"place": "zzzzqqq"}).content.decode()


@pytest.mark.parametrize("kind", [Alert.Kind.NEARBY, Alert.Kind.ARRONDISSEMENT, Alert.Kind.REPORT])
def test_no_kind_of_alert_sends_what_came_before_its_confirmation(point_in, run, kind):
    """The clause is written once (alerts.services.AFTER_CONFIRMATION) for every kind."""
    centre = point_in("anfa")
    followed = file(centre)
    agent = StaffMembershipFactory(authority=followed.authority).user
    earlier = file(centre)
    transition(
        complaint=followed,
        to_status=Complaint.Status.ACKNOWLEDGED,
        actor=agent,
        public_message="Avant la confirmation.",
    )
    where = {
        Alert.Kind.NEARBY: {"point": centre, "radius_m": 500},
        Alert.Kind.ARRONDISSEMENT: {"arrondissement": followed.arrondissement},
        Alert.Kind.REPORT: {"complaint": followed},
    }[kind]
    unconfirmed = confirmed_alert(kind=kind, confirmed_at=None, **where)
    assert run() == []

    unconfirmed.confirmed_at = timezone.now() + timedelta(minutes=1)
    unconfirmed.save()
    assert run() == []
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):  # strictly after it
        later = file(centre)
        transition(
            complaint=followed,
            to_status=Complaint.Status.IN_PROGRESS,
            actor=agent,
            public_message="Après la confirmation.",
        )
        (message,) = run()
    if kind == Alert.Kind.REPORT:
        assert "Après la confirmation." in message.body
        assert "Avant la confirmation." not in message.body
    else:
        assert references_in(message) == {later.reference}
        assert earlier.reference not in message.body
