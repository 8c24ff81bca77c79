"""The examples in examples/ against the real thing:

- examples/webhook_receiver/receiver.py, started as its README says (a process of its own),
  verifies events with the Standard Webhooks library and keeps them in SQLite;
- examples/crm_sync/sync.py reads the API of a live portal and writes Salesforce and HubSpot
  through their maintained client libraries (simple-salesforce, hubspot-api-client). The
  CRMs cannot be reached from here: a local server plays each one's published REST contract
  (Salesforce: PATCH /services/data/vXX.X/sobjects/<Object>/<ExternalIdField>/<id>, 201 or
  204; HubSpot: POST /crm/v3/objects/<type>/batch/upsert with idProperty, 200 COMPLETE) and
  refuses what the contract does not allow (unknown fields, wrong types, no bearer token).
"""

import json
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from examples.crm_sync import sync
from incentives import services as incentives
from prm.webhooks import services as webhooks
from tests.api.helpers import make_token
from tests.api.receivers import free_port
from tests.api.scenarios import application
from tests.incentives.factories import DealFactory, make_tiers

ROOT = Path(__file__).resolve().parents[2]

# What each CRM object accepts (standard fields from the Salesforce and HubSpot object
# references, and the custom fields the recipe in docs/integrations.md creates).
SALESFORCE_FIELDS = {
    "Account": {
        "Name",
        "Website",
        "BillingCountryCode",
        "Type",
        "Partner_Type__c",
        "Partner_Status__c",
        "Partner_Tier__c",
    },
    "Lead": {
        "Company",
        "LastName",
        "Email",
        "Phone",
        "Website",
        "CountryCode",
        "LeadSource",
        "Status",
        "Description",
    },
    "Opportunity": {
        "Name",
        "StageName",
        "CloseDate",
        "Amount",
        "Description",
        "LeadSource",
        "Partner_Portal_Status__c",
        "Protected_Until__c",
        "PartnerAccount",
    },
}
SALESFORCE_EXTERNAL_IDS = {
    "Account": "Partner_Portal_Partner_Id__c",
    "Lead": "Partner_Portal_Application_Id__c",
    "Opportunity": "Partner_Portal_Deal_Id__c",
}
SALESFORCE_STAGES = {
    "Qualification",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
}
HUBSPOT_ID_PROPERTIES = {
    "companies": "partner_portal_partner_id",
    "contacts": "partner_portal_application_id",
    "deals": "partner_portal_deal_id",
}


class CrmContract(BaseHTTPRequestHandler):
    """Salesforce's and HubSpot's upsert contracts, recording what was written."""

    records: dict = {}
    calls: list = []
    problems: list = []

    def log_message(self, *args):
        pass

    def _body(self):
        return json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")

    def _answer(self, status, body=None):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _refuse(self, reason):
        self.problems.append(reason)
        self._answer(400, [{"message": reason, "errorCode": "INVALID_FIELD"}])

    def do_PATCH(self):  # Salesforce upsert by external id
        parts = self.path.strip("/").split("/")
        if not (
            self.headers.get("Authorization", "").startswith("Bearer ")
            and parts[:3] == ["services", "data", parts[2]]
        ):
            return self._refuse(f"bad request line or auth: {self.path}")
        _s, _d, _version, sobjects, name, field, value = parts
        body = self._body()
        if sobjects != "sobjects" or SALESFORCE_EXTERNAL_IDS.get(name) != field:
            return self._refuse(f"no external id {field} on {name}")
        unknown = set(body) - SALESFORCE_FIELDS[name]
        if unknown:
            return self._refuse(f"{name}: no such fields {sorted(unknown)}")
        if name == "Opportunity":
            if body["StageName"] not in SALESFORCE_STAGES or not isinstance(body["Amount"], int):
                return self._refuse(f"Opportunity: bad stage or amount {body}")
            datetime.strptime(body["CloseDate"], "%Y-%m-%d")  # a date, as Salesforce wants it
            if set(body["PartnerAccount"]) != {"Partner_Portal_Partner_Id__c"}:
                return self._refuse("PartnerAccount must reference the account's external id")
        key = (name, value)
        created = key not in self.records
        self.records[key] = body
        self.calls.append(key)
        return (
            self._answer(
                201, {"id": f"0{len(self.records):014d}", "success": True, "errors": [], "created": True}
            )
            if created
            else self._answer(204)
        )

    def do_POST(self):  # HubSpot batch upsert by a unique property
        parts = self.path.strip("/").split("/")
        if parts[:3] != ["crm", "v3", "objects"] or parts[4:] != ["batch", "upsert"]:
            return self._refuse(f"bad path {self.path}")
        if not self.headers.get("Authorization", "").startswith("Bearer "):
            return self._refuse("no bearer token")
        kind, body = parts[3], self._body()
        now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        results = []
        for item in body["inputs"]:
            if item.get("idProperty") != HUBSPOT_ID_PROPERTIES[kind]:
                return self._refuse(f"{kind}: idProperty {item.get('idProperty')}")
            if not all(isinstance(v, str) or v is None for v in item["properties"].values()):
                return self._refuse(f"{kind}: HubSpot properties are strings: {item['properties']}")
            key = (kind, item["id"])
            created = key not in self.records
            self.records[key] = item["properties"]
            self.calls.append(key)
            results.append(
                {
                    "id": str(len(self.records)),
                    "properties": item["properties"],
                    "createdAt": now,
                    "updatedAt": now,
                    "archived": False,
                    "new": created,
                }
            )
        return self._answer(
            200, {"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now}
        )


@pytest.fixture
def crm():
    CrmContract.records, CrmContract.calls, CrmContract.problems = {}, [], []
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), CrmContract)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


class PlainHttp(requests.adapters.HTTPAdapter):
    """simple-salesforce always speaks https to its instance; the local contract is plain http."""

    def send(self, request, **kwargs):
        request.url = request.url.replace("https://", "http://", 1)
        return super().send(request, **kwargs)


def portal_data(world):
    make_tiers()
    approved = DealFactory(partner=world.partner_a, approved=True, customer_company="Kiyomizu KK")
    won = DealFactory(partner=world.partner_b, won=True)
    waiting = DealFactory(partner=world.partner_a)  # under review: not an opportunity yet
    applied = application(company_name="Hoshizora KK")
    return approved, won, waiting, applied


@pytest.mark.django_db(transaction=True)
def test_salesforce_recipe_against_the_published_contract(world, live_server, crm):
    from simple_salesforce import Salesforce

    approved, won, waiting, applied = portal_data(world)
    portal = sync.Portal(live_server.url, make_token(world.superuser))
    session = requests.Session()
    session.mount("https://", PlainHttp())
    sf = Salesforce(
        instance_url=f"https://127.0.0.1:{crm.server_port}", session_id="00D-session", session=session
    )
    since = sync.sync_salesforce(portal, sync.SalesforceSink(sf), None)
    records = CrmContract.records
    assert CrmContract.problems == []
    assert {key[1] for key in records if key[0] == "Account"} == {
        str(world.partner_a.pk),
        str(world.partner_b.pk),
    }
    assert records[("Lead", str(applied.pk))]["Company"] == "Hoshizora KK"
    opportunity = records[("Opportunity", str(approved.pk))]
    assert opportunity["StageName"] == "Qualification" and opportunity["Amount"] == 1_000_000
    assert opportunity["PartnerAccount"] == {"Partner_Portal_Partner_Id__c": str(world.partner_a.pk)}
    assert records[("Opportunity", str(won.pk))]["StageName"] == "Closed Won"
    assert ("Opportunity", str(waiting.pk)) not in records
    # The next run reads only what changed since: the registration approved meanwhile.
    CrmContract.calls.clear()
    time.sleep(0.01)
    incentives.deal_approve(deal=waiting, actor=world.superuser)
    since = sync.sync_salesforce(portal, sync.SalesforceSink(sf), since)
    assert ("Opportunity", str(waiting.pk)) in CrmContract.calls
    # updated_since is inclusive: the newest record of the last run may come again (an upsert:
    # harmless); nothing older does.
    assert len(CrmContract.calls) <= 2, CrmContract.calls
    assert since is not None


@pytest.mark.django_db(transaction=True)
def test_hubspot_recipe_against_the_published_contract(world, live_server, crm):
    from hubspot import HubSpot

    approved, won, waiting, applied = portal_data(world)
    portal = sync.Portal(live_server.url, make_token(world.superuser))
    client = HubSpot(access_token="pat-na1-test", host=f"http://127.0.0.1:{crm.server_port}")
    sync.sync_hubspot(portal, sync.HubSpotSink(client), None)
    records = CrmContract.records
    assert CrmContract.problems == []
    assert records[("deals", str(approved.pk))]["dealstage"] == "qualifiedtobuy"
    assert records[("deals", str(won.pk))]["dealstage"] == "closedwon"
    assert records[("deals", str(won.pk))]["amount"] == "1000000"
    assert ("deals", str(waiting.pk)) not in records
    assert records[("contacts", str(applied.pk))]["lifecyclestage"] == "lead"
    assert records[("companies", str(world.partner_a.pk))]["type"] == "PARTNER"


@pytest.mark.django_db(transaction=True)
def test_the_example_receiver_as_its_own_process(
    world, tmp_path, settings, django_capture_on_commit_callbacks
):
    from partners.services import partner_reactivate, partner_suspend

    port = free_port()
    db = tmp_path / "portal.sqlite3"
    _endpoint, secret = webhooks.endpoint_create(
        owner=world.superuser,
        partner=None,
        url=f"http://127.0.0.1:{port}/",
        description="example receiver",
        event_types=["partner.suspended", "partner.activated"],
    )
    receiver = subprocess.Popen(
        [sys.executable, "examples/webhook_receiver/receiver.py", "--port", str(port), "--db", str(db)],
        cwd=ROOT,
        env={"PORTAL_WEBHOOK_SECRET": secret, "PATH": "/usr/bin:/bin"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert b"listening" in receiver.stdout.readline()
        partner_suspend(partner=world.partner_a, actor=world.superuser)
        partner_reactivate(partner=world.partner_a, actor=world.superuser)
        rows = sqlite3.connect(db).execute("SELECT type, object_id FROM events ORDER BY seq").fetchall()
        assert rows == [
            ("partner.suspended", str(world.partner_a.pk)),
            ("partner.activated", str(world.partner_a.pk)),
        ]
        state = json.loads(sqlite3.connect(db).execute("SELECT data FROM objects").fetchone()[0])
        assert state["status"] == "active"
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)
