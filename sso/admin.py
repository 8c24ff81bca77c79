from django.contrib import admin

from prm.access.admin_mixins import SuperuserOnlyAdminMixin
from sso.models import SSORoute


@admin.register(SSORoute)
class SSORouteAdmin(SuperuserOnlyAdminMixin, admin.ModelAdmin):
    """Superusers route e-mail domains to the identity providers configured under Social
    applications (allauth's SocialApp); no staff role holds these permissions."""

    list_display = ["domain", "app", "partner", "trust_idp_mfa"]
    list_filter = ["trust_idp_mfa", "app"]
    search_fields = ["domain", "partner__name"]
    autocomplete_fields = ["partner"]
    list_select_related = ["app", "partner"]
