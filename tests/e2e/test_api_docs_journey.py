"""The API reference (/api/v1/docs/, Swagger UI from drf-spectacular-sidecar's static files)
renders every operation in a real browser under the strict Content-Security-Policy, with no
violation and no request leaving the portal, and passes axe-core (WCAG 2.2 AA)."""

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(os.environ.get("AXE_JS", ROOT / "node_modules" / "axe-core" / "axe.min.js"))
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


def test_api_reference_passes_axe(browser, live_server):
    if not AXE.exists():
        pytest.skip(f"axe-core not installed ({AXE}): npm install")
    context = browser.new_context(bypass_csp=True)  # axe is injected as an inline script
    page = context.new_page()
    open_docs(page, live_server)
    page.add_script_tag(content=AXE.read_text())
    violations = _axe(page)
    # And with an operation open: its parameters, request body and responses.
    page.locator(".opblock-post .opblock-summary-control").first.click()
    page.wait_for_selector(".responses-table")
    violations += _axe(page)
    context.close()
    report = [
        f"{v['id']}: {len(v['nodes'])} x {v['nodes'][0]['target']} {v['nodes'][0]['data']}"
        for v in violations
    ]
    if os.environ.get("AXE_DETAIL"):
        for v in violations:
            for node in v["nodes"]:
                print("AXE", v["id"], node["target"], node["data"])
    assert violations == [], "\n".join(report)


def _axe(page):
    return page.evaluate(
        """async () => {
        const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
        const r = await axe.run(document, {runOnly: {type: "tag", values: tags}});
        return r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => ({
            target: n.target.join(" "), data: n.any.length ? n.any[0].data : null}))}));
    }"""
    )
