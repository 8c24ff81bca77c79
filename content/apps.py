from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("Content library")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from content import queries, views
        from content.models import Asset, AssetShare
        from prm import registry

        # Cached library counts (content.queries.cached_library_count) follow every change.
        for model in (Asset, AssetShare):
            post_save.connect(
                queries.library_row_changed, sender=model, dispatch_uid=f"content.count.save.{model.__name__}"
            )
            post_delete.connect(
                queries.library_row_changed,
                sender=model,
                dispatch_uid=f"content.count.delete.{model.__name__}",
            )
        registry.register_home_panel(views.home_panel, order=20)
        registry.register_staff_links(views.staff_links, order=20)
