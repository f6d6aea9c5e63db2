"""Which complaints a planners' view covers: parsed once from the query string by one form, used
by the heat map, the figures, the hotspots, the exports and the standalone report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casa_map import inputs
from districts.models import Authority, Category
from issues.models import Complaint
from issues.public_view import grid_steps, sensitive_category_ids

WINDOWS = [
    ("30", _("Last 30 days")),
    ("90", _("Last 90 days")),
    ("365", _("Last 12 months")),
    ("", _("Since the beginning")),
]
# The planners' periods: the windows above, and four weeks and the calendar year so far.
PERIODS = [
    ("28", _("Last 4 weeks")),
    ("30", _("Last 30 days")),
    ("90", _("Last 3 months")),
    ("365", _("Last 12 months")),
    ("year", _("This year")),
    ("", _("Since the beginning")),
]
# A period given by its dates spans at most this many days (the trends then hold 160 weeks).
MAX_PERIOD_DAYS = 3 * 366


def period_start(window: str, today: date) -> date | None:
    """The first day of a preset period ending today."""
    if window == "year":
        return today.replace(month=1, day=1)
    return today - timedelta(days=int(window)) if window else None


def local_midnight(day: date) -> datetime:
    """The start of a day in the city's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Selection:
    """Open (or all) complaints, optionally of one category, in one arrondissement and/or a box
    (west, south, east, north), received from a date (from its midnight in the city) up to a
    date (included; None: up to now). `trend_category` is the category the weekly trends show
    (the selection's own when None)."""

    statuses: tuple[str, ...] = tuple(Complaint.OPEN_STATUSES)
    category: Category | None = None
    arrondissement: Authority | None = None
    since: date | None = None
    status_group: str = "open"
    window: str = ""
    until: date | None = None
    box: inputs.Box | None = None
    trend_category: Category | None = None
    # The dates as the query gave them (a preset window is kept as its name instead).
    dates_given: bool = False

    @property
    def open_only(self) -> bool:
        return set(self.statuses) == set(Complaint.OPEN_STATUSES)

    def cache_key(self) -> str:
        """The selection as a stable text (the window as its start date)."""
        return "|".join(
            [
                ",".join(self.statuses),
                self.category.code if self.category else "",
                self.arrondissement.slug if self.arrondissement else "",
                self.since.isoformat() if self.since else "",
                self.until.isoformat() if self.until else "",
                ",".join(f"{value:.6f}" for value in self.box) if self.box else "",
                self.trend_category.code if self.trend_category else "",
            ]
        )

    def sql_params(self) -> dict:
        west, south, east, north = self.box or (None, None, None, None)
        step_lon, step_lat = grid_steps()
        return {
            "statuses": list(self.statuses),
            "category_id": self.category.pk if self.category else None,
            "arrondissement_id": self.arrondissement.pk if self.arrondissement else None,
            "since": local_midnight(self.since) if self.since else None,
            "until": local_midnight(self.until + timedelta(days=1)) if self.until else None,
            "area_west": west,
            "area_south": south,
            "area_east": east,
            "area_north": north,
            "privacy_step_lon": step_lon,
            "privacy_step_lat": step_lat,
            "privacy_categories": sensitive_category_ids() if self.box else [],
        }

    def query_string(self) -> str:
        parts = {"status": self.status_group}
        if self.category:
            parts["category"] = self.category.code
        if self.arrondissement:
            parts["arrondissement"] = self.arrondissement.slug
        if self.dates_given:
            if self.since:
                parts["since"] = self.since.isoformat()
            if self.until:
                parts["until"] = self.until.isoformat()
        elif self.window:
            parts["days"] = self.window
        if self.box:
            parts["area"] = ",".join(f"{value:.6f}".rstrip("0").rstrip(".") for value in self.box)
        if self.trend_category:
            parts["trend"] = self.trend_category.code
        return "&".join(f"{key}={value}" for key, value in parts.items())


# Where and when, as every aggregate filters (%(…)s are Selection.sql_params()): a box is
# applied to each report's public position (issues.public_view: a sensitive category's report at
# the centre of its privacy cell), so that narrowing a box never finds its exact point; the true
# location, in the box widened by a cell, lets the GiST index narrow the candidates first.
PLACE_AND_PERIOD_WHERE = """
    (%(arrondissement_id)s::bigint IS NULL OR c.arrondissement_id = %(arrondissement_id)s)
    AND (%(since)s::timestamptz IS NULL OR c.created_at >= %(since)s)
    AND (%(until)s::timestamptz IS NULL OR c.created_at < %(until)s)
    AND (%(area_west)s::float8 IS NULL OR (
        c.location && ST_MakeEnvelope(
            %(area_west)s - %(privacy_step_lon)s, %(area_south)s - %(privacy_step_lat)s,
            %(area_east)s + %(privacy_step_lon)s, %(area_north)s + %(privacy_step_lat)s, 4326)
        AND CASE WHEN c.category_id = ANY(%(privacy_categories)s)
                 THEN ST_SnapToGrid(c.location, %(privacy_step_lon)s, %(privacy_step_lat)s)
                 ELSE c.location END
            && ST_MakeEnvelope(%(area_west)s, %(area_south)s, %(area_east)s, %(area_north)s,
                               4326)))
"""

# The WHERE clause every aggregate shares, written once; %(…)s are Selection.sql_params().
# Planners' views are public: they count only published complaints, as the pyramids do.
SELECTION_WHERE = f"""
    c.moderation = 'published'
    AND c.status = ANY(%(statuses)s)
    AND (%(category_id)s::bigint IS NULL OR c.category_id = %(category_id)s)
    AND {PLACE_AND_PERIOD_WHERE}
"""


class SelectionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Reports"),
        choices=[("open", _("Open")), ("all", _("All, including closed"))],
        required=False,
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        empty_label=_("All categories"),
    )
    arrondissement = forms.ModelChoiceField(
        label=_("Arrondissement"),
        queryset=Authority.objects.filter(kind=Authority.Kind.ARRONDISSEMENT).order_by("name_fr"),
        to_field_name="slug",
        required=False,
        empty_label=_("All arrondissements"),
    )
    days = forms.ChoiceField(label=_("Received"), choices=PERIODS, required=False)
    since = inputs.BoundedDateField(
        label=_("From"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = inputs.BoundedDateField(
        label=_("To"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    area = inputs.BoxField(
        label=_("Area (west, south, east, north)"),
        required=False,
        max_length=120,
        help_text=_("Leave empty for the whole city, or use the map's visible area."),
    )
    trend = forms.ModelChoiceField(
        label=_("Weekly trend of"),
        queryset=Category.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        empty_label=_("The selection's categories"),
    )

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period comes before its start."))
        elif since and until and (until - since).days > MAX_PERIOD_DAYS:
            self.add_error(
                "until", _("A period spans at most %(days)d days.") % {"days": MAX_PERIOD_DAYS}
            )
        return data

    def selection(self, today: date | None = None) -> Selection:
        """Call after is_valid(). Dates given (from, to) take the place of the preset period;
        a period ending today or later ends now."""
        data = self.cleaned_data
        today = today or timezone.localdate()
        group = data.get("status") or "open"
        window = data.get("days") or ""
        since, until = data.get("since"), data.get("until")
        dates_given = bool(since or until)
        if dates_given:
            window = ""
        else:
            since = period_start(window, today)
        if until is not None and until >= today:
            until = None
        return Selection(
            statuses=tuple(Complaint.OPEN_STATUSES if group == "open" else Complaint.Status.values),
            category=data.get("category"),
            arrondissement=data.get("arrondissement"),
            since=since,
            status_group=group,
            window=window,
            until=until,
            box=data.get("area"),
            trend_category=data.get("trend"),
            dates_given=dates_given,
        )


SLIDER_WEEKS = 52


def last_weeks(today: date | None = None, count: int = SLIDER_WEEKS) -> list[date]:
    """The Mondays of the last `count` weeks, oldest first, this week last."""
    today = today or timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=back) for back in range(count - 1, -1, -1)]


class HeatMapForm(SelectionForm):
    """The heat map's query: a selection, the map's zoom and the visible box, and optionally one
    week received (its Monday: the week slider), which takes the place of the window."""

    zoom = forms.IntegerField(min_value=0, max_value=22, required=False)
    bbox = inputs.BoxField(required=False)
    week = inputs.BoundedDateField(required=False, input_formats=["%Y-%m-%d"])
    # With a week: "weeks" (default), one colour scale for all the slider's weeks; "week", each
    # week's own.
    scale = forms.ChoiceField(
        choices=[("weeks", _("Same scale for every week")), ("week", _("Scale of each week"))],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["trend"]  # the heat map counts what it is asked, week by week

    def clean_zoom(self) -> int:
        return 12 if self.cleaned_data.get("zoom") is None else self.cleaned_data["zoom"]

    def clean_week(self) -> date | None:
        week = self.cleaned_data.get("week")
        if week is not None and (week.weekday() != 0 or week > timezone.localdate()):
            raise forms.ValidationError(
                _("Give the Monday of a week that has begun, as YYYY-MM-DD."), code="invalid"
            )
        return week


def hotspot_defaults() -> dict[str, int]:
    """The hotspots' distance and minimum when the query gives none: the one place the form's
    fields (shown filled in), its cleaning and the nightly warm-up (planning.tasks) read them."""
    return {"metres": settings.HOTSPOT_METRES, "min_count": settings.HOTSPOT_MIN_COUNT}


class HotspotForm(SelectionForm):
    """A selection and the DBSCAN parameters: how close (metres) and how many complaints. A
    parameter left out takes its default (hotspot_defaults), which the field then shows."""

    metres = forms.IntegerField(
        label=_("Distance (m)"), min_value=10, max_value=1000, required=False
    )
    min_count = forms.IntegerField(
        label=_("Minimum reports"), min_value=2, max_value=1000, required=False
    )

    def __init__(self, data=None, *args, **kwargs):
        defaults = hotspot_defaults()
        if data is not None:
            data = data.copy()
            for name, value in defaults.items():
                if data.get(name) in (None, ""):
                    data[name] = value
        super().__init__(data, *args, **kwargs)
        for name, value in defaults.items():
            self.fields[name].initial = value

    def clean_metres(self) -> int:
        return self.cleaned_data.get("metres") or hotspot_defaults()["metres"]

    def clean_min_count(self) -> int:
        return self.cleaned_data.get("min_count") or hotspot_defaults()["min_count"]
