"""The OpenAPI description of what every operation shares: the error shape for each status
it can answer, ETags and 304 on reads, `Idempotency-Key` on creates, `Retry-After` on 429."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes
from rest_framework import serializers


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True, help_text="The field, dotted for nested ones; null for the request."
    )
    code = serializers.CharField(help_text="Stable, for programs: required, invalid, max_length, …")
    message = serializers.CharField(help_text="For people, in the language of Accept-Language.")


class ErrorSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField(
        help_text="Stable, for programs: not_authenticated, invalid_token, insufficient_scope, partner_users_only, "
        "channel_managers_only, not_found, invalid, invalid_state, duplicate_registration, rate_limited, …"
    )
    message = serializers.CharField(help_text="For people, in the language of Accept-Language (ja or en).")
    errors = FieldErrorSerializer(many=True)
    details = serializers.DictField(help_text="Ids and figures the client can act on.")

    class Meta:
        ref_name = "Error"


ERROR_TEXT = {
    "400": "Invalid query parameters or body (see `errors`).",
    "401": "No token, or an invalid, expired or revoked one.",
    "403": "The token's user may not do this (wrong side of the API, role) or the token lacks the scope.",
    "404": "No such object among those the token's user may see (another partner's ids are 404 too).",
    "406": "The Accept header does not allow JSON.",
    "409": "The object's state does not allow this change (e.g. a deal no longer editable).",
    "415": "Send JSON (or multipart for file uploads).",
    "422": "The Idempotency-Key was used with a different request.",
    "429": "Too many requests with this token; see Retry-After.",
}


class ApiAutoSchema(AutoSchema):
    def get_tags(self):
        return list(getattr(self.view, "schema_tags", None) or super().get_tags())

    def _is_read(self):
        return self.method in ("GET", "HEAD")

    def get_override_parameters(self):
        params = list(super().get_override_parameters())
        params.append(
            OpenApiParameter(
                "Accept-Language",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="ja or en: the language of error messages (default: the token user's language).",
            )
        )
        if self._is_read():
            params.append(
                OpenApiParameter(
                    "If-None-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description="An ETag from an earlier response: 304 without a body if nothing changed.",
                )
            )
        if getattr(self.view, "idempotent_actions", ()) and self.view.action in self.view.idempotent_actions:
            params.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description="Any unique string (a UUID): a retry with the same key returns the first "
                    "response instead of creating again (kept for 24 hours).",
                )
            )
        return params

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self._is_read():
            for code in ("200",):
                if code in responses:
                    responses[code].setdefault("headers", {})["ETag"] = {
                        "schema": {"type": "string"},
                        "description": "Send it back in If-None-Match to get a 304 when nothing changed.",
                    }
            responses["304"] = {"description": "Not modified since the ETag in If-None-Match."}
        codes = ["400", "401", "403", "406", "429"]
        if "{" in self.path:
            codes.append("404")
        if not self._is_read():
            codes += ["409", "415"]
        if getattr(self.view, "idempotent_actions", ()) and self.view.action in self.view.idempotent_actions:
            codes.append("422")
        for code in codes:
            if code in responses:
                continue
            responses[code] = self._get_response_for_code(ErrorSerializer, code, direction=direction)
            responses[code]["description"] = ERROR_TEXT[code]
        responses["429"].setdefault("headers", {})["Retry-After"] = {
            "schema": {"type": "integer"},
            "description": "Seconds until the token may send requests again.",
        }
        return responses
