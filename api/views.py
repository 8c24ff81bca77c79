"""The API's endpoints: partner side (`/api/v1/...`, a partner user's token) and vendor side
(`/api/v1/vendor/...`, a channel manager's token). Each view loads through the apps'
`queries` and writes through their `services`, exactly as the portal's pages do."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response

from api import serializers as s
from api.base import ApiViewSet
from api.errors import ApiError
from api.services import audience_of
from prm.tenancy import active_membership


class MeViewSet(ApiViewSet):
    """Who the token acts as."""

    schema_tags = ["Token"]
    serializer_class = s.MeSerializer
    pagination_class = None

    def get_permissions(self):
        return [permissions.IsAuthenticated()]

    @extend_schema(summary="The token's user, side and scopes", operation_id="me")
    def retrieve(self, request):
        user = request.user
        membership = active_membership(user)
        audience = audience_of(user)
        role = membership.role if membership else ("channel_manager" if audience == "vendor" else None)
        data = {
            "user": user,
            "audience": audience,
            "role": role,
            "partner": membership.partner if membership else None,
            "token": request.auth,
        }
        return Response(s.MeSerializer(data).data)


class NotFoundViewSet(ApiViewSet):
    """Any other path under /api/: a JSON 404 in the error shape (in the caller's language)."""

    schema = None

    def get_permissions(self):
        return [permissions.AllowAny()]

    def missing(self, request, *args, **kwargs):
        raise ApiError(_("No such endpoint."), code="not_found", status_code=404)


not_found = NotFoundViewSet.as_view(dict.fromkeys(("get", "post", "put", "patch", "delete"), "missing"))
