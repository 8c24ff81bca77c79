"""A real SAML 2.0 identity provider for the SSO tests: pysaml2's IdP (`saml2.server.Server`)
behind a small WSGI app of its own, run as a separate process (tests/sso/idps.py).

    python tests/sso/idp/saml_idp.py --port 9102 --key idp.key --cert idp.crt

/metadata     the IdP's metadata (entity id, sign-in URL, signing certificate)
/sso/redirect the HTTP-Redirect binding: parses the AuthnRequest, shows its own login form,
              then answers with a signed response and assertion (HTTP-POST binding) to the
              AssertionConsumerServiceURL of the request, for the SP that issued it.

It registers every SP that asks from its AuthnRequest (entity id and ACS URL) instead of
being given SP metadata: the portal's own checks (audience, destination, time, the request
it sent, the signature) are what the tests exercise.
"""

import argparse
import html
import sys
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

USERS = {
    # e-mail: (password, attributes beyond the e-mail)
    "member.sso@partner-a.example": ("idp-pass-2", {"displayName": ["SSO Member"]}),
    "staff.sso@vendor.example": ("idp-pass-1", {"displayName": ["SSO Staff"], "amr": ["pwd", "mfa"]}),
    "stranger@partner-a.example": ("idp-pass-3", {"displayName": ["Stranger"]}),
}
PASSWORD_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"


def make_server_config(base: str, key: str, cert: str) -> Server:
    config = IdPConfig()
    config.load(
        {
            "entityid": f"{base}/metadata",
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [(f"{base}/sso/redirect", BINDING_HTTP_REDIRECT)]
                    },
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": 5},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_URI,
                        }
                    },
                    "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                    "want_authn_requests_signed": False,
                }
            },
            "key_file": key,
            "cert_file": cert,
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "metadata": {"local": []},  # no SP registered: it answers every SP that asks
        }
    )
    return Server(config=config)


def login_form(saml_request: str, relay_state: str, error: str = "") -> str:
    alert = f"<p role='alert'>{error}</p>" if error else ""
    return (
        "<!doctype html><html lang='en'><head><title>Test SAML IdP sign-in</title></head><body><main>"
        f"<h1>Test SAML IdP</h1>{alert}<form method='post' action='/sso/redirect'>"
        f"<input type='hidden' name='SAMLRequest' value='{html.escape(saml_request, quote=True)}'>"
        f"<input type='hidden' name='RelayState' value='{html.escape(relay_state, quote=True)}'>"
        "<label>E-mail <input name='username' id='idp-username'></label>"
        "<label>Password <input type='password' name='password' id='idp-password'></label>"
        "<button type='submit' id='idp-submit'>Sign in at the IdP</button></form></main></body></html>"
    )


SP_METADATA = (
    '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity}">'
    '<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
    '<md:AssertionConsumerService Binding="{binding}" Location="{acs}" index="1"/>'
    "</md:SPSSODescriptor></md:EntityDescriptor>"
)


def register_sp(server: Server, entity: str, acs: str) -> None:
    """Register the SP from its own request (a real IdP is told this by its administrator)."""
    if entity not in set(server.metadata.keys()):  # the store has keys() but no __contains__
        xml = SP_METADATA.format(entity=html.escape(entity), binding=BINDING_HTTP_POST, acs=html.escape(acs))
        server.metadata.load("inline", xml)


def respond(server: Server, saml_request: str, relay_state: str, email: str) -> str:
    request = server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT).message
    acs = request.assertion_consumer_service_url
    register_sp(server, request.issuer.text, acs)
    attributes = {"email": [email], **USERS[email][1]}
    response = server.create_authn_response(
        identity=attributes,
        in_response_to=request.id,
        destination=acs,
        sp_entity_id=request.issuer.text,
        name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
        userid=email,
        authn={"class_ref": PASSWORD_CONTEXT, "authn_auth": server.config.entityid},
        sign_response=True,
        sign_assertion=True,
        sign_alg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
    )
    http_args = server.apply_binding(BINDING_HTTP_POST, str(response), acs, relay_state, response=True)
    return http_args["data"]


def application(server: Server):
    def app(environ, start_response):
        path = environ["PATH_INFO"]
        html_type = [("Content-Type", "text/html; charset=utf-8")]
        if path == "/metadata":
            start_response("200 OK", [("Content-Type", "text/xml")])
            return [create_metadata_string(None, server.config, sign=False)]
        if path == "/sso/redirect" and environ["REQUEST_METHOD"] == "GET":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            start_response("200 OK", html_type)
            page = login_form(query["SAMLRequest"][0], query.get("RelayState", [""])[0])
            return [page.encode()]
        if path == "/sso/redirect" and environ["REQUEST_METHOD"] == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
            email = form.get("username", "")
            if email not in USERS or USERS[email][0] != form.get("password"):
                start_response("200 OK", html_type)
                page = login_form(
                    form["SAMLRequest"], form.get("RelayState", ""), "Wrong e-mail or password."
                )
                return [page.encode()]
            start_response("200 OK", html_type)
            return [respond(server, form["SAMLRequest"], form.get("RelayState", ""), email).encode()]
        start_response("404 Not Found", html_type)
        return [b"not found"]

    return app


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--cert", required=True)
    args = parser.parse_args(argv)
    base = f"http://127.0.0.1:{args.port}"
    server = make_server_config(base, args.key, args.cert)
    httpd = make_server("127.0.0.1", args.port, application(server), handler_class=QuietHandler)
    print("ready", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
