from django.urls import path

from marketplace import staff_views, views

app_name = "marketplace"

urlpatterns = [
    # Public
    path("partners/", views.directory, name="directory"),
    path("partners/<str:slug>/", views.directory_detail, name="directory_detail"),
    path("solutions/", views.solutions, name="solutions"),
    path("solutions/<int:pk>/", views.solution, name="solution"),
    path("solutions/screenshots/<int:pk>/", views.solution_screenshot, name="solution_screenshot"),
    # Partner users
    path("marketplace/", views.index, name="index"),
    path("marketplace/new/", views.create, name="create"),
    path("marketplace/badges/", views.badges, name="badges"),
    path("marketplace/<int:pk>/", views.listing, name="listing"),
    path("marketplace/<int:pk>/edit/", views.edit, name="edit"),
    path("marketplace/<int:pk>/submit/", views.submit, name="submit"),
    path("marketplace/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("marketplace/<int:pk>/screenshots/", views.screenshot_add, name="screenshot_add"),
    path("marketplace/screenshots/<int:pk>/", views.screenshot_file, name="screenshot"),
    path("marketplace/screenshots/<int:pk>/remove/", views.screenshot_remove, name="screenshot_remove"),
    # Staff
    path("staff/marketplace/", staff_views.staff_listings, name="staff_listings"),
    path("staff/marketplace/<int:pk>/", staff_views.staff_listing, name="staff_listing"),
    path("staff/marketplace/<int:pk>/unpublish/", staff_views.staff_unpublish, name="staff_unpublish"),
    path("staff/marketplace/screenshots/<int:pk>/", staff_views.staff_screenshot, name="staff_screenshot"),
]
