"""The public map's data: every open report, as clusters below street zoom and as single pins
from it, with the heat map's privacy rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from issues import selectors
from issues.models import Complaint
from issues.services import transition
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("casablanca")

S = Complaint.Status


def map_data(client, **params):
    response = client.get("/api/v1/map/complaints/", params)
    assert response.status_code == 200, response.content
    return response.json()


def box_around(point, degrees=0.01) -> str:
    return f"{point.x - degrees},{point.y - degrees},{point.x + degrees},{point.y + degrees}"


def test_below_street_zoom_every_open_report_is_in_a_cluster(client, file_at):
    for step in range(4):
        file_at("anfa", east_m=step * 10)
    file_at("sidi-moumen", code="waste-collection")
    closed = file_at("maarif")
    transition(complaint=closed, to_status=S.REJECTED, actor=UserFactory(), public_message="x")

    data = map_data(client, zoom=12)

    assert data["mode"] == "clusters"
    assert data["total"] == 5
    counts = sorted(f["properties"]["complaints"] for f in data["features"])
    assert counts == [1, 4]
    assert all(f["properties"]["cluster"] for f in data["features"])
    assert "reference" not in str(data)


def test_clusters_follow_the_filters(client, file_at):
    file_at("anfa")
    file_at("anfa", code="street-lighting")
    file_at("sbata", code="street-lighting")

    assert map_data(client, category="street-lighting")["total"] == 2
    assert map_data(client, arrondissement="anfa")["total"] == 2
    assert map_data(client, arrondissement="anfa", category="street-lighting")["total"] == 1


def test_from_street_zoom_single_pins_in_the_box(client, file_at, point_in):
    near = [file_at("anfa", east_m=step * 20) for step in range(3)]
    file_at("sidi-moumen")

    data = map_data(client, zoom=17, bbox=box_around(point_in("anfa")))

    assert data["mode"] == "pins"
    references = sorted(f["properties"]["reference"] for f in data["features"])
    assert references == sorted(complaint.reference for complaint in near)
    assert data["total"] == 3


def test_a_street_view_holding_more_reports_than_pins_shows_clusters(
    client, file_at, point_in, monkeypatch
):
    """Never a truncated set of pins: every report stays counted on the map."""
    monkeypatch.setattr(selectors, "PUBLIC_MAP_PIN_LIMIT", 2)
    for step in range(3):
        file_at("anfa", east_m=step * 20)

    data = map_data(client, zoom=17, bbox=box_around(point_in("anfa")))

    assert data["mode"] == "clusters"
    assert data["total"] == 3
    monkeypatch.setattr(selectors, "PUBLIC_MAP_PIN_LIMIT", 3)
    assert map_data(client, zoom=17, bbox=box_around(point_in("anfa")))["mode"] == "pins"


def test_a_lone_sensitive_report_is_never_a_pin_nor_a_small_cluster(client, file_at, point_in):
    file_at("anfa", code="noise")
    file_at("anfa", code="roads-potholes", east_m=30)

    pins = map_data(client, zoom=17, bbox=box_around(point_in("anfa")))
    clusters = map_data(client, zoom=12)

    assert [f["properties"]["category"] for f in pins["features"]] == ["roads-potholes"]
    assert clusters["total"] == 1 and clusters["suppressed"] == 1


def test_every_open_report_counts_however_many_there_are(client, file_at):
    for step in range(30):
        file_at("hay-hassani", east_m=step * 50)

    assert map_data(client, zoom=13)["total"] == 30


@pytest.mark.parametrize(
    "params, parameter",
    [({"zoom": "far"}, "zoom"), ({"bbox": "1,2"}, "bbox"), ({"category": "lava"}, "category")],
)
def test_bad_parameters_are_refused(client, params, parameter):
    response = client.get("/api/v1/map/complaints/", params)

    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


# --- Reports fixed in the last 30 days, and what a pin's popup shows (issue #23, finding 6) ---


def fixed(complaint, *, days_ago: float):
    """Resolved through the services, its resolution then moved `days_ago` into the past."""
    staff = UserFactory()
    for status in (S.ACKNOWLEDGED, S.RESOLVED):
        transition(complaint=complaint, to_status=status, actor=staff, public_message="Réparé.")
    Complaint.objects.filter(pk=complaint.pk).update(
        resolved_at=timezone.now() - timedelta(days=days_ago)
    )
    return complaint


def street_view(client, point, **params):
    return map_data(client, zoom=17, bbox=box_around(point), **params)


def references(data) -> list[str]:
    return sorted(f["properties"]["reference"] for f in data["features"])


def test_reports_fixed_in_the_last_30_days_show_when_asked(client, file_at, point_in):
    still_open = file_at("anfa")
    lately = fixed(file_at("anfa", east_m=20), days_ago=3)
    closed_lately = fixed(file_at("anfa", east_m=40), days_ago=29)
    transition(complaint=closed_lately, to_status=S.CLOSED, actor=UserFactory())
    fixed(file_at("anfa", east_m=60), days_ago=40)
    rejected = file_at("anfa", east_m=80)
    transition(complaint=rejected, to_status=S.REJECTED, actor=UserFactory(), public_message="x")

    with_fixed = street_view(client, point_in("anfa"), fixed="1")
    without = street_view(client, point_in("anfa"))

    assert references(with_fixed) == sorted(
        [still_open.reference, lately.reference, closed_lately.reference]
    )
    assert (with_fixed["total"], with_fixed["fixed"]) == (1, 2)
    assert references(without) == [still_open.reference]
    assert (without["total"], without["fixed"]) == (1, 0)


def test_fixed_reports_are_counted_below_street_zoom(client, file_at):
    file_at("anfa")
    fixed(file_at("maarif"), days_ago=1)
    fixed(file_at("sbata"), days_ago=45)

    data = map_data(client, zoom=12, fixed="1")

    assert data["mode"] == "clusters"
    assert (data["total"], data["fixed"]) == (1, 1)


def test_hidden_and_pending_reports_never_show_open_or_fixed(client, file_at, point_in):
    from issues import moderation
    from tests.factories import StaffMembershipFactory

    shown = fixed(file_at("anfa"), days_ago=2)
    hidden_open = file_at("anfa", east_m=20)
    hidden_fixed = fixed(file_at("anfa", east_m=40), days_ago=2)
    moderator = StaffMembershipFactory(authority=shown.authority, role="moderator").user
    for complaint in (hidden_open, hidden_fixed):
        moderation.moderate(complaint=complaint, actor=moderator, decision="hide", reason="x")
    pending = fixed(file_at("anfa", east_m=60), days_ago=2)
    Complaint.objects.filter(pk=pending.pk).update(moderation=Complaint.Moderation.PENDING)

    data = street_view(client, point_in("anfa"), fixed="1")

    assert references(data) == [shown.reference]
    assert (data["total"], data["fixed"], data["suppressed"]) == (0, 1, 0)


def test_a_fixed_sensitive_report_is_counted_but_never_a_pin(client, file_at, point_in):
    fixed(file_at("anfa", code="noise"), days_ago=2)
    pothole = file_at("anfa", east_m=30)

    data = street_view(client, point_in("anfa"), fixed="1")

    assert references(data) == [pothole.reference]
    assert data["suppressed"] == 1


def test_a_pin_carries_what_its_popup_shows(client, file_at, point_in):
    complaint = file_at("anfa")
    complaint.attachments.create(
        kind="image",
        file="attachments/original.jpg",
        public_file="attachments/blurred.jpg",
        thumbnail="attachments/blurred-thumb.jpg",
    )

    (pin,) = street_view(client, point_in("anfa"))["features"]
    arabic = client.get(
        "/api/v1/map/complaints/",
        {"zoom": 17, "bbox": box_around(point_in("anfa"))},
        HTTP_ACCEPT_LANGUAGE="ar",
    ).json()["features"][0]

    properties = pin["properties"]
    assert properties["thumbnail"] == "/media/attachments/blurred-thumb.jpg"
    assert properties["status"] == "submitted"
    assert properties["authority_name"] == complaint.authority.name_fr
    assert arabic["properties"]["authority_name"] == complaint.authority.name_ar
    assert properties["created"] == complaint.created_at.isoformat()
    assert properties["resolved"] is None


@pytest.mark.parametrize(
    "change",
    [{"is_hidden": True}, {"public_file": "", "thumbnail": "attachments/original-thumb.jpg"}],
    ids=["hidden by a moderator", "not blurred yet"],
)
def test_a_photo_the_public_may_not_see_gives_no_thumbnail(client, file_at, point_in, change):
    complaint = file_at("anfa")
    photo = {
        "kind": "image",
        "file": "attachments/original.jpg",
        "public_file": "attachments/blurred.jpg",
        "thumbnail": "attachments/blurred-thumb.jpg",
    }
    complaint.attachments.create(**(photo | change))

    (pin,) = street_view(client, point_in("anfa"))["features"]

    assert pin["properties"]["thumbnail"] is None


def test_a_sensitive_report_in_a_box_is_found_by_its_public_position_only(client, file_at):
    """The pins' box is applied to the public position (issues.public_view.inside)."""
    noise = file_at("anfa", code="noise")
    x, y = noise.location.x, noise.location.y
    box = f"{x - 0.00001},{y - 0.00001},{x + 0.00001},{y + 0.00001}"

    data = map_data(client, zoom=18, bbox=box, fixed="1")

    assert data["suppressed"] == 0
