from datetime import date

from django.core.files.base import ContentFile

from privacy import services
from privacy.models import DataRequest, PartnerExport, ProvisionRecord
from tests.incentives.factories import DealFactory

SUBJECT_A = "Hanako Secret-Subject 5c2b"  # a customer contact of partner A: never shown outside A


def provision_a(w, **kwargs):
    deal = DealFactory(
        partner=w.partner_a, contact_name=SUBJECT_A, contact_email="hanako-5c2b@customer.example"
    )
    return services.provision_record(
        source=ProvisionRecord.Source.DEAL_REGISTRATION,
        source_object=deal,
        partner=w.partner_a,
        user=w.member_a,
        subject_name=SUBJECT_A,
        subject_company=deal.customer_company,
        items=["name", "company", "email"],
        acquisition=ProvisionRecord.Acquisition.MEETING,
        **kwargs,
    )


def request_a(w, **kwargs):
    data = {
        "kind": DataRequest.Kind.DISCLOSURE,
        "received_on": date.today(),
        "requester_name": SUBJECT_A,
        "requester_email": "hanako-5c2b@customer.example",
        "subject_name": SUBJECT_A,
        "subject_email": "hanako-5c2b@customer.example",
        "details": "保有個人データの開示を求めます。",
        "partner": w.partner_a,
        **kwargs,
    }
    return services.data_request_create(actor=w.superuser, data=data)


def export_a(w):
    export = PartnerExport.objects.create(partner=w.partner_a, requested_by=w.manager_a, status="ready")
    export.file.save("export-a.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18), save=False)
    from django.utils import timezone

    export.expires_at = timezone.now() + timezone.timedelta(days=3)
    export.save()
    return export
