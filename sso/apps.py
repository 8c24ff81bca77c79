from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    """The top layer beside the dashboard and the API: single sign-on through allauth's
    OpenID Connect and SAML providers, routed by e-mail domain to the vendor's or a partner's
    identity provider, linking only to accounts that already exist (staff, partner members)."""

    name = "sso"
    verbose_name = _("Single sign-on")

    def ready(self):
        from sso import receivers  # noqa: F401
