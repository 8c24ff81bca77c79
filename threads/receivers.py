"""Cache invalidation of the navigation's unread badge (not domain flow; connected in
ThreadsConfig.ready()): any saved or deleted thread or read marker counts again."""

from prm import registry


def thread_changed(sender, instance, **kwargs):
    registry.nav_changed(partner_id=instance.partner_id)


def read_marker_changed(sender, instance, **kwargs):
    registry.nav_changed(user_ids=[instance.user_id])
