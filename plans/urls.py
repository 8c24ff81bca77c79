from django.urls import path

from plans import staff_views, views

app_name = "plans"

urlpatterns = [
    path("plans/", views.index, name="index"),
    path("plans/new/", views.create, name="create"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("plans/<int:pk>/edit/", views.edit, name="edit"),
    path("plans/<int:pk>/submit/", views.submit, name="submit"),
    path("plans/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("plans/<int:pk>/activities/new/", views.activity_new, name="activity_new"),
    path("plans/activities/<int:pk>/", views.activity_edit, name="activity_edit"),
    path("plans/<int:pk>/reviews/new/", views.review_new, name="review_new"),
    path("plans/reviews/<int:pk>/", views.review, name="review"),
    path("plans/reviews/<int:pk>/edit/", views.review_edit, name="review_edit"),
    path("plans/reviews/<int:pk>/sign/", views.review_sign, name="review_sign"),
    path("staff/plans/", staff_views.staff_plans, name="staff_plans"),
    path("staff/plans/new/", staff_views.staff_create, name="staff_create"),
    path("staff/plans/<int:pk>/", staff_views.staff_plan, name="staff_plan"),
    path("staff/plans/<int:pk>/edit/", staff_views.staff_edit, name="staff_edit"),
    path("staff/plans/<int:pk>/decide/", staff_views.staff_decide, name="staff_decide"),
    path("staff/plans/<int:pk>/reopen/", staff_views.staff_reopen, name="staff_reopen"),
    path("staff/plans/<int:pk>/activities/new/", staff_views.staff_activity_new, name="staff_activity_new"),
    path("staff/plans/activities/<int:pk>/", staff_views.staff_activity_edit, name="staff_activity_edit"),
    path("staff/plans/<int:pk>/reviews/new/", staff_views.staff_review_new, name="staff_review_new"),
    path("staff/plans/reviews/<int:pk>/", staff_views.staff_review, name="staff_review"),
    path("staff/plans/reviews/<int:pk>/edit/", staff_views.staff_review_edit, name="staff_review_edit"),
    path("staff/plans/reviews/<int:pk>/sign/", staff_views.staff_review_sign, name="staff_review_sign"),
]
