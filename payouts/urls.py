from django.urls import path

from payouts import staff_views, views

app_name = "payouts"

urlpatterns = [
    path("payouts/", views.payouts, name="list"),
    path("payouts/payee/", views.payee, name="payee"),
    path("payouts/<int:pk>/", views.detail, name="detail"),
    path("payouts/<int:pk>/notice.pdf", views.notice_pdf, name="notice"),
    path("staff/payouts/", staff_views.staff_list, name="staff_list"),
    path("staff/payouts/unpaid/", staff_views.staff_unpaid, name="staff_unpaid"),
    path("staff/payouts/build/", staff_views.staff_build, name="staff_build"),
    path("staff/payouts/<int:pk>/", staff_views.staff_detail, name="staff_detail"),
    path("staff/payouts/<int:pk>/approve/", staff_views.staff_approve, name="staff_approve"),
    path("staff/payouts/<int:pk>/notice.pdf", staff_views.staff_notice, name="staff_notice"),
    path("staff/payouts/lines/<int:pk>/rate/", staff_views.staff_line_rate, name="staff_line_rate"),
    path("staff/payouts/<int:pk>/unbatch/", staff_views.staff_unbatch, name="staff_unbatch"),
    path("staff/payouts/payees/", staff_views.staff_payees, name="staff_payees"),
    path(
        "staff/payouts/payees/<int:pk>/approve/", staff_views.staff_payee_approve, name="staff_payee_approve"
    ),
    path("staff/payouts/transfers/", staff_views.staff_transfers, name="staff_transfers"),
    path("staff/payouts/transfers/<int:pk>/", staff_views.staff_transfer, name="staff_transfer"),
    path(
        "staff/payouts/transfers/<int:pk>/file/", staff_views.staff_transfer_file, name="staff_transfer_file"
    ),
]
