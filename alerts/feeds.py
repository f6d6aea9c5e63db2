"""Atom feeds of public content only (no personal data): new reports in an arrondissement, in a
category, within a distance of a point, and one report's public updates."""

from __future__ import annotations

from django.contrib.gis.geos import Point
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from casa_map import inputs
from casa_map.outputs import TextAtomFeed
from districts.models import Authority, Category
from issues import public_view
from issues import selectors as issue_selectors
from issues.models import Complaint

from .models import MAX_RADIUS_METRES

ITEMS = 50


class ComplaintFeed(Feed):
    feed_type = TextAtomFeed

    def item_title(self, complaint: Complaint) -> str:
        return f"{complaint.reference} — {complaint.shown_title}"

    def item_description(self, complaint: Complaint) -> str:
        demo = " ({})".format(_("Demo (generated)")) if complaint.is_demo else ""
        return (
            f"{complaint.category.name} · {complaint.arrondissement.name} · "
            f"{complaint.get_status_display()}{demo}\n\n{complaint.shown_description}"
        )

    def item_link(self, complaint: Complaint) -> str:
        return complaint.get_absolute_url()

    def item_pubdate(self, complaint: Complaint):
        return complaint.created_at

    def item_updateddate(self, complaint: Complaint):
        return complaint.updated_at

    def item_categories(self, complaint: Complaint):
        return [complaint.category.name]

    def newest(self, queryset):
        return queryset.order_by("-created_at", "-id")[:ITEMS]


class ArrondissementFeed(ComplaintFeed):
    def get_object(self, request, slug: str) -> Authority:
        return get_object_or_404(Authority, kind=Authority.Kind.ARRONDISSEMENT, slug=slug)

    def title(self, arrondissement: Authority) -> str:
        return _("New reports in %(name)s — Casa Map") % {"name": arrondissement.name}

    def link(self, arrondissement: Authority) -> str:
        return reverse("public-map") + f"?arrondissement={arrondissement.slug}"

    def items(self, arrondissement: Authority):
        return self.newest(
            issue_selectors.public_complaints().filter(arrondissement=arrondissement)
        )


class CategoryFeed(ComplaintFeed):
    def get_object(self, request, code: str) -> Category:
        return get_object_or_404(Category, code=code)

    def title(self, category: Category) -> str:
        return _("New reports: %(name)s — Casa Map") % {"name": category.name}

    def link(self, category: Category) -> str:
        return reverse("public-map") + f"?category={category.code}"

    def items(self, category: Category):
        return self.newest(issue_selectors.public_complaints().filter(category=category))


class NearbyFeed(ComplaintFeed):
    """`?lat=&lon=&radius=` (metres, 50 to 2,000)."""

    def get_object(self, request) -> tuple[Point, int]:
        try:
            lat, lon = inputs.coordinates(request.GET.get("lat"), request.GET.get("lon"))
            radius = inputs.whole_number(
                request.GET.get("radius", "500"), low=50, high=MAX_RADIUS_METRES
            )
        except ValidationError as bad:
            raise Http404(_("Give lat, lon and radius (metres).")) from bad
        return Point(lon, lat, srid=4326), radius

    def title(self, place) -> str:
        return _("New reports within %(radius)d m — Casa Map") % {"radius": place[1]}

    def link(self, place) -> str:
        return reverse("public-map")

    def items(self, place):
        point, radius = place
        return self.newest(public_view.near(issue_selectors.public_complaints(), point, radius))


class ReportUpdatesFeed(Feed):
    feed_type = TextAtomFeed

    def get_object(self, request, reference: str) -> Complaint:
        try:
            return issue_selectors.public_complaint(reference)
        except Complaint.DoesNotExist as missing:
            raise Http404(_("No report has this tracking code.")) from missing

    def title(self, complaint: Complaint) -> str:
        return _("Updates of %(reference)s — Casa Map") % {"reference": complaint.reference}

    def link(self, complaint: Complaint) -> str:
        return complaint.get_absolute_url()

    def items(self, complaint: Complaint):
        return complaint.events.filter(is_public=True).order_by("-created_at", "-id")[:ITEMS]

    def item_title(self, event) -> str:
        status = event.get_to_status_display() if event.to_status else event.get_kind_display()
        return f"{event.complaint.reference} — {status}"

    def item_description(self, event) -> str:
        return event.public_message

    def item_link(self, event) -> str:
        return event.complaint.get_absolute_url() + f"#event-{event.pk}"

    def item_pubdate(self, event):
        return event.created_at

    def item_updateddate(self, event):  # Atom requires <updated> on every entry
        return event.created_at
