"""How incentives reacts to the partner lifecycle (connected in IncentivesConfig.ready())."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from incentives import queries, services
from incentives.models import Deal, PartnerTierState, Tier
from partners.models import Partner
from partners.signals import partner_offboarded
from prm import pagecache


@receiver(partner_offboarded, sender=Partner, dispatch_uid="incentives.release_protection")
def release_protection(sender, *, partner, actor, **kwargs):
    services.deals_release_protection(partner=partner, actor=actor)


@receiver(post_save, sender=Tier, dispatch_uid="incentives.tiers_saved")
@receiver(post_delete, sender=Tier, dispatch_uid="incentives.tiers_deleted")
def tiers_changed(sender, **kwargs):
    """Cache invalidation only (not domain flow): `queries.tiers()` reads again."""
    pagecache.bump("tiers")


@receiver(post_save, sender=PartnerTierState, dispatch_uid="incentives.leaderboard_state_saved")
@receiver(post_delete, sender=PartnerTierState, dispatch_uid="incentives.leaderboard_state_deleted")
@receiver(post_save, sender=Partner, dispatch_uid="incentives.leaderboard_partner_saved")
@receiver(post_delete, sender=Partner, dispatch_uid="incentives.leaderboard_partner_deleted")
def leaderboard_changed(sender, **kwargs):
    """Cache invalidation only: names, status, region and figures on the leaderboard."""
    pagecache.bump("leaderboard")


@receiver(post_save, sender=PartnerTierState, dispatch_uid="incentives.home_state_saved")
@receiver(post_delete, sender=PartnerTierState, dispatch_uid="incentives.home_state_deleted")
def tier_state_row_changed(sender, instance, **kwargs):
    """Cache invalidation only: the partner home's tier (`queries.cached_partner_tier_state`)."""
    queries.tier_state_changed(partner_id=instance.partner_id)


@receiver(post_save, sender=Deal, dispatch_uid="incentives.home_deal_saved")
@receiver(post_delete, sender=Deal, dispatch_uid="incentives.home_deal_deleted")
def deal_row_changed(sender, instance, **kwargs):
    """Cache invalidation only: the partner home's open deal count (`queries.open_deal_count`)."""
    queries.deals_changed(partner_id=instance.partner_id)
