"""Onboarding's roll-up (docs/patterns.md, "Portal registries"): `TaskLateness`, how often each
plan task (by title and pillar) is late over every running and finished plan, for the staff
metrics page at every-partner scope (`queries.task_lateness` reads it; a narrowed scope is
computed live). Hourly (beat) and by the scale seed; the page says when it was computed.
"""

from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from onboarding.models import OnboardingPlan, OnboardingTask, TaskLateness


def task_lateness_refresh(*, today: date | None = None) -> int:
    """Rebuild TaskLateness from every plan task (one DELETE, one INSERT ... SELECT)."""
    today = today or timezone.localdate()
    with transaction.atomic(), connection.cursor() as cur:
        TaskLateness.objects.all().delete()
        cur.execute(
            """
            INSERT INTO onboarding_tasklateness (title_ja, title_en, pillar, total, late, computed_at)
            SELECT coalesce(t.title_ja, ''), coalesce(t.title_en, ''), t.pillar, count(*),
                   count(*) FILTER (WHERE (t.status = %s AND (t.completed_at AT TIME ZONE %s)::date > t.due_date)
                                       OR (t.status <> %s AND t.due_date < %s)),
                   now()
              FROM onboarding_onboardingtask t
              JOIN onboarding_onboardingplan p ON p.id = t.plan_id
             WHERE p.status <> %s
             GROUP BY 1, 2, 3
            """,
            [
                OnboardingTask.Status.DONE,
                settings.TIME_ZONE,
                OnboardingTask.Status.DONE,
                today,
                OnboardingPlan.Status.CANCELLED,
            ],
        )
        return cur.rowcount
