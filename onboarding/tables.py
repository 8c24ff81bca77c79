"""Column definitions of the onboarding app's staff tables (HTML and CSV: prm.exports.columns)."""

from django.utils.translation import gettext_lazy as _

from prm.exports.columns import Column

CELLS = "onboarding/staff/cells/"

# Staff plans: rows from onboarding.queries.plans_with_progress, with `progress`
# (queries.plan_progress) and `flags` ([(key, label)]) set by the view.
PLAN_COLUMNS = [
    Column(_("Partner"), lambda p: p.partner.name, cell=CELLS + "partner.html"),
    Column(_("Partner type"), lambda p: p.partner.get_partner_type_display(), html=False),
    Column(_("Owner"), lambda p: p.owner or "", cell=CELLS + "owner.html"),
    Column(_("Started"), lambda p: p.started_on, html=False),
    Column(_("Target date"), lambda p: p.target_date, cell=CELLS + "date.html"),
    Column(_("Days elapsed"), lambda p: p.progress.days_elapsed, css="text-end"),
    Column(_("Tasks done"), lambda p: p.n_done, html=False),
    Column(_("Tasks"), lambda p: p.n_tasks, html=False),
    Column(_("Progress (%)"), lambda p: p.progress.percent, cell=CELLS + "progress.html", css="minw-10rem"),
    Column(_("Expected finish"), lambda p: p.progress.expected_finish or "", cell=CELLS + "expected.html"),
    Column(_("Risk"), lambda p: " ".join(str(label) for _key, label in p.flags), cell=CELLS + "risk.html"),
]

# Staff onboarding metrics exports (rows from onboarding.queries; certifications from
# training.queries.certification_rows).
COHORT_COLUMNS = [
    Column(_("Start month"), lambda r: r["month"].strftime("%Y-%m")),
    Column(_("Partner type"), lambda r: r["partner_type"]),
    Column(_("Started"), lambda r: r["started"]),
    Column(_("Within 60 days"), lambda r: r["within"]),
    Column(_("Late"), lambda r: r["late"]),
    Column(_("In progress"), lambda r: r["pending"]),
    Column(_("Share within 60 days (%)"), lambda r: r["share"]),
]
OVERDUE_TASK_COLUMNS = [
    Column(_("Task"), lambda r: r["title"]),
    Column(_("Pillar"), lambda r: r["pillar_label"]),
    Column(_("Times late"), lambda r: r["late"]),
    Column(_("Times planned"), lambda r: r["total"]),
    Column(_("Share late (%)"), lambda r: r["share"]),
]
CERTIFICATION_COLUMNS = [
    Column(_("Certification"), lambda r: r["certification__name"]),
    Column(_("Earned in the last 12 months"), lambda r: r["earned_12m"]),
    Column(_("Valid today"), lambda r: r["valid"]),
    Column(_("Expiring within 60 days"), lambda r: r["expiring"]),
]
