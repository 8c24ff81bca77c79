import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from onboarding import notifications

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "subject"),
    [("ja", "オンボーディング計画が始まりました"), ("en", "Your onboarding plan has started")],
)
def test_plan_started_mail_in_recipients_language(plan, world, language, subject):
    world.member_a.language = language
    world.member_a.save()
    mail.outbox.clear()
    notifications.plan_started(plan_id=plan.pk)
    message = next(m for m in mail.outbox if m.to == [world.member_a.email])
    assert message.subject == subject
    assert f"{settings.SITE_URL}{reverse('onboarding:index')}" in message.body
    html = message.alternatives[0][0]
    assert f'href="{settings.SITE_URL}{reverse("onboarding:index")}"' in html


def test_owner_is_told_about_the_new_plan(plan, manager):
    mail.outbox.clear()
    notifications.plan_started(plan_id=plan.pk)
    owner_mail = next(m for m in mail.outbox if m.to == [manager.email])
    assert reverse("onboarding:staff_plan", args=[plan.pk]) in owner_mail.body


def test_daily_reminders_are_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["onboarding-daily-reminders"]
    assert entry["task"] == "onboarding.tasks.run_daily_reminders"


def test_staff_home_links_and_partner_home_panel(plan, world, client_for):
    staff = client_for(world.manager_a).get(reverse("staff_home")).getvalue().decode()
    assert reverse("onboarding:staff_plans") in staff and reverse("onboarding:staff_metrics") in staff
    home = client_for(world.member_a).get(reverse("home")).getvalue().decode()
    assert 'data-testid="onboarding-panel"' in home
    assert "Read the guide" in home  # the next step
    assert (
        'data-testid="onboarding-panel"'
        not in client_for(world.admin_b).get(reverse("home")).getvalue().decode()
    )
