"""How onboarding reacts to the partner lifecycle (connected in OnboardingConfig.ready())."""

from django.dispatch import receiver

from onboarding import services
from partners.models import Partner
from partners.signals import partner_approved, partner_profile_completed


@receiver(partner_approved, sender=Partner, dispatch_uid="onboarding.plan_start")
def start_plan(sender, *, partner, actor, **kwargs):
    services.plan_start(partner=partner, actor=actor)


@receiver(partner_profile_completed, sender=Partner, dispatch_uid="onboarding.profile_completed")
def complete_profile_tasks(sender, *, partner, actor, **kwargs):
    services.profile_completed(partner=partner, user=actor)
