from django.urls import path

from partners import staff_views, views

app_name = "partners"

urlpatterns = [
    # Public
    path("apply/", views.apply, name="apply"),
    path("apply/thanks/", views.apply_thanks, name="apply_thanks"),
    path("apply/invited/<str:token>/", views.apply_invited, name="apply_invited"),
    path("r/<slug:code>/", views.referral, name="referral"),
    path("team/accept/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # Partner users
    path("team/", views.team, name="team"),
    path("team/invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("team/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("team/members/<int:pk>/role/", views.member_role, name="member_role"),
    path("team/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("profile/", views.profile, name="profile"),
    path("referrals/", views.referrals, name="referrals"),
    # Staff
    path("staff/recruitment/", staff_views.applications, name="staff_applications"),
    path("staff/recruitment/metrics/", staff_views.metrics, name="staff_metrics"),
    path("staff/recruitment/referrals/", staff_views.referrals, name="staff_referrals"),
    path("staff/recruitment/prospects/", staff_views.prospects, name="staff_prospects"),
    path("staff/recruitment/prospects/new/", staff_views.prospect_create, name="staff_prospect_create"),
    path("staff/recruitment/prospects/<int:pk>/", staff_views.prospect_detail, name="staff_prospect"),
    path("staff/recruitment/prospects/<int:pk>/edit/", staff_views.prospect_edit, name="staff_prospect_edit"),
    path("staff/recruitment/prospects/<int:pk>/log/", staff_views.prospect_log, name="staff_prospect_log"),
    path(
        "staff/recruitment/prospects/<int:pk>/invite/",
        staff_views.prospect_invite,
        name="staff_prospect_invite",
    ),
    path("staff/recruitment/<int:pk>/", staff_views.application_detail, name="staff_application"),
    path(
        "staff/recruitment/<int:pk>/<slug:action>/",
        staff_views.application_action,
        name="staff_application_action",
    ),
]
