"""The planners' figures beside the maps: complaints per arrondissement (absolute and per
10,000 inhabitants), weekly trends and each authority's performance."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from django.db.models import Sum
from django.utils import timezone, translation

from casa_map.replica import replica_connection
from districts.models import Authority
from issues.models import Complaint, QueueTally

from .caching import cached
from .grid import MIN_ZOOM, PYRAMID_MIN_ZOOM
from .pyramid import (
    PYRAMID_WHERE,
    counted_directly,
    pyramid_params,
    reads_pyramid,
    received_span,
)
from .selection import PLACE_AND_PERIOD_WHERE, SELECTION_WHERE, Selection, local_midnight

ARRONDISSEMENT_FIGURES_SQL = f"""
SELECT a.slug, a.name_fr, a.name_ar, a.population_2024, coalesce(counted.complaints, 0)
FROM districts_authority a
LEFT JOIN (
    SELECT c.arrondissement_id, count(*) AS complaints
    FROM issues_complaint c
    WHERE {SELECTION_WHERE}
    GROUP BY 1
) AS counted ON counted.arrondissement_id = a.id
WHERE a.kind = 'arrondissement'
ORDER BY a.name_fr
"""


# The same counts from the pyramids' coarsest level (a few thousand rows, no complaint read but
# the few days of a window before its first whole week).
ARRONDISSEMENT_FIGURES_FROM_PYRAMID_SQL = f"""
SELECT a.slug, a.name_fr, a.name_ar, a.population_2024, coalesce(counted.complaints, 0)
FROM districts_authority a
LEFT JOIN (
    SELECT arrondissement_id, sum(complaints) AS complaints
    FROM (
        SELECT h.arrondissement_id, h.complaints
        FROM planning_heatcell h
        WHERE %(first_week)s::date IS NULL AND {PYRAMID_WHERE}
        UNION ALL
        SELECT h.arrondissement_id, h.complaints
        FROM planning_heatweekcell h
        WHERE %(first_week)s::date IS NOT NULL AND h.week >= %(first_week)s AND {PYRAMID_WHERE}
        UNION ALL
        SELECT c.arrondissement_id, 1
        FROM issues_complaint c
        WHERE %(edge_from)s::timestamptz IS NOT NULL
          AND c.created_at >= %(edge_from)s AND c.created_at < %(edge_to)s AND {SELECTION_WHERE}
    ) AS parts
    GROUP BY 1
) AS counted ON counted.arrondissement_id = a.id
WHERE a.kind = 'arrondissement'
ORDER BY a.name_fr
"""


def arrondissement_figures(selection: Selection) -> list[dict]:
    """Complaints located in each arrondissement, absolute and per 10,000 inhabitants (2024
    census population, HCP RGPH 2024). Read from the pyramid of counts when it can answer."""
    if reads_pyramid(selection):
        received = received_span(selection)
        # The weekly pyramid's coarsest level is the heat map's first zoom.
        zoom = PYRAMID_MIN_ZOOM if received.first_week is None else MIN_ZOOM
        sql = ARRONDISSEMENT_FIGURES_FROM_PYRAMID_SQL
        params = pyramid_params(selection, zoom=zoom, bounds=None, received=received)
    else:
        sql, params = ARRONDISSEMENT_FIGURES_SQL, selection.sql_params()
    with replica_connection().cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        {
            "slug": slug,
            "name_fr": name_fr,
            "name_ar": name_ar,
            "population_2024": population,
            "complaints": complaints,
            "per_10k": round(complaints * 10_000 / population, 2) if population else None,
        }
        for slug, name_fr, name_ar, population, complaints in rows
    ]


# Received per week from the weekly pyramid's coarsest level (and the days of a window before its
# first whole week, from the complaints); resolved per week counted from the complaints.
WEEKLY_TRENDS_SQL = f"""
WITH weeks AS (
    SELECT generate_series(%(trend_start)s::date, %(this_week)s::date, interval '1 week')::date
        AS week
), opened AS (
    SELECT week, sum(complaints) AS n
    FROM (
        SELECT h.week, h.complaints
        FROM planning_heatweekcell h
        WHERE h.week >= %(first_week)s AND {PYRAMID_WHERE}
        UNION ALL
        SELECT planning_week_of(c.created_at), 1
        FROM issues_complaint c
        WHERE %(edge_from)s::timestamptz IS NOT NULL
          AND c.created_at >= %(edge_from)s AND c.created_at < %(edge_to)s
          AND {SELECTION_WHERE}
    ) AS received
    GROUP BY 1
), resolved AS (
    SELECT planning_week_of(c.resolved_at) AS week, count(*) AS n
    FROM issues_complaint c
    WHERE {SELECTION_WHERE} AND c.resolved_at >= %(resolved_from)s
    GROUP BY 1
)
SELECT weeks.week, coalesce(opened.n, 0), coalesce(resolved.n, 0)
FROM weeks
LEFT JOIN opened ON opened.week = weeks.week
LEFT JOIN resolved ON resolved.week = weeks.week
ORDER BY 1
"""


# The trends show at most this many weeks: the last ones of a longer period.
TREND_MAX_WEEKS = 160
TREND_DEFAULT_WEEKS = 26


def trend_weeks(selection: Selection, *, weeks: int = TREND_DEFAULT_WEEKS) -> tuple[date, date]:
    """The Mondays of the first and last weeks the trends show: the weeks of the selection's
    period (the week it starts in to the week it ends in), or the last `weeks` weeks when it
    has no start; never more than TREND_MAX_WEEKS."""
    end = selection.until or timezone.localdate()
    last = end - timedelta(days=end.weekday())
    if selection.since is None:
        first = last - timedelta(weeks=weeks - 1)
    else:
        first = selection.since - timedelta(days=selection.since.weekday())
    return max(first, last - timedelta(weeks=TREND_MAX_WEEKS - 1)), last


def weekly_trends(selection: Selection, *, weeks: int = TREND_DEFAULT_WEEKS) -> list[dict]:
    """Complaints received and resolved per week (Monday) over the weeks of the selection's
    period (trend_weeks). Every status counts here: a complaint resolved since is still one
    received that week. Its category is `trend_category` when one is chosen."""
    if selection.trend_category is not None:
        selection = replace(selection, category=selection.trend_category, trend_category=None)
    trend_start, this_week = trend_weeks(selection, weeks=weeks)
    every_status = replace(selection, statuses=tuple(Complaint.Status.values))
    # Received: from the first week shown (or the period's start, within it). Resolved: in the
    # weeks shown, of the reports of the period (received before, when it has no start).
    shown = replace(every_status, since=max(selection.since or trend_start, trend_start))
    params = pyramid_params(
        every_status, zoom=MIN_ZOOM, bounds=None, received=received_span(shown)
    ) | {
        "trend_start": trend_start,
        "this_week": this_week,
        "resolved_from": local_midnight(trend_start),
    }
    with replica_connection().cursor() as cursor:
        cursor.execute(WEEKLY_TRENDS_SQL, params)
        rows = cursor.fetchall()
    return [
        {"week": week.isoformat(), "received": received, "resolved": resolved}
        for week, received, resolved in rows
    ]


PERFORMANCE_SQL = f"""
SELECT c.authority_id,
       count(*) AS received,
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY extract(epoch FROM c.acknowledged_at - c.created_at) / 86400)
           FILTER (WHERE c.acknowledged_at IS NOT NULL) AS median_acknowledge_days,
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY extract(epoch FROM c.resolved_at - c.created_at) / 86400)
           FILTER (WHERE c.resolved_at IS NOT NULL) AS median_resolve_days,
       sum(c.reopen_count) AS reopened,
       avg(c.satisfaction) AS satisfaction,
       count(c.satisfaction) AS ratings
FROM issues_complaint c
WHERE {SELECTION_WHERE}
GROUP BY 1
"""


def authority_performance(selection: Selection, *, today: date | None = None) -> list[dict]:
    """Per authority: complaints received, median days to acknowledge and to resolve, reopened
    complaints, mean satisfaction (1–5) and, from the queue tallies, the share of its open
    complaints that is overdue today."""
    today = today or timezone.localdate()
    params = {**selection.sql_params(), "statuses": list(Complaint.Status.values)}
    with replica_connection().cursor() as cursor:
        cursor.execute(PERFORMANCE_SQL, params)
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    tallies = {
        row["authority_id"]: row
        for row in QueueTally.objects.filter(status__in=Complaint.OPEN_STATUSES)
        .values("authority_id")
        .annotate(
            open=Sum("complaints"),
            overdue=Sum("complaints", filter=Complaint.overdue_condition(today)),
        )
    }
    result = []
    for authority in Authority.objects.filter(pk__in=set(rows) | set(tallies)).order_by(
        "kind", "name_fr"
    ):
        received, ack_days, resolve_days, reopened, satisfaction, ratings = rows.get(
            authority.pk, (0, None, None, 0, None, 0)
        )
        tally = tallies.get(authority.pk, {"open": 0, "overdue": 0})
        open_count, overdue = tally["open"] or 0, tally["overdue"] or 0
        result.append(
            {
                "slug": authority.slug,
                "name_fr": authority.name_fr,
                "name_ar": authority.name_ar,
                "received": received,
                "median_acknowledge_days": _round(ack_days),
                "median_resolve_days": _round(resolve_days),
                "open": open_count,
                "overdue": overdue,
                "overdue_share": round(overdue / open_count, 3) if open_count else None,
                "reopened": reopened or 0,
                "satisfaction": _round(satisfaction),
                "ratings": ratings,
            }
        )
    return result


def _round(value) -> float | None:
    return None if value is None else round(float(value), 1)


# The figures that depend on the selection alone, by name (also the export names).
# The selection's reports in every state (the selection's own status filter set aside: the table
# is the breakdown by state), per category.
CATEGORY_STATES_SQL = f"""
SELECT cat.code, cat.name_fr, cat.name_ar, c.status, count(*)
FROM issues_complaint c
JOIN districts_category cat ON cat.id = c.category_id
WHERE c.moderation = 'published'
  AND (%(category_id)s::bigint IS NULL OR c.category_id = %(category_id)s)
  AND {PLACE_AND_PERIOD_WHERE}
GROUP BY cat.code, cat.name_fr, cat.name_ar, cat.position, c.status
ORDER BY cat.position, cat.code, c.status
"""


def category_states(selection: Selection) -> list[dict]:
    """Categories × states (FixMyStreet's dashboard): for the selection's period, area and
    category, how many public reports of each category are in each state, with the total."""
    with replica_connection().cursor() as cursor:
        cursor.execute(CATEGORY_STATES_SQL, selection.sql_params())
        found = cursor.fetchall()
    rows: dict[str, dict] = {}
    for code, name_fr, name_ar, status, count in found:
        row = rows.setdefault(
            code,
            {"slug": code, "name_fr": name_fr, "name_ar": name_ar}
            | {state: 0 for state in Complaint.Status.values}
            | {"total": 0},
        )
        row[status] = count
        row["total"] += count
    return list(rows.values())


CHANNELS_SQL = f"""
SELECT c.channel, count(*)
FROM issues_complaint c
WHERE {SELECTION_WHERE}
GROUP BY 1
"""


def channel_counts(selection: Selection) -> list[dict]:
    """How the selection's reports reached the city (issue #25): online (web form, REST API,
    Open311) or through the staff on a citizen's behalf (phone, counter, letter, WhatsApp,
    e-mail), every channel listed, in the choices' order, with its share of the total."""
    with replica_connection().cursor() as cursor:
        cursor.execute(CHANNELS_SQL, selection.sql_params())
        counts = dict(cursor.fetchall())
    total = sum(counts.values())
    rows = []
    for value, _label in Complaint.Channel.choices:
        complaints = counts.get(value, 0)
        rows.append(
            {"slug": value}
            | _channel_names(value)
            | {"complaints": complaints, "share": round(complaints / total, 3) if total else None}
        )
    return rows


def _channel_names(value: str) -> dict[str, str]:
    """The channel's name in both languages, as the other figures' rows name places (the
    cached rows serve both languages)."""
    label = Complaint.Channel(value).label
    names = {}
    for language in ("fr", "ar"):
        with translation.override(language):
            names[f"name_{language}"] = str(label)
    return names


RECURRING_SQL = f"""
SELECT a.slug, a.name_fr, a.name_ar, coalesce(counted.recurring, 0)
FROM districts_authority a
LEFT JOIN (
    SELECT c.arrondissement_id, count(*) AS recurring
    FROM issues_complaint c
    WHERE c.recurrence_of_id IS NOT NULL AND {SELECTION_WHERE}
    GROUP BY 1
) AS counted ON counted.arrondissement_id = a.id
WHERE a.kind = 'arrondissement'
ORDER BY a.name_fr
"""


def recurring_counts(selection: Selection) -> list[dict]:
    """Recurring reports per arrondissement (issue #27: filed where a report of the same
    category had been fixed a few weeks before, Complaint.recurrence_of), in the selection."""
    with replica_connection().cursor() as cursor:
        cursor.execute(RECURRING_SQL, selection.sql_params())
        rows = cursor.fetchall()
    return [
        {"slug": slug, "name_fr": name_fr, "name_ar": name_ar, "recurring": recurring}
        for slug, name_fr, name_ar, recurring in rows
    ]


FIGURES = {
    "arrondissements": arrondissement_figures,
    "trends": weekly_trends,
    "performance": authority_performance,
    "categories": category_states,
    "channels": channel_counts,
    "recurring": recurring_counts,
}


def figure(name: str, selection: Selection) -> list[dict]:
    """The per-arrondissement counts read from the pyramids are exact and cheap: never cached.
    Performance reads every authority's queue tallies, whatever the selection."""
    if name == "arrondissements" and reads_pyramid(selection) and not counted_directly(selection):
        return FIGURES[name](selection)
    if name == "trends" and selection.trend_category is not None:
        # Cached under the trend's category's data version.
        selection = replace(selection, category=selection.trend_category, trend_category=None)
    return cached(
        name, selection, lambda: FIGURES[name](selection), city_wide=name == "performance"
    )
