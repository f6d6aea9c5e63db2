"""One public view of a complaint (issues.public_view): one report per privacy-relevant case —
hidden by a moderator, awaiting pre-moderation, redacted, of a sensitive category — read back
through every public surface. Nothing hidden or pending shows, nor the text a moderator
replaced, nor a sensitive report's exact position; the API's count agrees with the rows; a
hidden code answers exactly as an unknown one."""

from __future__ import annotations

import math
import re

import pytest
from django.contrib.gis.geos import Point

from districts.models import Category
from issues import moderation
from issues.models import Complaint
from issues.services import create_complaint
from tests.factories import StaffMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(casablanca, point_in, report_in):
    """Four reports in Anfa, each a privacy case, and one ordinary report."""
    anfa = point_in("anfa")
    moderator = StaffMembershipFactory(authority=report_in("anfa").authority, role="moderator").user
    hidden = report_in("anfa", title="SECRET-HIDDEN-TITLE", description="SECRET-HIDDEN-TEXT")
    moderation.moderate(
        complaint=hidden, actor=moderator, decision="hide", reason="Données personnelles"
    )
    pending = create_complaint(
        category=Category.objects.get(code="roads-potholes"),
        location=anfa,
        title="SECRET-PENDING-TITLE",
        description="SECRET-PENDING-TEXT",
        premoderated=True,
    )
    redacted = report_in("anfa", title="SECRET-ORIGINAL-TITLE", description="SECRET-ORIGINAL")
    moderation.moderate(
        complaint=redacted,
        actor=moderator,
        decision="redact",
        reason="Nom retiré",
        public_title="Trou dans la chaussée",
        public_description="Un trou profond.",
    )
    exact = Point(anfa.x + 0.000731, anfa.y + 0.000517, srid=4326)
    noise = create_complaint(
        category=Category.objects.get(code="noise"),
        location=exact,
        title="Bruit la nuit",
        description="Musique forte.",
    )
    return {"hidden": hidden, "pending": pending, "redacted": redacted, "noise": noise}


CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
SECRETS = ["SECRET-HIDDEN", "SECRET-PENDING", "SECRET-ORIGINAL"]


def exact_coordinates(complaint: Complaint) -> list[str]:
    """How the exact position would be written: 5 to 7 decimals, either order."""
    texts = []
    for decimals in (5, 6, 7):
        texts += [f"{complaint.location.x:.{decimals}f}", f"{complaint.location.y:.{decimals}f}"]
    return texts


def public_urls(cases, point) -> list[str]:
    near = f"lat={point.y}&lon={point.x}"
    noise = cases["noise"]
    urls = [
        "/api/v1/complaints/",
        "/api/v1/complaints/?status=open",
        "/api/v1/complaints/?category=noise",
        f"/api/v1/complaints/?point={noise.location.x},{noise.location.y}&dist=30",
        f"/api/v1/complaints/nearby/?{near}&category=roads-potholes",
        f"/api/v1/complaints/nearby/?lat={noise.location.y}&lon={noise.location.x}&category=noise",
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        "/open311/v2/requests.json?service_code=noise",
        f"/open311/v2/requests.json?lat={noise.location.y}&long={noise.location.x}&radius=30",
        "/feeds/category/noise/",
        "/feeds/category/roads-potholes/",
        "/feeds/arrondissement/anfa/",
        f"/feeds/nearby/?{near}&radius=2000",
        "/map/",
    ]
    for complaint in cases.values():
        urls += [
            f"/api/v1/complaints/{complaint.reference}/",
            f"/open311/v2/requests/{complaint.reference}.json",
            f"/open311/v2/requests/{complaint.reference}.xml",
            f"/track/{complaint.reference}/",
            f"/feeds/report/{complaint.reference}/",
        ]
    return urls


def test_no_public_surface_shows_what_the_public_may_not_see(client, cases, point_in):
    leaks = []
    for url in public_urls(cases, point_in("anfa")):
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        body = response.content.decode()
        for secret in SECRETS + exact_coordinates(cases["noise"]):
            if secret in body:
                leaks.append((url, secret))
        for private in ("hidden", "pending"):
            if cases[private].reference in body and response.status_code == 200:
                leaks.append((url, private))
    assert leaks == []


def test_the_redacted_text_is_what_every_surface_shows(client, cases):
    redacted = cases["redacted"]
    for url in (
        f"/api/v1/complaints/{redacted.reference}/",
        f"/open311/v2/requests/{redacted.reference}.json",
        f"/track/{redacted.reference}/",
        "/feeds/arrondissement/anfa/",
    ):
        assert "Un trou profond." in client.get(url).content.decode(), url


def test_a_sensitive_report_shows_at_its_grid_cells_centre(client, cases, settings):
    noise = cases["noise"]
    feature = client.get(f"/api/v1/complaints/{noise.reference}/").json()
    (request,) = client.get(f"/open311/v2/requests/{noise.reference}.json").json()

    lon, lat = feature["geometry"]["coordinates"]
    assert (round(lon, 7), round(lat, 7)) == (request["long"], request["lat"])
    distance_m = Point(lon, lat, srid=4326).distance(noise.location) * 111_320
    assert 1 < distance_m < settings.PRIVACY_GRID_METRES
    assert (
        abs(
            lat / (settings.PRIVACY_GRID_METRES / 111_320)
            - round(lat / (settings.PRIVACY_GRID_METRES / 111_320))
        )
        < 1e-6
    )


def test_a_narrow_box_around_a_sensitive_report_does_not_find_it(client, cases):
    noise = cases["noise"]
    x, y = noise.location.x, noise.location.y
    box = f"{x - 0.00001},{y - 0.00001},{x + 0.00001},{y + 0.00001}"

    found = client.get("/api/v1/complaints/", {"in_bbox": box, "category": "noise"}).json()

    assert found["features"] == []


def test_the_api_count_is_the_number_of_public_rows(client, cases):
    for query in ({}, {"status": "open"}, {"authority": "anfa"}, {"status": "submitted"}):
        page = client.get("/api/v1/complaints/", {**query, "page_size": 500}).json()
        assert page["count"] == len(page["features"]), query


def test_a_hidden_code_answers_as_an_unknown_code_everywhere(client, cases):
    hidden = cases["hidden"].reference
    unknown = "CM-2026-ZZZZZZ"

    def answer(url: str, code: str) -> tuple[int, str]:
        response = client.get(url.format(code))
        body = CSRF_TOKEN.sub("", response.content.decode()).replace(code, "CODE")
        return response.status_code, body

    for url in (
        "/api/v1/complaints/{}/",
        "/open311/v2/requests/{}.json",
        "/open311/v2/requests/{}.xml",
        "/track/{}/",
        "/report/{}/sent/",
        "/feeds/report/{}/",
        "/track/?code={}",
    ):
        assert answer(url, hidden) == answer(url, unknown), url


def test_alerts_and_staff_cannot_tell_a_hidden_code_from_an_unknown_one(client, cases, report_in):
    hidden = cases["hidden"].reference
    follow = {"kind": "report", "email": "a@example.org"}
    answers = [
        CSRF_TOKEN.sub(
            "", client.post("/alerts/subscribe/", {**follow, "reference": code}).content.decode()
        )
        for code in (hidden, "CM-2026-ZZZZZZ")
    ]
    assert answers[0].replace(hidden, "X") == answers[1].replace("CM-2026-ZZZZZZ", "X")

    maarif = report_in("maarif")
    client.force_login(StaffMembershipFactory(authority=maarif.authority).user)
    refused = [
        client.post(
            f"/api/v1/staff/complaints/{maarif.reference}/transition/",
            {"to_status": "duplicate", "duplicate_of": code, "public_message": "Doublon."},
        ).json()
        for code in (hidden, "CM-2026-ZZZZZZ")
    ]
    assert refused[0] == refused[1]
    assert refused[0]["fields"] == {"duplicate_of": ["Aucun signalement n’a ce code de suivi."]}


def test_the_maps_and_figures_count_only_what_the_public_may_see(client, cases):
    published = Complaint.objects.filter(moderation=Complaint.Moderation.PUBLISHED)
    open_published = published.filter(status__in=Complaint.OPEN_STATUSES).count()
    assert Complaint.objects.count() == open_published + 2  # the hidden and the pending one

    clusters = client.get("/api/v1/map/complaints/", {"zoom": 12}).json()
    heat = client.get("/api/v1/heatmap/", {"zoom": 12}).json()
    week = client.get("/api/v1/heatmap/", {"zoom": 12, "days": "30"}).json()
    figures = client.get("/api/v1/figures/arrondissements/").json()

    assert clusters["total"] + clusters["suppressed"] == open_published
    assert heat["total"] + heat["suppressed"] == open_published
    assert week["total"] + week["suppressed"] == open_published
    anfa = next(row for row in figures if row["slug"] == "anfa")
    assert anfa["complaints"] == open_published


def test_a_moderators_decision_moves_the_counts_at_once(client, cases):
    before = client.get("/api/v1/heatmap/", {"zoom": 12}).json()
    Complaint.objects.filter(pk=cases["hidden"].pk).update(
        moderation=Complaint.Moderation.PUBLISHED
    )

    after = client.get("/api/v1/heatmap/", {"zoom": 12}).json()

    assert after["total"] + after["suppressed"] == before["total"] + before["suppressed"] + 1


def test_an_ordinary_report_shows_at_its_own_point(client, cases, report_in):
    pothole = report_in("maarif")

    feature = client.get(f"/api/v1/complaints/{pothole.reference}/").json()
    (request,) = client.get(f"/open311/v2/requests/{pothole.reference}.json").json()

    assert feature["geometry"]["coordinates"] == pytest.approx(
        [pothole.location.x, pothole.location.y], abs=1e-9
    )
    assert (request["long"], request["lat"]) == (
        round(pothole.location.x, 7),
        round(pothole.location.y, 7),
    )


def test_the_grid_is_square_on_the_ground_here(client, cases, settings):
    """Both coordinates of a sensitive report's public position sit on the grid: latitude in
    steps of PRIVACY_GRID_METRES, longitude in steps as wide on the ground at the city's
    latitude (wider in degrees)."""
    feature = client.get(f"/api/v1/complaints/{cases['noise'].reference}/").json()
    lon, lat = feature["geometry"]["coordinates"]
    step_lat = settings.PRIVACY_GRID_METRES / 111_320
    step_lon = step_lat / math.cos(math.radians(33.57))

    assert lon / step_lon == pytest.approx(round(lon / step_lon), abs=1e-6)
    assert lat / step_lat == pytest.approx(round(lat / step_lat), abs=1e-6)


def test_place_filters_find_sensitive_reports_by_their_public_position(
    client, casablanca, point_in, settings
):
    """Four noise reports, one in each corner of one grid cell: a box or a radius around the
    cell's centre finds all four (the index's window is widened by a cell on every side)."""
    step_lat = settings.PRIVACY_GRID_METRES / 111_320
    step_lon = step_lat / math.cos(math.radians(33.57))
    anfa = point_in("anfa")
    centre = Point(
        round(anfa.x / step_lon) * step_lon, round(anfa.y / step_lat) * step_lat, srid=4326
    )
    noise = Category.objects.get(code="noise")
    for east, north in ((0.4, 0.4), (-0.4, 0.4), (0.4, -0.4), (-0.4, -0.4)):
        create_complaint(
            category=noise,
            location=Point(centre.x + east * step_lon, centre.y + north * step_lat, srid=4326),
            title="Bruit",
            description="La nuit.",
        )
    tiny = f"{centre.x - 1e-6},{centre.y - 1e-6},{centre.x + 1e-6},{centre.y + 1e-6}"

    in_box = client.get("/api/v1/complaints/", {"in_bbox": tiny, "category": "noise"}).json()
    near = client.get(
        "/api/v1/complaints/",
        {"point": f"{centre.x},{centre.y}", "dist": 5, "category": "noise"},
    ).json()
    offered = client.get(
        "/api/v1/complaints/nearby/", {"lat": centre.y, "lon": centre.x, "category": "noise"}
    ).json()

    assert (in_box["count"], near["count"], len(offered)) == (4, 4, 4)
    assert {o["distance_m"] for o in offered} == {0}


def test_a_radius_keeps_what_is_within_it_and_nothing_beyond(client, casablanca, point_in):
    """A report 1,495 m east of the centre is found within 1,500 m (the index's window spans the
    whole radius, measured at the point's latitude), one 1,600 m east is not, and the one in
    the next grid cell of a sensitive category is not found within 5 m (its public position is
    a cell away, though the window holds it)."""
    anfa = point_in("anfa")
    metres_east = 1 / (111_320 * math.cos(math.radians(anfa.y)))
    potholes, noise = (
        Category.objects.get(code="roads-potholes"),
        Category.objects.get(code="noise"),
    )
    far = create_complaint(
        category=potholes,
        location=Point(anfa.x + 1495 * metres_east, anfa.y, srid=4326),
        title="Loin",
        description="À l'est.",
    )
    create_complaint(
        category=potholes,
        location=Point(anfa.x + 1600 * metres_east, anfa.y, srid=4326),
        title="Trop loin",
        description="Plus à l'est.",
    )

    within = client.get("/api/v1/complaints/", {"point": f"{anfa.x},{anfa.y}", "dist": 1500}).json()

    assert [f["properties"]["reference"] for f in within["features"]] == [far.reference]
    step_lat = 250 / 111_320
    step_lon = step_lat / math.cos(math.radians(33.57))
    centre = Point(round(anfa.x / step_lon) * step_lon, round(anfa.y / step_lat) * step_lat)
    create_complaint(
        category=noise,
        location=Point(centre.x + step_lon, centre.y, srid=4326),
        title="Bruit à côté",
        description="Dans la cellule voisine.",
    )
    next_cell = client.get(
        "/api/v1/complaints/",
        {"point": f"{centre.x},{centre.y}", "dist": 5, "category": "noise"},
    ).json()
    assert next_cell["count"] == 0


def test_the_public_querysets_do_not_read_personal_fields(cases):
    from issues.public_view import published

    deferred = published().first().get_deferred_fields()

    assert {"reporter_id", "contact_name", "contact_email", "contact_phone"} <= deferred
    assert "submitter_key" in deferred
