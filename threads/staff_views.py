"""Staff pages of the questions under /staff/questions/: the inbox, a question, writing to a partner, metrics."""

import pygal
from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from pygal.style import Style

from content.queries import search_for_partner
from prm.cache import pagecache
from prm.exports.columns import csv_export, html_columns
from prm.exports.streaming import stream_rows
from prm.files.serving import private_file_view
from prm.http import ratelimit
from prm.tenancy import get_partner_for_staff_or_404, partners_for_staff, staff_required
from prm.ui import charts
from prm.ui.pagination import paginate_capped
from threads import about as about_mod
from threads import queries, services
from threads.filters import InboxFilterSet
from threads.forms import (
    AssignForm,
    MetricsForm,
    StaffReplyForm,
    StaffThreadForm,
)
from threads.models import Attachment, Category, Message, Thread
from threads.services import ThreadError
from threads.tables import INBOX_COLUMNS, PARTICIPATION_COLUMNS, WEEKLY_METRIC_COLUMNS
from threads.tables import hours as _hours
from threads.views import serve_attachment, status_change


def staff_thread_or_404(request, pk) -> Thread:
    return get_object_or_404(
        queries.staff_threads(request.user).select_related("partner", "author", "assignee"), pk=pk
    )


@staff_required
def inbox(request):
    partners = partners_for_staff(request.user)
    # Exact under the catalogue (staff accounts and their groups change through the admin).
    staff = pagecache.cached(
        "threads:assignable-staff", (pagecache.catalogue(),), lambda: list(queries.assignable_staff())
    )
    filters = InboxFilterSet(
        request.GET or None,
        queryset=queries.inbox(request.user),
        user=request.user,
        partners=partners,
        staff=staff,
    )
    form, threads = filters.form, filters.qs
    if request.GET.get("format") == "csv":
        return csv_export(
            "questions-inbox", INBOX_COLUMNS, stream_rows(threads), request=request, count=threads
        )
    page = paginate_capped(request, threads)  # the inbox can hold 50,000 threads: count 1,000
    for thread in page:
        thread.unread = queries.is_unread(thread, request.user)
    # Each row is an exact fragment of its thread's partner, per reader state and target.
    rows = pagecache.Rows(request, "threads:inbox-row", page, vary=lambda t: (t.unread, t.is_overdue))
    return render(
        request,
        "threads/staff/inbox.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            # The filter form with its choices (the staff list): the catalogue's, per query.
            "form_html": pagecache.Fragment.keyed(
                request,
                f"threads:inbox-form:{pagecache.digest([request.GET.urlencode()])}",
                (pagecache.catalogue(),),
            ),
            "columns": html_columns(INBOX_COLUMNS),
        },
    )


def _suggestions(thread):
    """Library assets the partner may see that match the question."""
    return search_for_partner(partner=thread.partner, query=thread.subject, limit=5)


@staff_required
def staff_detail(request, pk):
    thread = staff_thread_or_404(request, pk)
    form = StaffReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == Message.Kind.INTERNAL:
                services.note_add(
                    thread=thread, author=request.user, body=data["body"], files=data["attachments"]
                )
                messages.success(request, _("Internal note added. The partner does not see it."))
            else:
                services.staff_reply(
                    thread=thread,
                    author=request.user,
                    body=data["body"],
                    files=data["attachments"],
                    awaiting_partner=data["awaiting_partner"],
                )
                messages.success(request, _("Reply sent to the partner."))
        except ThreadError as exc:
            messages.error(request, str(exc))
        return redirect("threads:staff_detail", pk=thread.pk)
    services.thread_mark_read(thread=thread, user=request.user)
    about = about_mod.thread_about(thread)
    suggestions = _suggestions(thread)
    return render(
        request,
        "threads/staff/detail.html",
        {
            "thread": thread,
            "thread_messages": thread.messages.select_related("author").prefetch_related(
                Prefetch("attachments")
            ),
            "form": form,
            "assign_form": AssignForm(thread=thread, initial={"assignee": thread.assignee_id}),
            "about": about,
            "about_url": about and about_mod.staff_url(about),
            "about_kind": about and about_mod.kind_label(about),
            "about_missing": thread.about_type_id is not None and about is None,
            "suggestions": [{"asset": a, "url": about_mod.staff_url(a)} for a in suggestions],
        },
    )


def _staff_messages_limited(request) -> bool:
    """THREADS_STAFF_MESSAGE_RATE_LIMIT (count, seconds) new threads per staff member: each
    one mails a whole partner company."""
    limit, window = getattr(settings, "THREADS_STAFF_MESSAGE_RATE_LIMIT", (30, 3600))
    return ratelimit.hit(f"rl:staff-thread:user:{request.user.pk}", limit=limit, window=window)


@staff_required
def staff_new(request, partner_pk):
    """Write to a partner first, from partner 360; lands on the new thread's staff page."""
    partner = get_partner_for_staff_or_404(request.user, pk=partner_pk)
    form = StaffThreadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if _staff_messages_limited(request):
            messages.error(request, _("Too many messages were sent recently. Please try again later."))
        else:
            data = form.cleaned_data
            try:
                thread = services.thread_start_by_staff(
                    partner=partner,
                    author=request.user,
                    subject=data["subject"],
                    category=data["category"],
                    body=data["body"],
                    files=data["attachments"],
                )
            except ThreadError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Message sent. The partner's members are notified."))
                return redirect("threads:staff_detail", pk=thread.pk)
    return render(request, "threads/staff/new.html", {"form": form, "partner": partner})


@staff_required
@require_POST
def staff_assign(request, pk):
    thread = staff_thread_or_404(request, pk)
    data = {"assignee": request.user.pk} if request.POST.get("assignee") == "me" else request.POST
    form = AssignForm(data, thread=thread)
    if form.is_valid():
        try:
            services.thread_assign(thread=thread, actor=request.user, assignee=form.cleaned_data["assignee"])
        except ThreadError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Assignment saved."))
    else:
        messages.error(request, " ".join(form.errors.get("assignee", [_("Choose a valid person.")])))
    return redirect("threads:staff_detail", pk=thread.pk)


@staff_required
@require_POST
def staff_status(request, pk):
    thread = staff_thread_or_404(request, pk)
    return status_change(
        request, thread, closed_message=_("The question is closed."), page="threads:staff_detail"
    )


@staff_required
@require_POST
def staff_knowledge(request, pk):
    thread = staff_thread_or_404(request, pk)
    message_id = request.POST.get("message", "")
    answer = thread.messages.filter(pk=message_id).first() if message_id.isdigit() else None
    if answer is None:
        messages.error(request, _("Choose a public answer written by staff."))
        return redirect("threads:staff_detail", pk=thread.pk)
    try:
        asset = services.answer_to_knowledge(thread=thread, answer=answer, actor=request.user)
    except ThreadError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("A draft article “%(title)s” was created in the content library. Review it before publishing.")
            % {"title": asset.title},
        )
    return redirect("threads:staff_detail", pk=thread.pk)


@private_file_view
@staff_required
def staff_attachment(request, pk):
    attachment = get_object_or_404(
        Attachment.objects.filter(message__thread__in=queries.staff_threads(request.user).values("pk")), pk=pk
    )
    return serve_attachment(request, attachment)


def staff_links(request):
    return [
        {
            "label": _("Partner questions"),
            "url": reverse("threads:inbox"),
            "description": _("Answer partner questions, assign them and leave internal notes."),
        },
        {
            "label": _("Question metrics"),
            "url": reverse("threads:metrics"),
            "description": _("First response and resolution times, response target, who answers."),
        },
    ]


def _response_chart(rows) -> str:
    """Weekly first-response median and p90 in hours, as server-side SVG (the table beside it has the numbers)."""
    style = Style(
        background="white", plot_background="white", colors=("#0b4f6c", "#e0a100"), font_family="sans-serif"
    )
    chart = pygal.Line(
        js=[],
        style=style,
        height=280,
        width=900,
        show_dots=True,
        x_label_rotation=0,
        legend_at_bottom=True,
        y_title=_("hours"),
        title=_("First response time by week"),
        disable_xml_declaration=True,
    )
    chart.x_labels = [r["week"].date().strftime("%m/%d") for r in rows]
    chart.add(_("Median"), [_hours(r["first_response_median"]) for r in rows])
    chart.add(_("90th percentile"), [_hours(r["first_response_p90"]) for r in rows])
    return charts.render(chart)


@staff_required
def metrics(request):
    form = MetricsForm(request.GET or None)
    start, end, start_date, end_date = form.period()
    staff_threads = queries.staff_threads(request.user)
    threads = queries.metrics_period(staff_threads, start=start, end=end)
    categories = dict(Category.choices)

    def compute(now):
        weekly, weekly_overall, by_category, total = queries.metrics_tables(threads, now=now)
        for row in weekly:
            row["category_label"] = categories.get(row["category"], row["category"])
        for row in by_category:
            row["category_label"] = categories.get(row["category"], row["category"])
        figures = {
            "weekly": weekly,
            "by_category": by_category,
            "total": total,
            "counts": queries.participation_counts(staff_threads, start=start, end=end),
            "chart": _response_chart(weekly_overall) if weekly else "",
        }
        # Some hundred localised durations (~15 ms to render): kept rendered with the figures.
        for name, rows, show_week in (("category_table", by_category, False), ("weekly_table", weekly, True)):
            figures[name] = render_to_string(
                "threads/staff/_metrics_table.html", {"rows": rows, "show_week": show_week}
            )
        return figures

    if staff_threads.query.has_filters():  # a narrowed scope: live
        figures = compute(timezone.now())
    else:
        key = f"{start.isoformat()}:{end.isoformat()}:{translation.get_language()}"
        figures = queries.metrics_cached(threads, key=key, compute=compute)
    weekly = figures["weekly"]
    people = queries.with_authors(figures["counts"])
    if request.GET.get("format") == "csv":
        if request.GET.get("table") == "people":
            return csv_export("question-participation", PARTICIPATION_COLUMNS, people)
        return csv_export("question-metrics", WEEKLY_METRIC_COLUMNS, weekly)
    return render(
        request,
        "threads/staff/metrics.html",
        {
            "form": form,
            "start": start_date,
            "end": end_date,
            "weekly": weekly,
            "by_category": figures["by_category"],
            "total": figures["total"],
            "chart": figures["chart"],
            "category_table": figures["category_table"],
            "weekly_table": figures["weekly_table"],
            "metrics_as_of": figures.get("as_of"),
            "people": people,
            "staff_count": len(people),
            "answers_total": sum(p["answers"] for p in people),
            "target_days": services.response_target_days(),
        },
    )
