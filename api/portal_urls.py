from django.urls import path

from api import portal_views as v

app_name = "integrations"

urlpatterns = [
    path("integrations/", v.index_partner, name="index"),
    path("integrations/tokens/new/", v.token_create_partner, name="token_create"),
    path("integrations/tokens/<int:pk>/revoke/", v.token_revoke_partner, name="token_revoke"),
    path("integrations/webhooks/new/", v.endpoint_create_partner, name="endpoint_create"),
    path("integrations/webhooks/<int:pk>/", v.endpoint_detail_partner, name="endpoint"),
    path("integrations/webhooks/<int:pk>/edit/", v.endpoint_edit_partner, name="endpoint_edit"),
    path("integrations/webhooks/<int:pk>/<slug:action>/", v.endpoint_action_partner, name="endpoint_action"),
    path(
        "integrations/webhooks/<int:pk>/deliveries/<int:delivery_pk>/",
        v.delivery_detail_partner,
        name="delivery",
    ),
    path(
        "integrations/webhooks/<int:pk>/deliveries/<int:delivery_pk>/redeliver/",
        v.delivery_redeliver_partner,
        name="delivery_redeliver",
    ),
    path("staff/integrations/", v.index_staff, name="staff_index"),
    path("staff/integrations/tokens/new/", v.token_create_staff, name="staff_token_create"),
    path("staff/integrations/tokens/<int:pk>/revoke/", v.token_revoke_staff, name="staff_token_revoke"),
    path("staff/integrations/webhooks/new/", v.endpoint_create_staff, name="staff_endpoint_create"),
    path("staff/integrations/webhooks/<int:pk>/", v.endpoint_detail_staff, name="staff_endpoint"),
    path("staff/integrations/webhooks/<int:pk>/edit/", v.endpoint_edit_staff, name="staff_endpoint_edit"),
    path(
        "staff/integrations/webhooks/<int:pk>/<slug:action>/",
        v.endpoint_action_staff,
        name="staff_endpoint_action",
    ),
    path(
        "staff/integrations/webhooks/<int:pk>/deliveries/<int:delivery_pk>/",
        v.delivery_detail_staff,
        name="staff_delivery",
    ),
    path(
        "staff/integrations/webhooks/<int:pk>/deliveries/<int:delivery_pk>/redeliver/",
        v.delivery_redeliver_staff,
        name="staff_delivery_redeliver",
    ),
]
