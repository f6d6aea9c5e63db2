"""Casa Map's URL map: pages under language-neutral paths, the API under /api/v1/."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as accounts_views
from accounts.forms import EmailAuthenticationForm
from alerts import feeds
from alerts import views as alerts_views
from casa_map import pwa
from casa_map import views as site_views
from districts import api as districts_api
from districts import views as districts_views
from issues import api as issues_api
from issues import views as issues_views
from planning import views as planning_views
from staff import api as staff_api
from staff import intake as staff_intake
from staff import member_views as staff_member_views
from staff import views as staff_views

api_v1 = [
    path("locate/", districts_api.LocateView.as_view(), name="locate"),
    path("places/", districts_api.PlacesView.as_view(), name="places"),
    path(
        "arrondissements/",
        districts_api.ArrondissementBoundariesView.as_view(),
        name="arrondissement-boundaries",
    ),
    path("categories/", districts_api.CategoriesView.as_view(), name="categories"),
    path(
        "categories/suggest/",
        issues_api.CategorySuggestionView.as_view(),
        name="category-suggestions",
    ),
    path("authorities/", districts_api.AuthoritiesView.as_view(), name="authorities"),
    path("service-areas/", districts_api.ServiceAreasView.as_view(), name="service-areas"),
    path("map/complaints/", planning_views.OpenComplaintsView.as_view(), name="open-complaints"),
    path("complaints/", issues_api.ComplaintsView.as_view(), name="complaints"),
    path(
        "complaints/nearby/",
        issues_api.NearbyComplaintsView.as_view(),
        name="nearby-complaints",
    ),
    path(
        "complaints/<str:reference>/",
        issues_api.ComplaintDetailView.as_view(),
        name="complaint-detail",
    ),
    path(
        "complaints/<str:reference>/support/",
        issues_api.SupportView.as_view(),
        name="complaint-support",
    ),
    path("staff/complaints/", staff_api.StaffQueueView.as_view(), name="staff-queue"),
    path(
        "staff/complaints/<str:reference>/",
        staff_api.StaffComplaintView.as_view(),
        name="staff-complaint",
    ),
    path(
        "staff/complaints/<str:reference>/<slug:action>/",
        staff_api.StaffActionView.as_view(),
        name="staff-action",
    ),
    path("staff/bulk/", staff_api.StaffBulkView.as_view(), name="staff-bulk"),
    path("heatmap/", planning_views.HeatMapView.as_view(), name="heatmap"),
    path("hotspots/", planning_views.HotspotsView.as_view(), name="hotspots"),
    path(
        "figures/arrondissements/",
        planning_views.ArrondissementFiguresView.as_view(),
        name="arrondissement-figures",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI (vendored by drf-spectacular-sidecar) sets inline styles from its scripts: the
    # one page whose policy allows inline styles; scripts stay 'self' only.
    path(
        "docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-v1:schema")
        ),
        name="docs",
    ),
]

accounts = [
    path("signup/", accounts_views.signup, name="signup"),
    path("welcome/", accounts_views.after_sign_in, name="after-sign-in"),
    path("signup/<str:token>/", accounts_views.signup_confirm, name="signup-confirm"),
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", districts_views.home, name="home"),
    path("healthz", site_views.healthz, name="healthz"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("livez", site_views.livez, name="livez"),
    path("privacy/", site_views.privacy_page, name="privacy"),
    path(
        "map/arrondissements/",
        districts_views.arrondissements_map_document,
        name="arrondissements-map",
    ),
    path("map/", planning_views.public_map, name="public-map"),
    path("map/heat/", planning_views.heat_map, name="heat-map"),
    path("planning/", planning_views.planning, name="planning"),
    path(
        "planning/export/<slug:name>.<slug:fmt>",
        planning_views.export,
        name="planning-export",
    ),
    path("report/", issues_views.report, name="report"),
    path(
        "report/photo-location/",
        issues_views.report_photo_location,
        name="report-photo-location",
    ),
    path("report/<str:reference>/sent/", issues_views.report_sent, name="report-sent"),
    path("track/", issues_views.track_lookup, name="track-lookup"),
    path("track/<str:reference>/", issues_views.track, name="track"),
    path("track/<str:reference>/support/", issues_views.support, name="support"),
    path("track/<str:reference>/reopen/", issues_views.reopen, name="reopen"),
    path("track/<str:reference>/flag/", issues_views.flag, name="flag"),
    path("track/<str:reference>/update/", issues_views.add_update, name="track-update"),
    path("track/<str:reference>/rate/", issues_views.rate, name="rate"),
    path("track/<str:reference>/data/", accounts_views.report_data, name="track-data"),
    path(
        f"{settings.MEDIA_URL.strip('/')}/<path:name>",
        issues_views.attachment_file,
        name="attachment-file",
    ),
    path("my/reports/", issues_views.my_reports, name="my-reports"),
    path("my/account/", accounts_views.my_account, name="my-account"),
    path("my/account/delete/", accounts_views.delete_my_account, name="my-account-delete"),
    path("my/data/", accounts_views.my_data, name="my-data"),
    path("alerts/", alerts_views.alerts, name="alerts"),
    path("alerts/subscribe/", alerts_views.subscribe, name="alert-subscribe"),
    path("alerts/confirm/<str:token>/", alerts_views.confirm, name="alert-confirm"),
    path("alerts/unsubscribe/<str:token>/", alerts_views.unsubscribe, name="alert-unsubscribe"),
    path(
        "feeds/arrondissement/<slug:slug>/", feeds.ArrondissementFeed(), name="feed-arrondissement"
    ),
    path("feeds/category/<slug:code>/", feeds.CategoryFeed(), name="feed-category"),
    path("feeds/nearby/", feeds.NearbyFeed(), name="feed-nearby"),
    path("feeds/report/<str:reference>/", feeds.ReportUpdatesFeed(), name="feed-report"),
    path("accounts/", include(accounts)),
    path("staff/", staff_views.queue, name="staff-queue"),
    path("staff/bulk/", staff_views.bulk, name="staff-bulk"),
    path("staff/moderation/", staff_views.moderation_queue, name="staff-moderation"),
    path("staff/intake/", staff_intake.intake, name="staff-intake"),
    path(
        "staff/intake/<str:reference>/",
        staff_intake.intake_filed,
        name="staff-intake-filed",
    ),
    path("staff/members/", staff_member_views.members, name="staff-members"),
    path("staff/map.json", staff_views.map_points, name="staff-map-points"),
    path("staff/export.csv", staff_views.export_csv, name="staff-export-csv"),
    path("staff/export.geojson", staff_views.export_geojson, name="staff-export-geojson"),
    path("staff/complaints/<str:reference>/", staff_views.complaint, name="staff-complaint"),
    path(
        "staff/complaints/<str:reference>/<slug:action>/",
        staff_views.act,
        name="staff-act",
    ),
    path("api/v1/", include((api_v1, "api-v1"))),
    path("open311/v2/", include("open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler404 = "casa_map.views.not_found"
handler500 = "casa_map.views.server_error"

# Planners' pages (#24): the shareable, printable report of a selection.
urlpatterns += [
    path("planning/report/", planning_views.report, name="planning-report"),
    path("planning/report.pdf", planning_views.report_pdf, name="planning-report-pdf"),
]

if settings.BENCH_DURABLE_FLOOR:  # bench/load.py's stack only, never in production
    from bench.durable_floor import durable_floor

    urlpatterns += [path("_bench/durable-floor", durable_floor, name="bench-durable-floor")]
