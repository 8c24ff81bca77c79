"""How onboarding reacts to the partner lifecycle (connected in OnboardingConfig.ready())."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from content.models import Asset
from content.signals import asset_viewed
from onboarding import queries, services
from onboarding.models import OnboardingPlan, OnboardingTask
from partners.models import Partner
from partners.signals import partner_approved, partner_offboarded, partner_profile_completed


@receiver(partner_approved, sender=Partner, dispatch_uid="onboarding.plan_start")
def start_plan(sender, *, partner, actor, **kwargs):
    services.plan_start(partner=partner, actor=actor)


@receiver(partner_profile_completed, sender=Partner, dispatch_uid="onboarding.profile_completed")
def complete_profile_tasks(sender, *, partner, actor, **kwargs):
    services.profile_completed(partner=partner, user=actor)


@receiver(asset_viewed, sender=Asset, dispatch_uid="onboarding.asset_opened")
def complete_asset_tasks(sender, *, asset_id, partner, user, **kwargs):
    services.asset_opened(partner=partner, user=user, asset_id=asset_id)


@receiver(partner_offboarded, sender=Partner, dispatch_uid="onboarding.plan_cancel")
def cancel_running_plan(sender, *, partner, actor, **kwargs):
    plan = OnboardingPlan.objects.for_partner(partner).running().first()
    if plan is not None:
        services.plan_cancel(plan=plan, actor=actor)


@receiver(post_save, sender=OnboardingPlan, dispatch_uid="onboarding.home.plan_saved")
@receiver(post_delete, sender=OnboardingPlan, dispatch_uid="onboarding.home.plan_deleted")
def plan_row_changed(sender, instance, **kwargs):
    queries.plan_changed(instance.partner_id)


@receiver(post_save, sender=OnboardingTask, dispatch_uid="onboarding.home.task_saved")
@receiver(post_delete, sender=OnboardingTask, dispatch_uid="onboarding.home.task_deleted")
def task_row_changed(sender, instance, **kwargs):
    partner_id = (
        OnboardingPlan.objects.filter(pk=instance.plan_id).values_list("partner_id", flat=True).first()
    )
    if partner_id is not None:
        queries.plan_changed(partner_id)
