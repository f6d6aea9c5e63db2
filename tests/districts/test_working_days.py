"""Casablanca's working days: the weekend, Morocco's holidays (the Islamic ones estimated by the
`holidays` package), and the days the city records in the admin, which correct the estimate."""

from __future__ import annotations

from datetime import date

import holidays
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from districts.models import NonWorkingDay
from districts.working_days import (
    DayKind,
    MovableHoliday,
    Promise,
    add_working_days,
    is_working_day,
)

pytestmark = pytest.mark.django_db


def test_saturday_and_sunday_are_not_working_days():
    assert is_working_day(date(2026, 12, 4))  # a Friday
    assert not is_working_day(date(2026, 12, 5))
    assert not is_working_day(date(2026, 12, 6))
    assert is_working_day(date(2026, 12, 7))


def test_a_fixed_national_holiday_is_not_a_working_day():
    assert not is_working_day(date(2027, 1, 11))  # Manifeste de l'indépendance, a Monday
    assert not is_working_day(date(2026, 11, 18))  # Fête de l'indépendance, a Wednesday


def test_filed_on_a_friday_before_a_monday_holiday_counts_from_tuesday():
    # Friday 8 January 2027; the weekend, then Monday 11 January (Manifeste de l'indépendance).
    assert add_working_days(date(2027, 1, 8), 1) == date(2027, 1, 12)
    assert add_working_days(date(2027, 1, 8), 2) == date(2027, 1, 13)
    # Thursday 14 January is the Amazigh New Year: the fourth working day is Monday 18.
    assert add_working_days(date(2027, 1, 8), 4) == date(2027, 1, 18)


def test_a_calendar_promise_ignores_weekends_and_holidays():
    promise = Promise(days=3, kind=DayKind.CALENDAR)

    assert promise.due(date(2027, 1, 8)) == date(2027, 1, 11)


def test_an_estimated_eid_is_not_a_working_day_until_the_city_says_otherwise():
    # The package estimates Eid al-Adha 1447 on Wednesday 27 and Thursday 28 May 2026.
    assert not is_working_day(date(2026, 5, 27))
    assert add_working_days(date(2026, 5, 26), 1) == date(2026, 5, 29)


def test_an_announced_eid_replaces_the_estimate_of_that_eid():
    for day in (date(2026, 5, 28), date(2026, 5, 29)):  # announced one day later
        NonWorkingDay.objects.create(
            day=day, kind=NonWorkingDay.Kind.HOLIDAY, replaces=MovableHoliday.EID_AL_ADHA
        )

    assert is_working_day(date(2026, 5, 27))
    assert not is_working_day(date(2026, 5, 28))
    assert not is_working_day(date(2026, 5, 29))
    assert add_working_days(date(2026, 5, 26), 1) == date(2026, 5, 27)
    assert add_working_days(date(2026, 5, 26), 2) == date(2026, 6, 1)


def test_an_announcement_leaves_other_holidays_and_other_years_alone():
    NonWorkingDay.objects.create(
        day=date(2026, 5, 28), kind=NonWorkingDay.Kind.HOLIDAY, replaces=MovableHoliday.EID_AL_ADHA
    )

    assert not is_working_day(date(2026, 3, 20))  # Eid al-Fitr, still estimated
    assert not is_working_day(date(2027, 5, 17))  # next year's Eid al-Adha, a Monday


def test_an_exceptional_closure_is_not_a_working_day():
    NonWorkingDay.objects.create(day=date(2026, 12, 7), kind=NonWorkingDay.Kind.CLOSURE)

    assert not is_working_day(date(2026, 12, 7))
    assert add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 8)


def test_the_movable_holidays_are_named_as_the_package_names_them():
    names = {
        name.removesuffix(" (estimated)")
        for year in (2026, 2027)
        for day, _ in holidays.country_holidays("MA", years=year, language="en_US").items()
        for name in holidays.country_holidays("MA", years=year, language="en_US").get_list(day)
    }

    assert set(MovableHoliday.values) <= names


def test_the_announced_days_are_read_once_until_they_change(
    client, django_capture_on_commit_callbacks
):
    add_working_days(date(2026, 12, 4), 5)
    with CaptureQueriesContext(connection) as reads:
        add_working_days(date(2026, 12, 4), 5)
        add_working_days(date(2026, 12, 11), 20)
    assert len(reads) == 0

    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-123456x")
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/districts/nonworkingday/add/",
            {"day": "2026-12-07", "kind": "closure", "replaces": "", "name": "", "source": ""},
        )
    assert response.status_code == 302
    assert add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 8)

    closure = NonWorkingDay.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/districts/nonworkingday/",
            {"action": "delete_selected", "_selected_action": [closure.pk], "post": "yes"},
        )
    assert not NonWorkingDay.objects.exists()
    assert add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 7)


def test_only_a_holiday_replaces_an_estimate():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        NonWorkingDay.objects.create(
            day=date(2026, 12, 7),
            kind=NonWorkingDay.Kind.CLOSURE,
            replaces=MovableHoliday.EID_AL_FITR,
        )
