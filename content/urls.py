from django.urls import path

from content import staff_views, views

app_name = "content"

urlpatterns = [
    path("content/", views.index, name="index"),
    path("content/bookmarks/", views.bookmarks, name="bookmarks"),
    path("content/<int:pk>/", views.detail, name="detail"),
    path("content/<int:pk>/download/", views.download, name="download"),
    path("content/<int:pk>/file/", views.file_inline, name="file"),
    path("content/<int:pk>/thumbnail/", views.thumbnail, name="thumbnail"),
    path("content/<int:pk>/bookmark/", views.bookmark, name="bookmark"),
    path("content/contributions/", views.contributions, name="contributions"),
    path("content/contributions/new/", views.contribution_new, name="contribution_new"),
    path("content/contributions/<int:pk>/", views.contribution, name="contribution"),
    path("content/contributions/<int:pk>/file/", views.contribution_file, name="contribution_file"),
    path("content/digest/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("resources/", views.resources, name="resources"),
    path("resources/<int:pk>/", views.resource, name="resource"),
    path("resources/<int:pk>/download/", views.resource_download, name="resource_download"),
    path("staff/content/", staff_views.staff_analytics, name="staff_analytics"),
    path(
        "staff/content/versions/<int:pk>/download/",
        staff_views.staff_version_download,
        name="staff_version_download",
    ),
    path("staff/content/contributions/", staff_views.staff_contributions, name="staff_contributions"),
    path("staff/content/contributions/<int:pk>/", staff_views.staff_contribution, name="staff_contribution"),
    path(
        "staff/content/contributions/<int:pk>/file/",
        staff_views.staff_contribution_file,
        name="staff_contribution_file",
    ),
    path("staff/content/contribute/", staff_views.staff_contribute, name="staff_contribute"),
]
