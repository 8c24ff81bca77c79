"""The CSP's form-action covers every redirect a form submission leads to: the pages that
start a sign-in at an identity provider (ours, allauth's per-provider confirmation) allow
the routed providers' origins, and only those pages do."""

from django.core.exceptions import PermissionDenied

from sso.adapters import refusal_message, refuse
from sso.queries import idp_origins

SIGN_IN_URL_NAMES = {"account_login", "sso:company_sign_in", "openid_connect_login", "saml_login"}


class IdPFormActionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if (
            match is not None
            and match.view_name in SIGN_IN_URL_NAMES
            and "text/html" in response.get("Content-Type", "")
        ):
            origins = idp_origins()
            if origins:
                response._csp_update = {"form-action": origins}
        return response


class SAMLReplayMiddleware:
    """allauth answers a SAML response whose request was already consumed (a replay, or a
    response this browser never asked for) with a bare 403; say why instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        match = request.resolver_match
        if (
            isinstance(exception, PermissionDenied)
            and match is not None
            and match.view_name == "saml_finish_acs"
        ):
            return refuse(request, refusal_message(exception=exception)).response
        return None
