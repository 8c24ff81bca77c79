"""How the portal's registries react to signals: beat schedules every roll-up from the one list
(`prm.ui.registry.rollups()`). Connected by importing this module in PrmConfig.ready()."""

from django.dispatch import receiver

from prm.celery import app as celery_app
from prm.ui.registry import rollups


@receiver(celery_app.on_after_finalize, dispatch_uid="prm.rollups")
def schedule_rollups(sender, **kwargs) -> None:
    """Celery's `on_after_finalize`: beat sends every scheduled roll-up's task, under the
    roll-up's name. Beat and the worker finalize the Celery app after Django is set up, so
    every app has registered its roll-ups by then."""
    for rollup in rollups():
        if rollup.task is not None:
            sender.add_periodic_task(rollup.schedule, rollup.task.s(), name=rollup.name)
