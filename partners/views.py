"""Public recruitment pages, the partner's team and profile pages, and home panels."""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partners import queries, services
from partners.forms import ApplicationForm, InviteForm, ProfileForm, RoleForm, invitation_initial
from partners.images import resized_logo
from partners.models import (
    Invitation,
    Membership,
    Partner,
    PartnerTypeStory,
    ReferralLink,
)
from partners.services import RecruitmentError
from prm.access.adapters import (
    INVITATION_SESSION_KEY,
    SIGNUP_ALLOWED_SESSION_KEY,
    VERIFIED_EMAIL_SESSION_KEY,
)
from prm.cache import pagecache
from prm.http import ratelimit
from prm.http.attribution import channel_code
from prm.http.clientip import client_ip
from prm.models import User
from prm.tenancy import ADMIN, active_membership, partner_required

REFERRAL_SESSION_KEY = "partners_referral"
REFERRAL_COOKIE = "prm_ref"
REFERRAL_COOKIE_SALT = "partners.referral"
REFERRAL_COOKIE_DAYS = 90


# --- referral links and the public application ----------------------------------------


@require_GET
def referral(request, code):
    """Count the click, remember the referral (session + signed cookie) and go to /apply/."""
    link = services.referral_click(code=code)
    response = redirect("partners:apply")
    if link is not None:
        request.session[REFERRAL_SESSION_KEY] = link.code
        response.set_signed_cookie(
            REFERRAL_COOKIE,
            link.code,
            salt=REFERRAL_COOKIE_SALT,
            max_age=REFERRAL_COOKIE_DAYS * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def current_referral(request) -> ReferralLink | None:
    """The referral remembered for this visitor: session first, then the signed cookie."""
    code = request.session.get(REFERRAL_SESSION_KEY)
    if not code:
        try:
            code = request.get_signed_cookie(REFERRAL_COOKIE, salt=REFERRAL_COOKIE_SALT, default=None)
        except signing.BadSignature:
            code = None
    if not code:
        return None
    return ReferralLink.objects.select_related("user", "partner").filter(code=code, is_active=True).first()


def rate_limit_key(ip: str) -> str:
    return f"partners:apply:{ip}"


APPLY_CONFIRMED_SESSION_KEY = "partners_apply_confirmed"


def recipient_count(email: str) -> int | None:
    """Count one confirmation for this address; None when the counter is unreachable.

    The confirmation goes to whatever address the form names, so this limit protects someone
    else's inbox, not the portal: it fails closed (an unknown count sends no mail). The
    address is hashed in the key; the mail itself is a fixed text (no applicant's words)."""
    digest = hashlib.sha256(inbox(email).encode()).hexdigest()[:32]
    _limit, window = settings.PARTNERS_APPLY_RECIPIENT_LIMIT
    return ratelimit.strict_count(f"partners:apply:to:{digest}", window=window)


GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}


def inbox(email: str) -> str:
    """The mailbox an address delivers to, as far as it can be told: case, a "+tag" and
    (at Gmail) dots do not make another inbox, so they do not make another count."""
    local, _at, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def rate_limited(request) -> bool:
    """Count one valid submission for this IP; True when over PARTNERS_APPLY_RATE_LIMIT per hour.

    Invalid forms are not counted: they store and send nothing, and a person fixing typos
    must not lock themselves out. The IP is the trusted client IP (prm.http.clientip); a cache
    outage lets the submission through (prm.http.ratelimit fails open).
    """
    limit, window = getattr(settings, "PARTNERS_APPLY_RATE_LIMIT", (5, 3600))
    return ratelimit.hit(rate_limit_key(client_ip(request)), limit=limit, window=window)


PROSPECT_INVITATION_SESSION_KEY = "partners_prospect_invitation"


@require_GET
def apply_invited(request, token):
    """A manager's invitation link: remember it (the signed value, checked again on each
    request) and open the form without the token in the address bar."""
    if services.prospect_by_invitation(token) is None:
        messages.error(
            request,
            _(
                "This invitation link is not valid or has expired. You are welcome to apply with the form below."
            ),
        )
        request.session.pop(PROSPECT_INVITATION_SESSION_KEY, None)
    else:
        request.session[PROSPECT_INVITATION_SESSION_KEY] = token
    return redirect("partners:apply")


def current_invitation(request):
    token = request.session.get(PROSPECT_INVITATION_SESSION_KEY)
    return services.prospect_by_invitation(token) if token else None


@require_http_methods(["GET", "POST"])
def apply(request):
    prospect = current_invitation(request)
    referral_link = None if prospect is not None else current_referral(request)
    form = ApplicationForm(
        request.POST or None,
        referral=referral_link,
        prospect=prospect,
        initial=invitation_initial(prospect) if prospect is not None else None,
    )
    status = 200
    if request.method == "POST":
        if form.is_spam:
            # Pretend success so a bot learns nothing; nothing is stored or sent.
            return redirect("partners:apply_thanks")
        if form.is_valid():
            if rate_limited(request):
                form.add_error(
                    None, _("Too many applications were sent from your network. Please try again in an hour.")
                )
                status = 429
            elif (sent := recipient_count(form.cleaned_data["contact_email"])) is not None and (
                sent > settings.PARTNERS_APPLY_RECIPIENT_LIMIT[0]
            ):
                form.add_error(
                    "contact_email",
                    _("Too many applications were sent for this e-mail address. Please try again tomorrow."),
                )
                status = 429
            else:
                try:
                    services.application_submit(
                        data=form.application_data(),
                        industries=form.cleaned_data["industries"],
                        capabilities=form.cleaned_data["capabilities"],
                        language=translation.get_language() or settings.LANGUAGE_CODE,
                        referral_link=referral_link,
                        prospect=prospect,
                        confirm=sent is not None,  # counter unreachable: keep it, mail nothing
                        channel_code=channel_code(request),  # the tracked link, with consent
                    )
                except RecruitmentError as exc:
                    form.add_error(None, str(exc))
                else:
                    request.session.pop(REFERRAL_SESSION_KEY, None)
                    request.session.pop(PROSPECT_INVITATION_SESSION_KEY, None)
                    request.session[APPLY_CONFIRMED_SESSION_KEY] = sent is not None
                    response = redirect("partners:apply_thanks")
                    response.delete_cookie(REFERRAL_COOKIE)
                    return response
    return render(
        request,
        "partners/apply.html",
        {"form": form, "referral": referral_link, "prospect": prospect, **_apply_story()},
        status=status,
    )


def _apply_story() -> dict:
    """The programme's story on the form: the introduction, each type's audience and
    benefits, and what partners get (records edited in the admin, figures filled in)."""
    story = queries.programme_story()
    return {
        "story": story,
        "apply_intro": story.filled("apply_intro") if story else "",
        "type_stories": list(PartnerTypeStory.objects.all()),
    }


@require_GET
def apply_thanks(request):
    confirmed = request.session.pop(APPLY_CONFIRMED_SESSION_KEY, True)
    return render(request, "partners/apply_thanks.html", {"confirmed": confirmed})


# --- invitations ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = services.invitation_by_token(token)
    valid = invitation is not None and invitation.state == "pending"
    if request.method == "POST" and valid:
        if not request.user.is_authenticated:
            return _invitation_sign_in_or_up(request, invitation, token)
        try:
            membership = services.invitation_accept(token=token, user=request.user)
        except RecruitmentError as exc:
            messages.error(request, str(exc))
        else:
            for key in (SIGNUP_ALLOWED_SESSION_KEY, VERIFIED_EMAIL_SESSION_KEY, INVITATION_SESSION_KEY):
                request.session.pop(key, None)
            messages.success(request, _("Welcome to %(partner)s!") % {"partner": membership.partner})
            return redirect("home")

    context = {
        "invitation": invitation if valid else None,
        "token": token,
        "has_account": valid and User.objects.filter(email__iexact=invitation.email).exists(),
        "wrong_user": valid
        and request.user.is_authenticated
        and request.user.email.lower() != invitation.email.lower(),
    }
    return render(request, "partners/invitation_accept.html", context)


def _invitation_sign_in_or_up(request, invitation, token):
    """Anonymous visitor: sign in to an existing account, or sign up with the invited e-mail."""
    next_url = reverse("partners:invitation_accept", kwargs={"token": token})
    if User.objects.filter(email__iexact=invitation.email).exists():
        return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
    # The link came to this inbox: allauth may open sign-up for this address, already verified.
    request.session[SIGNUP_ALLOWED_SESSION_KEY] = True
    request.session[VERIFIED_EMAIL_SESSION_KEY] = invitation.email
    request.session[INVITATION_SESSION_KEY] = token
    return redirect(f"{reverse('account_signup')}?{urlencode({'email': invitation.email, 'next': next_url})}")


# --- team -----------------------------------------------------------------------------


@partner_required
@require_http_methods(["GET", "POST"])
def team(request):
    partner = request.partner
    is_admin = request.membership.is_admin
    form = InviteForm(request.POST or None) if is_admin else None
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied
        if form.is_valid() and _invitation_mails_limited(request):
            form.add_error(None, INVITATION_LIMIT_MESSAGE)
        elif form.is_valid():
            try:
                services.invitation_create(
                    partner=partner,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    actor=request.user,
                    language=request.user.language,
                )
            except RecruitmentError as exc:
                form.add_error("email", str(exc))
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
                )
                return redirect("partners:team")
    members = Membership.objects.for_partner(partner).select_related("user").order_by("role", "user__email")
    invitations = Invitation.objects.for_partner(partner).pending().select_related("invited_by")
    main = None
    if form is None or not form.is_bound:
        main = pagecache.Fragment(request, "partners:team", "catalogue partner person", timezone.localdate())
    return render(
        request,
        "partners/team.html",
        {
            "main": main,
            "members": members,
            "invitations": invitations if is_admin else [],
            "form": form,
            "is_admin": is_admin,
            "role_choices": Membership.Role.choices,
            "active_nav": "team",
        },
    )


INVITATION_LIMIT_MESSAGE = gettext_lazy("Too many invitations were sent recently. Please try again later.")


def _invitation_mails_limited(request) -> bool:
    """PARTNERS_INVITE_RATE_LIMIT (count, seconds) invitation mails per partner and per
    client IP: an admin account in the wrong hands cannot send mail to the world."""
    limit, window = getattr(settings, "PARTNERS_INVITE_RATE_LIMIT", (20, 3600))
    by_partner = ratelimit.hit(f"rl:invite:partner:{request.partner.pk}", limit=limit, window=window)
    by_ip = ratelimit.ip_limited(request, "invite", limit=limit, window=window)
    return by_partner or by_ip


def _invitation_action(request, pk, action):
    invitation = get_object_or_404(Invitation.objects.for_partner(request.partner), pk=pk)
    if action is services.invitation_resend and _invitation_mails_limited(request):
        messages.error(request, INVITATION_LIMIT_MESSAGE)
        return None
    try:
        action(invitation=invitation, actor=request.user)
    except RecruitmentError as exc:
        messages.error(request, str(exc))
        return None
    return invitation


@partner_required(role=ADMIN)
@require_POST
def invitation_resend(request, pk):
    invitation = _invitation_action(request, pk, services.invitation_resend)
    if invitation:
        messages.success(
            request, _("A new invitation link was sent to %(email)s.") % {"email": invitation.email}
        )
    return redirect("partners:team")


@partner_required(role=ADMIN)
@require_POST
def invitation_revoke(request, pk):
    invitation = _invitation_action(request, pk, services.invitation_revoke)
    if invitation:
        messages.success(request, _("The invitation to %(email)s was revoked.") % {"email": invitation.email})
    return redirect("partners:team")


@partner_required(role=ADMIN)
@require_POST
def member_role(request, pk):
    membership = get_object_or_404(Membership.objects.for_partner(request.partner), pk=pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_set_role(
                membership=membership, role=form.cleaned_data["role"], actor=request.user
            )
        except RecruitmentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The role of %(user)s was changed.") % {"user": membership.user})
    else:
        messages.error(request, _("Choose a valid role."))
    return redirect("partners:team")


@partner_required(role=ADMIN)
@require_POST
def member_remove(request, pk):
    membership = get_object_or_404(Membership.objects.for_partner(request.partner), pk=pk)
    try:
        services.membership_remove(membership=membership, actor=request.user)
    except RecruitmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(user)s was removed from the team.") % {"user": membership.user})
        if membership.user_id == request.user.pk:
            return redirect("home")
    return redirect("partners:team")


# --- profile --------------------------------------------------------------------------


@partner_required
@require_http_methods(["GET", "POST"])
def profile(request):
    is_admin = request.membership.is_admin
    if request.method == "GET":  # the page as it is: one exact fragment
        partner = pagecache.lazy(
            lambda: Partner.objects.prefetch_related("industries", "capabilities").get(pk=request.partner.pk)
        )
        return render(
            request,
            "partners/profile.html",
            {
                "main": pagecache.Fragment(request, "partners:profile", "catalogue partner"),
                "partner": partner,
                "form": pagecache.lazy(lambda: ProfileForm(instance=partner)) if is_admin else None,
                "is_admin": is_admin,
                "missing": pagecache.lazy(lambda: partner.profile_missing()),
            },
        )
    partner = Partner.objects.prefetch_related("industries", "capabilities").get(pk=request.partner.pk)
    form = None
    if is_admin:
        form = ProfileForm(request.POST or None, request.FILES or None, instance=partner)
    else:
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("logo")
        logo = (
            resized_logo(upload, name=f"{partner.pk}-logo")
            if upload and hasattr(upload, "content_type")
            else None
        )
        services.partner_profile_update(partner=partner, form=form, user=request.user, logo=logo)
        messages.success(request, _("Your company profile was saved."))
        return redirect("partners:profile")
    return render(
        request,
        "partners/profile.html",
        {"partner": partner, "form": form, "is_admin": is_admin, "missing": partner.profile_missing()},
    )


# --- referrals for partners -----------------------------------------------------------


@partner_required
@require_GET
def referrals(request):
    partner = request.partner

    link = None  # an active partner's link is made on first use, and read on a miss only
    if partner.status == Partner.Status.ACTIVE:
        link = pagecache.lazy(
            lambda: queries.referral_link_stats(services.referral_link_for(partner=partner))
        )
    return render(
        request,
        "partners/referrals.html",
        {
            "main": pagecache.Fragment(request, "partners:referrals", "catalogue partner"),
            "link": link,
            "partner": partner,
        },
    )


# --- plug-ins -------------------------------------------------------------------------


def referral_panel(request, partner):
    """Home panel: the partner's referral link with clicks, applications and approvals."""
    if partner.status != Partner.Status.ACTIVE:
        return None

    def compute():
        # The existing link with its figures in one query (None before its first use).
        links = queries.referrer_stats(ReferralLink.objects.filter(partner=partner)).select_related(None)
        return links.order_by("pk").first()

    # Exact under the partner's scope: clicks, applications through the link, audited saves.
    link = queries.cached_partner_referral_link(partner, compute)
    if link is None:
        services.referral_link_for(partner=partner)  # created on first use (a new version)
        link = queries.cached_partner_referral_link(partner, compute)
    return "partners/panels/referral.html", {"link": link}


def company_panel(request, partner):
    """Home panel: the company at a glance, links to profile and team, what the profile lacks."""
    membership = active_membership(request.user)
    return "partners/panels/company.html", {
        "partner": partner,
        "membership": membership,
        # The relations come with the member count other panels read (one query, memoised).
        "missing": partner.profile_missing(queries.partner_facts(partner))
        if partner.profile_completed_at is None
        else [],
    }
