"""Keep a CRM in step with the Partner Portal (docs/integrations.md has the recipe).

    pip install simple-salesforce   # or: pip install hubspot-api-client
    PORTAL_URL=https://partners.example.co.jp PORTAL_TOKEN=prm_... \\
    SF_INSTANCE_URL=https://example.my.salesforce.com SF_SESSION_ID=... python sync.py --since 2026-04-01T00:00:00+09:00

What goes where (a channel manager's token with the vendor scopes):
- partners (GET /api/v1/vendor/partners/)       -> Salesforce Account / HubSpot company
- applications (GET /api/v1/vendor/applications/) -> Salesforce Lead / HubSpot contact
- deal registrations (GET /api/v1/vendor/deals/)  -> Salesforce Opportunity / HubSpot deal
Partners first, so that a deal's partner account exists when the deal is written. Every
record is upserted by an external id that holds the portal's id (`Partner_Portal_*_Id__c`
in Salesforce, `partner_portal_*_id` unique properties in HubSpot), so a repeated run, or a
webhook and a run for the same change, writes the same record again and nothing twice.
Each list is read with `updated_since` = the newest `updated_at` of the previous run.
"""

import argparse
import json
import os
import urllib.parse
import urllib.request

# --- reading the portal -------------------------------------------------------------------


class Portal:
    def __init__(self, base_url: str, token: str):
        self.base_url = base_url.rstrip("/")
        self.token = token

    def get(self, url: str) -> dict:
        request = urllib.request.Request(  # noqa: S310 - the portal's own https URL
            url, headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.load(response)

    def changed(self, path: str, since: str | None, **filters):
        """Every row of a list changed since `since` (all of them without it), oldest change
        first, following the cursor pages."""
        query = {**filters, "page_size": 100, **({"updated_since": since} if since else {})}
        url = f"{self.base_url}{path}?{urllib.parse.urlencode(query)}"
        while url:
            page = self.get(url)
            yield from page["results"]
            url = page["next"]


# --- the field mappings (docs/integrations.md, "Field mapping") ----------------------------

SF_STAGE = {
    "qualifying": "Qualification",
    "proposal": "Proposal/Price Quote",
    "negotiation": "Negotiation/Review",
    "won": "Closed Won",
    "lost": "Closed Lost",
}
SF_LEAD_STATUS = {
    "submitted": "Open - Not Contacted",
    "in_review": "Working - Contacted",
    "approved": "Closed - Converted",
    "rejected": "Closed - Not Converted",
    "withdrawn": "Closed - Not Converted",
}
HS_STAGE = {
    "qualifying": "qualifiedtobuy",
    "proposal": "presentationscheduled",
    "negotiation": "contractsent",
    "won": "closedwon",
    "lost": "closedlost",
}


def sf_account(partner: dict) -> dict:
    return {
        "Name": partner["name"],
        "Website": partner["website"] or None,
        "BillingCountryCode": partner["country"] or None,
        "Type": "Partner",
        "Partner_Type__c": partner["partner_type"],
        "Partner_Status__c": partner["status"],
        "Partner_Tier__c": (partner["tier"] or {}).get("name_en"),
    }


def sf_lead(application: dict) -> dict:
    return {
        "Company": application["company_name"],
        "LastName": application["contact_name"],
        "Email": application["contact_email"],
        "Phone": application["contact_phone"] or None,
        "Website": application["website"],
        "CountryCode": application["country"],
        "LeadSource": "Partner Application",
        "Status": SF_LEAD_STATUS[application["status"]],
        "Description": application["message"] or None,
    }


def reviewed_amount(deal: dict) -> int:
    """The reviewed figure in yen: what counts for a won deal, else what a reviewer approved
    (`amount_jpy` is what the partner claims, which may still be under review)."""
    if deal["stage"] == "won" and deal["counted_amount_jpy"] is not None:
        return deal["counted_amount_jpy"]
    return deal["approved_amount_jpy"]


def sf_opportunity(deal: dict) -> dict:
    return {
        "Name": f"{deal['customer_company']} / {deal['product']['name']}",
        "StageName": SF_STAGE[deal["stage"]],
        "CloseDate": deal["closed_on"] or deal["expected_close_date"],
        "Amount": reviewed_amount(deal),  # yen; the registered currency is in the description
        "Description": f"{deal['amount']} {deal['currency']} registered. {deal['notes']}".strip(),
        "LeadSource": "Partner Referral",
        "Partner_Portal_Status__c": deal["status"],
        "Protected_Until__c": deal["protected_until"],
        # The partner's account, referenced by its external id (no look-up call needed).
        "PartnerAccount": {"Partner_Portal_Partner_Id__c": str(deal["partner"]["id"])},
    }


def hs_company(partner: dict) -> dict:
    return {
        "name": partner["name"],
        "domain": urllib.parse.urlsplit(partner["website"] or "").hostname or "",
        "country": partner["country"],
        "type": "PARTNER",
        "partner_portal_status": partner["status"],
    }


def hs_contact(application: dict) -> dict:
    return {
        "email": application["contact_email"],
        "lastname": application["contact_name"],
        "company": application["company_name"],
        "phone": application["contact_phone"],
        "website": application["website"],
        "lifecyclestage": "lead",
        "partner_portal_status": application["status"],
    }


def hs_deal(deal: dict) -> dict:
    return {
        "dealname": f"{deal['customer_company']} / {deal['product']['name']}",
        "pipeline": "default",
        "dealstage": HS_STAGE[deal["stage"]],
        "amount": str(reviewed_amount(deal)),
        "closedate": deal["closed_on"] or deal["expected_close_date"],
        "partner_portal_status": deal["status"],
        "partner_portal_partner_id": str(deal["partner"]["id"]),
    }


# --- writing the CRM ----------------------------------------------------------------------


class SalesforceSink:
    """simple-salesforce (Apache-2.0): PATCH /sobjects/<Object>/<ExternalIdField>/<value>."""

    def __init__(self, sf):
        self.sf = sf

    def partner(self, row):
        self.sf.Account.upsert(f"Partner_Portal_Partner_Id__c/{row['id']}", sf_account(row))

    def application(self, row):
        self.sf.Lead.upsert(f"Partner_Portal_Application_Id__c/{row['id']}", sf_lead(row))

    def deal(self, row):
        self.sf.Opportunity.upsert(f"Partner_Portal_Deal_Id__c/{row['id']}", sf_opportunity(row))


class HubSpotSink:
    """hubspot-api-client (Apache-2.0): POST /crm/v3/objects/<type>/batch/upsert by a unique
    property, up to 100 records a call."""

    def __init__(self, client):
        self.client = client

    def _upsert(self, api, models, id_property, rows):
        inputs = [
            models.SimplePublicObjectBatchInputUpsert(id_property=id_property, id=str(i), properties=p)
            for i, p in rows
        ]
        if inputs:
            api.batch_api.upsert(models.BatchInputSimplePublicObjectBatchInputUpsert(inputs=inputs))

    def partners(self, rows):
        from hubspot.crm import companies

        self._upsert(
            self.client.crm.companies,
            companies,
            "partner_portal_partner_id",
            [(r["id"], hs_company(r)) for r in rows],
        )

    def applications(self, rows):
        from hubspot.crm import contacts

        self._upsert(
            self.client.crm.contacts,
            contacts,
            "partner_portal_application_id",
            [(r["id"], hs_contact(r)) for r in rows],
        )

    def deals(self, rows):
        from hubspot.crm import deals

        self._upsert(
            self.client.crm.deals, deals, "partner_portal_deal_id", [(r["id"], hs_deal(r)) for r in rows]
        )


def next_since(since, *lists):
    """The newest `updated_at` seen (ISO 8601 strings in UTC sort by time), else `since`."""
    return max([row["updated_at"] for rows in lists for row in rows], default=since)


# Registrations a reviewer approved (and kept after their protection expired); one sent back
# to review (a new amount) keeps its last approved state in the CRM until it is approved again.
REVIEWED = ("approved", "expired")


def sync_salesforce(portal: Portal, sink: SalesforceSink, since: str | None) -> str | None:
    """One run: partners, applications, then deals (only registrations a reviewer approved,
    with their later outcome). Returns the `since` of the next run."""
    seen = []
    for path, write, filters in (
        ("/api/v1/vendor/partners/", sink.partner, {}),
        ("/api/v1/vendor/applications/", sink.application, {"status": "all"}),
        ("/api/v1/vendor/deals/", sink.deal, {}),
    ):
        rows = list(portal.changed(path, since, **filters))
        for row in rows:
            if path.endswith("/deals/") and row["status"] not in REVIEWED:
                continue  # under review or rejected: not an opportunity (yet)
            write(row)
        seen.append(rows)
    return next_since(since, *seen)


def sync_hubspot(portal: Portal, sink: HubSpotSink, since: str | None) -> str | None:
    partners = list(portal.changed("/api/v1/vendor/partners/", since))
    applications = list(portal.changed("/api/v1/vendor/applications/", since, status="all"))
    deals = list(portal.changed("/api/v1/vendor/deals/", since))
    reviewed = [row for row in deals if row["status"] in REVIEWED]
    for batch, write in (
        (partners, sink.partners),
        (applications, sink.applications),
        (reviewed, sink.deals),
    ):
        for start in range(0, len(batch), 100):
            write(batch[start : start + 100])
    return next_since(since, partners, applications, deals)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--since", help="updated_since of this run (ISO 8601); all records without it")
    parser.add_argument("--crm", choices=["salesforce", "hubspot"], default="salesforce")
    args = parser.parse_args()
    portal = Portal(os.environ["PORTAL_URL"], os.environ["PORTAL_TOKEN"])
    if args.crm == "salesforce":
        from simple_salesforce import Salesforce

        sf = Salesforce(instance_url=os.environ["SF_INSTANCE_URL"], session_id=os.environ["SF_SESSION_ID"])
        print(sync_salesforce(portal, SalesforceSink(sf), args.since))
    else:
        from hubspot import HubSpot

        print(
            sync_hubspot(portal, HubSpotSink(HubSpot(access_token=os.environ["HUBSPOT_TOKEN"])), args.since)
        )


if __name__ == "__main__":
    main()
