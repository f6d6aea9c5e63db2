"""Who is responsible where: préfectures, authorities, their service areas, problem categories,
and the dated assignments that say which authority handles which category in which area."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .working_days import DayKind, MovableHoliday, Promise, forget_announced_days


def name_in_language(name_fr: str, name_ar: str, language: str | None = None) -> str:
    """The Arabic name on Arabic pages (or in `language`) when there is one, the French name
    otherwise (also for names read as plain values, without their model)."""
    if name_ar and (language or get_language() or "fr").startswith("ar"):
        return name_ar
    return name_fr


class BilingualNameMixin:
    """Picks the Arabic or French name according to the active language."""

    @property
    def name(self) -> str:
        return name_in_language(self.name_fr, self.name_ar)


class Prefecture(BilingualNameMixin, models.Model):
    """A préfecture d'arrondissements (OSM admin_level 9): groups arrondissements; waste-collection
    lots are made of them."""

    slug = models.SlugField(unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_ar = models.CharField(_("name (Arabic)"), max_length=120, blank=True)
    osm_relation_id = models.BigIntegerField(null=True, blank=True)
    population_2024 = models.PositiveIntegerField(null=True, blank=True)
    geometry = models.MultiPolygonField(srid=4326, null=True, blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("préfecture d'arrondissements")
        verbose_name_plural = _("préfectures d'arrondissements")

    def __str__(self) -> str:
        return self.name


class Authority(BilingualNameMixin, models.Model):
    """A body that answers complaints: an arrondissement or a delegated-management operator."""

    class Kind(models.TextChoices):
        ARRONDISSEMENT = "arrondissement", _("Arrondissement")
        OPERATOR = "operator", _("Operator (delegated management)")

    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name_fr = models.CharField(_("name (French)"), max_length=160)
    name_ar = models.CharField(_("name (Arabic)"), max_length=160, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    website = models.URLField(blank=True)
    prefecture = models.ForeignKey(
        Prefecture, null=True, blank=True, on_delete=models.PROTECT, related_name="arrondissements"
    )
    hcp_code = models.CharField(_("HCP code"), max_length=20, blank=True)
    osm_relation_id = models.BigIntegerField(null=True, blank=True)
    wikidata = models.CharField(max_length=20, blank=True)
    population_2024 = models.PositiveIntegerField(null=True, blank=True)
    households_2024 = models.PositiveIntegerField(null=True, blank=True)
    source = models.TextField(_("source of this record"), blank=True)

    class Meta:
        ordering = ["kind", "slug"]
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["arrondissement", "operator"]), name="authority_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind="arrondissement") | Q(prefecture__isnull=True),
                name="authority_only_arrondissements_have_prefecture",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_arrondissement(self) -> bool:
        return self.kind == self.Kind.ARRONDISSEMENT


class ServiceArea(models.Model):
    """A territory an authority covers. An arrondissement has exactly its boundary; an operator
    may have several (e.g. one per waste-collection lot)."""

    code = models.SlugField(max_length=120, unique=True, help_text=_("Stable key for re-imports."))
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(max_length=200)
    geometry = models.MultiPolygonField(srid=4326, spatial_index=True)
    source = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")

    def __str__(self) -> str:
        return self.name


class Category(BilingualNameMixin, models.Model):
    """A kind of problem citizens report. Categories with no assignment are the arrondissement's."""

    code = models.SlugField(max_length=40, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_ar = models.CharField(_("name (Arabic)"), max_length=120)
    icon = models.CharField(max_length=40, help_text=_("Icon name shown on maps and forms."))
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    is_premoderated = models.BooleanField(
        _("pre-moderated"),
        default=False,
        db_default=False,
        help_text=_("New reports stay off public surfaces until a moderator publishes them."),
    )
    acknowledge_within_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Empty: the ACKNOWLEDGE_WITHIN_DAYS setting (15).")
    )
    answer_within_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Empty: the ANSWER_WITHIN_DAYS setting (60).")
    )
    acknowledge_day_kind = models.CharField(
        _("acknowledgement counted in"),
        max_length=8,
        choices=DayKind.choices,
        default=DayKind.CALENDAR,
        db_default=DayKind.CALENDAR,
        help_text=_(
            "Working days leave out weekends, public holidays and the recorded non-working "
            "days. A change applies to reports filed from then on."
        ),
    )
    answer_day_kind = models.CharField(
        _("answer counted in"),
        max_length=8,
        choices=DayKind.choices,
        default=DayKind.CALENDAR,
        db_default=DayKind.CALENDAR,
    )
    # Possible duplicates (issues.selectors.possible_duplicates): how far and how long back a
    # new report of this category looks for the same problem already reported.
    duplicate_radius_metres = models.PositiveIntegerField(
        _("duplicates searched within (metres)"),
        default=100,
        db_default=100,
        validators=[MinValueValidator(1), MaxValueValidator(5000)],
    )
    duplicate_window_weeks = models.PositiveSmallIntegerField(
        _("closed reports counted as duplicates for (weeks)"),
        default=12,
        db_default=12,
        validators=[MinValueValidator(0), MaxValueValidator(520)],
        help_text=_("Open reports always count; closed or resolved ones for this many weeks."),
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    @property
    def acknowledge_days(self) -> int:
        """Days to acknowledge a complaint of this category: its own, or the city's default."""
        return self.acknowledge_within_days or settings.ACKNOWLEDGE_WITHIN_DAYS

    @property
    def answer_days(self) -> int:
        """Days to answer a complaint of this category: its own, or the city's default."""
        return self.answer_within_days or settings.ANSWER_WITHIN_DAYS

    @property
    def acknowledge_promise(self) -> Promise:
        return Promise(days=self.acknowledge_days, kind=self.acknowledge_day_kind)

    @property
    def answer_promise(self) -> Promise:
        return Promise(days=self.answer_days, kind=self.answer_day_kind)


class NonWorkingDay(models.Model):
    """A day Casablanca's administration does not work besides weekends, as the city records it:
    a public holiday as announced (replacing the estimate of a moving one) or an exceptional
    closure. Deadlines in working days skip it (districts.working_days)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday as announced")
        CLOSURE = "closure", _("Exceptional closure")

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.HOLIDAY)
    replaces = models.CharField(
        _("replaces the estimate of"),
        max_length=40,
        choices=MovableHoliday.choices,
        blank=True,
        help_text=_(
            "For a holiday that follows the moon: its estimated dates within 20 days of this "
            "day no longer count; record each announced day (e.g. both days of the Eid)."
        ),
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    source = models.TextField(_("source"), blank=True, help_text=_("e.g. the announcement."))

    class Meta:
        ordering = ["-day"]
        verbose_name = _("non-working day")
        verbose_name_plural = _("non-working days")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="holiday") | Q(replaces=""),
                name="nonworkingday_only_holidays_replace_estimates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.name or self.get_kind_display()}"


@receiver([post_save, post_delete], sender=NonWorkingDay)
def _nonworking_days_changed(**kwargs) -> None:
    # A cache, not business flow: the admin's list deletes too, without calling delete().
    forget_announced_days()


class AssignmentQuerySet(models.QuerySet):
    def valid_on(self, day):
        """In force on `day`, as Assignment.is_in_force says."""
        return self.filter(
            Q(valid_from__lte=day) & (Q(valid_until__isnull=True) | Q(valid_until__gt=day))
        )


class Assignment(models.Model):
    """ "The authority of `service_area` handles `category` there", for a period of time.

    A contract change (Lydec to SRM in 2024, waste lots re-tendered) is a new assignment prepared in
    advance with its own dates; the old one gets `valid_until`, so past complaints keep their story.
    """

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="assignments")
    service_area = models.ForeignKey(
        ServiceArea, on_delete=models.CASCADE, related_name="assignments"
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until (exclusive)"), null=True, blank=True, help_text=_("Empty: still valid.")
    )
    source = models.TextField(_("source"), blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["category__position", "valid_from"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=F("valid_from")),
                name="assignment_period_not_empty",
            ),
            models.UniqueConstraint(
                fields=["category", "service_area", "valid_from"], name="assignment_unique_start"
            ),
        ]

    def is_in_force(self, day) -> bool:
        """From `valid_from` (included) to `valid_until` (excluded, none: still in force)."""
        return self.valid_from <= day and (self.valid_until is None or self.valid_until > day)

    def __str__(self) -> str:
        until = self.valid_until or "…"
        return f"{self.category.code} → {self.service_area} [{self.valid_from} – {until}]"


class Place(models.Model):
    """A named place from the OpenStreetMap gazetteer (fixtures/gazetteer.geojson), for searching
    a location by name and describing a pin. © OpenStreetMap contributors, ODbL."""

    class Group(models.TextChoices):
        PLACE = "place", _("Place")
        STREET = "street", _("Street")
        TRANSIT = "transit", _("Transit")
        LANDMARK = "landmark", _("Landmark")
        POI = "poi", _("Point of interest")

    osm_key = models.CharField(max_length=40, unique=True, help_text=_("e.g. node/25730724"))
    osm_name = models.CharField(max_length=250, help_text=_("OSM name as tagged, often bilingual"))
    name_fr = models.CharField(max_length=250, blank=True)
    name_ar = models.CharField(max_length=250, blank=True)
    other_name_ar = models.CharField(
        max_length=250,
        blank=True,
        help_text=_(
            "An Arabic name from elsewhere than the element's name:ar (its Arabic Wikipedia "
            "article, a merged element, or a cited alias in fixtures/place_aliases_ar.csv), "
            "shown in Arabic when OSM has no name:ar"
        ),
    )
    kind = models.CharField(max_length=40)
    group = models.CharField(max_length=12, choices=Group.choices)
    arrondissement = models.ForeignKey(
        Authority, null=True, blank=True, on_delete=models.SET_NULL, related_name="places"
    )
    location = models.PointField(srid=4326, spatial_index=True)
    search_text = models.TextField(
        help_text=_("Every name and alternative name, normalised (see districts.text).")
    )

    class Meta:
        ordering = ["name_fr"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        indexes = [
            # GIN serves substring and prefix search (LIKE); GiST serves typo-tolerant
            # nearest-neighbour ordering by trigram word distance (<->>).
            GinIndex(name="place_search_trgm", fields=["search_text"], opclasses=["gin_trgm_ops"]),
            GistIndex(
                name="place_search_trgm_gist", fields=["search_text"], opclasses=["gist_trgm_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.osm_name

    @property
    def label(self) -> str:
        """The name in the active language when there is one, else the name as tagged."""
        if (get_language() or "fr").startswith("ar"):
            return self.name_ar or self.other_name_ar or self.osm_name
        return self.name_fr or self.osm_name


class StaffMembership(models.Model):
    """Who works for which authority: links a user to the authority whose queue they work, or
    marks a city supervisor, who sees every authority's queue. Kept beside the authorities (it
    was staff's until the one policy module, issues.policy, needed it from below the desk)."""

    class Role(models.TextChoices):
        AGENT = "agent", _("Agent")
        MANAGER = "manager", _("Manager")
        MODERATOR = "moderator", _("Moderator")
        SUPERVISOR = "supervisor", _("City supervisor")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_membership"
    )
    authority = models.ForeignKey(
        Authority, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.AGENT)

    class Meta:
        db_table = "staff_staffmembership"
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="supervisor", authority__isnull=True)
                | (~Q(role="supervisor") & Q(authority__isnull=False)),
                name="membership_supervisor_has_no_authority_others_have_one",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} {self.authority or ''}".strip()

    @property
    def is_supervisor(self) -> bool:
        return self.role == self.Role.SUPERVISOR
