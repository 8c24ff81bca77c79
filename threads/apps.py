from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThreadsConfig(AppConfig):
    name = "threads"
    verbose_name = _("Questions")

    def ready(self):
        from prm.ui import registry
        from threads import privacy_sections, queries, staff_views, views

        registry.register_home_panel(views.home_panel, order=60)
        registry.register_staff_links(staff_views.staff_links, order=60)
        registry.register_nav_badge("questions", queries.unread_threads)
        registry.register_dashboard_block("questions", queries.questions_block, order=80)
        privacy_sections.register()  # what threads holds about a partner (offboarding export)

        from prm.webhooks import registry as webhook_events
        from threads import webhooks

        webhook_events.register(*webhooks.EVENTS)
