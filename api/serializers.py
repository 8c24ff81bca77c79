"""The API's representations. Amounts in yen are integers (`…_jpy`); every list row carries
`updated_at` (or the time its sync is keyed on) so that clients can keep a copy in step."""

from rest_framework import serializers

from api import scopes


class TokenSerializer(serializers.Serializer):
    name = serializers.CharField()
    starts_with = serializers.CharField(source="key_prefix")
    scopes = serializers.ListField(
        child=serializers.ChoiceField(
            choices=[s for a in ("partner", "vendor") for s in scopes.all_scopes(a)]
        )
    )
    expires_at = serializers.DateTimeField()


class MePartnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField()


class MeSerializer(serializers.Serializer):
    """Who the token acts as, on which side of the API, with which scopes."""

    user_id = serializers.IntegerField(source="user.pk")
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(source="user.get_full_name")
    language = serializers.CharField(source="user.language")
    audience = serializers.ChoiceField(choices=["partner", "vendor"], allow_null=True)
    role = serializers.ChoiceField(choices=["admin", "member", "channel_manager"], allow_null=True)
    partner = MePartnerSerializer(allow_null=True)
    token = TokenSerializer()
