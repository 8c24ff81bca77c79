"""Who may do what: the one declarative map of staff roles to model permissions.

Applied on every `migrate` (post_migrate), so the groups' permissions are exactly what
this file says (permissions of models not listed are removed from the group). Which
*partners* a channel manager sees is not a group right: it is guardian's
`partners.manage_partner`, granted per partner (assignment) or globally (all partners).
Superusers have every permission and are the only ones who manage staff accounts,
groups, permissions and guardian object permissions (see prm/access/admin_mixins.py).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

from prm.models import CHANNEL_MANAGERS, FINANCE, SUPPORT

ALL = ("add", "change", "delete", "view")
EDIT = ("add", "change", "view")
REVIEW = ("change", "view")  # decisions go through admin actions that call the services
READ = ("view",)

ROLES: dict[str, dict[str, tuple[str, ...]]] = {
    CHANNEL_MANAGERS: {
        # Company closure days (New Year, summer): business-day targets skip them.
        "prm.closureday": ALL,
        # Partners they are assigned to (scoped by guardian) and those partners' people.
        "partners.partner": REVIEW,
        "partners.membership": ALL,
        "partners.invitation": READ,
        "partners.referrallink": EDIT,
        "prm.user": REVIEW,  # partner users of their partners only; never staff or permissions
        "prm.auditevent": READ,
        # Recruitment: profiles and review of applications.
        "partners.industry": ALL,
        "partners.capability": ALL,
        "partners.idealprofile": ALL,
        "partners.application": REVIEW,
        "partners.applicationevent": READ,
        # Prospects are added, logged and invited on /staff/recruitment/prospects/ (the
        # duplicate checks and the stage rules are the services'); the admin edits the rest.
        "partners.prospect": ("change", "delete", "view"),
        "partners.prospectactivity": READ,
        # The programme's story on the public pages (one record, three kinds of part).
        "partners.programmestory": REVIEW,
        "partners.partnertypestory": EDIT,
        "partners.landingsection": ALL,
        "partners.faq": ALL,
        # Onboarding: checklist templates, plans, review of documents.
        "onboarding.checklisttemplate": ALL,
        "onboarding.templatetask": ALL,
        "onboarding.onboardingplan": EDIT,
        "onboarding.onboardingtask": REVIEW,
        "onboarding.tasksubmission": REVIEW,
        "onboarding.reminderlog": READ,
        # Training and certification.
        "training.course": ALL,
        "training.lesson": ALL,
        "training.question": ALL,
        "training.choice": ALL,
        "training.certification": ALL,
        "training.usercertification": EDIT,
        "training.enrollment": READ,
        # External LMSs and their events: superusers only (an LMS certifies people).
        # Content.
        "content.asset": ALL,
        "content.assetshare": ALL,
        "content.assetversion": READ,
        "content.collection": ALL,
        "content.tag": ALL,
        "content.searchlog": READ,
        # Incentives: tiers and their benefits, programmes, products, review of deals.
        "incentives.tier": ALL,
        "incentives.product": ALL,
        "incentives.incentiveprogram": ALL,
        "incentives.deal": REVIEW,
        "incentives.partnertierstate": READ,
        "incentives.tierchange": READ,
        "incentives.recomputationrun": READ,
        "incentives.statement": REVIEW,
        "incentives.earning": READ,
        "incentives.protectionextension": READ,  # decided on the staff pages
        # Promotion: campaigns, announcements, the overview video; partners' kit files and
        # campaign events are records of what partners did, read-only.
        "promotion.campaign": ALL,
        "promotion.announcement": ALL,
        "promotion.overviewvideo": ALL,
        "promotion.channellink": ALL,
        "promotion.cobrandedfile": READ,
        "promotion.campaignevent": READ,
        # Personal data (APPI): records written by services, read here; the partner's legal
        # identity as confirmed. Requests are handled on the staff pages.
        "privacy.provisionrecord": READ,
        "privacy.partnerlegalidentity": EDIT,
        "privacy.datarequest": READ,
        "privacy.partnerexport": READ,
        # Market development funds: records read here; decisions and adjustments on the
        # staff pages (funds.services).
        "funds.fund": READ,
        "funds.fundrequest": READ,
        "funds.claim": READ,
        "funds.ledgerentry": READ,
        # Questions from partners.
        "threads.thread": REVIEW,
        "threads.message": READ,
        "threads.attachment": READ,
        # Payouts: their partners' payment statements, read-only (finance pays).
        "payouts.payout": READ,
        "payouts.payoutline": READ,
        # Leads passed to partners: created and offered on the staff pages or here (through
        # leads.services); the routing rules are the managers' own; offers and notes are history.
        "leads.lead": EDIT,
        "leads.routingrule": ALL,
        "leads.leadoffer": READ,
        "leads.leadnote": READ,
        # Joint business plans: changed on the plan pages (plans.services), shown here.
        "plans.businessplan": READ,
        "plans.planreview": READ,
        # Marketplace listings: reviewed on the staff pages (marketplace.services), shown here.
        "marketplace.listing": READ,
        # Bulk imports: their own jobs, read here; uploaded and confirmed on /staff/imports/.
        "imports.importjob": READ,
    },
    SUPPORT: {
        # Threads, with read-only partner context.
        "threads.thread": REVIEW,
        "threads.message": READ,
        "threads.attachment": READ,
        "partners.partner": READ,
        "partners.membership": READ,
        "onboarding.onboardingplan": READ,
        "onboarding.onboardingtask": READ,
        "training.usercertification": READ,
        "incentives.partnertierstate": READ,
    },
    FINANCE: {
        # Payouts: reviews payee profiles and statements, produces transfer files, records
        # payments (the staff pages, through the services); every partner, read-only context.
        "payouts.payout": REVIEW,
        "payouts.payoutline": READ,
        "payouts.payeeprofile": REVIEW,
        "payouts.transferbatch": READ,
        "partners.partner": READ,
        "incentives.statement": READ,
        "incentives.earning": READ,
    },
}


def role_permissions(role: str) -> set[tuple[str, str]]:
    """{(app_label, codename)} a role grants, e.g. ("incentives", "change_tier")."""
    perms = set()
    for label, actions in ROLES[role].items():
        app_label, model = label.split(".")
        perms |= {(app_label, f"{action}_{model}") for action in actions}
    return perms


def apply_roles(*, using: str = "default", verbosity: int = 0) -> None:
    """Create the role groups and set their permissions exactly to ROLES (idempotent)."""
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    for role in ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = role_permissions(role)
        perms = [
            p
            for p in Permission.objects.using(using).select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ]
        group.permissions.set(perms)
        if verbosity >= 2:
            print(f"Role {role!r}: {len(perms)} permissions")
