"""The API reference (/api/v1/docs/, Swagger UI from drf-spectacular-sidecar's static files)
renders every operation in a real browser under the strict Content-Security-Policy, with no
violation and no request leaving the portal, and passes axe-core (WCAG 2.2 AA)."""

import pytest

from tests.e2e import axe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def open_docs(page, live_server, *, language="en"):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.add_init_script(WATCH)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".opblock", timeout=60_000)
    return requests


@pytest.mark.parametrize("language", ["ja", "en"])
def test_api_reference_renders_under_the_csp(page, live_server, language):
    requests = open_docs(page, live_server, language=language)
    assert page.locator(".opblock").count() >= 40  # every operation of the schema
    assert page.evaluate("window.__csp") == []
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requests), requests
    assert page.get_attribute("html", "lang") == language
    # An operation opens and shows its responses, the error shape among them.
    page.locator(".opblock-summary").first.click()
    page.wait_for_selector(".responses-table")
    assert page.evaluate("window.__csp") == []


@pytest.mark.parametrize("language", axe.LANGUAGES)
def test_api_reference_passes_axe(browser, live_server, language):
    """Checked once rendered (the matrix's check may run before Swagger UI has drawn), and
    again with an operation open: its parameters, request body and responses."""
    context = axe.new_context(browser, language=language)
    page = context.new_page()
    open_docs(page, live_server, language=language)
    violations = axe.check(page)
    page.locator(".opblock-post .opblock-summary-control").first.click()
    page.wait_for_selector(".responses-table")
    violations += axe.check(page)
    context.close()
    report = [
        f"{v['id']}: {n['target']} {n['html']}\n  {n['summary']}" for v in violations for n in v["nodes"]
    ]
    assert violations == [], "\n".join(report)
