"""Content Security Policy: Django's own middleware sends one strict policy on every page, and
no template carries what that policy forbids (inline scripts, event-handler attributes, style
attributes and elements, javascript: URLs). tests/browser/test_csp_browser.py checks that the
pages really run under it without a single violation."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import StaffProfileFactory, UserFactory

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def staff_client(client, *, roles=("front_desk",), **user_fields):
    user = UserFactory(roles=list(roles), **user_fields)
    StaffProfileFactory(user=user)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        reverse("login"),
        reverse("inquiries:track"),
        reverse("inquiries:letter_new"),
        "/no-such-page/",
    ],
)
def test_public_pages_carry_the_policy(client, db, url):
    response = client.get(url)

    assert response["Content-Security-Policy"] == POLICY


@pytest.mark.parametrize(
    "name", ["home", "inquiries:my_cases", "inquiries:intake_visit", "inquiries:notifications"]
)
def test_staff_pages_carry_the_policy(client, db, name):
    response = staff_client(client).get(reverse(name))

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == POLICY


def test_the_admin_runs_under_the_same_policy(client, db):
    response = staff_client(client, roles=("administrator",), is_staff=True).get(
        reverse("admin:index")
    )

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == POLICY


def test_the_policy_allows_no_inline_code_and_no_other_site():
    sources = {value for values in settings.SECURE_CSP.values() for value in values}

    assert "'unsafe-inline'" not in sources
    assert "'unsafe-eval'" not in sources
    assert sources <= {"'self'", "'none'", "data:"}


# --- What the templates may not contain ---------------------------------------------------------

TAG = re.compile(r"<[a-zA-Z][^>]*>", re.S)
INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
HANDLER_ATTRIBUTE = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
JAVASCRIPT_URL = re.compile(r"javascript\s*:", re.I)


def template_problems(text: str) -> list[str]:
    problems = []
    for attributes, body in INLINE_SCRIPT.findall(text):
        if body.strip() or "src=" not in attributes:
            problems.append("inline <script>")
    for tag in TAG.findall(text):
        if HANDLER_ATTRIBUTE.search(tag):
            problems.append(f"event handler in {tag[:60]!r}")
        if STYLE_ATTRIBUTE.search(tag):
            problems.append(f"style attribute in {tag[:60]!r}")
    if STYLE_ELEMENT.search(re.sub(r"{#.*?#}", "", text)):
        problems.append("<style> element")
    if JAVASCRIPT_URL.search(text):
        problems.append("javascript: URL")
    return problems


def test_no_template_has_inline_scripts_handlers_styles_or_javascript_urls():
    found = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        problems = template_problems(path.read_text(encoding="utf-8"))
        if problems:
            found[str(path.relative_to(TEMPLATES))] = problems

    assert found == {}


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<button onclick="window.print()">',
        '<p style="color: red">',
        "<style>p { color: red }</style>",
        '<a href="javascript:void(0)">',
        "<script >\n  document.title = 'x';\n</script>",
    ],
)
def test_the_template_scan_catches_each_forbidden_form(html):
    assert template_problems(html)


def test_the_template_scan_lets_external_scripts_and_presentation_attributes_through():
    html = (
        '<script src="/static/js/firstask.js" defer></script>'
        '<svg><rect width="10" height="4" fill="#1d4ed8"></rect></svg>'
        '<button type="button" data-action="print">'
    )

    assert template_problems(html) == []


def test_htmx_is_told_not_to_add_its_indicator_style_element(client, db):
    html = staff_client(client).get(reverse("home")).content.decode()

    assert """<meta name="htmx-config" content='{"includeIndicatorStyles":false}'>""" in html
