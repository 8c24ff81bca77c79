"""Staff pages under /staff/recruitment/: review pipeline, metrics, referral links."""

import pygal
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partners import queries, services
from partners.filters import ApplicationFilterSet, ProspectFilterSet
from partners.forms import (
    AssignForm,
    DecisionForm,
    NoteForm,
    PeriodForm,
    ProspectForm,
    ProspectInviteForm,
    ProspectLogForm,
    RejectForm,
)
from partners.models import Application, Prospect
from partners.scoring import reason_text
from partners.services import RecruitmentError
from partners.tables import APPLICATION_COLUMNS, PROSPECT_COLUMNS
from prm.cache import pagecache
from prm.exports.columns import csv_export, html_columns
from prm.exports.streaming import csv_response, stream_rows
from prm.models import CHANNEL_MANAGERS
from prm.tenancy import partners_for_staff, staff_required
from prm.ui import charts
from prm.ui.pagination import paginate

managers_only = staff_required(groups=(CHANNEL_MANAGERS,))


def staff_links(request):
    if not request.user.is_channel_manager:
        return []
    return [
        {
            "label": _("Partner applications"),
            "url": reverse("partners:staff_applications"),
            "description": _("Review, approve or reject applications, sorted by fit score."),
        },
        {
            "label": _("Prospects"),
            "url": reverse("partners:staff_prospects"),
            "description": _(
                "Companies you are recruiting: fit score, stage, next steps and invitations to apply."
            ),
        },
        {
            "label": _("Recruitment metrics"),
            "url": reverse("partners:staff_metrics"),
            "description": _("Applications and approval rates by source and type, top referrers."),
        },
        {
            "label": _("Referral links"),
            "url": reverse("partners:staff_referrals"),
            "description": _("Your personal referral link and what every referrer brought in."),
        },
    ]


def _visible_partner_ids(user, applications=None) -> set:
    """Partners whose names this staff user may see (a referrer can be a partner): among the
    referring partners of `applications` when given (a page's rows), not all 10,000."""
    visible = partners_for_staff(user)
    if applications is not None:
        ids = {
            a.referral_link.partner_id for a in applications if a.referral_link and a.referral_link.partner_id
        }
        if not ids:
            return set()
        visible = visible.filter(pk__in=ids)
    return set(visible.values_list("pk", flat=True))


def referrer_name(application, visible_ids) -> str:
    link = application.referral_link
    if link is None:
        return ""
    if link.partner_id and link.partner_id not in visible_ids:
        return str(_("A partner"))
    return link.owner_name


def _applications():
    return Application.objects.select_related(
        "reviewer", "fit_profile", "referral_link__user", "referral_link__partner"
    )


@managers_only
@require_GET
def applications(request):
    filters = ApplicationFilterSet(request.GET or None, queryset=_applications())
    form, qs = filters.form, filters.qs
    if request.GET.get("format") == "csv":
        return _applications_csv(request, qs, _visible_partner_ids(request.user))
    page = paginate(request, qs)
    visible = _visible_partner_ids(request.user, page.object_list)
    for application in page:
        application.referrer_name = referrer_name(application, visible)
    # Each row is an exact fragment (the catalogue's until the application makes a partner).
    rows = pagecache.Rows(
        request,
        "partners:application-row",
        page,
        vary=lambda a: (a.referrer_name, a.age_days, a.fit_score),  # the score is re-computed in bulk
    )
    return render(
        request,
        "partners/staff/applications.html",
        {
            "form": form,
            # The filter form with its choices (reviewers, profiles): the catalogue's, per query.
            "form_html": pagecache.Fragment.keyed(
                request,
                f"partners:applications-form:{pagecache.digest([request.GET.urlencode()])}",
                (pagecache.catalogue(),),
            ),
            "page": page,
            "rows": rows,
            "columns": html_columns(APPLICATION_COLUMNS),
        },
    )


def _applications_csv(request, qs, visible):
    def rows():
        for application in stream_rows(qs, chunk_size=500):
            application.referrer_name = referrer_name(application, visible)
            yield application

    return csv_export("applications", APPLICATION_COLUMNS, rows(), request=request, count=qs)


@managers_only
@require_GET
def application_detail(request, pk):
    application = get_object_or_404(_applications().prefetch_related("industries", "capabilities"), pk=pk)
    events = application.events.select_related("actor")
    application.referrer_name = referrer_name(application, _visible_partner_ids(request.user, [application]))
    return render(
        request,
        "partners/staff/application_detail.html",
        {
            "application": application,
            "events": events,
            "reasons": [(r, reason_text(r)) for r in application.fit_reasons],
            "assign_form": AssignForm(initial={"reviewer": application.reviewer_id}),
            "note_form": NoteForm(),
            "approve_form": DecisionForm(),
            "reject_form": RejectForm(),
        },
    )


ACTIONS = {"review", "assign", "note", "approve", "reject", "withdraw"}


@managers_only
@require_POST
def application_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    application = get_object_or_404(Application, pk=pk)
    try:
        done = _run_action(request, application, action)
    except RecruitmentError as exc:
        messages.error(request, str(exc))
    else:
        if done:
            messages.success(request, done)
    return redirect("partners:staff_application", pk=application.pk)


def _run_action(request, application, action) -> str | None:
    user = request.user
    if action == "review":
        services.application_start_review(application=application, actor=user)
        return _("The application is now in review.")
    if action == "assign":
        form = AssignForm(request.POST)
        if not form.is_valid():
            raise RecruitmentError(_("Choose a reviewer."))
        services.application_assign(
            application=application, reviewer=form.cleaned_data["reviewer"], actor=user
        )
        return _("Reviewer updated.")
    if action == "note":
        form = NoteForm(request.POST)
        if not form.is_valid():
            raise RecruitmentError(_("Write a note first."))
        services.application_note(application=application, actor=user, note=form.cleaned_data["note"])
        return _("Note added.")
    if action == "approve":
        form = DecisionForm(request.POST)
        form.is_valid()
        application = services.application_approve(
            application=application, actor=user, note=form.cleaned_data.get("note", "")
        )
        return _("Approved: %(partner)s was created and %(email)s was invited as its admin.") % {
            "partner": application.partner,
            "email": application.contact_email,
        }
    if action == "reject":
        form = RejectForm(request.POST)
        if not form.is_valid():
            raise RecruitmentError(_("Choose the reason to send to the applicant."))
        services.application_reject(
            application=application,
            actor=user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
        return _("Rejected; the applicant was told the reason courteously.")
    form = DecisionForm(request.POST)
    form.is_valid()
    services.application_withdraw(application=application, actor=user, note=form.cleaned_data.get("note", ""))
    return _("The application was marked as withdrawn.")


@managers_only
@require_GET
def metrics(request):
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    data = queries.recruitment_metrics(
        start=start, end=end, referral_links=queries.referral_links_visible_to(request.user)
    )
    if request.GET.get("format") == "csv":
        return _metrics_csv(data)
    return render(
        request, "partners/staff/metrics.html", {"form": form, "m": data, "chart": _source_chart(data)}
    )


def _source_chart(data) -> str:
    """Applications and approvals by source as inline SVG (the table beside it has the numbers)."""
    chart = pygal.HorizontalBar(
        js=[],
        height=320,
        width=560,
        show_legend=True,
        legend_at_bottom=True,
        print_values=False,
        style=pygal.style.Style(
            background="transparent",
            plot_background="transparent",
            font_family="sans-serif",
            colors=("#0d6efd", "#198754"),
        ),
    )
    rows = list(reversed(data["by_source"]))
    chart.x_labels = [str(r["label"]) for r in rows]
    chart.add(str(_("Applications")), [r["total"] for r in rows])
    chart.add(str(_("Approved")), [r["approved"] for r in rows])
    # safe: SVG built by pygal from our own numbers
    return charts.render(chart, title=_("Applications and approvals by source"))


def _metrics_csv(data):
    header = [
        _("Breakdown"),
        _("Value"),
        _("Applications"),
        _("Approved"),
        pgettext("application", "Rejected"),
        _("Approval rate (%)"),
    ]
    rows = []
    for group, key in ((_("Source"), "by_source"), (_("Partner type"), "by_type")):
        for r in data[key]:
            rows.append([group, r["label"], r["total"], r["approved"], r["rejected"], r["approval_rate"]])
    t = data["totals"]
    rows.append([_("Total"), "", t["total"], t["approved"], t["rejected"], t["approval_rate"]])
    rows.append([_("Median days to decision"), t["median_days"], "", "", "", ""])
    for link in data["top_referrers"]:
        rows.append([_("Referrer"), link.owner_name, link.application_count, link.approved_count, "", ""])
    return csv_response("recruitment-metrics", header, rows)


@managers_only
@require_GET
def referrals(request):
    own = queries.referral_link_stats(services.referral_link_for(user=request.user))
    links = queries.referrer_stats(queries.referral_links_visible_to(request.user)).order_by(
        "-application_count", "-clicks", "code"
    )
    page = paginate(request, links)
    return render(request, "partners/staff/referrals.html", {"own": own, "page": page})


# --- prospects -------------------------------------------------------------------------


def _prospects():
    return Prospect.objects.select_related("owner")


@managers_only
@require_GET
def prospects(request):
    filters = ProspectFilterSet(request.GET or None, queryset=_prospects())
    if request.GET.get("format") == "csv":
        qs = filters.qs
        return csv_export(
            "prospects", PROSPECT_COLUMNS, stream_rows(qs, chunk_size=500), request=request, count=qs
        )
    page = paginate(request, filters.qs)
    return render(
        request,
        "partners/staff/prospects.html",
        {"form": filters.form, "page": page, "columns": html_columns(PROSPECT_COLUMNS)},
    )


def _prospect_form_page(request, form, prospect=None):
    return render(request, "partners/staff/prospect_form.html", {"form": form, "prospect": prospect})


def _save_prospect(request, form, prospect=None):
    """Create or update from a valid form; a duplicate or a rule shows on the form."""
    data = form.prospect_data()
    choices = {
        "industries": form.cleaned_data["industries"],
        "capabilities": form.cleaned_data["capabilities"],
    }
    try:
        if prospect is None:
            return services.prospect_create(data=data, actor=request.user, **choices)
        return services.prospect_update(prospect=prospect, data=data, actor=request.user, **choices)
    except RecruitmentError as exc:
        form.add_error(None, str(exc))
        return None


@managers_only
@require_http_methods(["GET", "POST"])
def prospect_create(request):
    form = ProspectForm(request.POST or None, initial={"owner": request.user.pk, "country": "JP"})
    if request.method == "POST" and form.is_valid():
        prospect = _save_prospect(request, form)
        if prospect is not None:
            messages.success(request, _("%(name)s was added to your prospects.") % {"name": prospect.name})
            return redirect("partners:staff_prospect", pk=prospect.pk)
    return _prospect_form_page(request, form)


@managers_only
@require_http_methods(["GET", "POST"])
def prospect_edit(request, pk):
    prospect = get_object_or_404(Prospect, pk=pk)
    form = ProspectForm(request.POST or None, instance=prospect)
    if request.method == "POST" and form.is_valid() and _save_prospect(request, form, prospect) is not None:
        messages.success(request, _("Prospect updated."))
        return redirect("partners:staff_prospect", pk=prospect.pk)
    return _prospect_form_page(request, form, prospect)


@managers_only
@require_GET
def prospect_detail(request, pk):
    prospect = get_object_or_404(
        _prospects()
        .select_related("fit_profile", "invited_by", "application")
        .prefetch_related("industries", "capabilities"),
        pk=pk,
    )
    return _prospect_page(request, prospect)


def _prospect_page(request, prospect, *, log_form=None, invite_form=None, status=200):
    invite_initial = {
        "contact_name": prospect.contact_name,
        "contact_email": prospect.contact_email,
        "language": prospect.language,
    }
    return render(
        request,
        "partners/staff/prospect_detail.html",
        {
            "prospect": prospect,
            "activities": prospect.activities.select_related("actor"),
            "reasons": [(r, reason_text(r)) for r in prospect.fit_reasons],
            "log_form": log_form or ProspectLogForm(prospect=prospect),
            "invite_form": invite_form or ProspectInviteForm(initial=invite_initial),
        },
        status=status,
    )


@managers_only
@require_POST
def prospect_log(request, pk):
    prospect = get_object_or_404(Prospect, pk=pk)
    form = ProspectLogForm(request.POST, prospect=prospect)
    if form.is_valid():
        try:
            services.prospect_log(prospect=prospect, actor=request.user, **form.cleaned_data)
        except RecruitmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Activity recorded."))
            return redirect("partners:staff_prospect", pk=prospect.pk)
    return _prospect_page(request, prospect, log_form=form, status=400)


@managers_only
@require_POST
def prospect_invite(request, pk):
    prospect = get_object_or_404(Prospect, pk=pk)
    form = ProspectInviteForm(request.POST)
    if form.is_valid():
        try:
            services.prospect_invite(prospect=prospect, actor=request.user, **form.cleaned_data)
        except RecruitmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The invitation to apply was sent to %(email)s.")
                % {"email": form.cleaned_data["contact_email"]},
            )
            return redirect("partners:staff_prospect", pk=prospect.pk)
    return _prospect_page(request, prospect, invite_form=form, status=400)
