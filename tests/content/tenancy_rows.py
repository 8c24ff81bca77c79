from tests.tenancy import LOGIN, MANAGERS, PARTNER, PARTNER_OBJECT, PUBLIC, STAFF, Row, expect

# Partner A's own asset (shared only with A by name): 404 for everybody else.
PARTNER_ASSET = expect(404, anon=LOGIN, member_a=200, admin_a=200)
# A private file URL: 404 for anonymous too (no redirect that says "it exists").
PARTNER_ASSET_FILE = expect(404, member_a=200, admin_a=200)


def _asset_a(w):
    """A published asset shared only with partner A, with a PNG file (thumbnail too)."""
    from content.models import Asset, AssetShare
    from content.services import asset_version_add
    from tests.content.factories import AssetFactory, png_upload

    asset = Asset.objects.filter(title="Alpha only plan").first()
    if asset is None:
        asset = AssetFactory(title="Alpha only plan", kind=Asset.Kind.FILE, shared_only=True)
        AssetShare.objects.create(asset=asset, partner=w.partner_a)
        asset_version_add(asset=asset, upload=png_upload("alpha-plan.png"))
    return asset


def _version_a(w):
    return {"pk": _asset_a(w).current_version_id}


PUBLIC_SECRET = "Public brochure 7e1d"


def _public_asset(w):
    """A public asset with a file (the prospects' library): anyone may read and download it."""
    from content.models import Asset
    from content.services import asset_version_add
    from tests.content.factories import AssetFactory, png_upload

    asset = Asset.objects.filter(title=PUBLIC_SECRET).first()
    if asset is None:
        asset = AssetFactory(title=PUBLIC_SECRET, kind=Asset.Kind.FILE, is_public=True)
        asset_version_add(asset=asset, upload=png_upload("public.png"))
    return {"pk": asset.pk}


def _public_leaks(w):
    """Partner A's own asset never shows on the public pages."""
    _public_asset(w)
    return [_asset_a(w).title]


def _contribution_a(w):
    """Partner A's contribution, waiting for review (its title is A's data)."""
    from content.models import Contribution
    from content.services import contribution_submit

    found = Contribution.objects.filter(asset__title="Alpha case study").first()
    return found or contribution_submit(
        partner=w.partner_a,
        actor=w.member_a,
        kind="case_study",
        fields={"title": "Alpha case study", "body": "How Alpha did it.", "language": "en"},
    )


def _staff_contribution(w):
    """A contribution of support staff (no partner), waiting for review."""
    from content.models import Contribution
    from content.services import contribution_submit

    found = Contribution.objects.filter(asset__title="Support upgrade notes").first()
    return found or contribution_submit(
        partner=None,
        actor=w.support,
        kind="implementation_note",
        fields={"title": "Support upgrade notes", "body": "Steps.", "language": "en"},
    )


def _contribution_with_file(w, *, partner, actor, title):
    from content.models import Contribution
    from content.services import contribution_submit
    from tests.content.factories import png_upload

    found = Contribution.objects.filter(asset__title=title).first()
    return found or contribution_submit(
        partner=partner,
        actor=actor,
        kind="solution_brief",
        fields={"title": title, "body": "", "language": "en"},
        upload=png_upload("brief.png"),
    )


def _file_of_a(w):
    """Partner A's contribution with a file, waiting for review."""
    return {"pk": _contribution_with_file(w, partner=w.partner_a, actor=w.member_a, title="Alpha brief").pk}


def _file_of_support(w):
    """Support staff's contribution with a file, waiting for review."""
    return {"pk": _contribution_with_file(w, partner=None, actor=w.support, title="Support brief").pk}


def _token(w):
    from content.emails import unsubscribe_token

    return {"token": unsubscribe_token(w.member_a)}


ROWS = [
    Row("content:resources", PUBLIC, leaks=_public_leaks),
    Row("content:resource", PUBLIC, kwargs=_public_asset, leaks=_public_leaks),
    Row("content:resource_download", PUBLIC, kwargs=_public_asset),
    Row("content:index", PARTNER, leaks=lambda w: [_asset_a(w).title]),
    Row("content:index", PARTNER, query="?q=Alpha", leaks=lambda w: [_asset_a(w).title]),
    Row("content:bookmarks", PARTNER),
    Row("content:detail", PARTNER_ASSET, kwargs=lambda w: {"pk": _asset_a(w).pk}),
    Row("content:download", PARTNER_ASSET_FILE, kwargs=lambda w: {"pk": _asset_a(w).pk}),
    Row("content:file", PARTNER_ASSET_FILE, kwargs=lambda w: {"pk": _asset_a(w).pk}),
    Row("content:thumbnail", PARTNER_ASSET_FILE, kwargs=lambda w: {"pk": _asset_a(w).pk}),
    Row(
        "content:bookmark",
        expect(404, anon=LOGIN, member_a=302, admin_a=302),
        kwargs=lambda w: {"pk": _asset_a(w).pk},
        method="post",
    ),
    Row("content:contributions", PARTNER, leaks=lambda w: [_contribution_a(w).asset.title]),
    Row("content:contribution_new", PARTNER),
    Row("content:contribution", PARTNER_OBJECT, kwargs=lambda w: {"pk": _contribution_a(w).pk}),
    # The file sent with A's contribution: A's users, at any state; nobody else (404).
    Row("content:contribution_file", PARTNER_ASSET_FILE, kwargs=_file_of_a),
    Row("content:staff_contributions", MANAGERS, leaks=lambda w: [_contribution_a(w).asset.title]),
    Row(
        "content:staff_contributions",
        MANAGERS,
        query="?status=",
        leaks=lambda w: [_contribution_a(w).asset.title],
    ),
    # A's contribution: its manager reviews it; a manager of others and support get a 404.
    Row(
        "content:staff_contribution",
        expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, manager_a=200),
        kwargs=lambda w: {"pk": _contribution_a(w).pk},
    ),
    # Staff content: every channel manager reviews it, and its contributor sees it.
    Row(
        "content:staff_contribution",
        expect(200, anon=LOGIN, member_a=403, admin_a=403, admin_b=403),
        kwargs=lambda w: {"pk": _staff_contribution(w).pk},
    ),
    # Its reviewer gets the file from the staff page; a manager of others and support do not.
    Row(
        "content:staff_contribution_file",
        expect(404, member_a=403, admin_a=403, admin_b=403, manager_a=200),
        kwargs=_file_of_a,
    ),
    # A staff contribution's file: every channel manager, and the support member who sent it.
    Row(
        "content:staff_contribution_file",
        expect(200, anon=404, member_a=403, admin_a=403, admin_b=403),
        kwargs=_file_of_support,
    ),
    Row("content:staff_contribute", STAFF),
    # The signed token is the credential: anyone holding the link may unsubscribe that user.
    Row("content:unsubscribe", PUBLIC, kwargs=_token),
    Row("content:staff_analytics", MANAGERS),
    Row("content:staff_analytics", MANAGERS, query="?export=partners"),
    Row("content:staff_analytics", MANAGERS, query="?export=searches"),
    Row("content:staff_analytics", MANAGERS, query="?export=top"),
    Row("content:staff_analytics", MANAGERS, query="?export=unopened"),
    Row("content:staff_version_download", {**MANAGERS, "anon": 404}, kwargs=_version_a),
]
