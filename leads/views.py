"""Partner pages of leads under /leads/: the offered, working and closed tabs, and a lead's
page to accept or decline it, record status updates and notes, and convert it to a deal."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leads import queries, services
from leads.forms import AssignForm, ConvertForm, DeclineForm, NoteForm, StatusForm
from leads.models import Lead
from prm.audit.log import events_for
from prm.tenancy import ADMIN, partner_required
from prm.ui.pagination import paginate


def home_panel(request, partner):
    """Leads waiting for this person's answer, and the partner's lead figures (none: no panel)."""
    metrics = queries.partner_lead_metrics(partner)
    if not metrics.offered:
        return None
    waiting = queries.offered_to_person(request.user.pk).count()
    return ("leads/home_panel.html", {"waiting": waiting, "metrics": metrics})


def scorecard_section(partner):
    """The partner's lead figures on their scorecard (incentives.scorecard_sections): every
    offer made to them; nothing when none was."""
    metrics = queries.partner_lead_metrics(partner)
    if not metrics.offered:
        return None
    return ("leads/scorecard_section.html", {"metrics": metrics})


@partner_required
def index(request):
    tab = request.GET.get("tab", "offered")
    if tab not in queries.TABS:
        tab = "offered"
    page = paginate(request, queries.partner_leads(request.membership, tab))
    return render(request, "leads/index.html", {"page": page, "tab": tab, "active_nav": "leads"})


def _lead(request, pk) -> Lead:
    lead = queries.partner_lead(request.membership, pk)
    if lead is None:
        raise Http404
    return lead


@partner_required
def detail(request, pk):
    return _detail_page(request, _lead(request, pk))


def _detail_page(request, lead, *, status=200, **forms):
    may_act = services.may_answer(request.membership, lead)
    context = {
        "lead": lead,
        "may_act": may_act,
        "offer": queries.open_offer(lead) if lead.status == Lead.Status.OFFERED else None,
        "notes": queries.lead_notes(lead),
        "decline_form": forms.get("decline_form") or DeclineForm(),
        "status_form": forms.get("status_form") or StatusForm(auto_id="status_%s"),
        "note_form": forms.get("note_form") or NoteForm(auto_id="note_%s"),
        "convert_form": forms.get("convert_form")
        or ConvertForm(
            auto_id="convert_%s",
            initial={"product": lead.product_id, "amount": lead.value_estimate_jpy or None},
        ),
        "assign_form": AssignForm(
            partner=request.partner, auto_id="assign_%s", initial={"assignee": lead.assigned_to_id}
        )
        if request.membership.role == ADMIN
        else None,
        "history": events_for(lead).filter(partner_id=lead.partner_id).select_related("actor"),
        "active_nav": "leads",
    }
    return render(request, "leads/detail.html", context, status=status)


def _act(request, pk) -> Lead:
    lead = _lead(request, pk)
    if not services.may_answer(request.membership, lead):
        raise Http404
    return lead


@require_POST
@partner_required
def accept(request, pk):
    lead = _act(request, pk)
    try:
        services.lead_accept(lead=lead, user=request.user)
        messages.success(request, _("You accepted the lead. The customer's contact details are below."))
    except services.LeadsError as exc:
        messages.error(request, str(exc))
    return redirect("leads:detail", pk=lead.pk)


@require_POST
@partner_required
def decline(request, pk):
    lead = _act(request, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, lead, decline_form=form, status=400)
    try:
        services.lead_decline(lead=lead, user=request.user, reason=form.cleaned_data["reason"])
    except services.LeadsError as exc:
        messages.error(request, str(exc))
        return redirect("leads:detail", pk=lead.pk)
    messages.success(request, _("You declined the lead. Thank you for telling us why."))
    return redirect("leads:index")


@require_POST
@partner_required(role=ADMIN)
def assign(request, pk):
    lead = _lead(request, pk)
    form = AssignForm(request.POST, partner=request.partner, auto_id="assign_%s")
    if form.is_valid():
        try:
            services.lead_assign(lead=lead, actor=request.user, assignee=form.cleaned_data["assignee"])
            messages.success(request, _("The lead has been assigned."))
        except services.LeadsError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Choose a member of your company."))
    return redirect("leads:detail", pk=lead.pk)


@require_POST
@partner_required
def status(request, pk):
    lead = _act(request, pk)
    form = StatusForm(request.POST, auto_id="status_%s")
    if not form.is_valid():
        return _detail_page(request, lead, status_form=form, status=400)
    try:
        services.lead_status_set(
            lead=lead, user=request.user, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
        )
    except services.LeadsError as exc:
        form.add_error(None, str(exc))
        return _detail_page(request, lead, status_form=form, status=400)
    messages.success(request, _("The status has been updated."))
    return redirect("leads:detail", pk=lead.pk)


@require_POST
@partner_required
def note(request, pk):
    lead = _act(request, pk)
    form = NoteForm(request.POST, auto_id="note_%s")
    if not form.is_valid():
        return _detail_page(request, lead, note_form=form, status=400)
    try:
        services.lead_note_add(lead=lead, user=request.user, text=form.cleaned_data["text"])
    except services.LeadsError as exc:
        form.add_error(None, str(exc))
        return _detail_page(request, lead, note_form=form, status=400)
    messages.success(request, _("The note has been added."))
    return redirect("leads:detail", pk=lead.pk)


@require_POST
@partner_required
def convert(request, pk):
    lead = _act(request, pk)
    form = ConvertForm(request.POST, auto_id="convert_%s")
    if not form.is_valid():
        return _detail_page(request, lead, convert_form=form, status=400)
    try:
        deal = services.lead_convert(lead=lead, user=request.user, **form.cleaned_data)
    except services.LeadsError as exc:
        form.add_error(None, str(exc))
        return _detail_page(request, lead, convert_form=form, status=400)
    messages.success(request, _("The lead is now a deal registration, approved and protected."))
    return redirect("incentives:deal_detail", pk=deal.pk)
