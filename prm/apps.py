from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PrmConfig(AppConfig):
    name = "prm"
    verbose_name = _("Portal")

    def ready(self):
        from prm.access import middleware, roles
        from prm.audit import receivers
        from prm.celery import app as celery_app
        from prm.ui import registry

        post_migrate.connect(roles.apply_roles_on_migrate, dispatch_uid="prm.roles")
        receivers.connect()
        user_logged_in.connect(middleware.staff_signed_in, dispatch_uid="prm.staff_session_start")
        # Beat's roll-up entries come from the one list of roll-ups (prm.ui.registry.rollups()).
        celery_app.on_after_finalize.connect(registry.schedule_rollups, dispatch_uid="prm.rollups")
