"""The portal's "API and webhooks" pages: personal API tokens (partner admins for their
partner's members, channel managers for themselves) and webhook endpoints.

The same views serve partner users (`/integrations/...`, partner_required) and channel
managers (`/staff/integrations/...`, staff_required, behind the staff MFA requirement);
`Owner` says whose tokens and endpoints a page shows."""

import json
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api import services
from api.forms import EndpointForm, TokenForm
from prm.models import CHANNEL_MANAGERS
from prm.tenancy import ADMIN, MEMBER, partner_required, staff_required
from prm.ui.pagination import paginate
from prm.webhooks import registry as webhook_events
from prm.webhooks import services as webhooks
from prm.webhooks.models import Delivery, Endpoint


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

    @property
    def audience(self) -> str:
        return webhook_events.VENDOR if self.staff else webhook_events.PARTNER

    def endpoints(self):
        """A partner's endpoints (whichever admin made them), or the manager's own."""
        if self.staff:
            return Endpoint.objects.filter(owner=self.user, partner=None)
        return Endpoint.objects.filter(partner=self.partner)

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
    # `ns`: the URL names' prefix, "{% url ns|add:'endpoint' pk %}" in the templates.
    return {"owner": owner, "ns": "integrations:staff_" if owner.staff else "integrations:", **extra}


# --- the overview ---------------------------------------------------------------------


def index(request, owner: Owner):
    tokens = services.tokens_visible_to(owner.user).select_related("user", "created_by")
    endpoints = owner.endpoints().order_by("-created_at") if owner.is_admin else None
    return render(
        request,
        "api/index.html",
        _context(owner, tokens=tokens, can_issue=owner.is_admin, endpoints=endpoints),
    )


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


# --- webhook endpoints ----------------------------------------------------------------


def _secret_page(request, owner, endpoint, secret, *, rotated=False):
    response = render(
        request,
        "api/endpoint_secret.html",
        _context(owner, endpoint=endpoint, secret=secret, rotated=rotated),
    )
    response["Cache-Control"] = "no-store"
    return response


def endpoint_create(request, owner: Owner):
    form = EndpointForm(request.POST or None, audience=owner.audience)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            endpoint, secret = webhooks.endpoint_create(
                owner=owner.user,
                partner=owner.partner,
                url=data["url"],
                description=data["description"],
                event_types=data["event_types"],
            )
        except webhooks.WebhookError as exc:
            form.add_error(None, str(exc))
        else:
            return _secret_page(request, owner, endpoint, secret)
    return render(request, "api/endpoint_form.html", _context(owner, form=form, endpoint=None))


def _endpoint(owner: Owner, pk: int) -> Endpoint:
    return get_object_or_404(owner.endpoints(), pk=pk)


def endpoint_detail(request, owner: Owner, pk: int):
    endpoint = _endpoint(owner, pk)
    deliveries = Delivery.objects.filter(endpoint=endpoint).select_related("event").order_by("-id")
    page = paginate(request, deliveries)
    labels = {t.code: t.label for t in webhook_events.all_types()}
    failed = Delivery.objects.filter(endpoint=endpoint, status=Delivery.Status.FAILED).count()
    for delivery in page:
        delivery.event_label = labels.get(delivery.event.type, delivery.event.type)
    return render(
        request,
        "api/endpoint_detail.html",
        _context(
            owner,
            endpoint=endpoint,
            page=page,
            failed=failed,
            labels=[labels.get(c, c) for c in endpoint.event_types],
        ),
    )


def delivery_detail(request, owner: Owner, pk: int, delivery_pk: int):
    endpoint = _endpoint(owner, pk)
    delivery = get_object_or_404(
        Delivery.objects.filter(endpoint=endpoint).select_related("event"), pk=delivery_pk
    )
    return render(
        request,
        "api/delivery_detail.html",
        _context(
            owner,
            endpoint=endpoint,
            delivery=delivery,
            attempts=delivery.attempt_log.all(),
            payload_json=json.dumps(delivery.payload, ensure_ascii=False, indent=2)
            if delivery.payload
            else "",
        ),
    )


def endpoint_edit(request, owner: Owner, pk: int):
    endpoint = _endpoint(owner, pk)
    initial = {"url": endpoint.url, "description": endpoint.description, "event_types": endpoint.event_types}
    form = EndpointForm(request.POST or None, audience=owner.audience, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            webhooks.endpoint_update(endpoint=endpoint, actor=owner.user, **data)
        except webhooks.WebhookError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The endpoint has been saved."))
            return redirect(owner.url("endpoint", endpoint.pk))
    return render(request, "api/endpoint_form.html", _context(owner, form=form, endpoint=endpoint))


ACTIONS = {
    "rotate": None,
    "pause": (
        webhooks.endpoint_pause,
        _("The endpoint is paused: nothing is sent to it until you resume it."),
    ),
    "resume": (
        webhooks.endpoint_resume,
        _("The endpoint is active again; events that waited are being sent."),
    ),
    "redeliver-failed": (webhooks.endpoint_redeliver_failed, None),
    "delete": (webhooks.endpoint_delete, _("The endpoint has been deleted.")),
}


@require_POST
def endpoint_action(request, owner: Owner, pk: int, action: str):
    endpoint = _endpoint(owner, pk)
    if action not in ACTIONS:
        raise Http404
    if action == "rotate":
        secret = webhooks.endpoint_rotate_secret(endpoint=endpoint, actor=owner.user)
        return _secret_page(request, owner, endpoint, secret, rotated=True)
    service, done = ACTIONS[action]
    try:
        result = service(endpoint=endpoint, actor=owner.user)
    except webhooks.WebhookError as exc:
        messages.error(request, str(exc))
    else:
        if action == "redeliver-failed":
            done = _("%(count)s failed events are being sent again.") % {"count": result}
        messages.success(request, done)
    if action == "delete":
        return redirect(owner.url("index"))
    return redirect(owner.url("endpoint", endpoint.pk))


@require_POST
def delivery_redeliver(request, owner: Owner, pk: int, delivery_pk: int):
    endpoint = _endpoint(owner, pk)
    delivery = get_object_or_404(Delivery.objects.filter(endpoint=endpoint), pk=delivery_pk)
    try:
        webhooks.delivery_redeliver(delivery=delivery, actor=owner.user)
    except webhooks.WebhookError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The event is being sent again."))
    return redirect(owner.url("endpoint", endpoint.pk))


index_partner, index_staff = both(index)
endpoint_create_partner, endpoint_create_staff = both(endpoint_create, role=ADMIN)
endpoint_detail_partner, endpoint_detail_staff = both(endpoint_detail, role=ADMIN)
endpoint_edit_partner, endpoint_edit_staff = both(endpoint_edit, role=ADMIN)
endpoint_action_partner, endpoint_action_staff = both(endpoint_action, role=ADMIN)
delivery_detail_partner, delivery_detail_staff = both(delivery_detail, role=ADMIN)
delivery_redeliver_partner, delivery_redeliver_staff = both(delivery_redeliver, role=ADMIN)
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
