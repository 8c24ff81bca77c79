from django.core import checks

from prm.webhooks import registry


@checks.register()
def every_event_has_a_representation(app_configs=None, **kwargs):
    errors = []
    for event_type in registry.all_types():
        if registry.representation(event_type.model) is None:
            errors.append(
                checks.Error(
                    f"Webhook event {event_type.code}: no representation registered for "
                    f"{event_type.model._meta.label} (prm.webhooks.registry.register_representation).",
                    id="webhooks.E001",
                )
            )
    return errors
