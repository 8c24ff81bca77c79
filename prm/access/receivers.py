"""How access reacts to Django's signals: the role groups get their permissions after every
`migrate`, and a staff session starts its idle clock at sign-in. Connected by importing this
module in PrmConfig.ready()."""

from django.apps import apps
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from prm.access.middleware import StaffIdleTimeoutMiddleware
from prm.access.roles import apply_roles


@receiver(post_migrate, dispatch_uid="prm.roles")
def roles_applied_after_migrate(sender, app_config=None, using="default", verbosity=0, **kwargs) -> None:
    """Runs once, after the last app has been migrated (post_migrate is sent per app)."""
    configs = [c for c in apps.get_app_configs() if c.models_module is not None]
    if sender is not configs[-1]:
        return
    apply_roles(using=using, verbosity=verbosity)


@receiver(user_logged_in, dispatch_uid="prm.staff_session_start")
def staff_signed_in(sender, request, user, **kwargs):
    """A staff session starts its idle clock when it is signed in, so its first pages write
    nothing more to the session."""
    if settings.PRM_STAFF_IDLE_TIMEOUT and user.is_staff and hasattr(request, "session"):
        StaffIdleTimeoutMiddleware.touch(request.session)
