"""allauth's two-factor login stage, skipped after an identity provider asserted a second
factor on a route that trusts it (sso.adapters puts this class in allauth's stage list)."""

from allauth.mfa import stages

from sso.receivers import idp_asserted_mfa


class AuthenticateStage(stages.AuthenticateStage):
    def _should_handle(self, request) -> bool:
        if idp_asserted_mfa(self.login.signal_kwargs):
            return False
        return super()._should_handle(request)
