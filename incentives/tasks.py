"""Celery tasks: thin, take ids, idempotent, acks_late."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from incentives import emails, rollups, services
from prm.models import User


@shared_task(acks_late=True)
def recompute_tiers(as_of: str | None = None, actor_id: int | None = None) -> int:
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    run = services.tiers_recompute(as_of=date.fromisoformat(as_of) if as_of else None, actor=actor)
    return run.changes


@shared_task(acks_late=True)
def sweep_deal_protection() -> dict:
    return services.deals_protection_sweep()


@shared_task(acks_late=True)
def anonymise_deal_contacts() -> int:
    return services.deals_contacts_anonymise_stale()


@shared_task(acks_late=True)
def compute_earnings(period: str | None = None) -> dict:
    return services.earnings_compute(period=date.fromisoformat(period) if period else timezone.localdate())


@shared_task(acks_late=True)
def notify_deal_reviewed(deal_id: int, decision: str | None = None) -> None:
    emails.deal_reviewed(deal_id=deal_id, decision=decision)


@shared_task(acks_late=True)
def notify_protection_ending(deal_id: int) -> None:
    emails.protection_ending(deal_id=deal_id)


@shared_task(acks_late=True)
def notify_tier_changes(change_ids: list[int]) -> None:
    emails.tier_changes(change_ids=change_ids)


@shared_task(acks_late=True)
def notify_deal_submitted(deal_id: int) -> None:
    emails.deal_submitted(deal_id=deal_id)


@shared_task(acks_late=True)
def notify_extension_requested(extension_id: int) -> None:
    emails.extension_requested(extension_id=extension_id)


@shared_task(acks_late=True)
def notify_extension_decided(extension_id: int) -> None:
    emails.extension_decided(extension_id=extension_id)


@shared_task(acks_late=True)
def refresh_activation() -> int:
    """Hourly: per-partner activation (first deals after approval) for the dashboard."""
    return rollups.activation_refresh()


@shared_task(acks_late=True)
def refresh_deal_rollup() -> int:
    """Hourly: the dashboard's per-partner deal roll-ups (prm.ui.registry.rollups())."""
    return rollups.deal_rollup_refresh()
