from django.urls import path

from dashboard import staff_views

app_name = "dashboard"

urlpatterns = [
    # The channel dashboard is the staff home (prm's `staff_home` name points at the same path).
    path("staff/", staff_views.index, name="index"),
    path("staff/dashboard/<slug:block>.csv", staff_views.block_csv, name="csv"),
    path("staff/dashboard/<slug:block>.svg", staff_views.block_chart, name="chart"),
    path("staff/partners/", staff_views.partner_search, name="partners"),
    path("staff/partners/<int:pk>/", staff_views.partner_360, name="partner"),
    path("staff/partners/<int:pk>/owner/", staff_views.partner_owner, name="partner_owner"),
]
