"""Subscribing, confirming, unsubscribing and sending alerts.

`send_alerts()` matches new items to alerts with one statement per kind (never one query per
alert) that records each new (alert, item) pair once (unique) in one batch per alert, and owes
one e-mail per batch through issues.notifications, which sends it once, after the
commit, by the background worker (or in process without a broker)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.gis.geos import Point
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from districts.models import Authority, Category
from issues import notifications
from issues.models import Complaint

from .models import MAX_RADIUS_METRES, Alert, AlertBatch, AlertItem

ALERT_EMAIL = "alert"
CONFIRMATION_SALT = "alerts.confirm"
CONFIRMATION_DAYS = 7
# New reports are looked for this far back: a run that did not happen for a while catches up.
LOOKBACK = timedelta(days=7)
ITEMS_PER_EMAIL = 50


class AlertRefused(Exception):
    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def subscribe(
    *,
    kind: str,
    email: str,
    user: AbstractBaseUser | None = None,
    language: str = "fr",
    complaint: Complaint | None = None,
    point: Point | None = None,
    radius_m: int | None = None,
    arrondissement: Authority | None = None,
    categories: Iterable[Category] = (),
) -> Alert:
    """Creates an alert. A signed-in citizen's own address needs no confirmation; any other is
    sent a confirmation link (double opt-in) and nothing is sent to it before it is followed."""
    account = user if user is not None and user.is_authenticated else None
    email = email.strip().lower()
    if not email:
        raise AlertRefused(_("Give the e-mail address the alerts should go to."))
    if kind == Alert.Kind.NEARBY and not (50 <= (radius_m or 0) <= MAX_RADIUS_METRES):
        raise AlertRefused(_("Choose a distance between 50 m and 2 km."))
    confirmed = account is not None and account.email.lower() == email
    with transaction.atomic():
        if kind == Alert.Kind.REPORT:
            existing = Alert.objects.filter(kind=kind, email=email, complaint=complaint).first()
            if existing is not None:
                return existing
        alert = Alert.objects.create(
            kind=kind,
            email=email,
            user=account,
            language=language,
            complaint=complaint,
            point=point,
            radius_m=radius_m if kind == Alert.Kind.NEARBY else None,
            arrondissement=arrondissement,
            confirmed_at=timezone.now() if confirmed else None,
        )
        alert.categories.set(categories)
        if not confirmed:
            transaction.on_commit(lambda: send_confirmation(alert), robust=True)
    return alert


def confirmation_token(alert: Alert) -> str:
    return signing.dumps(alert.pk, salt=CONFIRMATION_SALT)


def confirm(token: str) -> Alert:
    """Raises AlertRefused if the link is altered, expired, or its alert was removed."""
    try:
        alert_id = signing.loads(
            token, salt=CONFIRMATION_SALT, max_age=timedelta(days=CONFIRMATION_DAYS)
        )
    except signing.SignatureExpired as expired:
        raise AlertRefused(_("This confirmation link has expired. Subscribe again.")) from expired
    except signing.BadSignature as bad:
        raise AlertRefused(_("This confirmation link is not valid.")) from bad
    alert = Alert.objects.filter(pk=alert_id).first()
    if alert is None:
        raise AlertRefused(_("This alert no longer exists."))
    if alert.confirmed_at is None:
        alert.confirmed_at = timezone.now()
        alert.save(update_fields=["confirmed_at"])
    return alert


def unsubscribe(token: str) -> bool:
    """Removes the alert; False if it was already gone (the link stays harmless)."""
    deleted, _by_model = Alert.objects.filter(token=token).delete()
    return deleted > 0


def send_confirmation(alert: Alert) -> None:
    link = settings.SITE_URL + reverse("alert-confirm", args=[confirmation_token(alert)])
    with translation.override(alert.language):
        context = {"alert": alert, "link": link, "days": CONFIRMATION_DAYS}
        subject = render_to_string("alerts/email/confirm_subject.txt", context).strip()
        body = render_to_string("alerts/email/confirm_body.txt", context)
    EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [alert.email]).send()


# The two clauses every match shares, written once: only what happened after the alert was
# confirmed, and only reports the public may see.
AFTER_CONFIRMATION = "alert.confirmed_at IS NOT NULL AND {moment} > alert.confirmed_at"
PUBLISHED = "complaint.moderation = 'published'"
# Matches: (alert, item) pairs — a new published report for nearby and arrondissement alerts, a
# public update of a published report for report alerts. Never the subscriber's own reports;
# only what came after the confirmation.
MATCH_NEARBY = f"""
    SELECT alert.id AS alert_id, complaint.id AS item_id
    FROM alerts_alert alert
    JOIN issues_complaint complaint
      -- the alert's box (GiST index) finds the candidates; the distance on the sphere decides
      ON alert.reach && complaint.location
     AND ST_DWithin(complaint.location::geography, alert.point::geography, alert.radius_m, false)
    WHERE alert.kind = 'nearby'
      AND {AFTER_CONFIRMATION.format(moment="complaint.created_at")}
      AND complaint.created_at >= %(since)s
      {{not_own}}
      {{categories}}
"""
MATCH_ARRONDISSEMENT = f"""
    SELECT alert.id AS alert_id, complaint.id AS item_id
    FROM alerts_alert alert
    JOIN issues_complaint complaint ON complaint.arrondissement_id = alert.arrondissement_id
    WHERE alert.kind = 'arrondissement'
      AND {AFTER_CONFIRMATION.format(moment="complaint.created_at")}
      AND complaint.created_at >= %(since)s
      {{not_own}}
      {{categories}}
"""
MATCH_UPDATES = f"""
    SELECT alert.id AS alert_id, event.id AS item_id
    FROM alerts_alert alert
    JOIN issues_event event ON event.complaint_id = alert.complaint_id
    JOIN issues_complaint complaint ON complaint.id = alert.complaint_id
    WHERE alert.kind = 'report'
      AND {AFTER_CONFIRMATION.format(moment="event.created_at")}
      AND {PUBLISHED}
      AND event.is_public AND event.kind <> 'submitted'
      AND event.created_at >= %(since)s
"""
NOT_OWN = f"""
      AND {PUBLISHED}
      AND (alert.user_id IS NULL OR complaint.reporter_id IS DISTINCT FROM alert.user_id)
      AND lower(complaint.contact_email) <> alert.email
      AND NOT EXISTS (SELECT 1 FROM auth_user reporter
                      WHERE reporter.id = complaint.reporter_id
                        AND lower(reporter.email) = alert.email)
"""
CATEGORIES = """
      AND (NOT EXISTS (SELECT 1 FROM alerts_alert_categories chosen
                       WHERE chosen.alert_id = alert.id)
           OR complaint.category_id IN (
               SELECT chosen.category_id FROM alerts_alert_categories chosen
               WHERE chosen.alert_id = alert.id))
"""
# One statement per kind: the pairs not recorded before, one batch per alert that has any, and
# each pair written once with its batch. Returns the new batches.
RECORD_NEW = """
    WITH matched AS ({match}),
    fresh AS (
        SELECT matched.alert_id, matched.item_id FROM matched
        WHERE NOT EXISTS (
            SELECT 1 FROM alerts_alertitem recorded
            WHERE recorded.alert_id = matched.alert_id AND recorded.{item} = matched.item_id)
    ),
    batches AS (
        INSERT INTO alerts_alertbatch (alert_id, created_at)
        SELECT DISTINCT alert_id, %(now)s FROM fresh
        RETURNING id, alert_id
    ),
    recorded AS (
        INSERT INTO alerts_alertitem (alert_id, {item}, batch_id)
        SELECT fresh.alert_id, fresh.item_id, batches.id FROM fresh JOIN batches USING (alert_id)
    )
    SELECT id FROM batches
"""


def match_selects() -> dict[str, tuple[str, str]]:
    """Each kind's match (a SELECT of alert_id, item_id) and the AlertItem column of its item."""
    return {
        "nearby": (MATCH_NEARBY.format(not_own=NOT_OWN, categories=CATEGORIES), "complaint_id"),
        "arrondissement": (
            MATCH_ARRONDISSEMENT.format(not_own=NOT_OWN, categories=CATEGORIES),
            "complaint_id",
        ),
        "report": (MATCH_UPDATES, "event_id"),
    }


def send_alerts(*, now=None) -> int:
    """One run (hourly, by beat or `manage.py send_alerts`): returns the e-mails it made due.
    Runs are serialised by an advisory lock (so "not recorded before" holds); a run that fails
    changes nothing."""
    now = now or timezone.now()
    batch_ids = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('alerts.send_alerts'))")
        for match, item in match_selects().values():
            cursor.execute(
                RECORD_NEW.format(match=match, item=item), {"since": now - LOOKBACK, "now": now}
            )
            batch_ids += [row[0] for row in cursor.fetchall()]
        if batch_ids:
            # Fresh statistics before the worker reads the new batches: a run can add millions
            # of items, and with the old ones each e-mail's query scanned the whole table
            # (2.4 s an e-mail in bench/alerts.py).
            cursor.execute("ANALYZE alerts_alertitem, alerts_alertbatch")
        notifications.owe_many([f"{ALERT_EMAIL}:{batch_id}" for batch_id in sorted(batch_ids)])
    return len(batch_ids)


def alert_message(batch_id: int) -> EmailMultiAlternatives | None:
    """The e-mail of one batch, in the subscriber's language (right to left in Arabic), plain
    text and HTML, with one-click unsubscribe (RFC 8058). None if the alert was removed."""
    batch = (
        AlertBatch.objects.select_related("alert__complaint", "alert__arrondissement")
        .filter(pk=batch_id)
        .first()
    )
    if batch is None:
        return None
    alert = batch.alert
    # Read by the batch index alone (an OR across joins made PostgreSQL scan every item); a
    # report hidden by a moderator after the run matched it is left out here.
    every_item = (
        AlertItem.objects.filter(batch_id=batch.pk)
        .select_related("complaint__category", "complaint__arrondissement", "event__complaint")
        .order_by("id")
    )
    shown = [item for item in every_item if (item.complaint or item.event.complaint).is_public]
    if not shown:
        return None
    items, more = shown[:ITEMS_PER_EMAIL], max(0, len(shown) - ITEMS_PER_EMAIL)
    unsubscribe_url = settings.SITE_URL + reverse("alert-unsubscribe", args=[alert.token])
    with translation.override(alert.language):
        context = {
            "alert": alert,
            "items": items,
            "more": more,
            "site_url": settings.SITE_URL,
            "unsubscribe_url": unsubscribe_url,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
            "language": alert.language,
        }
        subject = render_to_string("alerts/email/alert_subject.txt", context).strip()
        text = render_to_string("alerts/email/alert_body.txt", context)
        html = render_to_string("alerts/email/alert_body.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [alert.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
