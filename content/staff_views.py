"""Staff pages of the content library under /staff/content/: analytics and any version of a file."""

from datetime import timedelta

import pygal
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from content import queries, services, views
from content.forms import ContributionForm, ContributionReviewForm
from content.models import ANALYTICS_PERIODS, Asset, AssetVersion, Contribution, Stage
from content.tables import ENGAGEMENT_COLUMNS, TOP_ASSET_COLUMNS, UNOPENED_ASSET_COLUMNS, ZERO_SEARCH_COLUMNS
from content.views import INLINE_TYPES, file_response
from prm.access.scoping import viewer_scope
from prm.cache import pagecache
from prm.exports.columns import csv_export
from prm.exports.streaming import stream_rows
from prm.files.serving import private_file_view
from prm.models import CHANNEL_MANAGERS
from prm.tenancy import partners_for_staff, staff_required
from prm.ui import charts
from prm.ui.pagination import paginate, paginate_capped


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
    searches = queries.zero_result_searches(partners, since=timezone.now() - timedelta(days=days))
    if export in EXPORTS:
        data = queries.staff_analytics(
            days=days, partners=partners, top_limit=None if export == "top" else 10
        )
        return _analytics_csv(
            export, top=data.top, unopened=data.unopened, engagement=data.engagement, searches=searches
        )
    as_of = queries.analytics_as_of()
    # The roll-ups' figures may lag: a fragment kept five minutes per viewer scope, period and
    # roll-up (a new roll-up shows at once); the failed searches below it are read live.
    figures = pagecache.LaggingFragment(
        request,
        "content:analytics",
        viewer_scope(request.user, partners),
        days,
        as_of,
        seconds=queries.ANALYTICS_FRAGMENT_SECONDS,
    )

    def shown():
        data = queries.staff_analytics(days=days, partners=partners)
        return {
            "top": [(label, data.top[value]) for value, label in Stage.choices],
            "unopened": _first_unopened(data.unopened),
            "unopened_count": data.unopened.count(),
            "engagement": data.engagement[:50],
            "by_language": data.by_language,
            "chart": _stage_chart(data.top),
        }

    figures_data = pagecache.lazy(shown)
    context = {name: pagecache.lazy(lambda name=name: figures_data[name]) for name in ANALYTICS_FIGURES}
    context |= {
        "days": days,
        "periods": PERIODS,
        "as_of": as_of,
        "figures": figures,
        "searches": searches[:50],
    }
    return render(request, "content/staff_analytics.html", context)


ANALYTICS_FIGURES = ("top", "unopened", "unopened_count", "engagement", "by_language", "chart")


def _first_unopened(unopened, n: int = 25) -> list:
    """The first `n` unopened assets: their ids from the covering (status, published_at)
    index first, then those rows (walking the wide asset rows in date order cost ~45 ms)."""
    ids = list(unopened.values_list("pk", flat=True)[:n])
    found = Asset.objects.only("pk", "title", "kind", "language", "published_at").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _stage_chart(top) -> str:
    """The SVG (~6 ms in pygal), kept under its own inputs: the stage sums and the language."""
    sums = [(value, sum(r["total"] for r in rows)) for value, rows in top.items()]
    key = f"content:stage-chart:2:{translation.get_language()}:{sums!r}"
    return pagecache.lagging(key, lambda: _stage_chart_svg(sums), seconds=pagecache.MAX_LAG)


def _stage_chart_svg(sums) -> str:
    chart = pygal.Bar(js=[], height=260, show_legend=False, disable_xml_declaration=True)
    chart.title = _("Opens of the top assets by stage")
    labels = dict(Stage.choices)
    chart.x_labels = [str(labels[v]) for v, _total in sums]
    chart.add(_("Opens"), [total for _v, total in sums])
    return charts.render(chart)


def _analytics_csv(export, *, top, unopened, engagement, searches):
    if export == "top":
        rows = [(stage, r) for stage, rs in top.items() for r in rs]
        return csv_export(str(EXPORTS[export]), TOP_ASSET_COLUMNS, rows)
    if export == "unopened":
        return csv_export(str(EXPORTS[export]), UNOPENED_ASSET_COLUMNS, stream_rows(unopened))
    if export == "partners":
        return csv_export(str(EXPORTS[export]), ENGAGEMENT_COLUMNS, engagement)
    return csv_export(str(EXPORTS[export]), ZERO_SEARCH_COLUMNS, searches)


@private_file_view
@staff_required(groups=(CHANNEL_MANAGERS,))
def staff_version_download(request, pk):
    """Any version (also earlier ones) for channel managers, e.g. from the admin."""
    version = get_object_or_404(AssetVersion, pk=pk)
    return file_response(
        request, version, inline=request.GET.get("inline") == "1" and version.file_type in INLINE_TYPES
    )


# --- Contributions: the review queue (channel managers), and staff outside the channel team
# contributing themselves ------------------------------------------------------------------
def contribution_links(request):
    links = [
        {
            "label": _("Contribute content"),
            "url": reverse("content:staff_contribute"),
            "description": _("Send a case study, solution brief or implementation note for review."),
        }
    ]
    if request.user.is_channel_manager:
        links.insert(
            0,
            {
                "label": _("Contributions to review"),
                "url": reverse("content:staff_contributions"),
                "description": _(
                    "Content from partners and staff: approve it with its audience or return it."
                ),
            },
        )
    return links


CONTRIBUTION_STATES = [("", gettext_lazy("All")), *Contribution.Status.choices]


@staff_required(groups=(CHANNEL_MANAGERS,))
def staff_contributions(request):
    state = request.GET.get("status", Contribution.Status.SUBMITTED)
    rows = queries.review_queue(partners_for_staff(request.user))
    if state in Contribution.Status.values:
        rows = rows.filter(status=state)
    page = paginate_capped(request, rows)
    return render(
        request,
        "content/staff/contributions.html",
        {"page": page, "state": state, "states": CONTRIBUTION_STATES},
    )


@staff_required
def staff_contribution(request, pk):
    """A contribution for its reviewer (approve with the audience, or return with a comment),
    or for the staff member who sent it (their changes once it was returned)."""
    found = queries.staff_contribution(user=request.user, partners=partners_for_staff(request.user), pk=pk)
    if found is None:
        raise Http404
    reviewing = request.user.is_channel_manager and found.status == Contribution.Status.SUBMITTED
    if reviewing:
        return _review(request, found)
    if found.contributor_id != request.user.pk or found.partner_id is not None:
        return _render_contribution(request, found, form=None)
    form = views.resubmit_form(request, found)
    if views.resubmitted(request, form, found):
        return redirect("content:staff_contribution", pk=found.pk)
    return _render_contribution(request, found, form=form, status=views.form_status(form))


@private_file_view
@staff_required
def staff_contribution_file(request, pk):
    """A contribution's file for whoever may see the contribution (its reviewer, or the staff
    member who sent it)."""
    found = queries.staff_contribution(user=request.user, partners=partners_for_staff(request.user), pk=pk)
    return views.contribution_file_response(request, found)


def _render_contribution(request, contribution, *, form, review=None, status=200):
    return render(
        request,
        "content/staff/contribution.html",
        {"contribution": contribution, "form": form, "review": review},
        status=status,
    )


def _review(request, contribution):
    if request.method != "POST":
        review = ContributionReviewForm(initial=ContributionReviewForm.initial_for(contribution.asset))
        return _render_contribution(request, contribution, form=None, review=review)
    review = ContributionReviewForm(request.POST)
    decision = request.POST.get("decision")
    if review.is_valid():
        data = review.cleaned_data
        try:
            if decision == ContributionReviewForm.RETURN:
                services.contribution_return(
                    contribution=contribution, actor=request.user, comment=data["comment"]
                )
                messages.success(request, _("The contribution was returned; the contributor was told."))
            else:
                services.contribution_approve(
                    contribution=contribution,
                    actor=request.user,
                    fields=views.contribution_fields(review),
                    audience=data,
                )
                messages.success(request, _("The contribution was approved and published."))
        except services.ContentError as exc:
            review.add_error(None, str(exc))
        else:
            return redirect("content:staff_contribution", pk=contribution.pk)
    return _render_contribution(request, contribution, form=None, review=review, status=400)


@staff_required
def staff_contribute(request):
    """Staff outside the channel team (support, product experts) contribute like partners;
    their own contributions are listed below the form."""
    form = ContributionForm(request.POST or None, request.FILES or None)
    contribution = views.submitted(request, form, partner=None)
    if contribution is not None:
        return redirect("content:staff_contribution", pk=contribution.pk)
    page = paginate(request, queries.own_staff_contributions(request.user))
    return render(
        request,
        "content/staff/contribute.html",
        {"form": form, "page": page},
        status=views.form_status(form),
    )
