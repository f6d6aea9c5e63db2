"""Working days in Casablanca, and the deadlines counted in them: the one place that knows the
weekend, Morocco's public holidays and the days the city records as announced or closed.

- **Weekend.** Public administration in Morocco works Monday to Friday (décret n° 2-05-916 of
  2005 on working hours; see the Ministry's page cited by the `holidays` package,
  mmsp.gov.ma/fr/nos-metiers/horaires-de-travail-et-jours-fériés). The `holidays` package says
  the same: `holidays/countries/morocco.py` does not override `HolidayBase.weekend`, which is
  `{SAT, SUN}` (`holidays/holiday_base.py`). It is read from the package, not repeated here.
- **Public holidays.** `holidays.country_holidays("MA")`: the fixed national days, and the
  Islamic ones (Eid al-Fitr, Eid al-Adha, Islamic New Year, the Prophet's Birthday) *estimated*
  from the tabular calendar, because in Morocco they follow the sighting of the moon, announced
  by the Ministry of Habous a day or two before.
- **What the city announces** (`districts.models.NonWorkingDay`, in the admin): the dates of a
  holiday as actually announced, which replace the package's estimate of that holiday nearby
  (Eid al-Adha announced one day later moves, it is not counted twice), and exceptional
  closures. They are read once and kept in the cache until the table changes (an hour at most).

A deadline "within N working days" of a day is the Nth working day after it (the day itself is
not counted, as "within N days" is the day plus N).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import holidays
from django.core.cache import cache
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

COUNTRY = "MA"
CACHE_KEY = "working-days:announced"
# An announced date replaces the estimate of the same holiday within this distance: wide enough
# for the moon's one- or two-day shift, narrow enough never to reach the same holiday a year on.
REPLACES_WITHIN = timedelta(days=20)
# A reader that loaded the table just before a change commits may put the old rows back after
# the change cleared them: they expire anyway.
CACHE_SECONDS = 3600
# A deadline is never more than this many days ahead, whatever the city records (a loop guard).
LONGEST_SEARCH = timedelta(days=3 * 366)


class DayKind(models.TextChoices):
    """How a promise ("within N days") counts its days."""

    CALENDAR = "calendar", _("calendar days")
    WORKING = "working", _("working days")


class MovableHoliday(models.TextChoices):
    """The holidays whose date the `holidays` package can only estimate, by the English name it
    gives them (its `en_US` translation, a stable key that the tests read)."""

    EID_AL_FITR = "Eid al-Fitr", _("Eid al-Fitr")
    EID_AL_ADHA = "Eid al-Adha", _("Eid al-Adha")
    ISLAMIC_NEW_YEAR = "Islamic New Year", _("Islamic New Year")
    PROPHETS_BIRTHDAY = "Prophet's Birthday", _("Prophet's Birthday")


@dataclass(frozen=True)
class Promise:
    """ "Within `days` calendar or working days": what a category promises, and what a complaint
    keeps of the promise its deadline was set with."""

    days: int
    kind: str = DayKind.CALENDAR

    @property
    def in_working_days(self) -> bool:
        return self.kind == DayKind.WORKING

    def due(self, start: date) -> date:
        if self.in_working_days:
            return add_working_days(start, self.days)
        return start + timedelta(days=self.days)


@dataclass(frozen=True)
class AnnouncedDay:
    """A row of NonWorkingDay, as the calendar needs it (and as the cache keeps it)."""

    day: date
    replaces: str = ""


@functools.lru_cache(maxsize=32)
def _weekend() -> frozenset[int]:
    return frozenset(holidays.country_holidays(COUNTRY).weekend)


@functools.lru_cache(maxsize=32)
def _estimated_holidays(year: int) -> dict[date, frozenset[str]]:
    """The package's holidays of `year`: date → the English names of the holidays that day
    ("(estimated)" taken off, so an estimate and its announcement have the same key)."""
    by_day = holidays.country_holidays(COUNTRY, years=year, language="en_US")
    estimated_suffix = " (estimated)"
    return {
        day: frozenset(name.removesuffix(estimated_suffix) for name in by_day.get_list(day))
        for day in by_day
    }


class CityCalendar:
    """The working days given what the city announced: the weekend, the package's holidays less
    the estimates the announcements replace, and the announced days."""

    def __init__(self, announced: Iterable[AnnouncedDay]):
        self.announced = tuple(announced)
        self._announced_days = frozenset(item.day for item in self.announced)
        self._holidays_by_year: dict[int, frozenset[date]] = {}

    def _replaced(self, day: date, name: str) -> bool:
        return any(
            item.replaces == name and abs(item.day - day) <= REPLACES_WITHIN
            for item in self.announced
        )

    def holidays_in(self, year: int) -> frozenset[date]:
        if year not in self._holidays_by_year:
            estimated = {
                day
                for day, names in _estimated_holidays(year).items()
                if any(not self._replaced(day, name) for name in names)
            }
            self._holidays_by_year[year] = frozenset(estimated)
        return self._holidays_by_year[year]

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() not in _weekend()
            and day not in self._announced_days
            and day not in self.holidays_in(day.year)
        )

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (`start` itself not counted)."""
        day, counted = start, 0
        while counted < days:
            day += timedelta(days=1)
            if day - start > LONGEST_SEARCH:
                raise ValueError(f"no {days} working days within {LONGEST_SEARCH} of {start}")
            if self.is_working_day(day):
                counted += 1
        return day


def announced_days() -> tuple[AnnouncedDay, ...]:
    """What the city recorded, from the cache; one query when the table has changed."""
    announced = cache.get(CACHE_KEY)
    if announced is None:
        from .models import NonWorkingDay  # the models use this module's choices

        announced = tuple(
            AnnouncedDay(day=day, replaces=replaces)
            for day, replaces in NonWorkingDay.objects.order_by("day", "pk").values_list(
                "day", "replaces"
            )
        )
        cache.set(CACHE_KEY, announced, timeout=CACHE_SECONDS)
    return announced


def forget_announced_days() -> None:
    """After the table changes, once committed: the next reader loads it again (a rolled-back
    change never reaches the cache)."""

    def forget() -> None:  # named: Django logs a robust callback's failure by name
        cache.delete(CACHE_KEY)

    transaction.on_commit(forget, robust=True)


def city_calendar() -> CityCalendar:
    return CityCalendar(announced_days())


def is_working_day(day: date) -> bool:
    """Is `day` a working day of Casablanca's administration?"""
    return city_calendar().is_working_day(day)


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start`."""
    return city_calendar().add_working_days(start, days)
