from django.urls import path

from imports import staff_views

app_name = "imports"

urlpatterns = [
    path("staff/imports/", staff_views.jobs, name="jobs"),
    path("staff/imports/<int:pk>/", staff_views.job, name="job"),
    path("staff/imports/<int:pk>/status/", staff_views.job_status, name="job_status"),
    path("staff/imports/<int:pk>/confirm/", staff_views.job_confirm, name="job_confirm"),
    path(
        "staff/imports/template/<slug:kind>-<slug:language>.<slug:fmt>",
        staff_views.template,
        name="template",
    ),
    path("staff/imports/export/<slug:kind>.csv", staff_views.export, name="export"),
]
