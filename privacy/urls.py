from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("staff/privacy/", views.requests, name="requests"),
    path("staff/privacy/requests/new/", views.request_create, name="request_create"),
    path("staff/privacy/requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("staff/privacy/requests/<int:pk>/status/", views.request_status, name="request_status"),
    path("staff/privacy/requests/<int:pk>/assign/", views.request_assign, name="request_assign"),
    path("staff/privacy/requests/<int:pk>/erase/<slug:finder>/", views.request_erase, name="request_erase"),
    path("staff/privacy/provisions/", views.provisions, name="provisions"),
    path("staff/privacy/exports/", views.exports, name="exports"),
    path("staff/privacy/exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("privacy/provisions/", views.partner_provisions, name="partner_provisions"),
]
