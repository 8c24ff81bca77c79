"""How incentives reacts to the partner lifecycle (connected in IncentivesConfig.ready())."""

from django.dispatch import receiver

from incentives import services
from partners.models import Partner
from partners.signals import partner_offboarded


@receiver(partner_offboarded, sender=Partner, dispatch_uid="incentives.release_protection")
def release_protection(sender, *, partner, actor, **kwargs):
    services.deals_release_protection(partner=partner, actor=actor)
