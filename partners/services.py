"""Recruitment and team writes: one function per use case, keyword-only, transactional."""

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Replace
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from partners import scoring, signals
from partners.models import (
    Application,
    ApplicationEvent,
    IdealProfile,
    Invitation,
    Membership,
    Partner,
    Prospect,
    ProspectActivity,
    ReferralLink,
    Source,
)
from prm.audit.log import audit, audit_many
from prm.cache import pagecache
from prm.exports.streaming import stream_rows
from prm.i18n.kana import fill_reading, suggest_reading, to_katakana
from prm.notifications.center import notify


class RecruitmentError(Exception):
    """A domain rule was broken; the message is translated and safe to show."""


# --- helpers --------------------------------------------------------------------------


def company_domain(url_or_email: str) -> str:
    """The registrable-looking host of a website or an e-mail address, lower case, no www."""
    value = (url_or_email or "").strip().lower()
    if "@" in value and "//" not in value:
        host = value.rsplit("@", 1)[1]
    else:
        host = urlsplit(value if "//" in value else f"//{value}").hostname or ""
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") else host


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _event(application, *, kind, actor=None, from_status="", to_status="", note=""):
    return ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


# --- scoring --------------------------------------------------------------------------


def active_profiles():
    return IdealProfile.objects.filter(is_active=True).prefetch_related("industries", "capabilities")


def _store_fit(company: Application | Prospect, profiles=None) -> None:
    """Score an application or a prospect (the same fields) and store the best fit on it."""
    fit = scoring.best_fit(
        profiles if profiles is not None else active_profiles(),
        partner_type=company.partner_type,
        country=company.country,
        company_size=company.company_size,
        industry_codes=[i.code for i in company.industries.all()],
        capability_codes=[c.code for c in company.capabilities.all()],
    )
    company.fit_score = fit.score
    company.fit_profile = fit.profile
    company.fit_reasons = fit.reasons
    company.save(update_fields=["fit_score", "fit_profile", "fit_reasons", "updated_at"])


def application_score(*, application: Application, profiles=None) -> Application:
    """Recompute and store the fit score of one application."""
    _store_fit(application, profiles)
    return application


def prospect_score(*, prospect: Prospect, profiles=None) -> Prospect:
    """Recompute and store the fit score of one prospect, exactly as an application's."""
    _store_fit(prospect, profiles)
    return prospect


def applications_rescore(*, only_open: bool = True) -> int:
    """Rescore applications after the ideal profiles changed."""
    profiles = list(active_profiles())
    qs = Application.objects.prefetch_related("industries", "capabilities")
    if only_open:
        qs = qs.filter(status__in=Application.OPEN_STATUSES)
    count = 0
    for application in stream_rows(qs, chunk_size=200):  # one transaction: all rescored, or none
        application_score(application=application, profiles=profiles)
        count += 1
    prospects = Prospect.objects.prefetch_related("industries", "capabilities")
    if only_open:
        prospects = prospects.filter(stage__in=Prospect.OPEN_STAGES)
    for prospect in stream_rows(prospects, chunk_size=200):
        prospect_score(prospect=prospect, profiles=profiles)
        count += 1
    return count


# --- referral links -------------------------------------------------------------------


def _new_code() -> str:
    return get_random_string(10, "abcdefghjkmnpqrstuvwxyz23456789")


def referral_link_for(*, user=None, partner=None) -> ReferralLink:
    """The personal referral link of a staff user or a partner, created on first use."""
    if (user is None) == (partner is None):
        raise ValueError("Give exactly one of user or partner.")
    lookup = {"user": user} if user is not None else {"partner": partner}
    link = ReferralLink.objects.filter(**lookup).first()
    if link is None:
        try:
            with transaction.atomic():
                link = ReferralLink.objects.create(code=_new_code(), **lookup)
                audit(actor=user, action="referral.link_created", target=link, partner=partner)
        except IntegrityError:  # created concurrently
            link = ReferralLink.objects.get(**lookup)
    return link


def referral_click(*, code: str) -> ReferralLink | None:
    """Count a click on an active link (one set-based UPDATE, safe under concurrency)."""
    link = ReferralLink.objects.filter(code=code, is_active=True).first()
    if link is None:
        return None
    ReferralLink.objects.filter(pk=link.pk).update(clicks=F("clicks") + 1)
    # Not audited (anyone may click): the referrer's figures are renewed here.
    pagecache.bump(pagecache.partner(link.partner_id) if link.partner_id else pagecache.person(link.user_id))
    return link


# --- applications ---------------------------------------------------------------------


def open_application_exists(domain: str) -> bool:
    return Application.objects.filter(domain=domain, status__in=Application.OPEN_STATUSES).exists()


@transaction.atomic
def application_submit(
    *,
    data: dict,
    industries,
    capabilities,
    language: str,
    referral_link: ReferralLink | None = None,
    prospect: Prospect | None = None,
    confirm: bool = True,
    channel_code: str = "",
) -> Application:
    """Record a public application, score it, and (with `confirm`) send the fixed
    confirmation e-mail after commit. From an invitation (`prospect`, verified by
    `prospect_by_invitation`), it is outbound, credited to the inviting manager, and the
    prospect moves to "applied"."""
    from partners import tasks

    application = Application(
        **data, language=language, consent_at=timezone.now(), channel_code=channel_code[:20]
    )
    application.domain = company_domain(application.website)
    if prospect is not None:
        application.source = Source.OUTBOUND
        application.invited_by_id = prospect.invited_by_id
    elif referral_link is not None and referral_link.is_active:
        application.source = Source.REFERRAL
        application.referral_link = referral_link
    if open_application_exists(application.domain):
        raise RecruitmentError(duplicate_message(application.domain))
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:  # a concurrent duplicate hit the unique constraint
        raise RecruitmentError(duplicate_message(application.domain)) from exc
    application.industries.set(industries)
    application.capabilities.set(capabilities)
    application_score(application=application)
    _event(application, kind=ApplicationEvent.Kind.STATUS, to_status=application.status)
    audit(
        actor=None,
        action="application.submitted",
        target=application,
        source=application.source,
        channel=application.channel_code,
        confirmation=confirm,
    )
    if prospect is not None:
        _prospect_applied(prospect, application)
    if confirm:
        tasks.send_application_received.delay_on_commit(application.pk)
    return application


def duplicate_message(domain: str) -> str:
    return _(
        "Thank you – we already have an open application from %(domain)s and are reviewing it. "
        "There is no need to apply again; we will contact you soon."
    ) % {"domain": domain}


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _transition(application, *, to_status, actor, note="", allowed=Application.OPEN_STATUSES):
    if application.status not in allowed:
        raise RecruitmentError(
            _("This application is %(status)s and can no longer be changed.")
            % {"status": application.get_status_display()}
        )
    from_status = application.status
    application.status = to_status
    _event(
        application,
        kind=ApplicationEvent.Kind.STATUS,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )
    audit(actor=actor, action=f"application.{to_status}", target=application, note=note)
    return from_status


@transaction.atomic
def application_start_review(*, application: Application, actor) -> Application:
    application = _locked(application)
    _transition(
        application,
        to_status=Application.Status.IN_REVIEW,
        actor=actor,
        allowed=[Application.Status.SUBMITTED],
    )
    if application.reviewer_id is None:
        application.reviewer = actor
    application.save(update_fields=["status", "reviewer", "updated_at"])
    return application


@transaction.atomic
def application_assign(*, application: Application, reviewer, actor) -> Application:
    application = _locked(application)
    if not application.is_open:
        raise RecruitmentError(_("Only open applications can be assigned."))
    application.reviewer = reviewer
    application.save(update_fields=["reviewer", "updated_at"])
    _event(
        application,
        kind=ApplicationEvent.Kind.ASSIGNED,
        actor=actor,
        note=str(reviewer) if reviewer else "",
    )
    audit(
        actor=actor, action="application.assigned", target=application, reviewer=getattr(reviewer, "pk", None)
    )
    if reviewer is not None and reviewer != actor:
        notify(
            kind="application_assigned",
            recipients=[reviewer],
            event_key=f"application:{application.pk}:assigned:{application.updated_at.isoformat()}",
            params={"company": application.company_name},
            url=reverse("partners:staff_application", args=[application.pk]),
        )
    return application


@transaction.atomic
def application_note(*, application: Application, actor, note: str) -> ApplicationEvent:
    if not note.strip():
        raise RecruitmentError(_("Write a note first."))
    return _event(application, kind=ApplicationEvent.Kind.NOTE, actor=actor, note=note.strip())


def _unique_slug(name: str, domain: str) -> str:
    base = (slugify(name, allow_unicode=True) or slugify(domain) or "partner")[:60].strip("-")
    slug, n = base, 2
    while Partner.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def application_approve(*, application: Application, actor, note: str = "") -> Application:
    """Create the partner and invite the applicant as its admin, all or nothing.

    Once committed, `partner_approved` is sent: onboarding starts the plan in its receiver.
    """
    application = _locked(application)
    _transition(application, to_status=Application.Status.APPROVED, actor=actor, note=note)
    partner = Partner.objects.create(
        name=application.company_name,
        name_kana=application.company_name_kana,
        slug=_unique_slug(application.company_name, application.domain),
        partner_type=application.partner_type,
        status=Partner.Status.ONBOARDING,
        country=application.country,
        website=application.website,
        # django-countries: a multiple CountryField takes a list; its stubs say CharField.
        regions=[application.country],  # type: ignore[misc]
        company_size=application.company_size,
    )
    partner.industries.set(application.industries.all())
    partner.capabilities.set(application.capabilities.all())
    application.partner = partner
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.save(update_fields=["status", "partner", "decided_at", "decided_by", "updated_at"])
    _prospect_follows(application, to_stage=Prospect.Stage.PARTNER, actor=actor)
    audit(actor=actor, action="partner.created", target=partner, application=application.pk)
    invitation_create(
        partner=partner,
        email=application.contact_email,
        role=Membership.Role.ADMIN,
        actor=actor,
        language=application.language,
        application=application,
    )
    transaction.on_commit(lambda: signals.partner_approved.send(sender=Partner, partner=partner, actor=actor))
    return application


@transaction.atomic
def application_reject(*, application: Application, actor, reason: str, note: str = "") -> Application:
    from partners import tasks

    if reason not in Application.RejectionReason.values:
        raise RecruitmentError(_("Choose a reason."))
    application = _locked(application)
    _transition(application, to_status=Application.Status.REJECTED, actor=actor, note=note)
    application.rejection_reason = reason
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.save(update_fields=["status", "rejection_reason", "decided_at", "decided_by", "updated_at"])
    _prospect_follows(application, to_stage=Prospect.Stage.DECLINED, actor=actor)
    tasks.send_application_rejected.delay_on_commit(application.pk)
    return application


@transaction.atomic
def application_withdraw(*, application: Application, actor, note: str = "") -> Application:
    application = _locked(application)
    _transition(application, to_status=Application.Status.WITHDRAWN, actor=actor, note=note)
    application.save(update_fields=["status", "updated_at"])
    return application


# --- prospects (outbound recruitment) -------------------------------------------------

# Owned here: the apply view verifies the link it signs (django.core.signing).
PROSPECT_INVITATION_SALT = "partners.prospect-invitation"
PROSPECT_INVITATION_DAYS = 60


def _reading_key(reading: str) -> str:
    return to_katakana(reading).replace(" ", "").upper()


def _same_reading(qs, field: str, key: str):
    """Rows whose stored reading (katakana on save, prm.i18n.kana) equals `key`, spaces aside."""
    return qs.annotate(_key=Replace(field, Value(" "), Value(""))).filter(_key__iexact=key)


def _by_domain_or_reading(qs, reading_field: str, domain: str, key: str):
    same_reading = _same_reading(qs, reading_field, key).values("pk") if key else qs.none().values("pk")
    return qs.filter(Q(domain=domain) | Q(pk__in=same_reading))


def prospect_duplicates(*, name: str, reading: str, domain: str, exclude_pk: int | None = None) -> list[str]:
    """Why a company would be a duplicate: an existing partner, application or prospect with
    the same domain or the same reading (as `fill_reading` stores it). Empty when new."""
    key = _reading_key(reading or suggest_reading(name))
    found = []
    websites = Partner.objects.filter(website__icontains=domain).values_list("name", "website")
    for partner_name, website in websites:
        if company_domain(website) == domain:
            found.append(
                _("%(name)s is already a partner with the domain %(domain)s.")
                % {"name": partner_name, "domain": domain}
            )
    if key:
        for partner_name in _same_reading(Partner.objects.all(), "name_kana", key).values_list(
            "name", flat=True
        )[:3]:
            found.append(_("%(name)s is already a partner with the same reading.") % {"name": partner_name})
    applications = _by_domain_or_reading(
        Application.objects.exclude(status=Application.Status.WITHDRAWN), "company_name_kana", domain, key
    )
    for company, status in applications.values_list("company_name", "status")[:3]:
        found.append(
            _("%(name)s has already applied (%(status)s).")
            % {"name": company, "status": Application.Status(status).label}
        )
    others = Prospect.objects.exclude(pk=exclude_pk) if exclude_pk else Prospect.objects.all()
    for prospect_name, owner in _by_domain_or_reading(others, "name_kana", domain, key).values_list(
        "name", "owner__email"
    )[:3]:
        found.append(
            _("%(name)s is already a prospect (owner: %(owner)s).") % {"name": prospect_name, "owner": owner}
        )
    return list(dict.fromkeys(found))


def _prospect_activity(prospect, *, kind, actor, from_stage="", to_stage="", note="", on=None):
    return ProspectActivity.objects.create(
        prospect=prospect,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        from_stage=from_stage,
        to_stage=to_stage,
        note=note,
        on=on or timezone.localdate(),
    )


def _prospect_fields(prospect: Prospect, data: dict, industries, capabilities) -> None:
    for name, value in data.items():
        setattr(prospect, name, value)
    prospect.domain = company_domain(prospect.domain)
    if not prospect.domain:
        raise RecruitmentError(_("Enter the company's domain, such as example.co.jp."))
    duplicates = prospect_duplicates(
        name=prospect.name, reading=prospect.name_kana, domain=prospect.domain, exclude_pk=prospect.pk
    )
    if duplicates:
        raise RecruitmentError(" ".join(duplicates))
    try:
        with transaction.atomic():
            prospect.save()
    except IntegrityError as exc:  # a concurrent prospect with the same domain
        raise RecruitmentError(_("%(domain)s is already a prospect.") % {"domain": prospect.domain}) from exc
    prospect.industries.set(industries)
    prospect.capabilities.set(capabilities)
    prospect_score(prospect=prospect)


@transaction.atomic
def prospect_create(*, data: dict, industries, capabilities, actor) -> Prospect:
    """Record a target company, refused when it duplicates a partner, application or prospect."""
    prospect = Prospect()
    _prospect_fields(prospect, data, industries, capabilities)
    _prospect_activity(prospect, kind=ProspectActivity.Kind.STAGE, actor=actor, to_stage=prospect.stage)
    audit(actor=actor, action="prospect.created", target=prospect)
    return prospect


def _locked_prospect(prospect: Prospect) -> Prospect:
    return Prospect.objects.select_for_update().get(pk=prospect.pk)


@transaction.atomic
def prospect_update(*, prospect: Prospect, data: dict, industries, capabilities, actor) -> Prospect:
    prospect = _locked_prospect(prospect)
    _prospect_fields(prospect, data, industries, capabilities)
    audit(actor=actor, action="prospect.updated", target=prospect)
    return prospect


def _move(prospect: Prospect, *, to_stage: str, actor, note: str = "", on=None) -> None:
    from_stage = prospect.stage
    prospect.stage = to_stage
    _prospect_activity(
        prospect,
        kind=ProspectActivity.Kind.STAGE,
        actor=actor,
        from_stage=from_stage,
        to_stage=to_stage,
        note=note,
        on=on,
    )
    audit(actor=actor, action=f"prospect.{to_stage}", target=prospect, note=note)


@transaction.atomic
def prospect_log(
    *, prospect: Prospect, actor, on, note: str = "", stage: str = "", next_step: str = "", next_step_on=None
) -> Prospect:
    """A dated activity: a note, a stage a manager sets by hand, and the next step."""
    prospect = _locked_prospect(prospect)
    if stage and stage != prospect.stage:
        if stage not in Prospect.MANUAL_STAGES or not prospect.is_open:
            raise RecruitmentError(
                _("This prospect is %(stage)s: its stage follows its application now.")
                % {"stage": prospect.get_stage_display()}
                if not prospect.is_open
                else _("Invite the prospect to move it to that stage.")
            )
        _move(prospect, to_stage=stage, actor=actor, note=note.strip(), on=on)
    elif note.strip():
        _prospect_activity(prospect, kind=ProspectActivity.Kind.NOTE, actor=actor, note=note.strip(), on=on)
    elif next_step_on == prospect.next_step_on and next_step == prospect.next_step:
        raise RecruitmentError(_("Write a note, choose a stage or set the next step."))
    prospect.next_step, prospect.next_step_on = next_step, next_step_on
    prospect.save(update_fields=["stage", "next_step", "next_step_on", "updated_at"])
    audit(actor=actor, action="prospect.logged", target=prospect)
    return prospect


@transaction.atomic
def prospect_invite(
    *, prospect: Prospect, actor, contact_name: str, contact_email: str, language: str, message: str = ""
) -> Prospect:
    """Send the contact a personal invitation to apply (again: a new link, the old one stops)."""
    from partners import tasks

    prospect = _locked_prospect(prospect)
    if not prospect.is_open:
        raise RecruitmentError(
            _("This prospect is %(stage)s and can no longer be invited.")
            % {"stage": prospect.get_stage_display()}
        )
    prospect.contact_name, prospect.contact_email = contact_name, contact_email
    prospect.language, prospect.invitation_message = language, message.strip()
    prospect.invited_at, prospect.invited_by = timezone.now(), actor
    if prospect.stage != Prospect.Stage.INVITED:
        _move(prospect, to_stage=Prospect.Stage.INVITED, actor=actor)
    _prospect_activity(
        prospect, kind=ProspectActivity.Kind.INVITED, actor=actor, note=f"{contact_name} <{contact_email}>"
    )
    prospect.save()
    audit(actor=actor, action="prospect.invitation_sent", target=prospect)
    tasks.send_prospect_invitation.delay_on_commit(prospect.pk, prospect.invited_at.isoformat())
    return prospect


def prospect_invitation_token(prospect: Prospect) -> str:
    """The signed value of the invitation link: the prospect and the time of this invitation
    (a newer invitation makes older links stop working)."""
    assert prospect.invited_at is not None
    return signing.dumps(
        {"p": prospect.pk, "at": prospect.invited_at.isoformat()}, salt=PROSPECT_INVITATION_SALT
    )


def prospect_by_invitation(token: str) -> Prospect | None:
    """The invited prospect of a link, or None when it was tampered with, has expired, was
    replaced by a newer invitation, or the prospect has applied or declined since."""
    try:
        value = signing.loads(
            token, salt=PROSPECT_INVITATION_SALT, max_age=timedelta(days=PROSPECT_INVITATION_DAYS)
        )
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("p"), int):
        return None
    prospect = (
        Prospect.objects.filter(pk=value["p"], stage=Prospect.Stage.INVITED)
        .select_related("invited_by")
        .prefetch_related("industries", "capabilities")
        .first()
    )
    if prospect is None or prospect.invited_at is None or prospect.invited_at.isoformat() != value.get("at"):
        return None
    return prospect


def _prospect_applied(prospect: Prospect, application: Application) -> None:
    prospect = _locked_prospect(prospect)
    if prospect.stage != Prospect.Stage.INVITED:
        raise RecruitmentError(_("This invitation is no longer valid. You can still apply without it."))
    prospect.application = application
    _move(prospect, to_stage=Prospect.Stage.APPLIED, actor=None)
    prospect.save(update_fields=["stage", "application", "updated_at"])


def _prospect_follows(application: Application, *, to_stage: str, actor) -> None:
    """An invited company's application was decided: its prospect becomes a partner or declined."""
    prospect = Prospect.objects.select_for_update().filter(application=application).first()
    if prospect is not None and prospect.stage == Prospect.Stage.APPLIED:
        _move(prospect, to_stage=to_stage, actor=actor)
        prospect.save(update_fields=["stage", "updated_at"])


# --- invitations and team -------------------------------------------------------------


def _issue_token(invitation: Invitation) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_hash = token_hash(token)
    now = timezone.now()
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=Invitation.VALID_DAYS)
    return token


def _send_marker(invitation: Invitation) -> str:
    """Identifies one (re)send; a task for an older send finds another marker and stops."""
    return invitation.sent_at.isoformat()


@transaction.atomic
def invitation_mail_token(*, invitation_id: int, marker: str) -> tuple[Invitation, str] | None:
    """Called by the mail task: the link's token is made here, at sending time, so that it
    never travels through the broker (the task carries only ids). Only its hash is stored;
    the previous link (if any) stops working. None when the invitation is no longer open
    or was resent since (a stale task)."""
    invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
    if invitation is None or invitation.state != "pending" or _send_marker(invitation) != marker:
        return None
    token = secrets.token_urlsafe(32)
    invitation.token_hash = token_hash(token)
    invitation.save(update_fields=["token_hash"])
    return invitation, token


def _refuse_invitation(email: str, *, member: bool, pending: bool) -> None:
    if member:
        raise RecruitmentError(_("%(email)s is already a member of your team.") % {"email": email})
    if pending:
        raise RecruitmentError(
            _("%(email)s has already been invited. Resend the invitation instead.") % {"email": email}
        )


@transaction.atomic
def invitation_create(
    *, partner: Partner, email: str, role: str, actor, language: str | None = None, application=None
) -> Invitation:
    from partners import tasks

    email = email.strip().lower()
    _refuse_invitation(
        email,
        member=Membership.objects.filter(user__email__iexact=email, partner=partner).exists(),
        pending=Invitation.objects.for_partner(partner).pending().filter(email__iexact=email).exists(),
    )
    invitation = Invitation(
        partner=partner,
        email=email,
        role=role,
        invited_by=actor if getattr(actor, "pk", None) else None,
        language=language or getattr(actor, "language", None) or "ja",
    )
    _issue_token(invitation)  # a placeholder hash: the mail task makes the link's token
    invitation.save()
    audit(
        actor=actor, action="invitation.created", target=invitation, partner=partner, email=email, role=role
    )
    tasks.send_invitation.delay_on_commit(
        invitation.pk, _send_marker(invitation), application.pk if application else None
    )
    return invitation


@transaction.atomic
def invitations_create_many(*, rows: list[tuple[Partner, str, str, str]], actor) -> list[Invitation]:
    """`invitation_create` for many (partner, e-mail, role, language) rows: the same refusals
    (a member already, a pending invitation), read in two queries; one insert, one insert of
    audit rows; each mail queued once the transaction commits."""
    from partners import tasks

    rows = [(partner, email.strip().lower(), role, language) for partner, email, role, language in rows]
    partner_ids = {partner.pk for partner, *_rest in rows}
    emails = {email for _p, email, *_rest in rows}
    members = {
        (p, e.lower())
        for p, e in Membership.objects.filter(partner_id__in=partner_ids, user__email__in=emails).values_list(
            "partner_id", "user__email"
        )
    }
    pending = {
        (p, e.lower())
        for p, e in Invitation.objects.filter(partner_id__in=partner_ids, email__in=emails)
        .pending()
        .values_list("partner_id", "email")
    }
    invitations = []
    for partner, email, role, language in rows:
        _refuse_invitation(
            email, member=(partner.pk, email) in members, pending=(partner.pk, email) in pending
        )
        invitation = Invitation(
            partner=partner,
            email=email,
            role=role,
            invited_by=actor if getattr(actor, "pk", None) else None,
            language=language or getattr(actor, "language", None) or "ja",
        )
        _issue_token(invitation)
        invitations.append(invitation)
    Invitation.objects.bulk_create(invitations)
    audit_many(
        actor=actor,
        action="invitation.created",
        model=Invitation,
        rows=((i.pk, str(i), i.partner_id, {"email": i.email, "role": i.role}) for i in invitations),
    )
    for invitation in invitations:
        tasks.send_invitation.delay_on_commit(invitation.pk, _send_marker(invitation), None)
    return invitations


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor) -> Invitation:
    """A fresh token and a fresh 14 days; the old link stops working."""
    from partners import tasks

    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise RecruitmentError(_("Only open invitations can be resent."))
    _issue_token(invitation)  # the old link stops working now
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    audit(actor=actor, action="invitation.resent", target=invitation)
    tasks.send_invitation.delay_on_commit(invitation.pk, _send_marker(invitation), None)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor) -> Invitation:
    updated = Invitation.objects.filter(pk=invitation.pk, accepted_at=None, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise RecruitmentError(_("This invitation was already accepted or revoked."))
    audit(actor=actor, action="invitation.revoked", target=invitation)
    invitation.refresh_from_db()
    return invitation


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a link points at, whatever its state (None if the token is unknown)."""
    if not token:
        return None
    return (
        Invitation.objects.select_related("partner", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


@transaction.atomic
def invitation_accept(*, token: str, user) -> Membership:
    """Join the partner: single use (claimed with a conditional UPDATE), not expired, same e-mail."""
    return _invitation_accept(invitation=invitation_by_token(token), user=user)


@transaction.atomic
def invitation_accept_verified(*, invitation: Invitation, user) -> Membership:
    """`invitation_accept` without the link, for an address verified another way: single sign-on,
    where the identity provider routed for the address's domain vouches for it (sso). The same
    checks, claim, membership and audit as the link."""
    return _invitation_accept(invitation=invitation, user=user)


def _invitation_accept(*, invitation: Invitation | None, user) -> Membership:
    if invitation is None or invitation.state != "pending":
        raise RecruitmentError(_("This invitation link is no longer valid."))
    if invitation.email.lower() != user.email.lower():
        raise RecruitmentError(
            _("This invitation was sent to %(invited)s, but you are signed in as %(current)s.")
            % {"invited": invitation.email, "current": user.email}
        )
    existing = Membership.objects.filter(user=user).select_related("partner").first()
    if existing is not None and existing.partner_id != invitation.partner_id:
        raise RecruitmentError(
            _("Your account already belongs to %(partner)s. A user can belong to one partner only.")
            % {"partner": existing.partner}
        )
    claimed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
    ).update(accepted_at=timezone.now(), accepted_by=user)
    if claimed != 1:
        raise RecruitmentError(_("This invitation link is no longer valid."))
    membership, _created = Membership.objects.update_or_create(
        user=user, defaults={"partner": invitation.partner, "role": invitation.role, "is_active": True}
    )
    if invitation.language and user.language != invitation.language and _created:
        user.language = invitation.language
        user.save(update_fields=["language"])
    audit(actor=user, action="invitation.accepted", target=invitation, partner=invitation.partner)
    return membership


def _admin_count(partner) -> int:
    return Membership.objects.filter(partner=partner, role=Membership.Role.ADMIN, is_active=True).count()


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, actor) -> Membership:
    if role not in Membership.Role.values:
        raise RecruitmentError(_("Choose a valid role."))
    # Lock the partner's admins so two admins cannot demote each other at the same time.
    list(
        Membership.objects.select_for_update().filter(
            partner_id=membership.partner_id, role=Membership.Role.ADMIN
        )
    )
    membership.refresh_from_db()
    if (
        membership.role == Membership.Role.ADMIN
        and role != Membership.Role.ADMIN
        and _admin_count(membership.partner) <= 1
    ):
        raise RecruitmentError(_("A team needs at least one admin. Make someone else admin first."))
    membership.role = role
    membership.save(update_fields=["role"])
    audit(actor=actor, action="membership.role_changed", target=membership, role=role)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor) -> None:
    list(
        Membership.objects.select_for_update().filter(
            partner_id=membership.partner_id, role=Membership.Role.ADMIN
        )
    )
    membership.refresh_from_db()
    if membership.role == Membership.Role.ADMIN and _admin_count(membership.partner) <= 1:
        if membership.user_id == getattr(actor, "pk", None):
            raise RecruitmentError(_("You are the last admin and cannot remove yourself."))
        raise RecruitmentError(_("A team needs at least one admin."))
    audit(
        actor=actor,
        action="membership.removed",
        target=membership,
        partner=membership.partner,
        user=membership.user_id,
    )
    membership.delete()


# --- partner profile ------------------------------------------------------------------


@transaction.atomic
def partner_profile_update(*, partner: Partner, form, user, logo=None) -> Partner:
    """Save the profile form (logo already resized) and report completion once."""
    partner = form.save(commit=False)
    if logo is not None:
        partner.logo = logo
    partner.save()
    form.save_m2m()
    audit(actor=user, action="partner.profile_updated", target=partner)
    if partner.profile_completed_at is None and not partner.profile_missing():
        claimed = Partner.objects.filter(pk=partner.pk, profile_completed_at=None).update(
            profile_completed_at=timezone.now()
        )
        if claimed:
            partner.refresh_from_db(fields=["profile_completed_at"])
            audit(actor=user, action="partner.profile_completed", target=partner)
            transaction.on_commit(
                lambda: signals.partner_profile_completed.send(sender=Partner, partner=partner, actor=user)
            )
    return partner


# --- bulk import (the imports app) ---------------------------------------------------

# What an import row may set on a partner: the profile's own columns, never its lifecycle.
IMPORT_FIELDS = ("name", "name_kana", "partner_type", "country", "website", "company_size", "description")


def _unique_slugs(names_and_keys: list[tuple[str, str]]) -> list[str]:
    """`_unique_slug` for many partners: taken slugs read in one query (a base taken ten
    times over falls back to the one-by-one search)."""
    bases = [
        (slugify(n, allow_unicode=True) or slugify(k) or "partner")[:60].strip("-") for n, k in names_and_keys
    ]
    candidates = set(bases) | {f"{b}-{i}" for b in bases for i in range(2, 11)}
    taken = set(Partner.objects.filter(slug__in=candidates).values_list("slug", flat=True))
    slugs = []
    for base, (name, key) in zip(bases, names_and_keys, strict=True):
        slug = next((c for c in [base, *(f"{base}-{i}" for i in range(2, 11))] if c not in taken), None)
        slug = slug or _unique_slug(name, key)
        taken.add(slug)
        slugs.append(slug)
    return slugs


@transaction.atomic
def partners_import_create_many(*, rows: list[tuple[str, dict]], actor) -> list[Partner]:
    """`partner_import_create` for many partners: one insert, one insert of audit rows."""
    now = timezone.now()
    partners = []
    slugs = _unique_slugs([(data["name"], key) for key, data in rows])
    for (external_id, data), slug in zip(rows, slugs, strict=True):
        partner = Partner(
            **{name: data[name] for name in IMPORT_FIELDS if name in data},
            external_id=external_id,
            slug=slug,
            status=Partner.Status.ACTIVE,
            status_changed_at=now,
        )
        fill_reading(partner, "name", "name_kana")  # what Partner.save does
        partners.append(partner)
    Partner.objects.bulk_create(partners)
    audit_many(
        actor=actor,
        action="partner.imported",
        model=Partner,
        rows=((p.pk, p.name, p.pk, {"external_id": p.external_id}) for p in partners),
    )
    return partners


@transaction.atomic
def partner_import_update(*, partner: Partner, data: dict, actor) -> dict:
    """Set the columns an import row changed; returns {field: [old, new]} (empty: unchanged)."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    changes = {}
    for name in IMPORT_FIELDS:
        if name in data and getattr(partner, name) != data[name]:
            changes[name] = [str(getattr(partner, name)), str(data[name])]
            setattr(partner, name, data[name])
    if changes:
        partner.save(update_fields=[*changes, "updated_at"])
        audit(actor=actor, action="partner.import_updated", target=partner, changes=changes)
    return changes


def partner_owner_assign(*, partner: Partner, manager, actor) -> None:
    """Make `manager` (staff) one of the channel managers of `partner` (guardian's object
    permission; its grant is audited by prm.audit.receivers)."""
    if not manager.is_staff:
        raise RecruitmentError(_("%(email)s is not a staff account.") % {"email": manager.email})
    assign_perm("partners.manage_partner", manager, partner)


# --- partner lifecycle ----------------------------------------------------------------
#
# onboarding -> active (the plan completed, or a manager activated it) -> suspended ->
# active again; any of them -> offboarded. Each transition: lock, guard, set, audit, e-mail
# the members, and send the partners.signals signal once the transaction has committed.


def _lifecycle(*, partner: Partner, actor, to_status: str, allowed, action: str, signal, reason: str = ""):
    from partners import tasks

    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.status not in allowed:
        raise RecruitmentError(
            _("%(partner)s is %(status)s; this change is not possible now.")
            % {"partner": partner.name, "status": partner.get_status_display()}
        )
    from_status = partner.status
    partner.status = to_status
    partner.status_changed_at = timezone.now()
    partner.status_reason = reason
    partner.save(update_fields=["status", "status_changed_at", "status_reason", "updated_at"])
    audit(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target=partner,
        partner=partner,
        from_status=from_status,
        reason=reason,
    )
    recipients = list(
        Membership.objects.filter(partner=partner, is_active=True).values_list("user_id", flat=True)
    )
    tasks.send_partner_status.delay_on_commit(partner.pk, to_status, recipients, action.split(".")[1])
    transaction.on_commit(lambda: signal.send(sender=Partner, partner=partner, actor=actor))
    return partner


@transaction.atomic
def partner_activate(*, partner: Partner, actor) -> Partner:
    """Onboarding is finished: the partner sells, appears in the directory, refers."""
    return _lifecycle(
        partner=partner,
        actor=actor,
        to_status=Partner.Status.ACTIVE,
        allowed=(Partner.Status.ONBOARDING, Partner.Status.INACTIVE),
        action="partner.activated",
        signal=signals.partner_activated,
    )


@transaction.atomic
def partner_onboarding_complete(*, partner: Partner, actor, on) -> Partner:
    """Onboarding tells us the partner's plan is complete: from now on a fact of the partner
    (the first date is kept; the tier thresholds read it), and a partner still onboarding
    becomes active."""
    first = bool(
        Partner.objects.filter(pk=partner.pk, onboarding_completed_on=None).update(onboarding_completed_on=on)
    )
    if first:
        audit(
            actor=actor if getattr(actor, "pk", None) else None,
            action="partner.onboarding_completed",
            target=partner,
            partner=partner,
            on=str(on),
        )
    partner = Partner.objects.get(pk=partner.pk)
    if partner.status == Partner.Status.ONBOARDING:
        partner = partner_activate(partner=partner, actor=actor)
    return partner


@transaction.atomic
def partner_suspend(*, partner: Partner, actor, reason: str = "") -> Partner:
    """Members see the suspended page instead of the portal; memberships and data stay."""
    return _lifecycle(
        partner=partner,
        actor=actor,
        to_status=Partner.Status.SUSPENDED,
        allowed=(Partner.Status.ONBOARDING, Partner.Status.ACTIVE),
        action="partner.suspended",
        signal=signals.partner_suspended,
        reason=reason,
    )


@transaction.atomic
def partner_reactivate(*, partner: Partner, actor) -> Partner:
    return _lifecycle(
        partner=partner,
        actor=actor,
        to_status=Partner.Status.ACTIVE,
        allowed=(Partner.Status.SUSPENDED,),
        action="partner.reactivated",
        signal=signals.partner_reactivated,
    )


@transaction.atomic
def partner_offboard(*, partner: Partner, actor, reason: str = "") -> Partner:
    """The partnership ends: memberships end, open invitations are revoked; deals, plans and
    audit history stay for reporting. Incentives releases deal protection on the signal."""
    partner = _lifecycle(
        partner=partner,
        actor=actor,
        to_status=Partner.Status.OFFBOARDED,
        allowed=(Partner.Status.ONBOARDING, Partner.Status.ACTIVE, Partner.Status.SUSPENDED),
        action="partner.offboarded",
        signal=signals.partner_offboarded,
        reason=reason,
    )
    ended = Membership.objects.filter(partner=partner, is_active=True).update(is_active=False)
    revoked = (
        Invitation.objects.for_partner(partner)
        .filter(accepted_at=None, revoked_at=None)
        .update(revoked_at=timezone.now())
    )
    ReferralLink.objects.filter(partner=partner).update(is_active=False)
    audit(
        actor=actor if getattr(actor, "pk", None) else None,
        action="partner.access_ended",
        target=partner,
        partner=partner,
        memberships=ended,
        invitations=revoked,
    )
    return partner


@transaction.atomic
def partner_deal_won(*, partner: Partner, on) -> bool:
    """Incentives tells us a deal was won: the first one moves the partner to servicing."""
    first = bool(
        Partner.objects.filter(pk=partner.pk, first_deal_won_at=None).update(
            first_deal_won_at=on,
            updated_at=timezone.now(),  # the stage changed: the API's updated_since sees it
        )
    )
    if first:
        audit(actor=None, action="partner.first_deal_won", target=partner, partner=partner, on=str(on))
    return first
