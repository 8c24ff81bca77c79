"""Column definitions of the onboarding app's staff tables (HTML and CSV: prm.columns)."""

from django.utils.translation import gettext_lazy as _

from prm.columns import Column

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
    Column(_("Progress (%)"), lambda p: p.progress.percent, cell=CELLS + "progress.html"),
    Column(_("Expected finish"), lambda p: p.progress.expected_finish or "", cell=CELLS + "expected.html"),
    Column(_("Risk"), lambda p: " ".join(str(label) for _key, label in p.flags), cell=CELLS + "risk.html"),
]
