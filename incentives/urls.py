from django.urls import path

from incentives import staff_views, views

app_name = "incentives"

urlpatterns = [
    path("deals/", views.deals, name="deals"),
    path("deals/new/", views.deal_create, name="deal_create"),
    path("deals/<int:pk>/", views.deal_detail, name="deal_detail"),
    path("deals/<int:pk>/update/", views.deal_update, name="deal_update"),
    path("deals/<int:pk>/close/", views.deal_close, name="deal_close"),
    path("deals/<int:pk>/extension/", views.deal_extension, name="deal_extension"),
    path("deals/<int:pk>/credits/", views.deal_credits, name="deal_credits"),
    path("deals/credited/", views.credited_deals, name="credited_deals"),
    path("incentives/", views.scorecard, name="scorecard"),
    path("incentives/leaderboard/", views.leaderboard_opt_in, name="leaderboard_opt_in"),
    path("incentives/statements/", views.statements, name="statements"),
    path("incentives/statements/<int:pk>/", views.statement_detail, name="statement_detail"),
    path("staff/deals/", staff_views.staff_deals, name="staff_deals"),
    path("staff/deals/<int:pk>/", staff_views.staff_deal_detail, name="staff_deal_detail"),
    path(
        "staff/deals/<int:pk>/extension/", staff_views.staff_extension_decide, name="staff_extension_decide"
    ),
    path("staff/deals/<int:pk>/credits/", staff_views.staff_deal_credits, name="staff_deal_credits"),
    path("staff/deals/extensions/", staff_views.staff_extensions, name="staff_extensions"),
    path("staff/incentives/", staff_views.staff_overview, name="staff_overview"),
    path("staff/incentives/recompute/", staff_views.staff_recompute, name="staff_recompute"),
]
