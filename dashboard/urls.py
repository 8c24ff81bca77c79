from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    # The channel dashboard is the staff home (prm's `staff_home` name points at the same path).
    path("staff/", views.index, name="index"),
    path("staff/dashboard/<slug:block>.csv", views.block_csv, name="csv"),
    path("staff/dashboard/<slug:block>.svg", views.block_chart, name="chart"),
    path("staff/partners/", views.partner_search, name="partners"),
    path("staff/partners/<int:pk>/", views.partner_360, name="partner"),
    path("staff/partners/<int:pk>/owner/", views.partner_owner, name="partner_owner"),
]
