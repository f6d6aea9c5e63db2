"""The heat map's pyramids of counts (planning.HeatCell, and HeatWeekCell by week received) stay
equal to an independent count of the complaints after any sequence of writes, through the
services or behind their back."""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from districts.models import Authority, Category
from issues.models import Complaint
from issues.services import reopen, reroute, transition
from planning.models import HeatCell, HeatWeekCell
from planning.selectors import EARTH_RADIUS, MAX_ZOOM, MIN_ZOOM, PYRAMID_MIN_ZOOM, cell_metres
from planning.services import rebuild_heat_cells
from tests.factories import ComplaintFactory, UserFactory

S = Complaint.Status


def monday_of(complaint: Complaint):
    received = timezone.localdate(complaint.created_at)
    return received - timedelta(days=received.weekday())


def expected_cells(*, by_week: bool = False) -> Counter:
    """Every published complaint counted in its cell at every zoom (and in its week), computed
    here in Python (hidden and pending reports are not the public's to count)."""
    counts = Counter()
    for complaint in Complaint.objects.filter(moderation=Complaint.Moderation.PUBLISHED):
        lon, lat = complaint.location.x, complaint.location.y
        for zoom in range(MIN_ZOOM if by_week else PYRAMID_MIN_ZOOM, MAX_ZOOM + 1):
            size = cell_metres(zoom)
            gx = math.floor(math.radians(lon) * EARTH_RADIUS / size)
            gy = math.floor(
                math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * EARTH_RADIUS / size
            )
            key = (
                zoom,
                gx,
                gy,
                complaint.category_id,
                complaint.arrondissement_id,
                complaint.status in Complaint.OPEN_STATUSES,
            )
            counts[(*key, monday_of(complaint)) if by_week else key] += 1
    return counts


def stored_cells(*, by_week: bool = False) -> Counter:
    fields = ["zoom", "gx", "gy", "category_id", "arrondissement_id", "is_open"]
    if by_week:
        rows = HeatWeekCell.objects.values_list(*fields, "week", "complaints")
    else:
        rows = HeatCell.objects.values_list(*fields, "complaints")
    return Counter({tuple(row[:-1]): row[-1] for row in rows})


def assert_pyramid_matches_complaints():
    for by_week in (False, True):
        stored = stored_cells(by_week=by_week)
        assert all(count > 0 for count in stored.values())  # empty cells are deleted
        assert stored == expected_cells(by_week=by_week)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_pyramid_equals_a_direct_count_after_a_random_sequence_of_writes(
    seed, file_at, point_in
):
    rng = random.Random(seed)
    agent = UserFactory()
    codes = ["roads-potholes", "noise", "water-leak", "waste-collection", "street-lighting"]
    places = ["anfa", "maarif", "sidi-moumen", "hay-hassani", "mers-sultan"]
    maarif = Authority.objects.get(slug="maarif")
    for _ in range(25):
        action = rng.choice(
            ["file", "file", "file", "move", "backdate", "close", "reopen", "reroute", "drop"]
            + ["hide", "publish"]
        )
        complaints = list(Complaint.objects.order_by("id"))
        if action == "file" or not complaints:
            file_at(rng.choice(places), east_m=rng.uniform(-300, 300), code=rng.choice(codes))
            continue
        complaint = rng.choice(complaints)
        if action == "move":  # behind the services' back, as a bulk correction would be
            centre = point_in(rng.choice(places))
            Complaint.objects.filter(pk=complaint.pk).update(
                location=Point(centre.x + rng.uniform(-0.002, 0.002), centre.y, srid=4326),
                category=Category.objects.get(code=rng.choice(codes)),
            )
        elif action == "backdate":  # a correction of the date received, possibly a week back
            Complaint.objects.filter(pk=complaint.pk).update(
                created_at=complaint.created_at - timedelta(hours=rng.choice([1, 30, 200]))
            )
        elif action == "close" and complaint.status == S.SUBMITTED:
            transition(complaint=complaint, to_status=S.REJECTED, actor=agent, public_message="Non")
        elif action == "reopen" and complaint.status == S.SUBMITTED:
            transition(complaint=complaint, to_status=S.ACKNOWLEDGED, actor=agent)
            transition(complaint=complaint, to_status=S.RESOLVED, actor=agent, public_message="Ok")
            reopen(complaint=complaint, reason="Toujours là.")
        elif action == "reroute" and complaint.is_open and complaint.authority != maarif:
            reroute(complaint=complaint, to_authority=maarif, actor=agent, reason="Pas chez nous.")
        elif action == "drop":
            complaint.delete()
        elif action in ("hide", "publish"):  # a moderator's decision, or a bulk one
            Complaint.objects.filter(pk=complaint.pk).update(
                moderation=Complaint.Moderation.HIDDEN
                if action == "hide"
                else Complaint.Moderation.PUBLISHED
            )

    assert Complaint.objects.exists()
    assert_pyramid_matches_complaints()


def test_a_status_change_within_the_open_ones_leaves_the_cells_alone(file_at):
    complaint = file_at("anfa")
    before = stored_cells()

    transition(complaint=complaint, to_status=S.ACKNOWLEDGED, actor=UserFactory())

    assert stored_cells() == before
    transition(complaint=complaint, to_status=S.REJECTED, actor=UserFactory(), public_message="x")
    assert {key[5] for key in stored_cells()} == {False}


def test_a_bulk_update_and_a_bulk_delete_are_counted(file_at):
    for slug in ("anfa", "anfa", "maarif"):
        file_at(slug)

    Complaint.objects.filter(arrondissement__slug="anfa").update(status=S.CLOSED)
    assert_pyramid_matches_complaints()
    Complaint.objects.filter(arrondissement__slug="anfa").delete()
    assert_pyramid_matches_complaints()
    assert sum(count for key, count in stored_cells().items() if key[0] == PYRAMID_MIN_ZOOM) == 1


def test_the_rebuild_gives_back_the_same_cells(file_at):
    for step in range(4):
        file_at("hay-hassani", east_m=step * 400, code="noise")
    before = stored_cells(), stored_cells(by_week=True)
    HeatCell.objects.update(complaints=99)
    HeatWeekCell.objects.update(complaints=99)

    rebuild_heat_cells()

    assert (stored_cells(), stored_cells(by_week=True)) == before
    assert before == (expected_cells(), expected_cells(by_week=True))


@pytest.mark.parametrize(
    "params",
    [{}, {"status": "all"}, {"category": "noise"}, {"arrondissement": "anfa"}, {"days": "30"}],
)
def test_figures_per_arrondissement_equal_a_count_of_the_complaints(client, file_at, params):
    for slug, code in [("anfa", "noise"), ("anfa", "roads-potholes"), ("sbata", "noise")]:
        file_at(slug, code=code)
    closed = file_at("maarif")
    transition(complaint=closed, to_status=S.REJECTED, actor=UserFactory(), public_message="x")

    rows = client.get("/api/v1/figures/arrondissements/", params).json()

    complaints = Complaint.objects.all()
    if params.get("status") != "all":
        complaints = complaints.filter(status__in=Complaint.OPEN_STATUSES)
    if "category" in params:
        complaints = complaints.filter(category__code=params["category"])
    if "arrondissement" in params:
        complaints = complaints.filter(arrondissement__slug=params["arrondissement"])
    expected = Counter(complaints.values_list("arrondissement__slug", flat=True))
    assert {row["slug"]: row["complaints"] for row in rows if row["complaints"]} == expected


def test_figures_per_arrondissement_follow_a_write_at_once(client, file_at):
    first = file_at("anfa")

    def anfa_count():
        rows = client.get("/api/v1/figures/arrondissements/").json()
        return next(row["complaints"] for row in rows if row["slug"] == "anfa")

    assert anfa_count() == 1
    ComplaintFactory(
        arrondissement=first.arrondissement, location=first.location, category=first.category
    )  # behind the services' back: no cache to empty, the triggers count it
    assert anfa_count() == 2
