"""What training holds about a partner, for the offboarding export (privacy.registry)."""

from django.utils.translation import gettext_lazy as _

from privacy import registry
from prm.exports.columns import Column
from prm.exports.streaming import stream_rows
from training.models import UserCertification

CERTIFICATION_COLUMNS = [
    Column(_("Certification"), lambda c: c.certification.name),
    Column(_("E-mail address"), lambda c: c.user.email if c.user else ""),
    Column(_("Issued"), lambda c: c.issued_on),
    Column(_("Valid until"), lambda c: c.valid_until),
    Column(_("Verification code"), lambda c: c.code),
    Column(_("Revoked"), lambda c: _("Yes") if c.revoked else _("No")),
]


def _certifications(partner):
    return stream_rows(
        UserCertification.objects.for_partner(partner)
        .select_related("certification", "user")
        .order_by("issued_on", "pk"),
        chunk_size=2000,
    )


def register() -> None:
    registry.register_partner_export(
        "certifications",
        label=_("Certifications"),
        columns=CERTIFICATION_COLUMNS,
        rows=_certifications,
        count=lambda p: UserCertification.objects.for_partner(p).count(),
        order=70,
    )
