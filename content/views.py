import hashlib
import re
from urllib.parse import parse_qs, urlparse

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from content import emails, library, queries, services
from content import search as fts
from content.filters import LibraryFilterSet
from content.forms import ContributionForm
from content.models import Asset, AssetEvent, AssetVersion, Bookmark, PublicAssetEvent, Stage
from prm.cache import pagecache
from prm.files.serving import allow_framing_of, private_file_view, serve
from prm.http.attribution import request_visitor
from prm.http.redirects import safe_next_url
from prm.tenancy import partner_required
from prm.ui.pagination import paginate, paginate_counted

PER_PAGE = 20
INLINE_TYPES = {"pdf", "image", "video"}


def _asset_or_404(request, pk) -> Asset:
    asset = queries.asset_for_partner(partner=request.partner, pk=pk)
    if asset is None:
        raise Http404
    return asset


class _LazyIds:
    """A sliceable stand-in for the list's ids: `build(start, stop)` runs only when a slice is listed."""

    def __init__(self, build):
        self.build = build

    def __getitem__(self, window):
        return _LazySlice(self.build, window)


class _LazySlice:
    def __init__(self, build, window):
        self.build, self.window = build, window

    def __iter__(self):
        return iter(self.build(self.window.start or 0, self.window.stop))


# --- Partner library -------------------------------------------------------------------
@partner_required
def index(request):
    """The library. What everyone of the partner sees (filters, collections, the page of
    results) is one exact fragment per query string; the recommendations one per person; the
    bookmark stars are filled in per request (one query); a search's first page is logged."""
    partner = request.partner
    # Declared first: their keys join the request's first batched cache read.
    main = pagecache.Fragment(
        request,
        "content:library",
        "catalogue partner",
        request.GET.urlencode(),
        fill=_stars,
        timeout=queries.LIBRARY_COUNT_SECONDS,  # "most used" follows the hourly counters
    )
    queries.prefetch_bookmarks(partner=partner, user=request.user)  # the stars
    recs = pagecache.Fragment(
        request,
        "content:library-recs",
        "catalogue partner person",
        timeout=queries.RECOMMENDATIONS_CACHE_SECONDS,
    )
    tree = pagecache.lazy(library.collection_tree)  # read on a miss, or for a collection filter

    def filterset(queryset):
        return LibraryFilterSet(
            request.GET or None, queryset=queryset, collections_by_id=pagecache.lazy(lambda: tree[1])
        )

    # The filters parsed (no rows needed), and the filter set over the partner's assets for a
    # miss only (building the audience rule reads the tier).
    filters = pagecache.lazy(lambda: filterset(Asset.objects.none()).chosen)
    visible = pagecache.lazy(lambda: filterset(queries.visible_assets(partner)))
    page_number = request.GET.get("page") or "1"
    # Recommendations on the first page of the unfiltered library (the filters are parsed
    # only when the query string has some: parsing costs more than the page's hit).
    filtered = any(request.GET.get(name) for name in LIBRARY_FILTERS)
    show_recs = page_number == "1" and not (filtered and filters.active)
    if request.GET.get("q") and filters.q and page_number == "1":  # logged with its count
        queries.prefetch_library_count(partner=partner, filters=filters)  # in the page's one batch
        count = queries.cached_library_count(
            partner=partner, filters=filters, count=lambda: visible.qs.count()
        )
        services.search_log(partner=partner, user=request.user, query=filters.q, result_count=count)
    shown = pagecache.lazy(lambda: _library_page(request, visible, tree))
    recommendations = pagecache.lazy(
        lambda: queries.cached_recommendations(partner=partner, user=request.user) if show_recs else []
    )
    context = {name: pagecache.lazy(lambda name=name: shown[name]) for name in LIBRARY_FIGURES}
    context |= {
        "active_nav": "content",
        "filters": filters,
        "recommendations": recommendations,
        "recommendation_cards": pagecache.lazy(
            lambda: _asset_cards([(rec.asset, rec.reason) for rec in recommendations])
        ),
        "stages": Stage.choices,
        "kinds": Asset.Kind.choices,
        "languages": Asset.Language.choices,
        "sorts": [
            ("relevance", _("Relevance")),
            ("newest", _("Newest")),
            ("popular", _("Most used")),
        ],
        "main": main,
        "recs": show_recs and recs,
    }
    return render(request, "content/index.html", context)


LIBRARY_FIGURES = ("page", "items", "collections", "current_collection", "tags")
LIBRARY_FILTERS = ("q", "stage", "kind", "language", "tag", "collection")


def _library_page(request, filterset, tree) -> dict:
    """What the library's fragment shows: read only when it is rendered (a miss)."""
    partner, filters = request.partner, filterset.chosen
    roots, by_id = tree
    # The filtered queryset is only built when the count or the page's ids are not cached
    # (building the audience and one-language-version SQL alone took ~3 ms).
    count = queries.cached_library_count(partner=partner, filters=filters, count=lambda: filterset.qs.count())
    # The page's ids first (sorted on narrow rows), then those 20 assets with their joins:
    # joining version and collection before the sort carried thousands of wide rows through it.
    page = paginate_counted(request, _LazyIds(filterset.page_ids), count=count, per_page=PER_PAGE)
    ids = queries.cached_page_ids(
        partner=partner, filters=filters, page_number=page.number, ids=lambda: list(page.object_list)
    )
    found = (
        Asset.objects.select_related("current_version", "collection")
        .defer("search_vector")  # the whole text's lexemes: large, and not shown
        .prefetch_related("tags")
        .in_bulk(ids)
    )
    items = page.object_list = [found[pk] for pk in ids if pk in found]
    pattern = None
    if filters.q:
        parsed = fts.parse_query(filters.q)
        pattern = fts.highlight_pattern(parsed, fts.english_stems(parsed.words))
    for asset in items:
        asset.title_html = fts.highlight(asset.title, pattern)
        asset.snippet_html = fts.highlight(asset.summary or asset.body, pattern, limit=160)
    _library_rows(request, items)
    collection_query = request.GET.copy()
    collection_query.pop("page", None)
    collection_query.pop("collection", None)
    collections = list(library.flatten(roots))
    for c in collections:
        collection_query["collection"] = c.pk
        c.query = collection_query.urlencode()
    return {
        "page": page,
        "items": items,
        "collections": collections,
        "current_collection": by_id.get(filters.collection),
        "tags": list(library.popular_tags()),
    }


STAR = re.compile(r"<!--star:(\d+)-->")


def _stars(html: str, request) -> str:
    """The person's bookmark stars on a shared page of results (one query)."""
    ids = {int(pk) for pk in STAR.findall(html)}
    if not ids:
        return html
    starred = queries.cached_bookmarked_ids(partner=request.partner, user=request.user)
    star = render_to_string("content/_star.html")
    return STAR.sub(lambda m: star if int(m.group(1)) in starred else "", html)


# Each row's shared part (thumbnail, title, badges, stages, collection, date, snippet) and each
# card is a fragment of the catalogue: rendered once per asset, highlight and language, read
# again after any change of the catalogue (so nothing lists the fields a row shows).
ROW_SECONDS = 3600


def _digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def _fragments(items, key, render) -> list[str]:
    """`render(item)` for each item as a catalogue fragment under `key(item)`, read in one batch."""
    scopes = (pagecache.catalogue(),)
    keys = [key(item) for item in items]
    for k in keys:
        pagecache.want(k, scopes, language=True)
    return [
        pagecache.fragment(k, scopes, lambda item=item: render(item), timeout=ROW_SECONDS)
        for k, item in zip(keys, items, strict=True)
    ]


def _asset_cards(pairs) -> list[str]:
    """`content/_asset_card.html` for each (asset, reason)."""
    return _fragments(
        pairs,
        lambda pair: (
            f"content:card:{pair[0].pk}:{_digest(str(pair[1] or ''), getattr(pair[0], 'title_html', None))}"
        ),
        lambda pair: render_to_string(
            "content/_asset_card.html", {"asset": pair[0], "reason": pair[1], "hide_summary": False}
        ),
    )


def _library_rows(request, items) -> None:
    """Set `row_html` (a shared fragment) and `tag_links` (this request's query string) on each asset."""
    rows = _fragments(
        items,
        lambda asset: f"content:row:{asset.pk}:{_digest(asset.title_html, asset.snippet_html)}",
        lambda asset: render_to_string("content/_library_row.html", {"asset": asset}),
    )
    for asset, html in zip(items, rows, strict=True):
        asset.row_html = html
    base = request.GET.copy()
    base.pop("page", None)
    for asset in items:
        links = []
        for tag in asset.tags.all():
            base["tag"] = tag.slug
            links.append((tag, base.urlencode()))
        asset.tag_links = links


@partner_required
def detail(request, pk):
    """The asset page: one exact fragment per asset (the related cards may lag five
    minutes); the person's bookmark button is filled in per request."""
    main = pagecache.Fragment(
        request,
        "content:asset",
        "catalogue partner",
        pk,
        fill=lambda html, request: html.replace(BOOKMARK_SLOT, _bookmark_button(request, asset)),
        timeout=queries.RECOMMENDATIONS_CACHE_SECONDS,
    )
    queries.prefetch_bookmarks(partner=request.partner, user=request.user)  # the button
    # The asset through the audience rule: exact under the catalogue and the partner (its tier
    # and shares), read in the same batch as the fragment on a hit.
    asset = pagecache.object_or_404(
        request,
        "content:asset-row",
        pk,
        "catalogue partner",
        lambda: queries.asset_for_partner(partner=request.partner, pk=pk),
    )
    services.event_record(asset=asset, partner=request.partner, user=request.user, kind=AssetEvent.Kind.VIEW)
    related = pagecache.lazy(lambda: queries.cached_related_assets(partner=request.partner, asset=asset))
    context = {
        "active_nav": "content",
        "asset": asset,
        "bookmark_slot": BOOKMARK_SLOT,
        "related": related,
        "related_cards": pagecache.lazy(lambda: _asset_cards([(r, None) for r in related])),
        "other_versions": pagecache.lazy(
            lambda: queries.other_versions(partner=request.partner, asset=asset)
        ),
        "video_embed": _video_embed(asset.url) if asset.kind == Asset.Kind.VIDEO else "",
        # Read on a miss of the fragment only; the catalogue scope holds it (Contribution.cache_scopes).
        "credit": pagecache.lazy(lambda: queries.asset_credit(asset.pk)),
        "main": main,
    }
    response = render(request, "content/detail.html", context)
    if asset.current_version and asset.current_version.file_type == "pdf":
        allow_framing_of(response, request, reverse("content:file", args=[asset.pk]))
    return response


BOOKMARK_SLOT = mark_safe("<!--bookmark-->")


def _bookmark_button(request, asset) -> str:
    bookmarked = asset.pk in queries.cached_bookmarked_ids(partner=request.partner, user=request.user)
    return render_to_string(
        "content/index.html#bookmark_button", {"asset": asset, "bookmarked": bookmarked}, request=request
    )


def _video_embed(url: str) -> str:
    """An embeddable player URL for the common video hosts, else ''."""
    if not url:
        return ""
    parts = urlparse(url)
    host = parts.netloc.lower().removeprefix("www.")
    if host in ("youtube.com", "m.youtube.com") and parts.path == "/watch":
        vid = parse_qs(parts.query).get("v", [""])[0]
    elif host == "youtu.be":
        vid = parts.path.lstrip("/")
    elif host == "vimeo.com" and parts.path.strip("/").isdigit():
        return f"https://player.vimeo.com/video/{parts.path.strip('/')}"
    else:
        return ""
    return (
        f"https://www.youtube-nocookie.com/embed/{vid}"
        if vid.replace("-", "").replace("_", "").isalnum()
        else ""
    )


def file_response(request, version: AssetVersion, *, inline: bool):
    response = serve(
        request,
        version.file,
        filename=version.original_name,
        content_type=version.content_type,
        as_attachment=not inline,
    )
    # The preview is embedded in our own detail page (<object>, <img>, <video>): the portal
    # may frame its own files, nothing else may (prm.files.serving.allow_framing_of).
    if inline and version.file_type == "image":
        response["Content-Security-Policy"] = (
            "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'self'"
        )
        response["X-Frame-Options"] = "SAMEORIGIN"
    elif inline:
        response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@private_file_view
@partner_required
def download(request, pk):
    """The current file as an attachment, only through the audience check (never a media URL)."""
    asset = _asset_or_404(request, pk)
    if asset.current_version is None:
        raise Http404
    services.event_record(
        asset=asset, partner=request.partner, user=request.user, kind=AssetEvent.Kind.DOWNLOAD
    )
    return file_response(request, asset.current_version, inline=False)


@private_file_view
@partner_required
def file_inline(request, pk):
    """The current file for the in-page preview (PDF, image, video): same checks, inline."""
    asset = _asset_or_404(request, pk)
    version = asset.current_version
    if version is None or version.file_type not in INLINE_TYPES:
        raise Http404
    return file_response(request, version, inline=True)


@private_file_view
@partner_required
def thumbnail(request, pk):
    asset = _asset_or_404(request, pk)
    version = asset.current_version
    if version is None or not version.thumbnail:
        raise Http404
    return serve(
        request,
        version.thumbnail,
        filename=f"{asset.pk}-thumb.png",
        content_type="image/png",
        as_attachment=False,
        cache="private, max-age=3600",
    )


@require_POST
@partner_required
def bookmark(request, pk):
    asset = _asset_or_404(request, pk)
    on = services.bookmark_toggle(user=request.user, partner=request.partner, asset=asset)
    if request.htmx:
        return render(request, "content/index.html#bookmark_button", {"asset": asset, "bookmarked": on})
    return HttpResponseRedirect(
        safe_next_url(request, request.POST.get("next"), reverse("content:detail", args=[asset.pk]))
    )


@partner_required
def bookmarks(request):
    main = pagecache.Fragment(
        request, "content:bookmarks", "catalogue partner person", request.GET.urlencode()
    )

    def bookmarked():
        visible = queries.visible_assets(request.partner)
        return (
            Bookmark.objects.for_partner(request.partner)
            .filter(user=request.user, asset__in=visible)
            .select_related("asset", "asset__current_version", "asset__collection")
            .order_by("-created_at", "-pk")
        )

    page = pagecache.lazy(lambda: paginate(request, bookmarked(), per_page=PER_PAGE))
    return render(request, "content/bookmarks.html", {"active_nav": "content", "page": page, "main": main})


def home_panel(request, partner):
    """Recommendations on the partner home (prm.views.home_panels): what the card shows (id,
    title, first reason), exact per person like the recommendations themselves."""

    def compute():
        recs = queries.cached_recommendations(partner=partner, user=request.user, limit=4)
        return [
            {"pk": r.asset.pk, "title": r.asset.title, "language": r.asset.language, "reason": str(r.reason)}
            for r in recs
        ]

    scopes = (*queries.library_scopes(partner), pagecache.person(request.user.pk))
    key = f"content:home:{translation.get_language()}"
    recs = pagecache.cached(key, scopes, compute, timeout=queries.RECOMMENDATIONS_CACHE_SECONDS)
    return "content/home_panel.html", {"recommendations": recs, "stage": partner.stage}


# --- Digest unsubscribe (no login: the signed token is the credential) -------------------
# CSRF-exempt because mail providers POST "List-Unsubscribe=One-Click" (RFC 8058) without a
# session or CSRF token; the signed token in the URL is what authorises the change.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    user = emails.user_from_unsubscribe_token(token)
    if user is None:
        return render(request, "content/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "GET":
        # A GET only asks: mail scanners and link previews open every link in a mail.
        return render(request, "content/unsubscribe.html", {"confirm": True, "token": token})
    if request.POST.get("action") == "resubscribe":
        services.digest_resubscribe(user=user)
        return render(request, "content/unsubscribe.html", {"resubscribed": True, "token": token})
    # The confirm button, or RFC 8058 one-click ("List-Unsubscribe=One-Click") from the mail provider.
    services.digest_unsubscribe(user=user)
    return render(request, "content/unsubscribe.html", {"unsubscribed": True, "token": token})


# --- public resources (prospects; no sign-in) ------------------------------------------

PUBLIC_PER_PAGE = 12


def _public_asset_or_404(pk) -> Asset:
    asset = queries.public_asset(pk)
    if asset is None:
        raise Http404
    return asset


def _public_visitor(request) -> str | None:
    return request_visitor(request, day=timezone.localdate(), purpose="content.public.visitor")


@require_GET
def resources(request):
    """The public resources page: what the vendor publishes to attract new partners."""
    page = paginate(request, queries.public_assets(), per_page=PUBLIC_PER_PAGE)
    return render(request, "content/resources.html", {"page": page})


@require_GET
def resource(request, pk):
    asset = _public_asset_or_404(pk)
    services.public_event_record(
        asset=asset, kind=PublicAssetEvent.Kind.VIEW, visitor=_public_visitor(request)
    )
    return render(
        request,
        "content/resource.html",
        {"asset": asset, "video_embed": _video_embed(asset.url) if asset.kind == Asset.Kind.VIDEO else ""},
    )


@require_GET
def resource_download(request, pk):
    asset = _public_asset_or_404(pk)
    if asset.current_version is None:
        raise Http404
    services.public_event_record(
        asset=asset, kind=PublicAssetEvent.Kind.DOWNLOAD, visitor=_public_visitor(request)
    )
    return file_response(request, asset.current_version, inline=False)


# --- Contributions -----------------------------------------------------------------------
def contribution_fields(form) -> dict:
    return {name: form.cleaned_data.get(name, "") for name in services.CONTRIBUTION_TEXT_FIELDS}


@partner_required
def contributions(request):
    """What the partner's users contributed, with each one's review state."""
    page = paginate(request, queries.partner_contributions(request.partner), per_page=PER_PAGE)
    return render(request, "content/contributions.html", {"active_nav": "content", "page": page})


def submitted(request, form, *, partner):
    """Send the bound `form` as a new contribution of `partner` (None: staff); the
    contribution, or None with the form's errors set."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        contribution = services.contribution_submit(
            partner=partner,
            actor=request.user,
            kind=form.cleaned_data["kind"],
            fields=contribution_fields(form),
            upload=form.cleaned_data.get("upload"),
        )
    except services.ContentError as exc:
        form.add_error(None, str(exc))
        return None
    messages.success(request, _("Thank you. A channel manager will review your contribution."))
    return contribution


def resubmitted(request, form, contribution) -> bool:
    """Send a returned contribution again with the bound `form`'s changes."""
    if request.method != "POST" or form is None or not form.is_valid():
        return False
    try:
        services.contribution_resubmit(
            contribution=contribution,
            actor=request.user,
            fields=contribution_fields(form),
            upload=form.cleaned_data.get("upload"),
        )
    except services.ContentError as exc:
        form.add_error(None, str(exc))
        return False
    messages.success(request, _("Your contribution was sent again for review."))
    return True


def form_status(form) -> int:
    return 400 if form is not None and form.is_bound and form.errors else 200


@partner_required
def contribution_new(request):
    form = ContributionForm(request.POST or None, request.FILES or None)
    contribution = submitted(request, form, partner=request.partner)
    if contribution is not None:
        return redirect("content:contribution", pk=contribution.pk)
    context = {"active_nav": "content", "form": form}
    return render(request, "content/contribution_form.html", context, status=form_status(form))


@partner_required
def contribution(request, pk):
    """One contribution: its state and the reviewer's comment; sent again once changed."""
    found = queries.partner_contribution(partner=request.partner, pk=pk)
    if found is None:
        raise Http404
    form = resubmit_form(request, found)
    if resubmitted(request, form, found):
        return redirect("content:contribution", pk=found.pk)
    context = {"active_nav": "content", "contribution": found, "form": form}
    return render(request, "content/contribution.html", context, status=form_status(form))


@private_file_view
@partner_required
def contribution_file(request, pk):
    """The file sent with one of the partner's contributions, at any state (the library
    serves it only once published, and only to its audience)."""
    found = queries.partner_contribution(partner=request.partner, pk=pk)
    return contribution_file_response(request, found)


def contribution_file_response(request, contribution):
    version = contribution.asset.current_version if contribution is not None else None
    if version is None:
        raise Http404
    return file_response(request, version, inline=False)


def resubmit_form(request, contribution) -> ContributionForm | None:
    """The change form of a returned contribution (None otherwise; a POST then is refused)."""
    if contribution.status != contribution.Status.RETURNED:
        if request.method == "POST":
            raise PermissionDenied
        return None
    asset = contribution.asset
    initial = {"title": asset.title, "summary": asset.summary, "body": asset.body, "language": asset.language}
    if request.method == "POST":
        return ContributionForm(request.POST, request.FILES, resubmit=True, initial=initial)
    return ContributionForm(resubmit=True, initial=initial)
