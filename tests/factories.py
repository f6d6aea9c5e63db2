"""factory_boy factories. Geometry is drawn per instance (LazyFunction), never shared."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.utils import timezone

from districts.models import Assignment, Authority, Category, Prefecture, ServiceArea
from issues.models import Complaint


def square(lon: float, lat: float, size: float = 0.01) -> MultiPolygon:
    """A small square polygon with its south-west corner at (lon, lat), in WGS 84 degrees."""
    ring = (
        (lon, lat),
        (lon + size, lat),
        (lon + size, lat + size),
        (lon, lat + size),
        (lon, lat),
    )
    return MultiPolygon(Polygon(ring), srid=4326)


def square_at_sea(n: int) -> MultiPolygon:
    """The n-th square of a grid far out at sea: a factory area never overlaps the real city,
    nor another factory area, unless a test says so."""
    return square(-20 + (n % 80) * 0.0125, 30 + (n // 80) * 0.0125)


class PrefectureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prefecture
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"prefecture-{n}")
    name_fr = factory.Sequence(lambda n: f"Préfecture {n}")
    name_ar = factory.Sequence(lambda n: f"عمالة {n}")


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority

    slug = factory.Sequence(lambda n: f"authority-{n}")
    kind = Authority.Kind.OPERATOR
    name_fr = factory.Sequence(lambda n: f"Opérateur {n}")
    name_ar = factory.Sequence(lambda n: f"شركة {n}")


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea

    code = factory.Sequence(lambda n: f"area-{n}")
    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"Zone {n}")
    geometry = factory.Sequence(square_at_sea)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    code = factory.Sequence(lambda n: f"category-{n}")
    name_fr = factory.Sequence(lambda n: f"Catégorie {n}")
    name_ar = factory.Sequence(lambda n: f"فئة {n}")
    icon = "other"


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    category = factory.SubFactory(CategoryFactory)
    service_area = factory.SubFactory(ServiceAreaFactory)
    valid_from = date(2000, 1, 1)
    valid_until = None


class ComplaintFactory(factory.django.DjangoModelFactory):
    """Builds a complaint without routing; use issues.services.create_complaint to route one."""

    class Meta:
        model = Complaint

    category = factory.SubFactory(CategoryFactory)
    title = factory.Sequence(lambda n: f"Problème {n}")
    description = "Description"
    location = factory.LazyFunction(lambda: Point(-7.62, 33.58, srid=4326))
    arrondissement = factory.SubFactory(AuthorityFactory, kind=Authority.Kind.ARRONDISSEMENT)
    authority = factory.SelfAttribute("arrondissement")
    service_area = factory.SubFactory(
        ServiceAreaFactory, authority=factory.SelfAttribute("..arrondissement")
    )
    acknowledge_by = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=15))
    answer_by = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "auth.User"
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"agent{n}@example.org")
    email = factory.SelfAttribute("username")
    password = factory.django.Password("pw-123456x")


class StaffMembershipFactory(factory.django.DjangoModelFactory):
    """`StaffMembershipFactory(authority=Authority.objects.get(slug="anfa"))`: an agent of Anfa."""

    class Meta:
        model = "districts.StaffMembership"

    user = factory.SubFactory(UserFactory)
    role = "agent"
