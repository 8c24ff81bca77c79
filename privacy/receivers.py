"""How privacy reacts to the apps below it."""

from django.dispatch import receiver

from partners import signals
from partners.models import Partner
from privacy import services


@receiver(signals.partner_offboarded, sender=Partner, dispatch_uid="privacy.export_on_offboarding")
def export_on_offboarding(sender, partner, actor=None, **kwargs):
    """Offboarding ends the partnership: everything the portal holds about the partner is
    exported (ZIP of CSV files) and the link e-mailed to whoever offboarded it (or to the
    channel managers)."""
    services.partner_export_request(partner=partner, actor=actor, reason="offboarding")
