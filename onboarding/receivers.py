"""How onboarding reacts to the apps below it: the partner lifecycle, content views and
training results (connected in OnboardingConfig.ready())."""

from django.dispatch import receiver

from content.models import Asset
from content.signals import asset_viewed
from onboarding import queries, services
from onboarding.models import OnboardingPlan, TaskKind
from partners.models import Partner
from partners.signals import partner_approved, partner_offboarded, partner_profile_completed
from training.models import Enrollment, UserCertification
from training.signals import certified, course_passed


@receiver(partner_approved, sender=Partner, dispatch_uid="onboarding.plan_start")
def start_plan(sender, *, partner, actor, **kwargs):
    services.plan_start(partner=partner, actor=actor)


@receiver(partner_profile_completed, sender=Partner, dispatch_uid="onboarding.profile_completed")
def complete_profile_tasks(sender, *, partner, actor, **kwargs):
    services.profile_completed(partner=partner, user=actor)


@receiver(asset_viewed, sender=Asset, dispatch_uid="onboarding.asset_opened")
def complete_asset_tasks(sender, *, asset_id, partner, user, **kwargs):
    # Every asset page view lands here: the partner's cached plan says whether an open
    # "read this asset" task waits for it, so most views cost no query.
    plan, tasks = queries.cached_partner_plan_with_tasks(partner)
    if plan is None or plan.status != OnboardingPlan.Status.RUNNING:
        return
    if any(t.kind == TaskKind.ASSET and t.asset_id == asset_id and t.status != t.Status.DONE for t in tasks):
        services.asset_opened(partner=partner, user=user, asset_id=asset_id)


@receiver(partner_offboarded, sender=Partner, dispatch_uid="onboarding.plan_cancel")
def cancel_running_plan(sender, *, partner, actor, **kwargs):
    plan = OnboardingPlan.objects.for_partner(partner).running().first()
    if plan is not None:
        services.plan_cancel(plan=plan, actor=actor)


@receiver(course_passed, sender=Enrollment, dispatch_uid="onboarding.course_passed")
def complete_course_tasks(sender, *, course_id, partner, user, **kwargs):
    services.course_passed(partner=partner, user=user, course_id=course_id)


@receiver(certified, sender=UserCertification, dispatch_uid="onboarding.certification_earned")
def complete_certification_tasks(sender, *, certification_id, partner, user, **kwargs):
    services.certification_earned(partner=partner, user=user, certification_id=certification_id)
