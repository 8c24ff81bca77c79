from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prm.cache import pagecache
from prm.exports.columns import csv_export
from prm.exports.streaming import csv_response, stream_rows
from prm.files.serving import private_file_view, serve
from prm.tenancy import partner_required
from prm.ui.pagination import paginate
from threads import about as about_mod
from threads import queries, services
from threads.filters import ThreadFilterSet
from threads.forms import (
    ReplyForm,
    ThreadForm,
)
from threads.models import Attachment, Category, Message, Thread
from threads.services import ThreadError
from threads.tables import QUESTION_COLUMNS
from threads.tables import iso as _iso

# --- Partner pages --------------------------------------------------------------------------


def partner_thread_or_404(request, pk) -> Thread:
    return get_object_or_404(Thread.objects.for_partner(request.partner).select_related("author"), pk=pk)


@partner_required
def thread_list(request):
    filters = ThreadFilterSet(
        request.GET or None, queryset=queries.partner_threads(request.partner, request.user)
    )
    threads = filters.qs
    if request.GET.get("format") == "csv":
        return csv_export("questions", QUESTION_COLUMNS, stream_rows(threads), request=request, count=threads)

    def shown():
        page = paginate(request, threads)
        for thread in page:
            thread.unread = queries.is_unread(thread, request.user)
        return page

    return render(
        request,
        "threads/list.html",
        {
            "main": pagecache.Fragment(
                request, "threads:list", "catalogue partner person", request.GET.urlencode()
            ),
            "page": pagecache.lazy(shown),  # read only when the fragment is rendered (a miss)
            "status": request.GET.get("status", ""),
            "q": request.GET.get("q", "").strip(),
            "statuses": Thread.Status.choices,
            "active_nav": "questions",
        },
    )


@partner_required
def thread_new(request):
    initial = {
        "about": request.GET.get("about", ""),
        "category": request.GET.get("category") if request.GET.get("category") in Category.values else None,
    }
    form = ThreadForm(request.POST or None, request.FILES or None, partner=request.partner, initial=initial)
    about = about_mod.resolve(request.POST.get("about") or initial["about"], partner=request.partner)
    if request.method == "POST" and form.is_valid():
        thread = services.thread_create(
            partner=request.partner,
            author=request.user,
            subject=form.cleaned_data["subject"],
            category=form.cleaned_data["category"],
            body=form.cleaned_data["body"],
            files=form.cleaned_data["attachments"],
            about=form.cleaned_data["about"],
        )
        messages.success(request, _("Your question has been sent. We will answer it here."))
        return redirect("threads:detail", pk=thread.pk)
    if about is None:
        form.initial["about"] = ""
    main = None
    if not form.is_bound:
        main = pagecache.Fragment(request, "threads:new", "catalogue partner", request.GET.urlencode())
    return render(
        request,
        "threads/new.html",
        {
            "main": main,
            "form": form,
            "about": about,
            "about_url": about and about_mod.partner_url(about),
            "about_kind": about and about_mod.kind_label(about),
            "target_days": services.response_target_days(),
            "active_nav": "questions",
        },
    )


@partner_required
def thread_detail(request, pk):
    main = None
    if request.method == "GET" and request.GET.get("format") != "csv":
        main = pagecache.Fragment(request, "threads:detail", "catalogue partner person", pk)
    threads = queries.with_read_marker(Thread.objects.for_partner(request.partner), request.user)
    threads = threads.select_related("author")
    if request.method == "POST":  # a reply works on the thread as it is now
        thread = get_object_or_404(threads, pk=pk)
    else:  # with the person's read marker: exact under the partner and the person
        thread = pagecache.object_or_404(
            request,
            "threads:thread-row",
            pk,
            "catalogue partner person",
            lambda: threads.filter(pk=pk).first(),
        )
    public = thread.messages.public().select_related("author").prefetch_related("attachments")
    if request.GET.get("format") == "csv":
        return csv_response(
            f"question-{thread.pk}",
            [_("Sent"), _("Author"), _("Message"), _("Attachments")],
            (
                [
                    _iso(m.created_at),
                    m.author.get_full_name() if m.author else "",
                    m.body,
                    " ".join(a.name for a in m.attachments.all()),
                ]
                for m in public
            ),
        )
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_reply(
                thread=thread,
                author=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["attachments"],
            )
        except ThreadError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your message has been sent."))
        return redirect("threads:detail", pk=thread.pk)
    if thread.read_at is None or (thread.last_public_at and thread.read_at < thread.last_public_at):
        # Only when there is something new: a page view that changes nothing writes nothing
        # (and leaves the cached navigation counts alone).
        services.thread_mark_read(thread=thread, user=request.user)
    about = pagecache.lazy(lambda: about_mod.thread_about(thread))
    if form.is_bound:  # a reply with errors: not cached
        main = None
    return render(
        request,
        "threads/detail.html",
        {
            "main": main,
            "thread": thread,
            "thread_messages": public,
            "form": form,
            "about": about,
            "about_url": pagecache.lazy(lambda: about and about_mod.partner_url(about)),
            "about_kind": pagecache.lazy(lambda: about and about_mod.kind_label(about)),
            "active_nav": "questions",
        },
    )


def status_change(request, thread: Thread, *, closed_message: str, page: str):
    """Close or reopen `thread` as the posted action says (partner and staff pages alike),
    then back to the question's `page`."""
    action = request.POST.get("action")
    try:
        if action == "close":
            services.thread_close(thread=thread, actor=request.user)
            messages.success(request, closed_message)
        elif action == "reopen":
            services.thread_reopen(thread=thread, actor=request.user)
            messages.success(request, _("The question is open again."))
        else:
            messages.error(request, _("Unknown action."))
    except ThreadError as exc:
        messages.error(request, str(exc))
    return redirect(page, pk=thread.pk)


@partner_required
@require_POST
def thread_status(request, pk):
    thread = partner_thread_or_404(request, pk)
    return status_change(
        request, thread, closed_message=_("The question is closed. Thank you!"), page="threads:detail"
    )


@partner_required
@require_POST
def mark_all_read(request):
    services.threads_mark_all_read(threads=Thread.objects.for_partner(request.partner), user=request.user)
    messages.success(request, _("All questions are marked as read."))
    return redirect("threads:list")


def serve_attachment(request, attachment: Attachment):
    return serve(request, attachment.file, filename=attachment.name, content_type=attachment.content_type)


@private_file_view
@partner_required
def attachment_download(request, pk):
    attachment = get_object_or_404(
        Attachment.objects.filter(
            message__thread__partner=request.partner, message__kind=Message.Kind.PUBLIC
        ),
        pk=pk,
    )
    return serve_attachment(request, attachment)


def home_panel(request, partner):
    """The partner home's "Questions" card: recent threads, unread ones first. Exact per
    person: the partner's threads (audited changes) and the person's read markers."""

    def compute():
        threads = list(
            queries.with_read_marker(
                Thread.objects.for_partner(partner).exclude(status=Thread.Status.CLOSED), request.user
            ).order_by("-last_public_at", "-id")[:4]
        )
        for thread in threads:
            thread.unread = queries.is_unread(thread, request.user)
        return threads

    scopes = (pagecache.partner(partner.pk), pagecache.person(request.user.pk))
    threads = pagecache.cached("threads:home", scopes, compute)
    return "threads/home_panel.html", {"threads": threads, "target_days": services.response_target_days()}
