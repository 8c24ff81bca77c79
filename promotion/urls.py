from django.urls import path

from promotion import staff_views, views

app_name = "promotion"

urlpatterns = [
    path("campaigns/", views.index, name="index"),
    path("campaigns/<int:pk>/", views.detail, name="detail"),
    path("campaigns/<int:pk>/opt-in/", views.opt_in, name="opt_in"),
    path("campaigns/<int:pk>/opt-out/", views.opt_out, name="opt_out"),
    path("campaigns/<int:pk>/kit/", views.kit, name="kit"),
    path("campaigns/<int:pk>/kit/<int:version_pk>/", views.kit_download, name="kit_download"),
    path("c/<str:code>/", views.tracked_link, name="tracked_link"),
    path("go/consent/", views.channel_consent, name="channel_consent"),
    path("go/seen/", views.channel_seen, name="channel_seen"),
    path("go/<str:code>/", views.channel_link, name="channel_link"),
    path("announcements/<int:pk>/dismiss/", views.announcement_dismiss, name="announcement_dismiss"),
    path("overview/", views.overview, name="overview"),
    path("overview/watched/", views.video_watched, name="video_watched"),
    path("staff/campaigns/", staff_views.staff_campaigns, name="staff_campaigns"),
    path("staff/campaigns/<int:pk>/", staff_views.staff_campaign, name="staff_campaign"),
    path("staff/promotion/awareness/", staff_views.staff_awareness, name="staff_awareness"),
    path("staff/promotion/share/", staff_views.staff_share, name="staff_share"),
]
