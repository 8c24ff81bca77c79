"""The portal's "API and webhooks" pages: personal API tokens (partner admins for their
partner's members, channel managers for themselves) and webhook endpoints.

The same views serve partner users (`/integrations/...`, partner_required) and channel
managers (`/staff/integrations/...`, staff_required, behind the staff MFA requirement);
`Owner` says whose tokens and endpoints a page shows."""

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api import services
from api.forms import TokenForm
from prm.models import CHANNEL_MANAGERS
from prm.tenancy import ADMIN, MEMBER, partner_required, staff_required


@dataclass
class Owner:
    """Whose integration a page manages: a partner (admins manage it, members see their
    own tokens) or one channel manager."""

    user: object
    partner: object | None
    is_admin: bool

    @property
    def staff(self) -> bool:
        return self.partner is None

    def url(self, name: str, *args) -> str:
        return reverse(f"integrations:{'staff_' if self.staff else ''}{name}", args=args)


def _partner_page(role=MEMBER):
    def decorator(view):
        @partner_required(role=role)
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            owner = Owner(request.user, request.partner, request.membership.is_admin)
            return view(request, owner, *args, **kwargs)

        return wrapper

    return decorator


def _staff_page(view):
    @staff_required(groups=(CHANNEL_MANAGERS,))
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, Owner(request.user, None, True), *args, **kwargs)

    return wrapper


def both(view, *, role=MEMBER):
    """(partner view, staff view) of one page."""
    return _partner_page(role)(view), _staff_page(view)


def _context(owner: Owner, **extra) -> dict:
    return {"owner": owner, "active_nav": None, **extra}


# --- the overview ---------------------------------------------------------------------


def index(request, owner: Owner):
    tokens = services.tokens_visible_to(owner.user).select_related("user", "created_by")
    return render(request, "api/index.html", _context(owner, tokens=tokens, can_issue=owner.is_admin))


# --- tokens ---------------------------------------------------------------------------


def token_create(request, owner: Owner):
    targets = services.issue_targets(owner.user)
    form = TokenForm(request.POST or None, actor=owner.user, targets=targets)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            token, secret = services.token_create(
                actor=owner.user,
                user=data["user"],
                name=data["name"],
                scopes=data["scopes"],
                days=data["days"],
            )
        except services.TokenError as exc:
            form.add_error(None, str(exc))
        else:
            # The secret is in this response only: it is never stored or shown again.
            response = render(request, "api/token_created.html", _context(owner, token=token, secret=secret))
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "api/token_form.html", _context(owner, form=form))


@require_POST
def token_revoke(request, owner: Owner, pk: int):
    token = get_object_or_404(services.tokens_visible_to(owner.user), pk=pk)
    try:
        services.token_revoke(token=token, actor=owner.user)
    except services.TokenError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The token has been revoked; requests made with it now fail."))
    return redirect(owner.url("index"))


index_partner, index_staff = both(index)
token_create_partner, token_create_staff = both(token_create, role=ADMIN)
token_revoke_partner, token_revoke_staff = both(token_revoke)


def staff_links(request):
    if not request.user.is_channel_manager:
        return []
    return [
        {
            "label": _("API and webhooks"),
            "url": reverse("integrations:staff_index"),
            "description": _(
                "Your API tokens for the vendor's CRM, and webhook endpoints for your partners' events."
            ),
        }
    ]
