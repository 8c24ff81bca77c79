from django.urls import path

from api import portal_views as v

app_name = "integrations"

urlpatterns = [
    path("integrations/", v.index_partner, name="index"),
    path("integrations/tokens/new/", v.token_create_partner, name="token_create"),
    path("integrations/tokens/<int:pk>/revoke/", v.token_revoke_partner, name="token_revoke"),
    path("staff/integrations/", v.index_staff, name="staff_index"),
    path("staff/integrations/tokens/new/", v.token_create_staff, name="staff_token_create"),
    path("staff/integrations/tokens/<int:pk>/revoke/", v.token_revoke_staff, name="staff_token_revoke"),
]
