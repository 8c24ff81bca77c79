"""The API's routes (API_ROWS: requested with each role's token) and the portal pages for
tokens and webhooks (ROWS: with each role's session)."""

from tests.tenancy import (
    API_MANAGER_A_OBJECT,
    API_MANAGERS,
    API_PARTNER,
    API_PARTNER_ADMIN,
    API_PARTNER_ADMIN_OBJECT,
    API_PARTNER_OBJECT,
    LOGIN,
    PARTNER,
    PARTNER_ADMIN,
    PUBLIC,
    Row,
    expect,
)

STAFF_MANAGERS = expect(200, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403)
ANY_TOKEN = expect(200, anon=401)


def token_a(w):
    """A token of partner A's member (revocable by A's admin and the member)."""
    from api.models import ApiToken
    from tests.api.helpers import make_token

    raw = make_token(w.member_a, name="Alpha Secret Trading 7f3a sync")
    return {"pk": ApiToken.objects.get(key_prefix=raw[:12]).pk}


def with_token_a(w):
    token_a(w)
    return {}


def token_manager_a(w):
    from api.models import ApiToken
    from tests.api.helpers import make_token

    raw = make_token(w.manager_a, name="manager-a CRM")
    return {"pk": ApiToken.objects.get(key_prefix=raw[:12]).pk}


def endpoint_of(owner, partner):
    from prm.webhooks import services
    from prm.webhooks.models import Delivery, Event

    endpoint, _secret = services.endpoint_create(
        owner=owner,
        partner=partner,
        url="https://crm.alpha.example/hooks",
        description="Alpha Secret Trading 7f3a CRM",
        event_types=["deal.approved"],
    )
    event = Event.objects.create(
        type="deal.approved", object_type="deal", object_id="1", partner_id=partner and partner.pk
    )
    delivery = Delivery.objects.create(event=event, endpoint=endpoint, ordering_key="deal:1", attempts=1)
    return endpoint, delivery


def endpoint_a(w):
    return {"pk": endpoint_of(w.admin_a, w.partner_a)[0].pk}


def endpoint_a_action(w):
    return {**endpoint_a(w), "action": "pause"}


def delivery_a(w):
    endpoint, delivery = endpoint_of(w.admin_a, w.partner_a)
    return {"pk": endpoint.pk, "delivery_pk": delivery.pk}


def endpoint_manager_a(w):
    return {"pk": endpoint_of(w.manager_a, None)[0].pk}


def endpoint_manager_a_action(w):
    return {**endpoint_manager_a(w), "action": "pause"}


def delivery_manager_a(w):
    endpoint, delivery = endpoint_of(w.manager_a, None)
    return {"pk": endpoint.pk, "delivery_pk": delivery.pk}


ADMIN_A_OBJECT = expect(404, anon=LOGIN, member_a=403, admin_a=200)
ADMIN_A_POST = expect(404, anon=LOGIN, member_a=403, admin_a=302)
MANAGER_A_OWN = expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=200)
MANAGER_A_POST = expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=302)
REVOKE_A = expect(404, anon=LOGIN, member_a=302, admin_a=302, manager_a=404, manager_other=404, support=404)
STAFF_REVOKE_OWN = expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=302)

MANAGER_ONLY = {"manager_a"}

ROWS = [
    Row("api:docs", PUBLIC),
    Row("integrations:endpoint_create", PARTNER_ADMIN),
    Row("integrations:endpoint", ADMIN_A_OBJECT, kwargs=endpoint_a),
    Row("integrations:endpoint_edit", ADMIN_A_OBJECT, kwargs=endpoint_a),
    Row("integrations:endpoint_action", ADMIN_A_POST, kwargs=endpoint_a_action, method="post"),
    Row("integrations:delivery", ADMIN_A_OBJECT, kwargs=delivery_a),
    Row("integrations:delivery_redeliver", ADMIN_A_POST, kwargs=delivery_a, method="post"),
    Row("integrations:staff_endpoint_create", STAFF_MANAGERS),
    Row("integrations:staff_endpoint", MANAGER_A_OWN, kwargs=endpoint_manager_a, insiders=MANAGER_ONLY),
    Row("integrations:staff_endpoint_edit", MANAGER_A_OWN, kwargs=endpoint_manager_a, insiders=MANAGER_ONLY),
    Row(
        "integrations:staff_endpoint_action",
        MANAGER_A_POST,
        kwargs=endpoint_manager_a_action,
        method="post",
        insiders=MANAGER_ONLY,
    ),
    Row("integrations:staff_delivery", MANAGER_A_OWN, kwargs=delivery_manager_a, insiders=MANAGER_ONLY),
    Row(
        "integrations:staff_delivery_redeliver",
        MANAGER_A_POST,
        kwargs=delivery_manager_a,
        method="post",
        insiders=MANAGER_ONLY,
    ),
    Row("integrations:index", PARTNER, kwargs=with_token_a),
    Row("integrations:token_create", PARTNER_ADMIN),
    Row("integrations:token_revoke", REVOKE_A, kwargs=token_a, method="post"),
    Row("integrations:staff_index", STAFF_MANAGERS, kwargs=with_token_a),
    Row("integrations:staff_token_create", STAFF_MANAGERS),
    Row(
        "integrations:staff_token_revoke",
        STAFF_REVOKE_OWN,
        kwargs=token_manager_a,
        method="post",
        insiders={"manager_a"},
    ),
]

# --- API routes ---------------------------------------------------------------------------

CUSTOMER_A = "Kiyomizu Customer 9d1e"  # partner A's customer: never outside A


def leaks(w):
    return [CUSTOMER_A, "kiyomizu-9d1e"]


def deal_a(w, **kwargs):
    from tests.incentives.factories import DealFactory

    return DealFactory(
        partner=w.partner_a, customer_company=CUSTOMER_A, customer_domain="kiyomizu-9d1e.example.jp", **kwargs
    )


def seeding(make):
    """kwargs for a list row: make the object, no URL arguments."""

    def kwargs(w):
        make(w)
        return {}

    return kwargs


def deal_pk(**kwargs):
    return lambda w: {"pk": deal_a(w, **kwargs).pk}


def new_deal(w):
    from datetime import timedelta

    from django.utils import timezone

    from tests.incentives.factories import ProductFactory

    return {
        "customer_company": "Matrix Customer KK",
        "customer_domain": "matrix-customer.example.jp",
        "contact_name": "山田 太郎",
        "product": ProductFactory().pk,
        "amount": "1200000",
        "expected_close_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "contact_source": "existing",
        "contact_consent": True,
    }


def seed_incentives(w):
    from tests.incentives.tenancy_rows import seed_a

    seed_a(w)
    deal_a(w, won=True)
    return {}


def statement_a(w):
    from tests.incentives.tenancy_rows import statement_a as make

    return make(w)


def cert_a(w):
    from tests.training.factories import UserCertificationFactory

    UserCertificationFactory(partner=w.partner_a, user=w.member_a, certification__name=CUSTOMER_A)
    return {}


def asset_a(w):
    """A published article shared with partner A only."""
    from django.utils import timezone

    from content.models import Asset, AssetShare

    asset = Asset.objects.create(
        title=CUSTOMER_A,
        kind="article",
        body="Only for A",
        status="published",
        published_at=timezone.now(),
        shared_only=True,
        stages=["selling"],
    )
    AssetShare.objects.create(asset=asset, partner=w.partner_a)
    return asset


def asset_file_a(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from content import services

    asset = asset_a(w)
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    services.asset_version_add(asset=asset, upload=upload)
    return asset


def download_url(w):
    from django.core import signing

    from api.views import DOWNLOAD_SALT

    asset = asset_file_a(w)
    asset.refresh_from_db()
    value = {"u": w.member_a.pk, "a": asset.pk, "v": asset.current_version_id}
    return {"signed": signing.dumps(value, salt=DOWNLOAD_SALT)}


def thread_a(w):
    from tests.threads.factories import make_thread

    return make_thread(w.partner_a, w.member_a, subject=CUSTOMER_A)


def plan_a(w):
    from tests.onboarding.factories import PlanFactory, TaskFactory

    plan = PlanFactory(partner=w.partner_a)
    TaskFactory(plan=plan, title=CUSTOMER_A)
    return {}


def upload_task_a(w):
    from onboarding.models import TaskKind
    from tests.onboarding.factories import PlanFactory, TaskFactory

    return {"task_pk": TaskFactory(plan=PlanFactory(partner=w.partner_a), kind=TaskKind.UPLOAD).pk}


def pdf(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("proof.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"), "note": "here"}


def partner_a_in(status):
    def make(w):
        w.partner_a.status = status
        w.partner_a.save()
        return {"pk": w.partner_a.pk}

    return make


def application_pk(w):
    from tests.api.scenarios import application

    return {"pk": application(company_name="Matrix Applicant KK").pk}


def campaign_pk(w):
    from tests.promotion.factories import CampaignFactory

    return {"pk": CampaignFactory().pk}


def tier_pk(w):
    from tests.incentives.factories import make_tiers

    return {"pk": make_tiers()[0].pk}


ANY_SIDE = expect(200, anon=401, support=403)
PARTNER_CREATE = expect(201, anon=401, manager_a=403, manager_other=403, support=403)
PARTNER_OBJECT_CREATE = expect(
    404, anon=401, member_a=201, admin_a=201, manager_a=403, manager_other=403, support=403
)
ONBOARDING = expect(200, anon=401, admin_b=404, manager_a=403, manager_other=403, support=403)
VENDOR_ANY = expect(200, anon=401, member_a=403, admin_a=403, admin_b=403, support=403)  # not partner data
EVERYONE = expect(200)
VENDOR_INSIDERS = {"manager_a"}

API_ROWS = [
    Row("api:schema", PUBLIC),
    Row("api:me", ANY_TOKEN),
    # catalogue
    Row("api:product-list", ANY_SIDE),
    Row("api:tier-list", ANY_SIDE),
    Row("api:tier-detail", ANY_SIDE, kwargs=tier_pk),
    # partner side
    Row("api:deal-list", API_PARTNER, kwargs=seeding(deal_a), leaks=leaks),
    Row(
        "api:deal-list",
        API_PARTNER,
        kwargs=seeding(deal_a),
        leaks=leaks,
        query="?updated_since=2000-01-01T00:00:00Z",
    ),
    Row("api:deal-list", PARTNER_CREATE, method="post", data=new_deal),
    Row("api:deal-detail", API_PARTNER_OBJECT, kwargs=deal_pk(), leaks=leaks),
    Row(
        "api:deal-detail",
        API_PARTNER_OBJECT,
        kwargs=deal_pk(),
        leaks=leaks,
        method="patch",
        data=lambda w: {"stage": "proposal"},
    ),
    Row(
        "api:deal-close",
        API_PARTNER_OBJECT,
        kwargs=deal_pk(approved=True),
        leaks=leaks,
        method="post",
        data=lambda w: {"outcome": "lost", "reason": "budget"},
    ),
    Row("api:tier-state", API_PARTNER, kwargs=seed_incentives, leaks=leaks),
    Row("api:tier-change-list", API_PARTNER, kwargs=seed_incentives, leaks=leaks),
    Row("api:earning-list", API_PARTNER_ADMIN, kwargs=seed_incentives, leaks=leaks),
    Row("api:statement-list", API_PARTNER_ADMIN, kwargs=seed_incentives, leaks=leaks),
    Row("api:statement-detail", API_PARTNER_ADMIN_OBJECT, kwargs=statement_a, leaks=leaks),
    Row("api:certification-list", API_PARTNER, kwargs=cert_a, leaks=leaks),
    Row("api:content-list", API_PARTNER, kwargs=seeding(asset_a), leaks=leaks),
    Row("api:content-detail", API_PARTNER_OBJECT, kwargs=lambda w: {"pk": asset_a(w).pk}, leaks=leaks),
    Row(
        "api:content-download-link",
        API_PARTNER_OBJECT,
        kwargs=lambda w: {"pk": asset_file_a(w).pk},
        leaks=leaks,
    ),
    # A download link works for whoever holds it, until it expires (5 minutes): a bearer link.
    Row("api:content-download", EVERYONE, kwargs=download_url, insiders=set(EVERYONE)),
    Row("api:question-list", API_PARTNER, kwargs=seeding(thread_a), leaks=leaks),
    Row(
        "api:question-list",
        PARTNER_CREATE,
        method="post",
        data=lambda w: {"subject": "Matrix?", "category": "deals", "body": "How?"},
    ),
    Row("api:question-detail", API_PARTNER_OBJECT, kwargs=lambda w: {"pk": thread_a(w).pk}, leaks=leaks),
    Row(
        "api:question-reply",
        PARTNER_OBJECT_CREATE,
        kwargs=lambda w: {"pk": thread_a(w).pk},
        leaks=leaks,
        method="post",
        data=lambda w: {"body": "Thanks"},
    ),
    Row("api:onboarding", ONBOARDING, kwargs=plan_a, leaks=leaks),
    Row("api:onboarding-submission", PARTNER_OBJECT_CREATE, kwargs=upload_task_a, method="post", data=pdf),
    # vendor side
    Row("api:vendor-partner-list", API_MANAGERS, leaks=leaks, insiders=VENDOR_INSIDERS),
    Row(
        "api:vendor-partner-list",
        API_MANAGERS,
        leaks=leaks,
        insiders=VENDOR_INSIDERS,
        query="?q=Alpha&status=active&updated_since=2000-01-01T00:00:00Z",
    ),
    Row(
        "api:vendor-partner-detail",
        API_MANAGER_A_OBJECT,
        kwargs=lambda w: {"pk": w.partner_a.pk},
        insiders=VENDOR_INSIDERS,
    ),
    Row(
        "api:vendor-partner-suspend",
        API_MANAGER_A_OBJECT,
        kwargs=partner_a_in("active"),
        method="post",
        insiders=VENDOR_INSIDERS,
    ),
    Row(
        "api:vendor-partner-reactivate",
        API_MANAGER_A_OBJECT,
        kwargs=partner_a_in("suspended"),
        method="post",
        insiders=VENDOR_INSIDERS,
    ),
    Row(
        "api:vendor-partner-activate",
        API_MANAGER_A_OBJECT,
        kwargs=partner_a_in("onboarding"),
        method="post",
        insiders=VENDOR_INSIDERS,
    ),
    Row(
        "api:vendor-partner-offboard",
        API_MANAGER_A_OBJECT,
        kwargs=partner_a_in("active"),
        method="post",
        insiders=VENDOR_INSIDERS,
    ),
    Row("api:vendor-application-list", VENDOR_ANY, query="?status=all"),
    Row("api:vendor-application-detail", VENDOR_ANY, kwargs=application_pk),
    Row("api:vendor-application-approve", VENDOR_ANY, kwargs=application_pk, method="post"),
    Row(
        "api:vendor-application-reject",
        VENDOR_ANY,
        kwargs=application_pk,
        method="post",
        data=lambda w: {"reason": "fit"},
    ),
    Row(
        "api:vendor-deal-list",
        API_MANAGERS,
        kwargs=seeding(deal_a),
        leaks=leaks,
        insiders=VENDOR_INSIDERS,
    ),
    Row(
        "api:vendor-deal-detail",
        API_MANAGER_A_OBJECT,
        kwargs=deal_pk(),
        leaks=leaks,
        insiders=VENDOR_INSIDERS,
    ),
    Row(
        "api:vendor-deal-approve",
        API_MANAGER_A_OBJECT,
        kwargs=deal_pk(),
        leaks=leaks,
        method="post",
        insiders=VENDOR_INSIDERS,
    ),
    Row(
        "api:vendor-deal-reject",
        API_MANAGER_A_OBJECT,
        kwargs=deal_pk(),
        leaks=leaks,
        method="post",
        data=lambda w: {"reason": "duplicate"},
        insiders=VENDOR_INSIDERS,
    ),
    Row(
        "api:vendor-tier-change-list",
        API_MANAGERS,
        kwargs=seed_incentives,
        leaks=leaks,
        insiders=VENDOR_INSIDERS,
    ),
    Row("api:vendor-program-list", VENDOR_ANY),
    Row("api:vendor-campaign-list", VENDOR_ANY),
    Row("api:vendor-campaign-detail", VENDOR_ANY, kwargs=campaign_pk),
    Row("api:vendor-campaign-results", VENDOR_ANY, kwargs=campaign_pk),
]
