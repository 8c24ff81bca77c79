"""The main partner pages in Japanese show no English words (proper nouns, product names and
file types aside), and in English no Japanese (proper nouns aside). Demo data, real browser."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = ["/", "/onboarding/", "/training/", "/content/", "/deals/", "/incentives/", "/questions/"]
# Product names, abbreviations and file types that stay in Latin script in Japanese text.
LATIN_OK = {
    "API",
    "CSV",
    "PDF",
    "PNG",
    "SLA",
    "ERP",
    "CRM",
    "SPIFF",
    "URL",
    "JPY",
    "IT",
    "DX",
    "ISV",
    "SIer",
    "REST",
    "Webhook",
    "Excel",
    "LP",
    "ROI",
    "MDF",
    "Web",
    "MB",
    "KB",
    "USD",
    "EUR",
    "GBP",
    "SGD",
    "YouTube",
    "Vimeo",
    "Vendor",
    "Academy",
    "Partner",
    "Portal",
    "SSO",
    "MFA",
    "TOTP",
    "Cloud",
    "Suite",
    "Plus",
    "Integration",
    "LMS",
    "RFP",
    "SNS",
    "pdf",
}
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")

VISIBLE_TEXT = """
(lang) => {
  const out = [];
  const walker = document.createTreeWalker(document.querySelector('main') || document.body,
                                           NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || el.closest('script,style,[hidden],.visually-hidden,code')) continue;
    const tagged = el.closest('[lang]');
    if (tagged && tagged.getAttribute('lang') !== lang) continue;  // content in the other language
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    out.push(node.textContent);
  }
  return out.join(' ');
}
"""


def _proper_nouns() -> list[str]:
    """Names people and companies gave themselves, and titles of one-language material."""
    from content.models import Asset
    from incentives.models import Deal
    from onboarding.models import TaskSubmission
    from partners.models import Application, Partner
    from prm.models import User
    from threads.models import Message, Thread
    from training.models import Course, Lesson

    names = [
        *Partner.objects.values_list("name", flat=True),
        *Deal.objects.values_list("customer_company", flat=True),
        *Deal.objects.values_list("contact_name", flat=True),
        *Deal.objects.values_list("customer_domain", flat=True),
        *User.objects.values_list("display_name", flat=True),
        *User.objects.values_list("email", flat=True),
        *Asset.objects.values_list("title", flat=True),
        *Asset.objects.values_list("summary", flat=True),
        *Course.objects.values_list("title", flat=True),
        *Course.objects.values_list("summary", flat=True),
        *Lesson.objects.values_list("title", flat=True),
        *Thread.objects.values_list("subject", flat=True),
        *Application.objects.values_list("company_name", flat=True),
        *Application.objects.values_list("contact_name", flat=True),
        *Application.objects.values_list("contact_email", flat=True),
        *Application.objects.values_list("domain", flat=True),
        *Application.objects.values_list("website", flat=True),
        *Application.objects.values_list("source_detail", flat=True),
        *[f.rsplit("/", 1)[-1] for f in TaskSubmission.objects.values_list("file", flat=True)],
        *Message.objects.values_list("body", flat=True),
    ]
    return sorted({n for n in names if n}, key=len, reverse=True)


STAFF_PAGES = [
    "/staff/",
    "/staff/deals/",
    "/staff/incentives/",
    "/staff/onboarding/",
    "/staff/onboarding/reviews/",
    "/staff/recruitment/",
    "/staff/questions/",
    "/staff/content/",
]


def _page_texts(page, live_server, login, email, lang, pages=PAGES):
    login(email, "demo12345")  # the demo logins' password
    texts = {}
    for path in pages:
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("lang") == lang, path
        texts[path] = page.evaluate(VISIBLE_TEXT, lang)
    return texts


def _strip(text: str, nouns: list[str]) -> str:
    for noun in nouns:
        text = text.replace(noun, " ")
    return text


def test_japanese_pages_have_no_english_and_english_pages_no_japanese(page, live_server, login):
    call_command("seed_demo", stdout=StringIO())
    nouns = _proper_nouns()

    found = {}
    for path, text in _page_texts(page, live_server, login, "partner@example.com", "ja").items():
        words = {w for w in re.findall(r"[A-Za-z][A-Za-z'-]{2,}", _strip(text, nouns)) if w not in LATIN_OK}
        if words:
            found[f"ja {path}"] = sorted(words)

    page.context.clear_cookies()
    for path, text in _page_texts(page, live_server, login, "other@example.com", "en").items():
        runs = set(re.findall(r"[\u3040-\u30ff\u3400-\u9fff]+", _strip(text, nouns)))
        if runs:
            found[f"en {path}"] = sorted(runs)
    assert found == {}


def _findings(texts_ja, texts_en, nouns) -> dict:
    found = {}
    for path, text in texts_ja.items():
        words = {w for w in re.findall(r"[A-Za-z][A-Za-z'-]{2,}", _strip(text, nouns)) if w not in LATIN_OK}
        if words:
            found[f"ja {path}"] = sorted(words)
    for path, text in texts_en.items():
        runs = set(re.findall(r"[\u3040-\u30ff\u3400-\u9fff]+", _strip(text, nouns)))
        if runs:
            found[f"en {path}"] = sorted(runs)
    return found


def test_staff_pages_in_both_languages(page, live_server, login):
    call_command("seed_demo", stdout=StringIO())
    nouns = _proper_nouns()
    texts_ja = _page_texts(page, live_server, login, "manager@example.com", "ja", STAFF_PAGES)
    page.context.clear_cookies()
    texts_en = _page_texts(page, live_server, login, "manager2@example.com", "en", STAFF_PAGES)
    assert _findings(texts_ja, texts_en, nouns) == {}
