"""Starts the test identity providers as processes of their own (ports in the sso lane's
range 9100-9199) and stops them at the end of the session.

Without what they need (pysaml2's xmlsec1 binary) they skip, saying how to install it;
CI sets PRM_REQUIRE_E2E=1, and then a missing piece fails instead."""

import datetime
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

HERE = Path(__file__).parent / "idp"
# Each pytest-xdist worker (gw0, gw1, ...) starts its own pair of IdPs: two ports apart.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
OIDC_PORT = int(os.environ.get("PRM_SSO_OIDC_PORT", str(9101 + 2 * _WORKER)))
SAML_PORT = int(os.environ.get("PRM_SSO_SAML_PORT", str(9102 + 2 * _WORKER)))


def missing(what: str) -> None:
    if os.environ.get("PRM_REQUIRE_E2E"):
        pytest.fail(f"The SSO tests need {what}", pytrace=False)
    pytest.skip(f"The SSO tests need {what}")


def key_and_cert(directory: Path, name: str) -> tuple[Path, Path]:
    """A fresh RSA key and a self-signed certificate for it (PEM files)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


class IdPProcess:
    def __init__(self, args: list[str], ready_url: str, log: Path):
        self.log = log
        self.proc = subprocess.Popen(
            [sys.executable, *args],
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            cwd=HERE.parent.parent.parent,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"IdP exited: {log.read_text()[-2000:]}")
            try:
                if requests.get(ready_url, timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"IdP did not start: {log.read_text()[-2000:]}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def start_oidc(directory: Path, portal_urls: list[str], provider_id: str) -> IdPProcess:
    key, _cert = key_and_cert(directory, "oidc")
    args = [
        str(HERE / "oidc_idp.py"),
        "--port",
        str(OIDC_PORT),
        "--db",
        str(directory / "oidc.sqlite3"),
        "--key",
        str(key),
    ]
    for url in portal_urls:
        args += ["--redirect-uri", f"{url}/accounts/oidc/{provider_id}/login/callback/"]
    base = f"http://127.0.0.1:{OIDC_PORT}"
    return IdPProcess(args, f"{base}/o/.well-known/openid-configuration", directory / "oidc.log")


def start_saml(directory: Path) -> IdPProcess:
    if not shutil.which("xmlsec1"):
        missing("xmlsec1 (apt-get install -y xmlsec1 libxmlsec1-dev)")
    key, cert = key_and_cert(directory, "saml")
    args = [str(HERE / "saml_idp.py"), "--port", str(SAML_PORT), "--key", str(key), "--cert", str(cert)]
    base = f"http://127.0.0.1:{SAML_PORT}"
    return IdPProcess(args, f"{base}/metadata", directory / "saml.log")
