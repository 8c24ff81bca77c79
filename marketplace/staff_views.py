"""Staff pages of the marketplace under /staff/marketplace/: the listings awaiting review and
each listing's page, where a channel manager publishes it or returns it with a comment.
Channel managers, within their partners."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from marketplace import queries, services
from marketplace.forms import DecisionForm
from marketplace.models import Listing, Screenshot
from marketplace.services import MarketplaceError
from marketplace.views import screenshot_response
from prm.access.scoping import scoped
from prm.models import CHANNEL_MANAGERS
from prm.tenancy import partners_for_staff, staff_required
from prm.ui.pagination import paginate

managers_only = staff_required(groups=(CHANNEL_MANAGERS,))


@managers_only
@require_GET
def staff_listings(request):
    visible = partners_for_staff(request.user)
    status = request.GET.get("status", Listing.Status.SUBMITTED)
    if status not in Listing.Status.values or status == Listing.Status.DRAFT:
        status = Listing.Status.SUBMITTED
    counts = dict(
        queries.review_queue(visible)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    page = paginate(request, queries.review_queue(visible, status=status), per_page=25)
    tabs = [
        (value, label, counts.get(value, 0)) for value, label in Listing.Status.choices if value != "draft"
    ]
    return render(request, "marketplace/staff/listings.html", {"page": page, "status": status, "tabs": tabs})


def _visible(request, pk) -> Listing:
    listings = scoped(Listing.objects.exclude(status=Listing.Status.DRAFT), partners_for_staff(request.user))
    return get_object_or_404(queries.listing_page(listings), pk=pk)


@managers_only
@require_http_methods(["GET", "POST"])
def staff_listing(request, pk):
    found = _visible(request, pk)
    form = DecisionForm(request.POST or None) if found.status == Listing.Status.SUBMITTED else None
    if request.method == "POST" and form is not None and form.is_valid():
        comment = form.cleaned_data.get("comment", "")
        try:
            if form.cleaned_data["decision"] == "publish":
                services.listing_publish(listing=found, actor=request.user, comment=comment)
                messages.success(request, _("Published: the listing is in the public directory."))
            else:
                services.listing_return(listing=found, actor=request.user, comment=comment)
                messages.success(request, _("Returned to the partner with your comment."))
        except MarketplaceError as exc:
            messages.error(request, str(exc))
        return redirect("marketplace:staff_listing", pk=found.pk)
    return render(request, "marketplace/staff/listing.html", {"listing": found, "form": form})


@managers_only
@require_http_methods(["POST"])
def staff_unpublish(request, pk):
    found = _visible(request, pk)
    try:
        services.listing_return(listing=found, actor=request.user, comment=request.POST.get("comment", ""))
    except MarketplaceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Taken off the directory and returned to the partner with your comment."))
    return redirect("marketplace:staff_listing", pk=found.pk)


@managers_only
@require_GET
def staff_screenshot(request, pk):
    listings = scoped(Listing.objects.exclude(status=Listing.Status.DRAFT), partners_for_staff(request.user))
    return screenshot_response(
        request, get_object_or_404(Screenshot.objects.filter(listing__in=listings), pk=pk)
    )
