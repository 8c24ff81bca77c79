from django.urls import path

from funds import staff_views, views

app_name = "funds"

urlpatterns = [
    path("funds/", views.index, name="index"),
    path("funds/requests.csv", views.export, name="export"),
    path("funds/requests/new/", views.request_new, name="request_new"),
    path("funds/requests/<int:pk>/", views.request_detail, name="request"),
    path("funds/requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("funds/requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("funds/requests/<int:pk>/claim/", views.claim_new, name="claim_new"),
    path("funds/files/<int:pk>/", views.claim_file, name="claim_file"),
    path("staff/funds/", staff_views.staff_requests, name="staff_requests"),
    path("staff/funds/requests/<int:pk>/", staff_views.staff_request, name="staff_request"),
    path("staff/funds/requests/<int:pk>/decide/", staff_views.staff_decide, name="staff_decide"),
    path("staff/funds/files/<int:pk>/", staff_views.staff_claim_file, name="staff_claim_file"),
    path("staff/funds/funds/", staff_views.staff_funds, name="staff_funds"),
    path("staff/funds/funds/open/", staff_views.staff_fund_open, name="staff_fund_open"),
    path("staff/funds/funds/<int:pk>/", staff_views.staff_fund, name="staff_fund"),
]
