from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThreadsConfig(AppConfig):
    name = "threads"
    verbose_name = _("Questions")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from prm import registry
        from threads import privacy_sections, queries, receivers, views
        from threads.models import Message, ReadMarker, Thread

        registry.register_home_panel(views.home_panel, order=60)
        registry.register_staff_links(views.staff_links, order=60)
        registry.register_nav_badge("questions", queries.unread_threads)
        privacy_sections.register()  # what threads holds about a partner (offboarding export)
        for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
            for model in (Thread, Message):  # the cached metrics count again
                signal.connect(
                    queries.metrics_changed,
                    sender=model,
                    dispatch_uid=f"threads.metrics_{model.__name__}_{name}",
                )
            signal.connect(
                receivers.thread_changed, sender=Thread, dispatch_uid=f"threads.badge_thread_{name}"
            )
            signal.connect(
                receivers.read_marker_changed, sender=ReadMarker, dispatch_uid=f"threads.badge_marker_{name}"
            )

        from prm.webhooks import registry as webhook_events
        from threads import webhooks

        webhook_events.register(*webhooks.EVENTS)
