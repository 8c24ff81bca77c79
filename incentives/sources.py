"""Facts that the tier thresholds read but that apps above incentives own.

Certifications and onboarding plans belong to `onboarding`, which sits above `incentives`
(its tasks link to content assets, and content assets to tiers). Instead of importing
upwards, incentives declares what it needs and onboarding registers the providers in
`OnboardingConfig.ready()`:

    sources.register(certifications=queries.valid_certifications,
                     completed_onboarding=queries.completed_plan_partner_ids)

`certifications(*, as_of)` returns a QuerySet with `partner_id` and `user_id` columns;
`completed_onboarding()` returns partner ids. A missing provider is a configuration error.
"""

from django.core.exceptions import ImproperlyConfigured

_providers: dict = {}


def register(*, certifications, completed_onboarding) -> None:
    _providers.update(certifications=certifications, completed_onboarding=completed_onboarding)


def _get(name: str):
    try:
        return _providers[name]
    except KeyError:
        raise ImproperlyConfigured(f"No provider registered for incentives.sources.{name}") from None


def certifications(*, as_of):
    return _get("certifications")(as_of=as_of)


def completed_onboarding():
    return _get("completed_onboarding")()
