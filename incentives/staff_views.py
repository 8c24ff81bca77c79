"""Staff pages of incentives under /staff/: the deal review queue, a registration, the tier overview."""

from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from incentives import queries, services, tasks
from incentives.filters import StaffDealFilterSet
from incentives.forms import DealCreditForm, ExtensionDecisionForm, ReviewForm
from incentives.models import Deal, DealCredit, ProtectionExtension
from incentives.tables import (
    PROGRAM_COST_COLUMNS,
    STAFF_DEAL_COLUMNS,
    TIER_CHANGE_COLUMNS,
    TIER_DISTRIBUTION_COLUMNS,
    TIER_MOVEMENT_COLUMNS,
)
from incentives.views import credit_from_form, deal_history
from prm.access.scoping import scoped, viewer_scope
from prm.cache import pagecache
from prm.exports.columns import csv_export, html_columns
from prm.exports.streaming import stream_rows
from prm.models import CHANNEL_MANAGERS
from prm.tenancy import partners_for_staff, staff_required
from prm.ui.pagination import paginate, paginate_capped

STAFF_LINK_COUNT_CAP = 1000


def staff_links(request):
    if not request.user.is_channel_manager:
        return []
    # The queue can hold 100,000 deals; the link on every staff home counts at most 1,000.
    submitted = scoped(Deal.objects.filter(status=Deal.Status.SUBMITTED), partners_for_staff(request.user))
    waiting = submitted[: STAFF_LINK_COUNT_CAP + 1].count()
    if waiting > STAFF_LINK_COUNT_CAP:
        label = _("Deal registrations (more than %(count)s to review)") % {
            "count": intcomma(STAFF_LINK_COUNT_CAP)
        }
    else:
        label = _("Deal registrations (%(count)s to review)") % {"count": waiting}
    return [
        {
            "label": label,
            "url": reverse("incentives:staff_deals"),
            "description": _("Review registrations, with conflict flags and waiting time."),
        },
        {
            "label": _("Protection extensions (%(count)s waiting)")
            % {
                "count": queries.open_extension_count(
                    partners_for_staff(request.user), cap=STAFF_LINK_COUNT_CAP
                )
            },
            "url": reverse("incentives:staff_extensions"),
            "description": _("Partners asking for more time on a protected deal."),
        },
        {
            "label": _("Tiers and incentives"),
            "url": reverse("incentives:staff_overview"),
            "description": _("Tier distribution, movements over time and program cost."),
        },
    ]


managers_only = staff_required(groups=(CHANNEL_MANAGERS,))


def _staff_deals(user):
    return scoped(Deal.objects.all(), partners_for_staff(user)).select_related("partner", "product")


@managers_only
def staff_deals(request):
    filters = StaffDealFilterSet(
        request.GET or StaffDealFilterSet.DEFAULT, queryset=_staff_deals(request.user)
    )
    form, qs = filters.form, filters.qs
    now = timezone.now()
    sla_days = services.review_sla_days()

    def with_age(deals):
        for deal in deals:
            deal.age_days = (now - deal.created_at).days
            deal.overdue = deal.status == Deal.Status.SUBMITTED and deal.age_days >= sla_days
            yield deal

    if request.GET.get("format") == "csv":
        return csv_export(
            "deal-registrations", STAFF_DEAL_COLUMNS, with_age(stream_rows(qs)), request=request, count=qs
        )
    # The queue can hold 100,000 submitted deals: count at most 1,000 of them.
    page = paginate_capped(request, qs)
    list(with_age(page))
    # Each row is an exact fragment of its deal's partner (and the days it has waited).
    rows = pagecache.Rows(request, "incentives:review-row", page, vary=lambda deal: (deal.age_days, sla_days))
    return render(
        request,
        "incentives/staff/deals.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "sla_days": sla_days,
            "columns": html_columns(STAFF_DEAL_COLUMNS),
        },
    )


@managers_only
def staff_deal_detail(request, pk):
    deal = _staff_deal(request, pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if form.cleaned_data["decision"] == "approve":
                services.deal_approve(deal=deal, actor=request.user, reason=reason)
                messages.success(request, _("The registration has been approved."))
            elif deal.is_re_review:
                services.deal_reject(deal=deal, actor=request.user, reason=reason)
                messages.success(request, _("The change was not accepted; the approved amount was restored."))
            else:
                services.deal_reject(deal=deal, actor=request.user, reason=reason)
                messages.success(request, _("The registration has been rejected."))
        except services.IncentivesError as exc:
            messages.error(request, str(exc))
        return redirect("incentives:staff_deals")
    return _staff_deal_page(request, deal, form=form)


def _staff_deal_page(request, deal, *, form=None, extension_form=None, credit_form=None, status=200):
    visible = partners_for_staff(request.user)
    conflicts = deal.conflicting_deals.filter(partner__in=visible).select_related("partner", "product")
    hidden_conflicts = deal.conflicting_deals.exclude(partner__in=visible).count()
    extensions = services.extension_state(deal)
    return render(
        request,
        "incentives/staff/deal_detail.html",
        {
            "deal": deal,
            "form": form or ReviewForm(),
            "extensions": extensions,
            "extension_form": extension_form
            or ExtensionDecisionForm(
                initial={"protected_until": extensions["default_until"]}, auto_id="ext_%s"
            ),
            "credits": queries.deal_credits(deal),
            "credit_form": credit_form
            or DealCreditForm(
                partners=queries.credit_partner_choices(deal, visible), staff=True, auto_id="credit_%s"
            ),
            "conflicts": conflicts,
            "hidden_conflicts": hidden_conflicts,
            "history": deal_history(deal),
            "age_days": (timezone.now() - deal.created_at).days,
        },
        status=status,
    )


def _staff_deal(request, pk) -> Deal:
    deal = _staff_deals(request.user).select_related("registered_by", "reviewed_by").filter(pk=pk).first()
    if deal is None:
        raise Http404
    return deal


@require_POST
@managers_only
def staff_extension_decide(request, pk):
    """Approve (with a new protection end date) or decline the deal's open extension request."""
    deal = _staff_deal(request, pk)
    extension = ProtectionExtension.objects.open().filter(deal=deal).first()
    if extension is None:
        messages.error(request, _("This deal has no extension request waiting for a decision."))
        return redirect("incentives:staff_deal_detail", pk=deal.pk)
    form = ExtensionDecisionForm(request.POST, auto_id="ext_%s")
    if not form.is_valid():
        return _staff_deal_page(request, deal, extension_form=form, status=400)
    data = form.cleaned_data
    try:
        if data["decision"] == "approve":
            extension = services.extension_approve(
                extension=extension,
                actor=request.user,
                protected_until=data["protected_until"],
                reason=data["reason"],
            )
            messages.success(
                request,
                _("The protection has been extended until %(date)s.")
                % {"date": date_format(extension.protected_until_after, "DATE_FORMAT")},
            )
        else:
            services.extension_decline(extension=extension, actor=request.user, reason=data["reason"])
            messages.success(request, _("The extension request has been declined."))
    except services.IncentivesError as exc:
        messages.error(request, str(exc))
        return redirect("incentives:staff_deal_detail", pk=deal.pk)
    return redirect("incentives:staff_extensions")


@require_POST
@managers_only
def staff_deal_credits(request, pk):
    """Credit a partner the manager sees on the deal, or remove a credit."""
    deal = _staff_deal(request, pk)
    visible = partners_for_staff(request.user)
    try:
        if "remove" in request.POST:
            credit = DealCredit.objects.filter(deal=deal, pk=request.POST.get("remove") or 0).first()
            if credit is None:
                raise Http404
            services.deal_credit_remove(credit=credit, actor=request.user)
            messages.success(request, _("The partner is no longer credited on this deal."))
            return redirect("incentives:staff_deal_detail", pk=deal.pk)
        form = DealCreditForm(
            request.POST,
            partners=queries.credit_partner_choices(deal, visible),
            staff=True,
            auto_id="credit_%s",
        )
        if not form.is_valid():
            return _staff_deal_page(request, deal, credit_form=form, status=400)
        credit_from_form(request, deal, form)
    except services.IncentivesError as exc:
        messages.error(request, str(exc))
    return redirect("incentives:staff_deal_detail", pk=deal.pk)


@managers_only
def staff_extensions(request):
    """The manager's queue of protection extension requests (waiting first; decided on a tab)."""
    decided = request.GET.get("status") == "decided"
    qs = queries.extension_queue(partners_for_staff(request.user), decided=decided)
    page = paginate(request, qs)
    return render(request, "incentives/staff/extensions.html", {"page": page, "decided": decided})


@managers_only
def staff_overview(request):
    visible = partners_for_staff(request.user)
    lang_en = (request.LANGUAGE_CODE or "").startswith("en")
    export = request.GET.get("export")
    if export == "changes":
        changes = queries.tier_changes(visible)
        return csv_export(
            "tier-changes", TIER_CHANGE_COLUMNS, stream_rows(changes), request=request, count=changes
        )
    if export:
        overview = queries.tier_overview(visible, lang_en=lang_en)
        if export == "distribution":
            rows = [*overview.distribution, (None, overview.untiered)]
            return csv_export("tier-distribution", TIER_DISTRIBUTION_COLUMNS, rows)
        if export == "movements":
            return csv_export("tier-movements", TIER_MOVEMENT_COLUMNS, overview.movements)
        if export == "cost":
            return csv_export("program-cost", PROGRAM_COST_COLUMNS, overview.cost)
    # Figures over every partner in scope may lag: a fragment kept five minutes per viewer
    # scope (the page says when it was counted).
    main = pagecache.LaggingFragment(
        request, "incentives:overview", viewer_scope(request.user, visible), seconds=queries.OVERVIEW_SECONDS
    )
    overview = pagecache.lazy(lambda: queries.tier_overview(visible, lang_en=lang_en))
    return render(
        request,
        "incentives/staff/overview.html",
        {
            "main": main,
            **{name: pagecache.lazy(lambda name=name: getattr(overview, name)) for name in OVERVIEW_FIGURES},
            "recent": pagecache.lazy(lambda: queries.tier_changes(visible)[:20]),
            "movement_columns": html_columns(TIER_MOVEMENT_COLUMNS),
            "cost_columns": html_columns(PROGRAM_COST_COLUMNS),
            "last_run": pagecache.lazy(queries.last_recomputation),
        },
    )


OVERVIEW_FIGURES = ("distribution", "untiered", "movements", "cost", "cost_total")


@require_POST
@managers_only
def staff_recompute(request):
    """Recompute every partner's tier now (the same task as the nightly beat entry)."""
    tasks.recompute_tiers.delay_on_commit(actor_id=request.user.pk)
    messages.success(request, _("Tier recomputation has been started for every partner."))
    return redirect("incentives:staff_overview")
