"""The public directory and solution pages (badges from real data, opt-in; search by product,
industry and region; flat query counts) and the partner's and manager's pages."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from incentives.models import PartnerTierState, Tier
from marketplace import services
from marketplace.models import BadgeChoice, Listing
from tests.factories import PartnerFactory
from tests.incentives.factories import ProductFactory
from tests.marketplace.factories import draft, png, public_listing, published
from tests.partners.factories import IndustryFactory
from tests.training.factories import CertificationFactory, UserCertificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed_a(world):
    world.partner_a.directory_listed = True
    world.partner_a.country = "JP"
    world.partner_a.save(update_fields=["directory_listed", "country"])
    return world.partner_a


def _badge_data(partner, user):
    gold = Tier.objects.create(rank=2, name="ゴールド", name_en="Gold")
    PartnerTierState.objects.update_or_create(partner=partner, defaults={"tier": gold})
    cert = CertificationFactory(name="クラウドERP認定", name_en="Cloud ERP Certified")
    UserCertificationFactory(certification=cert, user=user, partner=partner)
    expired = CertificationFactory(name="旧認定", name_en="Old Certified")
    UserCertificationFactory(
        certification=expired,
        user=user,
        partner=partner,
        issued_on=timezone.localdate() - timedelta(days=400),
        valid_until=timezone.localdate() - timedelta(days=35),
    )


def test_badges_show_only_after_the_partner_opts_in(world, client, listed_a):
    _badge_data(listed_a, world.member_a)
    client.cookies["django_language"] = "en"
    body = client.get("/partners/", HTTP_ACCEPT_LANGUAGE="en").getvalue().decode()
    assert "Gold tier" not in body and "Cloud ERP Certified" not in body
    services.badges_set(partner=listed_a, actor=world.admin_a, show=True)
    # The directory list may lag a minute (the cache policy's "may lag" kind); its own page
    # does not.
    assert "Gold tier" not in client.get("/partners/", HTTP_ACCEPT_LANGUAGE="en").getvalue().decode()
    assert (
        "Gold tier"
        in client.get(f"/partners/{listed_a.slug}/", HTTP_ACCEPT_LANGUAGE="en").getvalue().decode()
    )
    cache.clear()  # a minute later
    for url in ("/partners/", f"/partners/{listed_a.slug}/"):
        body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").getvalue().decode()
        assert "Gold tier" in body and "Cloud ERP Certified · 1 certified person" in body
        assert "Old Certified" not in body  # expired certificates are no badge


def test_directory_and_solutions_search_by_product_industry_and_region(world, listed_a):
    erp, crm = ProductFactory(code="erp", name="クラウドERP"), ProductFactory(code="crm", name="CRM")
    retail, logistics = IndustryFactory(code="retail"), IndustryFactory(code="logistics")
    published(
        listed_a,
        world.admin_a,
        world.manager_a,
        products=[erp],
        industries=[logistics],
        name_en="ERP for logistics",
    )
    other = PartnerFactory(
        name="Gamma SG", partner_type="solution", country="SG", regions=["MY"], directory_listed=True
    )
    other.industries.set([retail])
    public_listing(other, "CRM導入", name_en="CRM rollout", pricing_model="project").products.set([crm])
    draft(listed_a, world.admin_a, products=[crm], name_en="Unreviewed CRM")  # never public

    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    def partners(query):
        return {p.name for p in client.get(f"/partners/?{query}").context["partners"]}

    def solutions(query):
        return {listing.name_en for listing in client.get(f"/solutions/?{query}").context["page"]}

    assert partners("product=erp") == {listed_a.name}
    assert partners("product=crm") == {"Gamma SG"}  # A's CRM listing is a draft
    assert partners("industry=logistics") == {listed_a.name}  # through its listing
    assert partners("industry=retail") == {"Gamma SG"}  # its own industry
    assert partners("country=MY") == {"Gamma SG"}  # a region it serves
    assert solutions("") == {"ERP for logistics", "CRM rollout"}
    assert solutions("product=crm") == {"CRM rollout"}
    assert solutions("industry=logistics") == {"ERP for logistics"}
    assert solutions("country=SG") == {"CRM rollout"}
    assert solutions("q=rollout") == {"CRM rollout"}
    assert solutions("pricing_model=fixed_package") == {"ERP for logistics"}


@pytest.mark.parametrize("count", [2, 8])
def test_public_pages_read_a_fixed_number_of_queries(
    world, client, listed_a, django_assert_max_num_queries, count
):
    industry = IndustryFactory(code="retail")
    products = [ProductFactory(code=f"p{n}") for n in range(2)]
    for n in range(count):
        partner = PartnerFactory(partner_type="solution", directory_listed=True)
        partner.industries.set([industry])
        BadgeChoice.objects.create(partner=partner, show_badges=True)  # the badge reads are grouped
        UserCertificationFactory(partner=partner)
        listing = public_listing(partner, f"Solution {n}")
        listing.products.set(products)
        listing.industries.set([industry])
    # The page and its count, industries, listings, tiers, certificates; the two filter menus.
    with django_assert_max_num_queries(8):
        assert client.get("/partners/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/solutions/").status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(f"/solutions/{listing.pk}/").status_code == 200


def test_screenshots_are_checked_and_public_only_with_the_listing(world, client, client_for, listed_a):
    listing = draft(listed_a, world.admin_a)
    admin = client_for(world.admin_a)
    fake = SimpleUploadedFile("shot.png", b"<script>not an image</script>", content_type="image/png")
    admin.post(f"/marketplace/{listing.pk}/screenshots/", {"image": fake, "caption": "x"})
    huge = png(size=(5000, 4000))  # 20 megapixels: over the screenshot limit
    admin.post(f"/marketplace/{listing.pk}/screenshots/", {"image": huge, "caption": "x"})
    assert listing.screenshots.count() == 0
    admin.post(f"/marketplace/{listing.pk}/screenshots/", {"image": png(), "caption": "ダッシュボード"})
    shot = listing.screenshots.get()
    assert shot.image.name.startswith("marketplace/screenshots/") and not shot.image.name.endswith(
        "/shot.png"
    )
    assert admin.get(f"/marketplace/screenshots/{shot.pk}/").status_code == 200
    assert client.get(f"/solutions/screenshots/{shot.pk}/").status_code == 404  # a draft's
    services.listing_submit(listing=listing, actor=world.admin_a)
    services.listing_publish(listing=listing, actor=world.manager_a)
    response = client.get(f"/solutions/screenshots/{shot.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert 'alt="ダッシュボード"' in client.get(f"/solutions/{listing.pk}/").getvalue().decode()


def test_a_manager_reviews_on_the_staff_page(world, client_for, listed_a):
    listing = services.listing_submit(listing=draft(listed_a, world.admin_a), actor=world.admin_a)
    manager = client_for(world.manager_a)
    assert listing.name in manager.get("/staff/marketplace/").getvalue().decode()
    response = manager.post(f"/staff/marketplace/{listing.pk}/", {"decision": "return", "comment": ""})
    assert response.status_code == 200 and response.context["form"].errors  # a comment is needed
    manager.post(
        f"/staff/marketplace/{listing.pk}/", {"decision": "return", "comment": "英語の説明を補足してください"}
    )
    page = client_for(world.admin_a).get(f"/marketplace/{listing.pk}/").getvalue().decode()
    assert "英語の説明を補足してください" in page
    listing = services.listing_submit(listing=listing, actor=world.admin_a)
    manager.post(f"/staff/marketplace/{listing.pk}/", {"decision": "publish"})
    assert Listing.objects.public().filter(pk=listing.pk).exists()


def test_the_partner_writes_a_listing_in_both_languages(world, client_for):
    industry = IndustryFactory(code="retail")
    admin = client_for(world.admin_a)
    data = {
        "name_ja": "店舗分析",
        "name_en": "Store analytics",
        "description_ja": "店舗データを分析します。",
        "description_en": "Analyses store data.",
        "industries": [industry.pk],
        "pricing_model": "subscription",
        "contact_name": "山田",
        "contact_email": "yamada@alpha.example.jp",
        "contact_url": "javascript:alert(1)",
    }
    response = admin.post("/marketplace/new/", data)
    assert response.status_code == 200 and "contact_url" in response.context["form"].errors
    response = admin.post("/marketplace/new/", {**data, "contact_url": "https://alpha.example.jp/"})
    listing = Listing.objects.get()
    assert response.status_code == 302 and (listing.name_ja, listing.name_en) == (
        "店舗分析",
        "Store analytics",
    )
    assert list(listing.industries.all()) == [industry]
    admin.post(f"/marketplace/{listing.pk}/submit/")
    assert Listing.objects.get().status == "submitted"


def test_the_landing_page_shows_the_newest_published_solutions(world, client):
    world.partner_b.directory_listed = True
    world.partner_b.save(update_fields=["directory_listed"])
    for n in range(4):
        public_listing(
            world.partner_b, f"Shown solution {n}", published_at=timezone.now() + timedelta(minutes=n)
        )
    hidden = public_listing(world.partner_b, "Waiting solution", status="submitted", published_at=None)
    page = client.get("/").content.decode()
    assert [f"Shown solution {n}" in page for n in range(4)] == [False, True, True, True]
    assert hidden.name not in page
    assert 'href="/solutions/"' in page and 'href="/partners/"' in page


def test_parameters_the_lists_do_not_read_neither_split_the_cache_nor_reach_the_links(client):
    for n in range(13):  # two pages
        PartnerFactory(name=f"Partner {n:02}", directory_listed=True)
    cache.clear()
    first = client.get("/partners/?utm_source=evil&q=Partner&page=1").getvalue().decode()
    # (The language switcher returns the visitor to their own address, outside the list.)
    assert not re.search(r'href="[^"]*utm_source', first)
    assert 'href="?page=2&amp;q=Partner"' in first  # the filter the list reads is kept
    PartnerFactory(name="Partner 00a", directory_listed=True)
    # The same list without the stray parameter is the same cached fragment (it may lag).
    again = client.get("/partners/?q=Partner&page=1").getvalue().decode()
    assert "Partner 00a" not in again
    assert client.get("/solutions/?x=%3Cscript%3E").status_code == 200
