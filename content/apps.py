from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("Content library")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from content import queries, views
        from content.models import Asset, AssetShare, Collection
        from prm import registry

        # Cached library counts and page ids (content.queries) follow every change: assets,
        # shares, collections (the collection filter takes sub-collections) and asset tags.
        m2m_changed.connect(
            queries.library_row_changed, sender=Asset.tags.through, dispatch_uid="content.count.tags"
        )
        for model in (Asset, AssetShare, Collection):
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
