"""Casa Map's URL map: pages under a language-neutral path, the API under /api/v1/."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from districts import api as districts_api
from districts import views as districts_views

api_v1 = [
    path("locate/", districts_api.LocateView.as_view(), name="locate"),
    path(
        "arrondissements/",
        districts_api.ArrondissementBoundariesView.as_view(),
        name="arrondissement-boundaries",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-v1:schema"), name="docs"),
]

urlpatterns = [
    path("", districts_views.home, name="home"),
    path(
        "map/arrondissements/",
        districts_views.arrondissements_map_document,
        name="arrondissements-map",
    ),
    path("api/v1/", include((api_v1, "api-v1"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
