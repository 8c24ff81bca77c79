from datetime import timedelta

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from content import library, queries, services
from content import search as fts
from content.filters import LibraryFilterSet
from content.models import ANALYTICS_PERIODS, Asset, AssetEvent, AssetVersion, Bookmark, Stage
from content.tables import ENGAGEMENT_COLUMNS, TOP_ASSET_COLUMNS, UNOPENED_ASSET_COLUMNS, ZERO_SEARCH_COLUMNS
from prm.columns import csv_export
from prm.files import private_file_view, serve
from prm.models import CHANNEL_MANAGERS
from prm.pagination import paginate, paginate_counted
from prm.redirects import safe_next_url
from prm.tenancy import partner_required, partners_for_staff, staff_required

PER_PAGE = 20
INLINE_TYPES = {"pdf", "image", "video"}


def _asset_or_404(request, pk) -> Asset:
    asset = queries.asset_for_partner(partner=request.partner, pk=pk)
    if asset is None:
        raise Http404
    return asset


# --- Partner library -------------------------------------------------------------------
@partner_required
def index(request):
    roots, by_id = library.collection_tree()
    filterset = LibraryFilterSet(
        request.GET or None, queryset=queries.visible_assets(request.partner), collections_by_id=by_id
    )
    filters = filterset.chosen
    listed = filterset.qs
    count = queries.cached_library_count(partner=request.partner, filters=filters, count=listed.count)
    # The page's ids first (sorted on narrow rows), then those 20 assets with their joins:
    # joining version and collection before the sort carried thousands of wide rows through it.
    page = paginate_counted(request, listed.values_list("pk", flat=True), count=count, per_page=PER_PAGE)
    ids = list(page.object_list)
    found = (
        Asset.objects.select_related("current_version", "collection").prefetch_related("tags").in_bulk(ids)
    )
    items = page.object_list = [found[pk] for pk in ids if pk in found]
    pattern = None
    if filters.q:
        parsed = fts.parse_query(filters.q)
        pattern = fts.highlight_pattern(parsed, fts.english_stems(parsed.words))
        if page.number == 1:
            services.search_log(
                partner=request.partner, user=request.user, query=filters.q, result_count=page.paginator.count
            )
    for asset in items:
        asset.title_html = fts.highlight(asset.title, pattern)
        asset.snippet_html = fts.highlight(asset.summary or asset.body, pattern, limit=160)
    show_recs = not filters.active and page.number == 1
    context = {
        "active_nav": "content",
        "filters": filters,
        "page": page,
        "items": items,
        "bookmarked": queries.bookmarked_ids(request.user, [a.pk for a in items]),
        "collections": list(library.flatten(roots)),
        "current_collection": by_id.get(filters.collection),
        "tags": library.popular_tags(),
        "stages": Stage.choices,
        "kinds": Asset.Kind.choices,
        "languages": Asset.Language.choices,
        "sorts": [
            ("relevance", _("Relevance")),
            ("newest", _("Newest")),
            ("popular", _("Most used")),
        ],
        "recommendations": queries.cached_recommendations(partner=request.partner, user=request.user)
        if show_recs
        else [],
        "stage": request.partner.stage,
    }
    return render(request, "content/index.html", context)


@partner_required
def detail(request, pk):
    asset = _asset_or_404(request, pk)
    services.event_record(asset=asset, partner=request.partner, user=request.user, kind=AssetEvent.Kind.VIEW)
    context = {
        "active_nav": "content",
        "asset": asset,
        "bookmarked": Bookmark.objects.filter(user=request.user, asset=asset).exists(),
        "related": queries.cached_related_assets(partner=request.partner, asset=asset),
        "other_versions": queries.other_versions(partner=request.partner, asset=asset),
        "video_embed": _video_embed(asset.url) if asset.kind == Asset.Kind.VIDEO else "",
    }
    return render(request, "content/detail.html", context)


def _video_embed(url: str) -> str:
    """An embeddable player URL for the common video hosts, else ''."""
    from urllib.parse import parse_qs, urlparse

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


def _file_response(request, version: AssetVersion, *, inline: bool):
    response = serve(
        request,
        version.file,
        filename=version.original_name,
        content_type=version.content_type,
        as_attachment=not inline,
    )
    if inline and version.file_type == "image":
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    elif inline:
        # The PDF/video preview is embedded in our own detail page (<object>, <video>).
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
    return _file_response(request, asset.current_version, inline=False)


@private_file_view
@partner_required
def file_inline(request, pk):
    """The current file for the in-page preview (PDF, image, video): same checks, inline."""
    asset = _asset_or_404(request, pk)
    version = asset.current_version
    if version is None or version.file_type not in INLINE_TYPES:
        raise Http404
    return _file_response(request, version, inline=True)


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
    visible = queries.visible_assets(request.partner)
    qs = (
        Bookmark.objects.for_partner(request.partner)
        .filter(user=request.user, asset__in=visible)
        .select_related("asset", "asset__current_version", "asset__collection")
        .order_by("-created_at", "-pk")
    )
    page = paginate(request, qs, per_page=PER_PAGE)
    return render(request, "content/bookmarks.html", {"active_nav": "content", "page": page})


def home_panel(request, partner):
    """Recommendations on the partner home (prm.views.home_panels)."""
    recs = queries.cached_recommendations(partner=partner, user=request.user, limit=4)
    return "content/home_panel.html", {"recommendations": recs, "stage": partner.stage}


# --- Digest unsubscribe (no login: the signed token is the credential) -------------------
# CSRF-exempt because mail providers POST "List-Unsubscribe=One-Click" (RFC 8058) without a
# session or CSRF token; the signed token in the URL is what authorises the change.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    user = services.user_from_unsubscribe_token(token)
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


# --- Staff -----------------------------------------------------------------------------
def staff_links(request):
    if not request.user.is_channel_manager:
        return []
    return [
        {
            "label": _("Content analytics"),
            "url": reverse("content:staff_analytics"),
            "description": _(
                "Top assets by stage, unopened assets, engagement per partner, failed searches."
            ),
        }
    ]


PERIODS = ANALYTICS_PERIODS
EXPORTS = {
    "top": gettext_lazy("top-assets"),
    "unopened": gettext_lazy("unopened-assets"),
    "partners": gettext_lazy("partner-engagement"),
    "searches": gettext_lazy("zero-result-searches"),
}


@staff_required(groups=(CHANNEL_MANAGERS,))
def staff_analytics(request):
    try:
        days = int(request.GET.get("days", 90))
    except ValueError:
        days = 90
    days = days if days in PERIODS else 90
    partners = partners_for_staff(request.user)
    export = request.GET.get("export", "")
    data = queries.staff_analytics(days=days, partners=partners, top_limit=None if export == "top" else 10)
    searches = queries.zero_result_searches(partners, since=timezone.now() - timedelta(days=days))
    if export in EXPORTS:
        return _analytics_csv(
            export, top=data.top, unopened=data.unopened, engagement=data.engagement, searches=searches
        )
    context = {
        "days": days,
        "periods": PERIODS,
        "as_of": data.as_of,
        "top": [(label, data.top[value]) for value, label in Stage.choices],
        "unopened": _first_unopened(data.unopened),
        "unopened_count": data.unopened.count(),
        "engagement": data.engagement[:50],
        "by_language": data.by_language,
        "searches": searches[:50],
        "chart": _stage_chart(data.top),
    }
    return render(request, "content/staff_analytics.html", context)


def _first_unopened(unopened, n: int = 25) -> list:
    """The first `n` unopened assets: their ids from the covering (status, published_at)
    index first, then those rows (walking the wide asset rows in date order cost ~45 ms)."""
    ids = list(unopened.values_list("pk", flat=True)[:n])
    found = Asset.objects.only("pk", "title", "kind", "language", "published_at").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _stage_chart(top) -> str:
    """The SVG (~6 ms in pygal), kept under its own inputs: the stage sums and the language."""
    from django.utils import translation

    from prm import pagecache

    sums = [(value, sum(r["total"] for r in rows)) for value, rows in top.items()]
    key = f"content:stage-chart:1:{translation.get_language()}:{sums!r}"
    return pagecache.cached((), key, lambda: _stage_chart_svg(sums))


def _stage_chart_svg(sums) -> str:
    import pygal

    chart = pygal.Bar(js=[], height=260, show_legend=False, disable_xml_declaration=True)
    chart.title = _("Opens of the top assets by stage")
    labels = dict(Stage.choices)
    chart.x_labels = [str(labels[v]) for v, _total in sums]
    chart.add(_("Opens"), [total for _v, total in sums])
    return chart.render(is_unicode=True)


def _analytics_csv(export, *, top, unopened, engagement, searches):
    if export == "top":
        rows = [(stage, r) for stage, rs in top.items() for r in rs]
        return csv_export(str(EXPORTS[export]), TOP_ASSET_COLUMNS, rows)
    if export == "unopened":
        return csv_export(str(EXPORTS[export]), UNOPENED_ASSET_COLUMNS, unopened.iterator())
    if export == "partners":
        return csv_export(str(EXPORTS[export]), ENGAGEMENT_COLUMNS, engagement)
    return csv_export(str(EXPORTS[export]), ZERO_SEARCH_COLUMNS, searches)


@private_file_view
@staff_required(groups=(CHANNEL_MANAGERS,))
def staff_version_download(request, pk):
    """Any version (also earlier ones) for channel managers, e.g. from the admin."""
    version = get_object_or_404(AssetVersion, pk=pk)
    return _file_response(
        request, version, inline=request.GET.get("inline") == "1" and version.file_type in INLINE_TYPES
    )
