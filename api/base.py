"""What every API view shares: the language of the answer, token and audience checks,
cursor pages with `updated_since`, ETags, idempotent creates and domain errors as 409s."""

import hashlib
import json
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.middleware.http import ConditionalGetMiddleware
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.decorators import decorator_from_middleware
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import get_supported_language_variant, parse_accept_lang_header
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.response import Response

from api.errors import ApiError, conflict
from api.models import IdempotencyKey
from api.pagination import KeysetPagination
from api.permissions import ChannelManager, PartnerUser, TokenScope
from content.services import ContentError
from incentives.services import IncentivesError
from onboarding.services import OnboardingError
from partners.models import Partner
from partners.services import RecruitmentError
from prm.audit.log import acting_via
from promotion.services import PromotionError
from threads.services import ThreadError
from training.services import TrainingError

conditional_get = decorator_from_middleware(ConditionalGetMiddleware)
IDEMPOTENCY_HOURS = 24
DOMAIN_ERRORS = (
    IncentivesError,
    RecruitmentError,
    OnboardingError,
    TrainingError,
    ThreadError,
    PromotionError,
    ContentError,
)


def requested_language(request) -> str | None:
    """A supported language the client asked for with Accept-Language, else None."""
    for code, _q in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            continue
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return None


@contextmanager
def domain_errors():
    """A service refusing the change (its one domain error) becomes a 409 with its message."""
    try:
        yield
    except DOMAIN_ERRORS as exc:
        raise conflict(str(exc)) from exc


def parse_since(request):
    raw = request.query_params.get("updated_since")
    if raw is None:
        return None
    try:
        value = parse_datetime(raw.strip())
    except ValueError:
        value = None
    if value is None:
        raise serializers.ValidationError(
            {"updated_since": [_("Enter a date and time in ISO 8601, e.g. 2026-04-01T09:00:00+09:00.")]},
            code="invalid",
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value


class ApiViewSet(viewsets.GenericViewSet):
    """Partner endpoints by default (`audience = PartnerUser`); vendor ones set ChannelManager."""

    audience = PartnerUser
    scope_area: str | None = None
    pagination_class = KeysetPagination
    ordering = ("-created_at", "-id")
    sync_ordering = ("updated_at", "id")
    sync_fields: tuple[str, ...] = ("updated_at",)
    schema_tags: list[str] = []

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        return conditional_get(super().as_view(actions, **initkwargs))

    def get_permissions(self):
        return [permissions.IsAuthenticated(), self.audience(), TokenScope()]

    def dispatch(self, request, *args, **kwargs):
        with acting_via():
            return super().dispatch(request, *args, **kwargs)

    def perform_authentication(self, request):
        self.language = requested_language(request)
        translation.activate(self.language or settings.LANGUAGE_CODE)
        super().perform_authentication(request)
        if self.language is None and request.user.is_authenticated:
            translation.activate(request.user.language)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = translation.get_language()
        response["Vary"] = "Authorization, Accept-Language"
        if request.method in ("GET", "HEAD"):
            response["Cache-Control"] = "private, no-cache"
        return response

    # --- lists: filters, updated_since, cursor ---------------------------------------------

    def get_ordering(self):
        return self.sync_ordering if getattr(self, "since", None) is not None else self.ordering

    def filter_since(self, queryset, since):
        match = Q()
        for field in self.sync_fields:
            match |= Q(**{f"{field}__gte": since})
        return queryset.filter(match)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action == "list":
            self.since = parse_since(self.request)
            if self.since is not None:
                queryset = self.filter_since(queryset, self.since)
        return queryset

    # --- creates --------------------------------------------------------------------------

    def created(self, instance, serializer_class=None) -> Response:
        serializer = (serializer_class or self.get_serializer_class())(
            instance, context=self.get_serializer_context()
        )
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    def idempotent(self, make_response):
        """Run `make_response()` once per `Idempotency-Key`: a retry with the same key and the
        same request gets the first response again (`Idempotent-Replayed: true`); the same key
        with another request is a 422. Keys are kept for a day. Without the header, just run."""
        request = self.request
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return make_response()
        if not (1 <= len(key) <= 255 and key.isprintable()):
            raise serializers.ValidationError(
                {"Idempotency-Key": [_("Use 1 to 255 printable characters, e.g. a UUID.")]}, code="invalid"
            )
        fingerprint = request_fingerprint(request)
        with transaction.atomic():
            record = self._claim_key(key, fingerprint)
            if record.status_code is not None:
                if record.fingerprint != fingerprint:
                    raise ApiError(
                        _("This Idempotency-Key was used for a different request."),
                        code="idempotency_key_reused",
                        status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
                    )
                return Response(
                    record.body, status=record.status_code, headers={"Idempotent-Replayed": "true"}
                )
            response = make_response()
            record.status_code, record.body = response.status_code, response.data
            record.save(update_fields=["status_code", "body"])
        return response

    def _claim_key(self, key: str, fingerprint: str) -> IdempotencyKey:
        """Our new row for the key, or the committed one of the first request (a concurrent
        first request holds the unique index until it commits: we wait for it, then replay)."""
        user = self.request.user
        stale = timezone.now() - timedelta(hours=IDEMPOTENCY_HOURS)
        IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=stale).delete()
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint)
        except IntegrityError:
            return IdempotencyKey.objects.get(user=user, key=key)


def request_fingerprint(request) -> str:
    """The method, path and body of a request, as a hash (JSON key order does not matter)."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if request.content_type.startswith("multipart/"):
        for name in sorted(request.POST):
            digest.update(f"{name}={request.POST.getlist(name)}\n".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"{name}:{upload.name}:{upload.size}\n".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(json.dumps(request.data, sort_keys=True, default=str).encode())
    return digest.hexdigest()


class VendorViewSet(ApiViewSet):
    audience = ChannelManager

    def visible_partners(self):
        """The partners the token's user may see (api.permissions.ChannelManager set them);
        none while the schema is generated without a request of a user."""
        visible = getattr(self.request, "visible_partners", None)
        return Partner.objects.none() if visible is None else visible
