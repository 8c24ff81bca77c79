"""The kinds of notification: what each is called, says, and who may receive it.

A notification row keeps its kind and parameters; its text is rendered when shown
(`render_text`), in the reader's language. Below `prm.models` (the model renders its text
with it) and `prm.notifications.center` (which emits them).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

PARTNER = "partner"
STAFF = "staff"


@dataclass(frozen=True)
class Kind:
    label: str
    message: object  # a lazy string with %(name)s params, or {variant: lazy string}
    audience: tuple = field(default=(PARTNER,))


KINDS: dict[str, Kind] = {
    "deal_reviewed": Kind(
        _("Deal registration reviewed"),
        {
            "approved": _("Your deal registration “%(deal)s” was approved."),
            "rejected": _("Your deal registration “%(deal)s” was not approved."),
            "restored": _("The change to “%(deal)s” was not accepted; the approved amount stands."),
        },
    ),
    "lead_offered": Kind(
        _("Lead offered"),
        _("A lead from %(company)s is offered to you: accept or decline by %(date)s."),
    ),
    "lead_unrouted": Kind(
        _("Lead unrouted"),
        _("No partner is left to offer the lead from %(company)s; it is back with you."),
        (STAFF,),
    ),
    "protection_ending": Kind(
        _("Deal protection ending"), _("Protection of the deal “%(deal)s” ends on %(date)s.")
    ),
    "extension_requested": Kind(
        _("Protection extension requested"),
        _("%(partner)s asks to extend the protection of “%(deal)s”."),
        (STAFF,),
    ),
    "extension_decided": Kind(
        _("Protection extension decided"),
        {
            "approved": _("The protection of “%(deal)s” was extended until %(date)s."),
            "declined": _("Your request to extend the protection of “%(deal)s” was declined."),
        },
    ),
    "tier_changed": Kind(
        _("Tier changed"),
        {
            "upgrade": _("%(partner)s moved up to the %(tier)s tier."),
            "downgrade_pending": _("%(partner)s may move down to the %(tier)s tier."),
        },
    ),
    "document_reviewed": Kind(
        _("Document returned or accepted"),
        {
            "accepted": _("Your document for “%(task)s” was accepted."),
            "returned": _("Your document for “%(task)s” was returned. Please read the comment."),
        },
    ),
    "plan_at_risk": Kind(
        _("Onboarding plan at risk"),
        _("The onboarding plan of %(partner)s is at risk of missing its target date."),
        (STAFF,),
    ),
    "certification_expiring": Kind(
        _("Certification expiring"), _("Your certification “%(certification)s” expires on %(date)s.")
    ),
    "answer_received": Kind(_("Answer to a question"), _("There is a new answer to “%(subject)s”.")),
    "application_assigned": Kind(
        _("Application assigned"), _("The partner application of %(company)s was assigned to you."), (STAFF,)
    ),
    # Emitted by the promotion app (issue 15) when it publishes campaigns and announcements.
    "campaign_new": Kind(_("New campaign"), _("A new campaign is open: %(title)s.")),
    "announcement_new": Kind(_("New announcement"), _("New announcement: %(title)s.")),
    # Personal data (privacy app, issue 21).
    "privacy_request_due": Kind(
        _("Request from a person concerned due"),
        {
            "due_soon": _("The request “%(request)s” is due on %(date)s."),
            "overdue": _("The request “%(request)s” is overdue: it was due on %(date)s."),
        },
        (STAFF,),
    ),
    # Market development funds (funds app, issue 27).
    "mdf_submitted": Kind(
        _("MDF request or claim sent"),
        {
            "request": _("%(partner)s sent an MDF request: %(title)s."),
            "claim": _("%(partner)s sent the claim for “%(title)s”."),
        },
        (STAFF,),
    ),
    "mdf_decision_due": Kind(
        _("MDF decision due"),
        {
            "request": _("The decision on the MDF request “%(title)s” of %(partner)s is due on %(date)s."),
            "claim": _("The decision on the MDF claim for “%(title)s” of %(partner)s is due on %(date)s."),
        },
        (STAFF,),
    ),
    "mdf_decided": Kind(
        _("MDF request or claim decided"),
        {
            "request_approved": _("Your MDF request “%(title)s” was approved."),
            "request_returned": _("Your MDF request “%(title)s” was returned for changes."),
            "request_rejected": _("Your MDF request “%(title)s” was not approved."),
            "claim_approved": _("Your claim for “%(title)s” was approved."),
            "claim_returned": _("Your claim for “%(title)s” was returned for changes."),
            "claim_rejected": _("Your claim for “%(title)s” was not approved."),
        },
    ),
    "mdf_claim_due": Kind(_("MDF claim due"), _("Send the claim for “%(title)s” by %(date)s.")),
    # Joint business plans (plans app, issue 28).
    "plan_submitted": Kind(
        _("Business plan submitted"),
        _("%(partner)s submitted its business plan for FY%(year)s."),
        (STAFF,),
    ),
    "plan_decided": Kind(
        _("Business plan approved or returned"),
        {
            "approved": _("Your business plan for FY%(year)s was approved."),
            "returned": _("Your business plan for FY%(year)s was returned for changes."),
        },
    ),
    # The solution marketplace (marketplace app, issue 30 part 4).
    "listing_submitted": Kind(
        _("Marketplace listing submitted"),
        _("%(partner)s submitted the marketplace listing “%(listing)s” for review."),
        (STAFF,),
    ),
    "listing_decided": Kind(
        _("Marketplace listing published or returned"),
        {
            "published": _("Your marketplace listing “%(listing)s” is published."),
            "returned": _("Your marketplace listing “%(listing)s” was returned for changes."),
        },
    ),
    "plan_review_sign": Kind(
        _("Quarterly review awaits sign-off"),
        _("The quarterly review FY%(year)s Q%(quarter)s of %(partner)s awaits your sign-off."),
        (PARTNER, STAFF),
    ),
    # Contributed content (content app, issue 30).
    "contribution_submitted": Kind(
        _("Contribution to review"),
        _("%(contributor)s sent content for review: %(title)s."),
        (STAFF,),
    ),
    "contribution_reviewed": Kind(
        _("Contribution approved or returned"),
        {
            "approved": _("Your contribution “%(title)s” was approved and published."),
            "returned": _("Your contribution “%(title)s” was returned for changes. Please read the comment."),
        },
        (PARTNER, STAFF),
    ),
    # Hands-on exercises (training, issue 30).
    "exercise_submitted": Kind(
        _("Exercise submitted for review"),
        _("%(learner)s of %(partner)s submitted the exercise “%(exercise)s” for your review."),
        (STAFF,),
    ),
    "exercise_reviewed": Kind(
        _("Exercise graded"),
        {
            "passed": _("Your exercise “%(exercise)s” passed."),
            "returned": _("Your exercise “%(exercise)s” was returned with feedback."),
        },
    ),
    "partner_export_ready": Kind(
        _("Partner data export ready"), _("The data export of %(partner)s is ready to download."), (STAFF,)
    ),
}


def kinds_for(user) -> list[tuple[str, Kind]]:
    """The kinds a person can receive (staff and partner users get different ones)."""
    audience = STAFF if user.is_staff else PARTNER
    return [(key, kind) for key, kind in KINDS.items() if audience in kind.audience]


def render_text(kind: str, params: dict) -> str:
    spec = KINDS.get(kind)
    if spec is None:
        return kind
    message = spec.message
    if isinstance(message, dict):
        message = message.get(params.get("variant"), next(iter(message.values())))
    try:
        return str(message) % params
    except (KeyError, TypeError, ValueError):
        return str(spec.label)
