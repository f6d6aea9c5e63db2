"""Alerts: a citizen follows one report, or new reports near a point or in an arrondissement
(optionally for some categories), by e-mail. Each item is sent once per alert (AlertItem is
unique per alert and item) and grouped into one e-mail per alert per run (AlertBatch)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.db.models import F, FloatField, Func, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Authority, Category
from issues.models import Complaint, Event

MAX_RADIUS_METRES = 2000
METRES_PER_DEGREE = 111_320.0  # of latitude; of longitude, times cos(latitude)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Alert(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("updates of one report")
        NEARBY = "nearby", _("new reports near a place")
        ARRONDISSEMENT = "arrondissement", _("new reports in an arrondissement")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    email = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alerts",
    )
    language = models.CharField(max_length=8, default="fr")
    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    point = models.PointField(srid=4326, null=True, blank=True)
    radius_m = models.PositiveIntegerField(null=True, blank=True)
    # The box around a nearby alert's circle, kept by the database: its GiST index finds the
    # alerts covering a new report in one probe per report (alerts.services.MATCH_NEARBY).
    reach = models.GeneratedField(
        expression=Func(
            F("point"),
            Cast(F("radius_m"), FloatField())
            / (
                METRES_PER_DEGREE
                * Func(Func(Func(F("point"), function="ST_Y"), function="RADIANS"), function="COS")
            ),
            Cast(F("radius_m"), FloatField()) / METRES_PER_DEGREE,
            function="ST_Expand",
            output_field=models.PolygonField(srid=4326),
        ),
        output_field=models.PolygonField(srid=4326, spatial_index=True),
        db_persist=True,
    )
    arrondissement = models.ForeignKey(
        Authority, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    categories = models.ManyToManyField(Category, blank=True, related_name="alerts")
    # The unsubscribe link's secret: it never expires, and it alone can remove the alert.
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "confirmed_at"]),
            models.Index(fields=["user"]),
            GistIndex(fields=["reach"], name="alert_reach_gist"),
        ]
        constraints = [
            models.CheckConstraint(
                name="alert_fields_match_kind",
                condition=(
                    Q(
                        kind="report",
                        complaint__isnull=False,
                        point__isnull=True,
                        arrondissement__isnull=True,
                    )
                    | Q(
                        kind="nearby",
                        complaint__isnull=True,
                        point__isnull=False,
                        radius_m__gte=50,
                        radius_m__lte=MAX_RADIUS_METRES,
                        arrondissement__isnull=True,
                    )
                    | Q(
                        kind="arrondissement",
                        complaint__isnull=True,
                        point__isnull=True,
                        arrondissement__isnull=False,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["email", "complaint"],
                condition=Q(kind="report"),
                name="alert_one_follow_per_report_and_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.email}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class AlertBatch(models.Model):
    """What one alert e-mail carries: the items matched for one alert in one run."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="batches")
    created_at = models.DateTimeField(default=timezone.now, editable=False)


class AlertItem(models.Model):
    """One new report (nearby, arrondissement alerts) or one public update (report alerts) sent
    to one alert: at most once, whatever the number of runs."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="items")
    complaint = models.ForeignKey(Complaint, null=True, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, null=True, on_delete=models.CASCADE, related_name="+")
    batch = models.ForeignKey(AlertBatch, null=True, on_delete=models.CASCADE, related_name="items")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "complaint"],
                condition=Q(complaint__isnull=False),
                name="alert_item_complaint_once",
            ),
            models.UniqueConstraint(
                fields=["alert", "event"],
                condition=Q(event__isnull=False),
                name="alert_item_event_once",
            ),
            models.CheckConstraint(
                name="alert_item_is_one_thing",
                condition=Q(complaint__isnull=False, event__isnull=True)
                | Q(complaint__isnull=True, event__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["batch"])]
