"""Outbound webhooks, the Standard Webhooks way: the part of the shell that every app's
events go through.

- `registry`: the event types. Each app declares its own in `<app>/webhooks.py` (the audit
  actions that raise them) and registers them in `AppConfig.ready()`; the api app registers
  how each object is represented (the API's own serializers).
- `outbox`: `prm.audit.log.audit()` calls `record_audit()` inside the service's transaction; when
  an endpoint subscribes to the event, an `Event` and its `Delivery` rows are written in that
  same transaction (nothing is written, and nothing is queued, when no endpoint listens).
  Set-based jobs call `publish_many()`. Deliveries are queued once the change commits, and a
  beat sweep (`sweep()`) queues again whatever a lost task (Redis down when it was queued, a
  worker killed mid-send) left behind.
- `delivery`: a Celery task per delivery signs the body (HMAC-SHA256, `webhook-id`,
  `webhook-timestamp`, `webhook-signature`) and POSTs it; back-off for more than 24 hours;
  one object's events reach an endpoint in order; a delivery that fails every attempt disables
  an endpoint that has not succeeded since (`services.endpoint_disable_failing`).

Why it lives in `prm` and not in `api`: the outbox must be written by `audit()`, which sits
in the bottom layer, and apps at every layer declare events; only the representation of the
objects (the API's serializers) comes from the top, registered upwards like home panels.
"""
