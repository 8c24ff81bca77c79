from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class PrmConfig(AppConfig):
    name = "prm"
    verbose_name = _("Portal")

    def ready(self):
        from prm import audit_receivers, middleware, roles
        from prm.models import Notification
        from prm.notifications import notification_changed

        post_migrate.connect(roles.apply_roles_on_migrate, dispatch_uid="prm.roles")
        audit_receivers.connect()
        user_logged_in.connect(middleware.staff_signed_in, dispatch_uid="prm.staff_session_start")
        # The bell's cached count (any other write path, e.g. the admin).
        post_save.connect(notification_changed, sender=Notification, dispatch_uid="prm.bell_saved")
        post_delete.connect(notification_changed, sender=Notification, dispatch_uid="prm.bell_deleted")
