"""Cache invalidation for the partner home (not domain flow; connected in PromotionConfig.ready())."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from prm import pagecache
from promotion.models import OverviewVideo


@receiver(post_save, sender=OverviewVideo, dispatch_uid="promotion.video_saved")
@receiver(post_delete, sender=OverviewVideo, dispatch_uid="promotion.video_deleted")
def videos_changed(sender, **kwargs):
    pagecache.bump("overview-video")
