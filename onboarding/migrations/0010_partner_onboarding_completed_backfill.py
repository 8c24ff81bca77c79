"""Issue 24: "onboarding completed" is a fact of the partner (`Partner.onboarding_completed_on`,
set by partners.services.partner_onboarding_complete when a plan completes). Backfill it from
the plans completed before: the date of each partner's first completed plan, one UPDATE.
A set-based rewrite of partner rows (prm.cache.pagecache): no cached value keeps the old ones."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

from prm.cache import pagecache


def backfill(apps, schema_editor):
    Partner = apps.get_model("partners", "Partner")
    OnboardingPlan = apps.get_model("onboarding", "OnboardingPlan")
    db = schema_editor.connection.alias
    first_completed = (
        OnboardingPlan.objects.using(db)
        .filter(partner_id=OuterRef("pk"), status="completed")
        .order_by("completed_on")
        .values("completed_on")[:1]
    )
    Partner.objects.using(db).filter(
        onboarding_completed_on__isnull=True, onboarding_plans__status="completed"
    ).update(onboarding_completed_on=Subquery(first_completed))
    pagecache.bump_everything()


class Migration(migrations.Migration):
    dependencies = [
        ("onboarding", "0009_training_models_moved"),
        ("partners", "0010_partner_onboarding_completed_on"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
