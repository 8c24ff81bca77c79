"""Staff pages of leads under /staff/leads/: the list, a new lead, a lead with its offers,
and offering it (by hand to one partner, or by the routing rules)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leads import queries, services
from leads.forms import LeadForm, OfferForm
from leads.models import Lead
from partners.models import Partner
from prm.models import CHANNEL_MANAGERS
from prm.tenancy import partners_for_staff, staff_required
from prm.ui.pagination import paginate_capped

managers_only = staff_required(groups=(CHANNEL_MANAGERS,))

STATUS_TABS = {
    "open": (Lead.Status.NEW, Lead.Status.UNROUTED, Lead.Status.OFFERED, *Lead.WORKING),
    "unrouted": (Lead.Status.NEW, Lead.Status.UNROUTED),
    "closed": Lead.CLOSED,
}
LINK_CAP = 1000


def staff_links(request):
    if not request.user.is_channel_manager:
        return []
    waiting = queries.staff_leads(request.user).filter(status=Lead.Status.UNROUTED)[: LINK_CAP + 1].count()
    return [
        {
            "label": _("Leads (%(count)s unrouted)") % {"count": min(waiting, LINK_CAP)},
            "url": reverse("leads:staff_leads"),
            "description": _("Leads passed to partners: offers, answers and conversions."),
        }
    ]


@managers_only
def staff_leads(request):
    tab = request.GET.get("status", "open")
    if tab not in STATUS_TABS:
        tab = "open"
    leads = (
        queries.staff_leads(request.user).filter(status__in=STATUS_TABS[tab]).order_by("-updated_at", "-pk")
    )
    page = paginate_capped(request, leads)
    return render(request, "leads/staff/leads.html", {"page": page, "tab": tab})


@managers_only
def staff_create(request):
    form = LeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lead = services.lead_create(actor=request.user, data=form.cleaned_data)
        except services.LeadsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The lead has been recorded. Offer it to a partner."))
            return redirect("leads:staff_detail", pk=lead.pk)
    return render(request, "leads/staff/lead_form.html", {"form": form}, status=400 if form.errors else 200)


def _staff_lead(request, pk) -> Lead:
    lead = queries.staff_leads(request.user).select_related("deal", "assigned_to").filter(pk=pk).first()
    if lead is None:
        raise Http404
    return lead


def _offer_partners(user):
    return partners_for_staff(user).filter(status=Partner.Status.ACTIVE).order_by("name")


@managers_only
def staff_detail(request, pk):
    lead = _staff_lead(request, pk)
    return render(
        request,
        "leads/staff/detail.html",
        {
            "lead": lead,
            "offers": queries.lead_offers(lead),
            "notes": queries.lead_notes(lead) if lead.partner_id else [],
            "offer_form": OfferForm(partners=_offer_partners(request.user)),
            "offerable": lead.status in (Lead.Status.NEW, Lead.Status.UNROUTED),
        },
    )


@require_POST
@managers_only
def staff_offer(request, pk):
    lead = _staff_lead(request, pk)
    form = OfferForm(request.POST, partners=_offer_partners(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose one of your partners, or leave it empty to use the routing rules."))
        return redirect("leads:staff_detail", pk=lead.pk)
    partner = form.cleaned_data["partner"]
    try:
        if partner is not None:
            services.lead_offer(lead=lead, partner=partner, actor=request.user)
            messages.success(
                request, _("The lead has been offered to %(partner)s.") % {"partner": partner.name}
            )
        elif services.lead_route(lead=lead, actor=request.user):
            messages.success(request, _("The routing rules offered the lead to a partner."))
        else:
            messages.warning(request, _("No partner the routing rules allow is left: the lead is unrouted."))
    except services.LeadsError as exc:
        messages.error(request, str(exc))
    return redirect("leads:staff_detail", pk=lead.pk)
