from django.urls import path

from onboarding import staff_views, views

app_name = "onboarding"

urlpatterns = [
    path("onboarding/", views.index, name="index"),
    path("onboarding/tasks/<int:pk>/", views.task_detail, name="task"),
    path("onboarding/reminders/", views.preferences, name="preferences"),
    path("staff/onboarding/", staff_views.staff_plans, name="staff_plans"),
    path("staff/onboarding/start/", staff_views.staff_start, name="staff_start"),
    path("staff/onboarding/plans/<int:pk>/", staff_views.staff_plan, name="staff_plan"),
    path("staff/onboarding/reviews/", staff_views.staff_reviews, name="staff_reviews"),
    path("staff/onboarding/reviews/<int:pk>/", staff_views.staff_review, name="staff_review"),
    path(
        "staff/onboarding/reviews/<int:pk>/file/",
        staff_views.staff_submission_file,
        name="staff_submission_file",
    ),
    path("staff/onboarding/metrics/", staff_views.staff_metrics, name="staff_metrics"),
]
