"""Column definitions of the threads app's tables (HTML and CSV: prm.exports.columns)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.exports.columns import Column

CELLS = "threads/staff/cells/"


def iso(value):
    """Local time in CSV exports (what the people reading them expect)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _name(user):
    return user.get_full_name() if user else ""


# The staff inbox (rows from threads.queries.inbox).
INBOX_COLUMNS = [
    Column(_("ID"), lambda t: t.pk, html=False),
    Column(_("Subject"), lambda t: t.subject, cell=CELLS + "subject.html"),
    Column(_("Partner"), lambda t: t.partner.name),
    Column(_("Category"), lambda t: t.get_category_display()),
    Column(_("Status"), lambda t: t.get_status_display(), cell=CELLS + "status.html"),
    Column(_("Assignee"), lambda t: _name(t.assignee), cell=CELLS + "assignee.html"),
    Column(_("Asked by"), lambda t: _name(t.author), html=False),
    Column(_("Asked"), lambda t: iso(t.created_at), css="text-nowrap"),
    Column(_("First response"), lambda t: iso(t.first_response_at), html=False),
    Column(_("Response due"), lambda t: iso(t.response_due_at), html=False),
    Column(_("Past target"), lambda t: _("yes") if t.is_overdue else _("no"), html=False),
    Column(_("Closed"), lambda t: iso(t.closed_at), html=False),
    Column(_("Public messages"), lambda t: t.message_count, html=False),
    Column(_("Last activity"), lambda t: iso(t.last_public_at), css="text-nowrap", csv=False),
]

# The partner's questions (CSV only: the portal page is a list of cards).
QUESTION_COLUMNS = [
    Column(_("Subject"), lambda t: t.subject),
    Column(_("Category"), lambda t: t.get_category_display()),
    Column(_("Status"), lambda t: t.get_status_display()),
    Column(_("Asked by"), lambda t: _name(t.author)),
    Column(_("Asked"), lambda t: iso(t.created_at)),
    Column(_("Last activity"), lambda t: iso(t.last_public_at)),
    Column(_("Messages"), lambda t: t.message_count),
]


def hours(seconds):
    return None if seconds is None else round(seconds / 3600, 1)


# Staff question metrics (rows from threads.queries.metrics_by_week, with `category_label`).
WEEKLY_METRIC_COLUMNS = [
    Column(_("Week"), lambda r: r["week"].date().isoformat()),
    Column(_("Category"), lambda r: r["category_label"]),
    Column(_("Questions"), lambda r: r["threads"]),
    Column(_("Answered"), lambda r: r["answered"]),
    Column(_("Closed"), lambda r: r["closed"]),
    Column(_("First response median (h)"), lambda r: hours(r["first_response_median"])),
    Column(_("First response p90 (h)"), lambda r: hours(r["first_response_p90"])),
    Column(_("Resolution median (h)"), lambda r: hours(r["resolution_median"])),
    Column(_("Resolution p90 (h)"), lambda r: hours(r["resolution_p90"])),
    Column(_("Past response target"), lambda r: r["past_target"]),
]
# Rows from threads.queries.staff_participation.
PARTICIPATION_COLUMNS = [
    Column(_("Staff member"), lambda p: p["author__display_name"]),
    Column(_("E-mail"), lambda p: p["author__email"]),
    Column(_("Answers"), lambda p: p["answers"]),
    Column(_("Questions answered"), lambda p: p["threads"]),
]
