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

WINDOWS = [
    ("30", _("Last 30 days")),
    ("90", _("Last 90 days")),
    ("365", _("Last 12 months")),
    ("", _("Since the beginning")),
]


def local_midnight(day: date) -> datetime:
    """The start of a day in the city's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Selection:
    """Open (or all) complaints, optionally of one category, in one arrondissement, received
    since a date (from its midnight in the city)."""

    statuses: tuple[str, ...] = tuple(Complaint.OPEN_STATUSES)
    category: Category | None = None
    arrondissement: Authority | None = None
    since: date | None = None
    status_group: str = "open"
    window: str = ""

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
            ]
        )

    def sql_params(self) -> dict:
        return {
            "statuses": list(self.statuses),
            "category_id": self.category.pk if self.category else None,
            "arrondissement_id": self.arrondissement.pk if self.arrondissement else None,
            "since": local_midnight(self.since) if self.since else None,
        }

    def query_string(self) -> str:
        parts = {"status": self.status_group}
        if self.category:
            parts["category"] = self.category.code
        if self.arrondissement:
            parts["arrondissement"] = self.arrondissement.slug
        if self.window:
            parts["days"] = self.window
        return "&".join(f"{key}={value}" for key, value in parts.items())


# The WHERE clause every aggregate shares, written once; %(…)s are Selection.sql_params().
# Planners' views are public: they count only published complaints, as the pyramids do.
SELECTION_WHERE = """
    c.moderation = 'published'
    AND c.status = ANY(%(statuses)s)
    AND (%(category_id)s::bigint IS NULL OR c.category_id = %(category_id)s)
    AND (%(arrondissement_id)s::bigint IS NULL OR c.arrondissement_id = %(arrondissement_id)s)
    AND (%(since)s::timestamptz IS NULL OR c.created_at >= %(since)s)
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
    days = forms.ChoiceField(label=_("Received"), choices=WINDOWS, required=False)

    def selection(self, today: date | None = None) -> Selection:
        """Call after is_valid()."""
        data = self.cleaned_data
        today = today or timezone.localdate()
        group = data.get("status") or "open"
        window = data.get("days") or ""
        return Selection(
            statuses=tuple(Complaint.OPEN_STATUSES if group == "open" else Complaint.Status.values),
            category=data.get("category"),
            arrondissement=data.get("arrondissement"),
            since=today - timedelta(days=int(window)) if window else None,
            status_group=group,
            window=window,
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
