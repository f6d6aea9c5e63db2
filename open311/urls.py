"""GeoReport v2 resources; every one in JSON and XML by its suffix (.json, .xml)."""

from django.urls import path

from . import views

app_name = "open311"

urlpatterns = [
    path("discovery.<slug:fmt>", views.discovery, name="discovery"),
    path("services.<slug:fmt>", views.service_list, name="services"),
    path("services/<str:service_code>.<slug:fmt>", views.service_definition, name="service"),
    path("requests.<slug:fmt>", views.service_requests, name="requests"),
    path("requests/<str:service_request_id>.<slug:fmt>", views.service_request, name="request"),
    path("tokens/<str:token>.<slug:fmt>", views.token, name="token"),
]
