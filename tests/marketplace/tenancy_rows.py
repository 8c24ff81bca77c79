from tests.tenancy import LOGIN, MANAGERS, PARTNER, PARTNER_ADMIN_OBJECT, PARTNER_OBJECT, PUBLIC, Row, expect

SECRET_LISTING = "Alpha-only listing 3d9f"
PUBLIC_LISTING = "Beta public listing"


# Get-or-make: the hostile-forms test builds every row's objects in one world.
def draft_a(w):
    from marketplace.models import Listing
    from tests.marketplace.factories import draft

    found = Listing.objects.filter(partner=w.partner_a, status="draft").first()
    return found or draft(w.partner_a, w.admin_a, name_ja=SECRET_LISTING, name_en=SECRET_LISTING)


def submitted_a(w):
    from marketplace import services
    from marketplace.models import Listing

    found = Listing.objects.filter(partner=w.partner_a, status="submitted").first()
    return found or services.listing_submit(listing=draft_a(w), actor=w.admin_a)


def published_a(w):
    from marketplace import services
    from marketplace.models import Listing

    found = Listing.objects.filter(partner=w.partner_a, status="published").first()
    return found or services.listing_publish(listing=submitted_a(w), actor=w.manager_a)


def shot_a(w):
    from tests.marketplace.factories import screenshot

    listing = draft_a(w)
    return listing.screenshots.first() or screenshot(listing, w.admin_a, caption=SECRET_LISTING)


def public_b(w):
    """Partner B, listed, with a published listing and a screenshot (made directly: B is a
    sales partner, which the services do not let list; the public pages only read)."""
    from marketplace.models import Listing, Screenshot
    from tests.marketplace.factories import png, public_listing

    w.partner_b.directory_listed = True
    w.partner_b.save(update_fields=["directory_listed"])
    listing = Listing.objects.filter(partner=w.partner_b).first()
    if listing is None:
        listing = public_listing(w.partner_b, PUBLIC_LISTING)
        shot = Screenshot(listing=listing, caption="Beta screen", content_type="image/png")
        shot.image.save("beta.png", png(), save=True)
    return listing


def leaks(w):
    return [SECRET_LISTING]


ADMIN_POST = expect(404, anon=LOGIN, member_a=403, admin_a=302)
# Partner B (a sales partner) cannot start a listing: the page sends it back to the index.
CREATE = expect(200, anon=LOGIN, member_a=403, admin_b=302, manager_a=404, manager_other=404, support=404)
MANAGER_A_OBJECT = expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=200)
MANAGER_A_POST = expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=302)

ROWS = [
    # Public: the directory, the solutions and their screenshots
    Row("marketplace:directory", PUBLIC, kwargs=lambda w: (published_a(w), {})[1], leaks=leaks),
    # Partner A is not listed: its page is a 404 for everyone; a listed partner is public.
    Row("marketplace:directory_detail", expect(404), kwargs=lambda w: {"slug": w.partner_a.slug}),
    Row("marketplace:directory_detail", PUBLIC, kwargs=lambda w: {"slug": public_b(w).partner.slug}),
    Row("marketplace:solutions", PUBLIC, kwargs=lambda w: (published_a(w), public_b(w), {})[2], leaks=leaks),
    Row("marketplace:solution", PUBLIC, kwargs=lambda w: {"pk": public_b(w).pk}),
    # Published, but partner A is not in the directory: not public.
    Row("marketplace:solution", expect(404), kwargs=lambda w: {"pk": published_a(w).pk}),
    Row(
        "marketplace:solution_screenshot", PUBLIC, kwargs=lambda w: {"pk": public_b(w).screenshots.first().pk}
    ),
    Row("marketplace:solution_screenshot", expect(404), kwargs=lambda w: {"pk": shot_a(w).pk}),
    # The partner's own pages
    Row("marketplace:index", PARTNER, kwargs=lambda w: (draft_a(w), {})[1], leaks=leaks),
    Row("marketplace:create", CREATE),
    Row(
        "marketplace:badges",
        expect(302, anon=LOGIN, member_a=403, manager_a=404, manager_other=404, support=404),
        method="post",
        data=lambda w: {"show_badges": "on"},
    ),
    Row("marketplace:listing", PARTNER_OBJECT, kwargs=lambda w: {"pk": draft_a(w).pk}, leaks=leaks),
    Row("marketplace:edit", PARTNER_ADMIN_OBJECT, kwargs=lambda w: {"pk": draft_a(w).pk}, leaks=leaks),
    Row("marketplace:submit", ADMIN_POST, kwargs=lambda w: {"pk": draft_a(w).pk}, method="post"),
    Row("marketplace:withdraw", ADMIN_POST, kwargs=lambda w: {"pk": submitted_a(w).pk}, method="post"),
    Row("marketplace:screenshot_add", ADMIN_POST, kwargs=lambda w: {"pk": draft_a(w).pk}, method="post"),
    # A private file: anonymous requests get a 404, not the login page.
    Row(
        "marketplace:screenshot",
        expect(404, member_a=200, admin_a=200),
        kwargs=lambda w: {"pk": shot_a(w).pk},
    ),
    Row("marketplace:screenshot_remove", ADMIN_POST, kwargs=lambda w: {"pk": shot_a(w).pk}, method="post"),
    # Staff review
    Row("marketplace:staff_listings", MANAGERS, kwargs=lambda w: (submitted_a(w), {})[1], leaks=leaks),
    Row(
        "marketplace:staff_listing", MANAGER_A_OBJECT, kwargs=lambda w: {"pk": submitted_a(w).pk}, leaks=leaks
    ),
    Row(
        "marketplace:staff_listing",
        MANAGER_A_POST,
        kwargs=lambda w: {"pk": submitted_a(w).pk},
        method="post",
        data=lambda w: {"decision": "publish"},
    ),
    Row(
        "marketplace:staff_unpublish",
        MANAGER_A_POST,
        kwargs=lambda w: {"pk": published_a(w).pk},
        method="post",
        data=lambda w: {"comment": "誤記があります"},
    ),
    Row("marketplace:staff_screenshot", MANAGER_A_OBJECT, kwargs=lambda w: {"pk": _submitted_shot(w).pk}),
]


def _submitted_shot(w):
    from marketplace.models import Screenshot

    found = Screenshot.objects.filter(listing__partner=w.partner_a, listing__status="submitted").first()
    if found:
        return found
    shot_a(w)
    return submitted_a(w).screenshots.first()
