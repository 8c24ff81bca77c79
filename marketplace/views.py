"""The marketplace's pages: the public partner directory (moved here from partners to show
badges), the public solution listings and their screenshots, and the partner's own listing
pages under /marketplace/ (admins write; members read)."""

from django.contrib import messages
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace import queries, services
from marketplace.filters import DirectoryFilterSet, ListingFilterSet
from marketplace.forms import BadgeForm, ListingForm, ScreenshotForm
from marketplace.models import Listing, Screenshot
from marketplace.services import MarketplaceError
from prm.cache import pagecache
from prm.files.serving import private_file_view, serve
from prm.i18n.kana import kana_order
from prm.tenancy import partner_required
from prm.ui.pagination import paginate

PUBLIC_IMAGE_CACHE = "public, max-age=3600"


# --- Public: the partner directory and the solution marketplace ------------------------


# The public lists span every partner, so no exact scope covers them: they are the cache
# policy's "may lag" kind, kept a minute per language and query (prm.cache.pagecache). A
# listing published or a badge opted into shows within the minute.
PUBLIC_LIST_SECONDS = 60


def _public_list(request, name: str, filterset_class) -> pagecache.LaggingFragment:
    """The list's fragment, kept per filter and page. Parameters the list does not read are
    dropped first (from the key and from its pagination links), so a stray `utm_*` or a
    made-up parameter neither splits the cache nor reaches the next visitor's links."""
    known = {*filterset_class.base_filters, "page"}
    request.GET = _only(request.META.get("QUERY_STRING", ""), known)
    return pagecache.LaggingFragment(request, name, request.GET.urlencode(), seconds=PUBLIC_LIST_SECONDS)


def _only(query_string: str, known: set[str]) -> QueryDict:
    source = QueryDict(query_string)
    return QueryDict(
        urlencode([(key, value) for key in sorted(known & source.keys()) for value in source.getlist(key)])
    )


def _directory_page(request):
    filters = DirectoryFilterSet(request.GET or None, queryset=queries.directory_partners())
    page = paginate(request, filters.qs.order_by(*kana_order("name_kana", "name")), per_page=12)
    partners = list(page.object_list)
    badges, listings = queries.badges_for(partners), queries.listings_by_partner(partners)
    for partner in partners:
        partner.badges, partner.solutions = badges.get(partner.pk), listings.get(partner.pk, [])
    return {"form": filters.form, "page": page, "partners": partners}


@require_GET
def directory(request):
    main = _public_list(request, "marketplace:directory", DirectoryFilterSet)
    data = pagecache.lazy(lambda: _directory_page(request))
    context = {name: pagecache.lazy(lambda name=name: data[name]) for name in ("form", "page", "partners")}
    return render(request, "marketplace/directory.html", {"main": main, **context})


@require_GET
def directory_detail(request, slug):
    partner = queries.directory_partner(slug)
    if partner is None:
        raise Http404
    return render(
        request,
        "marketplace/directory_detail.html",
        {
            "partner": partner,
            "badges": queries.badges_for([partner]).get(partner.pk),
            "listings": queries.listings_by_partner([partner]).get(partner.pk, []),
        },
    )


@require_GET
def solutions(request):
    main = _public_list(request, "marketplace:solutions", ListingFilterSet)
    filters = pagecache.lazy(
        lambda: ListingFilterSet(request.GET or None, queryset=queries.public_listings())
    )
    return render(
        request,
        "marketplace/solutions.html",
        {
            "main": main,
            "form": pagecache.lazy(lambda: filters.form),
            "page": pagecache.lazy(lambda: paginate(request, filters.qs, per_page=12)),
        },
    )


@require_GET
def solution(request, pk):
    listing = get_object_or_404(queries.listing_page(Listing.objects.public()), pk=pk)
    partner = listing.partner
    partner.show_badges = queries.badges_shown(partner)
    return render(
        request,
        "marketplace/solution.html",
        {"listing": listing, "partner": partner, "badges": queries.badges_for([partner]).get(partner.pk)},
    )


@require_GET
def solution_screenshot(request, pk):
    shot = get_object_or_404(Screenshot.objects.filter(listing__in=Listing.objects.public()), pk=pk)
    return screenshot_response(request, shot, cache=PUBLIC_IMAGE_CACHE)


def screenshot_response(request, shot: Screenshot, *, cache: str = "private, no-store"):
    return serve(
        request,
        shot.image,
        filename=f"screenshot-{shot.pk}{shot.image.name[shot.image.name.rfind('.') :]}",
        content_type=shot.content_type,
        as_attachment=False,
        cache=cache,
    )


# --- The partner's listings -----------------------------------------------------------


def _own(request, pk) -> Listing:
    return get_object_or_404(queries.listing_page(Listing.objects.for_partner(request.partner)), pk=pk)


@partner_required
@require_GET
def index(request):
    partner = request.partner
    is_admin = request.membership.is_admin
    return render(
        request,
        "marketplace/index.html",
        {
            "listings": queries.partner_listings(partner),
            "may_list": services.may_list(partner),
            "is_admin": is_admin,
            "in_directory": partner.status == "active" and partner.directory_listed,
            "badge_form": BadgeForm(initial={"show_badges": queries.badges_shown(partner)})
            if is_admin
            else None,
            "badges_shown": queries.badges_shown(partner),
        },
    )


@partner_required(role="admin")
@require_http_methods(["GET", "POST"])
def create(request):
    if not services.may_list(request.partner):
        messages.error(request, _("Solution and delivery partners publish listings in the marketplace."))
        return redirect("marketplace:index")
    form = ListingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.listing_create(
                partner=request.partner,
                actor=request.user,
                fields=form.service_fields(),
                products=form.cleaned_data["products"],
                industries=form.cleaned_data["industries"],
            )
        except MarketplaceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Listing saved as a draft. Add screenshots, then submit it for review.")
            )
            return redirect("marketplace:listing", pk=listing.pk)
    return render(request, "marketplace/listing_form.html", {"form": form, "listing": None})


@partner_required
@require_GET
def listing(request, pk):
    found = _own(request, pk)
    is_admin = request.membership.is_admin
    return render(
        request,
        "marketplace/listing.html",
        {
            "listing": found,
            "is_admin": is_admin,
            "screenshot_form": ScreenshotForm() if is_admin and found.editable else None,
            "in_directory": request.partner.status == "active" and request.partner.directory_listed,
        },
    )


@partner_required(role="admin")
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    found = _own(request, pk)
    if not found.editable:
        messages.error(request, _("Only a draft or returned listing can be changed. Withdraw it first."))
        return redirect("marketplace:listing", pk=found.pk)
    form = ListingForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        try:
            services.listing_update(
                listing=found,
                actor=request.user,
                fields=form.service_fields(),
                products=form.cleaned_data["products"],
                industries=form.cleaned_data["industries"],
            )
        except MarketplaceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Listing saved."))
            return redirect("marketplace:listing", pk=found.pk)
    return render(request, "marketplace/listing_form.html", {"form": form, "listing": found})


def _act(request, pk, action, done: str):
    found = _own(request, pk)
    try:
        action(listing=found, actor=request.user)
    except MarketplaceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("marketplace:listing", pk=found.pk)


@partner_required(role="admin")
@require_POST
def submit(request, pk):
    return _act(
        request,
        pk,
        services.listing_submit,
        _("Submitted. Your channel manager reviews it before it is public."),
    )


@partner_required(role="admin")
@require_POST
def withdraw(request, pk):
    return _act(request, pk, services.listing_withdraw, _("Withdrawn: the listing is a draft again."))


@partner_required(role="admin")
@require_POST
def screenshot_add(request, pk):
    found = _own(request, pk)
    form = ScreenshotForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.screenshot_add(
                listing=found,
                actor=request.user,
                upload=form.cleaned_data["image"],
                checked=form.checked,
                caption=form.cleaned_data["caption"],
            )
        except MarketplaceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Screenshot added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("marketplace:listing", pk=found.pk)


def _own_screenshot(request, pk) -> Screenshot:
    return get_object_or_404(Screenshot.objects.for_partner(request.partner).select_related("listing"), pk=pk)


@partner_required(role="admin")
@require_POST
def screenshot_remove(request, pk):
    shot = _own_screenshot(request, pk)
    try:
        services.screenshot_remove(screenshot=shot, actor=request.user)
    except MarketplaceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Screenshot removed."))
    return redirect("marketplace:listing", pk=shot.listing_id)


@private_file_view
@partner_required
@require_GET
def screenshot_file(request, pk):
    return screenshot_response(request, _own_screenshot(request, pk))


@partner_required(role="admin")
@require_POST
def badges(request):
    form = BadgeForm(request.POST)
    form.is_valid()
    show = bool(form.cleaned_data.get("show_badges"))
    services.badges_set(partner=request.partner, actor=request.user, show=show)
    messages.success(
        request,
        _("Your badges are shown in the partner directory.")
        if show
        else _("Your badges are hidden from the partner directory."),
    )
    return redirect("marketplace:index")
