"""HTML pages about the city's districts."""

from csp.constants import HEADER
from csp.utils import build_policy
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_page
from django.views.decorators.clickjacking import xframe_options_sameorigin

from casa_map.folium_local import inline_block_hashes, render_standalone

from . import selectors
from .maps import arrondissements_map


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "districts/home.html",
        {"arrondissements": selectors.arrondissements().order_by("prefecture__slug", "slug")},
    )


@xframe_options_sameorigin
@cache_page(60 * 15)
def arrondissements_map_document(request: HttpRequest) -> HttpResponse:
    """The folium map of the arrondissements, a standalone document embedded by the home page.
    Its policy allows the inline blocks folium writes by their hashes, nothing else inline."""
    folium_map = arrondissements_map(selectors.arrondissement_boundaries_geojson())
    html = render_standalone(folium_map, title=_("Map of Casablanca's arrondissements"))
    response = HttpResponse(html)
    response[HEADER] = build_policy(update=inline_block_hashes(html))
    return response
