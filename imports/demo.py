"""Demo data of the imports app: the demo partners and their deals carry external ids (as if
they came from the vendor's CRM), and the demo channel manager has one checked import: the
export of their partners uploaded again, every row "unchanged" (the round trip)."""

import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from imports import queries, services, tables
from imports.models import ImportJob
from incentives.models import Deal
from partners.models import Partner
from prm.models import User

MANAGER = "manager@example.com"


def _external_ids() -> None:
    for number, partner in enumerate(Partner.objects.order_by("pk"), start=1):
        if not partner.external_id:
            Partner.objects.filter(pk=partner.pk).update(external_id=f"CRM-P{number:04d}")
    for number, deal in enumerate(Deal.objects.order_by("pk"), start=1):
        if not deal.external_id:
            Deal.objects.filter(pk=deal.pk).update(external_id=f"CRM-D{number:05d}")


def seed(stdout) -> None:
    _external_ids()
    manager = User.objects.get(email=MANAGER)
    if ImportJob.objects.filter(user=manager).exists():
        return
    with translation.override("ja"):
        columns = tables.partner_columns()
        dataset = tablib.Dataset(headers=[str(c.label) for c in columns])
        for partner in queries.partners_export(manager):
            dataset.append([c.value(partner) for c in columns])
        upload = SimpleUploadedFile("代理店一覧.csv", ("\ufeff" + dataset.export("csv")).encode("utf-8"))
        services.import_job_create(user=manager, kind="partners", upload=upload, language="ja")
