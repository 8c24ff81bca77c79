from django.urls import path

from privacy import staff_views, views

app_name = "privacy"

urlpatterns = [
    path("staff/privacy/", staff_views.requests, name="requests"),
    path("staff/privacy/requests/new/", staff_views.request_create, name="request_create"),
    path("staff/privacy/requests/<int:pk>/", staff_views.request_detail, name="request_detail"),
    path("staff/privacy/requests/<int:pk>/status/", staff_views.request_status, name="request_status"),
    path("staff/privacy/requests/<int:pk>/assign/", staff_views.request_assign, name="request_assign"),
    path(
        "staff/privacy/requests/<int:pk>/erase/<slug:finder>/",
        staff_views.request_erase,
        name="request_erase",
    ),
    path("staff/privacy/provisions/", staff_views.provisions, name="provisions"),
    path("staff/privacy/exports/", staff_views.exports, name="exports"),
    path("staff/privacy/exports/<int:pk>/download/", staff_views.export_download, name="export_download"),
    path("privacy/provisions/", views.partner_provisions, name="partner_provisions"),
]
