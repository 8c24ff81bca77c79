"""Cache invalidation for the partner home (not domain flow; connected in PromotionConfig.ready())."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from prm import pagecache
from promotion.models import Campaign, CampaignParticipation, OverviewVideo


@receiver(post_save, sender=OverviewVideo, dispatch_uid="promotion.video_saved")
@receiver(post_delete, sender=OverviewVideo, dispatch_uid="promotion.video_deleted")
def videos_changed(sender, **kwargs):
    pagecache.bump("overview-video")


@receiver(post_save, sender=Campaign, dispatch_uid="promotion.campaign_saved")
@receiver(post_delete, sender=Campaign, dispatch_uid="promotion.campaign_deleted")
@receiver(m2m_changed, sender=Campaign.named_partners.through, dispatch_uid="promotion.campaign_audience")
def campaigns_changed(sender, **kwargs):
    """`queries.running_campaigns` of every partner reads again."""
    pagecache.bump("campaigns")


@receiver(post_save, sender=CampaignParticipation, dispatch_uid="promotion.participation_saved")
@receiver(post_delete, sender=CampaignParticipation, dispatch_uid="promotion.participation_deleted")
def participation_changed(sender, instance, **kwargs):
    pagecache.bump(f"campaigns:partner:{instance.partner_id}")
