"""Where a company's people sign in: an e-mail domain routed to one identity provider.

The identity provider itself is allauth's `SocialApp` (OpenID Connect: issuer, client id
and secret; SAML: the IdP's entity id, sign-in URL and certificate), configured in the
admin by a superuser. A route without a partner is the vendor's own (staff sign in there);
a route bound to a partner lets only that partner's active members in.
"""

from allauth.socialaccount.models import SocialApp
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from partners.models import Partner

PROVIDERS = ("openid_connect", "saml")

# What an IdP says in `amr` (RFC 8176) when the person used more than one factor: Entra ID
# and Okta send "mfa"; a one-time code, a hardware key or a smart card is a second factor.
MFA_AMR_VALUES = frozenset({"mfa", "otp", "hwk", "sc"})

domain_validator = RegexValidator(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    _("Enter a domain name in lower case, such as example.co.jp."),
)


class SSORoute(models.Model):
    domain = models.CharField(
        _("e-mail domain"),
        max_length=253,
        unique=True,
        validators=[domain_validator],
        help_text=_(
            "People whose e-mail address ends in @ this domain sign in at the identity provider below."
        ),
    )
    app = models.ForeignKey(
        SocialApp,
        on_delete=models.CASCADE,
        related_name="sso_routes",
        verbose_name=_("identity provider"),
        limit_choices_to={"provider__in": PROVIDERS},
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sso_routes",
        verbose_name=_("partner"),
        help_text=_("Leave empty for the vendor's own domain: only staff sign in there."),
    )
    trust_idp_mfa = models.BooleanField(
        _("trust the identity provider's two-factor authentication"),
        default=False,
        help_text=_(
            "When the identity provider asserts a second factor (amr, or an accepted acr), the "
            "portal does not ask for its own authenticator code."
        ),
    )
    accepted_acr = models.CharField(
        _("accepted acr values"),
        max_length=500,
        blank=True,
        help_text=_("Space-separated acr (authentication context) values that count as two-factor."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("sign-in route")
        verbose_name_plural = _("sign-in routes")
        constraints = [
            models.CheckConstraint(condition=models.Q(domain=Lower("domain")), name="sso_route_domain_lower"),
        ]

    def __str__(self):
        return self.domain

    def asserts_mfa(self, *, amr: list[str], acr: list[str]) -> bool:
        """Whether the IdP's claims count as two factors under this route's settings."""
        if not self.trust_idp_mfa:
            return False
        accepted = set(self.accepted_acr.split())
        return bool(MFA_AMR_VALUES & {value.lower() for value in amr} or accepted & set(acr))
