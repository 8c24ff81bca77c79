"""Every page of the portal renders in a real browser with the Content-Security-Policy
enforced and without a single violation (no inline script, style or handler left).

The pages are the GET rows of the permission matrix (tests/<app>/tenancy_rows.py) that a
partner admin or a channel manager may open, with the same data."""

import pytest
from django.db import IntegrityError
from django.test import Client

from tests.tenancy import ROLES
from tests.test_tenancy import ROWS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _html_rows(role):
    for row in ROWS:
        if row.method != "get" or row.expect.get(role) != 200:
            continue
        if "format=" in row.query or "export=" in row.query:
            continue
        if row.name.endswith(("download", "file", "thumbnail", "attachment", "_file", "csv")):
            continue
        if row.name in ("training:lms_webhook",):
            continue
        yield row


def test_every_page_renders_with_csp_enforced_and_no_violation(page, live_server, world, settings):
    from django.urls import reverse

    assert ROLES  # the matrix's roles: we sign in as two of them
    violations, console, not_ours = [], [], set()
    page.on(
        "console",
        lambda msg: (
            console.append(f"{page.url}: {msg.text}") if "Content Security Policy" in msg.text else None
        ),
    )
    page.add_init_script(WATCH)
    visited, built, skipped = 0, {}, []
    # The account pages (allauth, with our templates), anonymous and signed in.
    for path in ("/accounts/login/", "/accounts/password/reset/", "/apply/"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        violations += [f"anon {path}: {v}" for v in page.evaluate("window.__csp")]
    for role in ("admin_a", "manager_a"):
        client = Client()
        client.force_login(world.user(role))
        page.context.clear_cookies()
        page.context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
        )
        for row in _html_rows(role):
            # Several rows' set-ups seed the same data; in one shared world, build once.
            if row.kwargs not in built:
                try:
                    built[row.kwargs] = row.kwargs(world)
                except IntegrityError:
                    built[row.kwargs] = None
            if built[row.kwargs] is None:
                skipped.append(row.name)
                continue
            url = reverse(row.name, kwargs=built[row.kwargs]) + row.query
            if url.split("?")[0].endswith((".csv", ".pdf", ".txt", ".xlsx")):
                continue  # a download, not a page
            response = page.goto(live_server.url + url)
            assert response is not None
            if "text/html" not in (response.headers.get("content-type") or ""):
                # An image opened on its own: Chromium's viewer styles the document it makes
                # inline, which the policy refuses. That document is the browser's, not ours.
                not_ours.add(page.url)
                continue
            assert "content-security-policy" in response.headers, url
            page.wait_for_load_state("load")
            found = page.evaluate("window.__csp")
            violations += [f"{role} {url}: {v}" for v in found]
            visited += 1
        # A pending change of address shows the page's hidden form (issue 21: no style attribute).
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(user=world.user(role), email=f"new-{role}@example.test")
        for path in ("/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"):
            page.goto(live_server.url + path)
            page.wait_for_load_state("load")
            violations += [f"{role} {path}: {v}" for v in page.evaluate("window.__csp")]
    assert visited >= 40, (visited, skipped)
    assert len(skipped) <= 3, skipped
    assert violations == []
    assert [line for line in console if line.split(": ", 1)[0] not in not_ours] == []


RECORD_WEBM = """async () => {
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 48;
  const ctx = canvas.getContext("2d");
  const recorder = new MediaRecorder(canvas.captureStream(10), {mimeType: "video/webm"});
  const chunks = [];
  recorder.ondataavailable = (e) => chunks.push(e.data);
  let i = 0;
  const timer = setInterval(() => { ctx.fillStyle = i++ % 2 ? "#0b4f6c" : "#ffffff"; ctx.fillRect(0, 0, 64, 48); }, 50);
  recorder.start();
  await new Promise((r) => setTimeout(r, 400));
  recorder.stop();
  clearInterval(timer);
  await new Promise((r) => (recorder.onstop = r));
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  return Array.from(bytes);
}"""


def _file_assets(page, world):
    """A PDF, an image and a video (a real WebM recorded by this Chromium) for partner A."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from content.services import asset_version_add
    from tests.content.factories import AssetFactory, pdf_upload, png_upload

    page.goto("about:blank")
    webm = bytes(page.evaluate(RECORD_WEBM))
    uploads = {
        "pdf": pdf_upload("price-list.pdf"),
        "image": png_upload("architecture.png", size=(320, 200)),
        "video": SimpleUploadedFile("demo.webm", webm, content_type="video/webm"),
    }
    assets = {}
    for kind, upload in uploads.items():
        asset = AssetFactory(title=f"Preview {kind}", kind="file", language="en")
        version = asset_version_add(asset=asset, upload=upload)
        assert version.file_type == kind, (kind, version.file_type)
        assets[kind] = asset
    return assets


def test_file_previews_render_under_the_csp_without_a_violation_or_console_error(page, live_server, world):
    """Issue 25: the PDF preview was blocked by frame-src. The detail page of a file asset of
    each kind shows its preview with the policy enforced, and the browser reports nothing."""
    from django.urls import reverse

    assets = _file_assets(page, world)
    problems, files = [], []
    page.on(
        "console",
        lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on(
        "response",
        lambda r: (
            files.append((r.url, r.status, r.headers.get("content-type", ""))) if "/file/" in r.url else None
        ),
    )
    page.add_init_script(WATCH)
    client = Client()
    client.force_login(world.admin_a)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    for kind, asset in assets.items():
        file_url = live_server.url + reverse("content:file", args=[asset.pk])
        response = page.goto(live_server.url + reverse("content:detail", args=[asset.pk]))
        policy = response.headers["content-security-policy"]
        frame_src = next(d for d in policy.split(";") if d.strip().startswith("frame-src"))
        if kind == "pdf":
            # The portal may frame this file (and only its own files): not 'self' for everything.
            assert file_url in frame_src and "'self'" not in frame_src, frame_src
        else:
            assert file_url not in frame_src, frame_src
        preview = page.get_by_test_id(f"preview-{kind}")
        if kind == "image":
            page.wait_for_function(
                "(img) => img.complete && img.naturalWidth > 0", arg=preview.element_handle()
            )
        elif kind == "video":
            page.wait_for_function("(v) => v.readyState >= 1 && v.duration > 0", arg=preview.element_handle())
        else:
            page.wait_for_function(
                f"() => performance.getEntriesByName({file_url!r}).length > 0", timeout=10_000
            )
        page.wait_for_timeout(300)  # a late violation report would arrive by now
        problems += [f"{kind}: CSP {v}" for v in page.evaluate("window.__csp")]
    served = {(url.rsplit("/content/", 1)[1], status) for url, status, _type in files}
    assert all(status in (200, 206) for _url, status in served), served
    assert {ctype.split(";")[0] for _u, _s, ctype in files} >= {
        "application/pdf",
        "image/png",
        "video/webm",
    }, files
    assert problems == []

    # The file responses may be framed by the portal only, and are never pages of their own.
    for asset in assets.values():
        response = client.get(reverse("content:file", args=[asset.pk]))
        assert response["X-Frame-Options"] == "SAMEORIGIN"
        assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"


def _cookie_for(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_the_forms_and_pages_of_issue_21_render_with_csp_and_no_violation(page, live_server, world, settings):
    """The states the first journey does not reach: a refused landing page on the opt-in
    form, the quiz waiting after a failed attempt, the application form with its fixed
    confirmation, a rate-limited tracked link, and the admin pages that show an LMS secret
    once and refuse a javascript: announcement link."""
    from django.urls import reverse

    from promotion import services
    from tests.partners.factories import CapabilityFactory, IndustryFactory
    from tests.promotion.factories import CampaignFactory
    from tests.training.factories import CourseFactory, quiz
    from training.models import ExternalLMS

    violations = []
    page.add_init_script(WATCH)

    def seen(label):
        page.wait_for_load_state("load")
        violations.extend(f"{label}: {v}" for v in page.evaluate("window.__csp"))

    base = live_server.url
    # A partner admin: a refused landing page, then a failed quiz and its waiting page.
    campaign = CampaignFactory()
    course = CourseFactory(slug="csp-course")
    answers = quiz(course, n=2)
    _cookie_for(page, live_server, world.admin_a)
    page.goto(base + reverse("promotion:detail", args=[campaign.pk]))
    page.fill("#landing_url", "javascript:alert(1)")
    page.click("[data-testid=opt-in-form] button[type=submit]")
    seen("opt-in refused")
    assert "https://" in page.content()
    page.goto(base + reverse("training:quiz", args=[course.slug]))
    for _good, bad in answers:
        page.check(f"input[value='{bad.pk}']")
    page.click("main form button[type=submit]")
    seen("quiz failed")
    assert page.locator("[data-testid=quiz-wait]").count() == 1

    # Anyone: the application form, its thanks page, a rate-limited tracked link.
    page.context.clear_cookies()
    retail = IndustryFactory(code="retail")
    CapabilityFactory(code="resale")
    page.goto(base + "/apply/")
    page.fill("#id_company_name", "<script>window.__xss=1</script>")
    page.fill("#id_website", "javascript:alert(1)")
    page.check("#id_consent")
    page.click("form[data-testid=apply-form] button[type=submit]")
    seen("apply refused")
    assert page.locator(".invalid-feedback").count() >= 1
    page.fill("#id_website", "https://www.hayabusa-sales.example.jp")
    page.select_option("#id_company_size", "2")
    page.check(f"input[name=industries][value='{retail.pk}']")
    page.check("input[name=partner_type][value=sales]")
    page.select_option("#id_source", "event")
    page.fill("#id_contact_name", "隼 太郎")
    page.fill("#id_contact_email", "taro@hayabusa-sales.example.jp")
    page.check("#id_consent")
    page.click("form[data-testid=apply-form] button[type=submit]")
    seen("apply thanks")
    assert page.get_by_test_id("apply-thanks").is_visible()
    assert page.evaluate("window.__xss") is None
    settings.PROMOTION_LINK_RATE_LIMIT = (0, 60)
    link = services.participation_opt_in(campaign=campaign, partner=world.partner_a, user=world.admin_a)
    response = page.goto(base + link.tracked_path())
    assert response.status == 429
    seen("tracked link 429")

    # A superuser: a new LMS shows its secret once; a javascript: announcement link is refused.
    _cookie_for(page, live_server, world.superuser)
    page.goto(base + reverse("admin:training_externallms_add"))
    page.fill("#id_name", "CSP Academy")  # the slug is filled in from the name
    page.click("input[name=_save]")
    seen("lms secret")
    assert page.locator("[data-testid=lms-secret]").count() == 1
    assert ExternalLMS.objects.get(name="CSP Academy").secret_fingerprint
    page.goto(base + reverse("admin:promotion_announcement_add"))
    page.fill("#id_title_ja", "お知らせ")
    page.fill("#id_link_url", "javascript:window.__xss=1")
    page.click("input[name=_save]")
    seen("announcement refused")
    assert page.locator(".errorlist").count() >= 1
    assert violations == []
