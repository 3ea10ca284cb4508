"""Every form that takes a POST answers random and hostile input (any Unicode, NUL bytes,
control characters, huge strings, numbers where text is due, lists where one value is due,
unknown fields) with a page or a refusal — never a server error — and a refused post saves
nothing: after any answer that is not a redirect, every table has the rows it had.

The endpoints come from walking the URL resolver, so a new form is fuzzed without being
listed; the field names come from the forms the pages render (`<input name=…>` and the like)
for the URL they post to.
"""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inquiries.models import (
    Department,
    ExtensionRequest,
    Notice,
    PressNotice,
    Rating,
    Referral,
)
from penalties import permissions as penalty_permissions
from penalties.models import Commendation, Evidence, Sanction, Violation
from penalties.views.violations import SANCTION_FORMS
from tests.fuzz_world import row_counts, world_fixture

pytestmark = pytest.mark.django_db

world = world_fixture(scope="module")

ACCEPTED = {200, 204, 302, 400, 403, 404, 405, 413, 429}
EXAMPLES = 8

# Views outside the application's own forms (Django's i18n switch, the admin's hundreds of
# generated forms: the admin has its own tests) and the DEBUG-only error preview.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {"error_preview"}

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x0b\x1f\x7f",
    "\ud7ff\ufffe\uffff",
    "\u202e\u200b🙂𠀀",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}{% debug %}",
    "' OR 1=1 --",
    "../../etc/passwd",
    "-1",
    "0",
    "99999999999999999999999",
    "1e308",
    "NaN",
    "²",
    "１２",
    "2026-02-30",
    "9999-12-31",
    "0000-00-00",
    "13800000000",
    "true",
    "on",
    "x" * 5000,
    "长" * 20000,
]
values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.binary(max_size=30).map(lambda raw: raw.decode("latin-1")),
)
field_value = st.one_of(values, st.lists(values, min_size=2, max_size=3))


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace, pattern.name, prefix + str(pattern.pattern)


def endpoints() -> list[str]:
    """Every named URL of the site but the admin's, as `namespace:name`."""
    found = []
    for namespace, name, _route in _walk(get_resolver().url_patterns):
        if namespace in SKIPPED_NAMESPACES or name in SKIPPED_NAMES:
            continue
        found.append(f"{namespace}:{name}" if namespace else name)
    return sorted(set(found))


def _violation_actions() -> list[str]:
    return sorted(
        value
        for key, value in vars(penalty_permissions).items()
        if key.isupper() and isinstance(value, str) and "." not in value and value.islower()
    )


def urls_for(name: str, world) -> list[str]:
    """The URLs of one endpoint in the world: objects it can act on, each of its variants."""
    case = world.open_case
    by_name = {
        "inquiries:department_detail": [{"code": Department.objects.first().code}],
        "inquiries:register_export": [{"register": "phone"}],
        "inquiries:supervision_export": [{"list_name": "overdue"}],
        "inquiries:press_answer": [
            {"number": case.number, "pk": PressNotice.objects.filter(inquiry=case).first().pk}
        ],
        "inquiries:extension_decide": [
            {
                "number": case.number,
                "pk": ExtensionRequest.objects.filter(inquiry=case).first().pk,
            }
        ],
        "inquiries:extension_told": [
            {
                "number": world.closed_case.number,
                "pk": ExtensionRequest.objects.filter(inquiry=world.closed_case).first().pk,
            }
        ],
        "inquiries:referral_accept": [{"pk": Referral.objects.order_by("-pk").first().pk}],
        "inquiries:referral_return": [{"pk": Referral.objects.order_by("-pk").first().pk}],
        "penalties:violation_detail": [{"pk": Violation.objects.first().pk}],
        "penalties:violation_action": [
            {"pk": violation.pk, "action": action}
            for action in _violation_actions()
            for violation in {v.state: v for v in Violation.objects.order_by("-pk")}.values()
        ],
        "penalties:evidence_download": [
            {"pk": evidence.violation_id, "evidence_pk": evidence.pk}
            for evidence in Evidence.objects.order_by("pk")[:1]
        ],
        "penalties:sanction_action": [
            {"pk": sanction.violation_id, "sanction_pk": sanction.pk, "action": action}
            for action in SANCTION_FORMS
            for sanction in {s.state: s for s in Sanction.objects.order_by("-pk")}.values()
        ],
        "penalties:commendation_withdraw": [{"pk": Commendation.objects.first().pk}],
        "penalties:rating_commend": [{"pk": Rating.objects.first().pk}],
        "penalties:rating_propose": [{"pk": Rating.objects.first().pk}],
        "penalties:assessment_person": [{"user_id": world.boss.pk}],
    }
    notice = Notice.objects.select_related("inquiry").first()
    by_name["inquiries:notice_print"] = [
        {"number": notice.inquiry.number, "sequence": notice.sequence}
    ]
    if name in by_name:
        return [reverse(name, kwargs=kwargs) for kwargs in by_name[name]]
    route = next(
        route for ns, n, route in _walk(get_resolver().url_patterns) if _full(ns, n) == name
    )
    if "<str:number>" in route:
        return [
            reverse(name, kwargs={"number": number})
            for number in (case.number, world.closed_case.number)
        ]
    return [reverse(name)]


def _full(namespace, name):
    return f"{namespace}:{name}" if namespace else name


class _Forms(HTMLParser):
    """The POST forms of a page: their action URL and the names of their fields."""

    def __init__(self, base: str):
        super().__init__()
        self.base = base
        self.forms: dict[str, set[str]] = {}
        self._current: set[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                action = urlsplit(urljoin(self.base, attrs.get("action") or self.base)).path
                self._current = self.forms.setdefault(action, set())
            else:
                self._current = None
        elif (
            tag in {"input", "textarea", "select", "button"}
            and self._current is not None
            and attrs.get("name")
            and attrs["name"] != "csrfmiddlewaretoken"
        ):
            self._current.add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def form_fields(client, pages) -> dict[str, set[str]]:
    """Field names by the URL a form posts to, from the pages that render the forms."""
    found: dict[str, set[str]] = {}
    for page in pages:
        response = client.get(page)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms(page)
        parser.feed(response.content.decode())
        for action, names in parser.forms.items():
            found.setdefault(action, set()).update(names)
    return found


GENERIC_FIELDS = {"text", "note", "reason", "message", "answer", "comment", "level", "version"}


@pytest.fixture(scope="module")
def targets(world, django_db_blocker):
    """(url, field names) for every URL of every endpoint."""
    with django_db_blocker.unblock():
        client = Client()
        client.force_login(world.boss)
        urls = {name: urls_for(name, world) for name in endpoints()}
        pages = [url for group in urls.values() for url in group]
        pages += [
            reverse("penalties:violation_detail", args=[violation.pk])
            for violation in Violation.objects.all()
        ]
        fields = form_fields(client, pages)
    return {
        name: [(url, sorted(fields.get(url) or GENERIC_FIELDS)) for url in group]
        for name, group in urls.items()
    }


def test_the_fuzzed_endpoints_include_every_form_of_the_site(targets):
    names = set(targets)
    for expected in (
        "inquiries:intake_visit",
        "inquiries:case_reply",
        "inquiries:case_refer",
        "inquiries:track",
        "inquiries:letter_new",
        "inquiries:case_press",
        "inquiries:organisation_import",
        "penalties:violation_new",
        "penalties:violation_action",
        "penalties:commendation_new",
        "login",
        "password_change",
    ):
        assert expected in names
    reply_fields = dict(targets["inquiries:case_reply"])
    assert any(len(names) > 1 for names in reply_fields.values())


@pytest.mark.parametrize("name", endpoints())
@settings(
    max_examples=EXAMPLES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_form_answers_random_input_without_a_server_error_or_a_half_save(
    client, world, targets, name, data
):
    client.force_login(world.boss)
    url, names = data.draw(st.sampled_from(targets[name]), label="url")
    payload = data.draw(
        st.dictionaries(st.sampled_from(names), field_value, max_size=len(names)), label="fields"
    )
    payload.update(data.draw(st.dictionaries(st.text(max_size=8), values, max_size=2)))
    before = row_counts()
    response = client.post(url, payload)
    assert response.status_code in ACCEPTED, (url, response.status_code)
    if response.status_code != 302:
        assert row_counts() == before, url


def test_a_post_without_a_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.boss)
    case = world.open_case
    for url in (
        reverse("inquiries:intake_visit"),
        reverse("inquiries:case_add_note", args=[case.number]),
        reverse("inquiries:case_reply", args=[case.number]),
        reverse("inquiries:track"),
        reverse("inquiries:letter_new"),
        reverse("penalties:violation_new"),
        reverse("logout"),
    ):
        before = row_counts()
        response = client.post(url, {"text": "x", "note": "x"})
        assert response.status_code == 403, url
        assert row_counts() == before


def test_marking_notifications_read_with_a_next_that_is_not_a_path_returns_to_the_list(
    client, world
):
    client.force_login(world.boss)
    for target in ("abc", "inquiries:case_search", "/a\nb", "/a\x00b", "//evil.example/"):
        response = client.post(reverse("inquiries:notifications_read"), {"next": target})
        assert response.status_code == 302
        assert response["Location"] == reverse("inquiries:notifications")
    response = client.post(reverse("inquiries:notifications_read"), {"next": "/cases/"})
    assert response["Location"] == "/cases/"
