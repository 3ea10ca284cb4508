"""Sort keys and filters from the URL pass through allow-lists: a hostile value (a column name
like `first_responder__password`, a lookup, a dunder, a huge string, a NUL byte, odd Unicode
digits) gives the page with its default order and nothing leaked — never a server error.

The django-helpdesk GHSA-mxcg-7m22-x9pj class: a sort key fed to `.order_by()` lets anyone
learn another column (a password hash) one comparison at a time.
"""

import re

import pytest
from django.urls import reverse

from inquiries.models import User
from inquiries.selectors_supervision import SECTIONS_BY_NAME
from tests.fuzz_world import world_fixture

pytestmark = pytest.mark.django_db

world = world_fixture(scope="module")

HOSTILE = [
    "password",
    "-password",
    "first_responder__password",
    "-first_responder__password",
    "requester__password",
    "id__gt",
    "-id__gt",
    "__class__",
    "pk__in",
    "x" * 5000,
    "9" * 5000,
    "a\x00b",
    "\x00",
    "²",
    "١٢",
    "１２",
    "\u202e\ufeff🙂",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "-1",
    "0",
]

# The sort keys a leak would use, for the order comparison (every value above is still sent
# to every parameter by the first test).
SORT_HOSTILE = [
    "password",
    "first_responder__password",
    "-first_responder__password",
    "-id__gt",
    "__class__",
    "x" * 5000,
    "a\x00b",
]

# Every list page, the parameters it reads (its filters, sort and paging keys) and a few
# names a sort key is often given.
SORT_NAMES = ("sort", "order", "order_by", "o", "ordering")
LIST_PAGES = {
    "inquiries:my_cases": ("role", "state", "q", "page"),
    "inquiries:case_search": ("q", "status", "channel", "year", "after", "before"),
    "inquiries:phone_register": ("date_from", "date_to", "page"),
    "inquiries:visit_register": ("date_from", "date_to", "page"),
    "inquiries:letter_register": ("date_from", "date_to", "page"),
    "inquiries:supervision": ("department", "handler", "kind", "page"),
    "inquiries:statistics": ("date_from", "date_to", "group", "all"),
    "inquiries:statistics_cases": ("date_from", "date_to", "group", "key", "measure", "page"),
    "inquiries:referral_inbox": ("tab", "state", "page"),
    "inquiries:notifications": ("state", "page"),
    "inquiries:directory": ("q",),
    "inquiries:matter_lookup": ("matter", "received_at", "kind"),
    "penalties:violation_list": ("state", "source", "department", "page"),
    "penalties:my_violations": ("page",),
    "penalties:my_record": ("year",),
    "penalties:assessment": ("year", "department"),
    "penalties:commendation_list": ("page",),
    "penalties:rating_followup": ("page", "year"),
}
EXPORTS = {
    "inquiries:register_export": {"register": "phone"},
    "inquiries:supervision_export": {"list_name": "overdue"},
    "inquiries:statistics_export": {},
    "penalties:assessment_export": {},
}

# Links to one case or one violation, in the order the page lists them.
_OBJECT_LINK = re.compile(r'href="(/cases/[^/"?]+/|/accountability/violations/\d+/)"')
ACCEPTED = {200, 400, 404}


def _order(response) -> list[str]:
    return _OBJECT_LINK.findall(response.content.decode())


def _assert_no_leak(response):
    body = response.content.decode(errors="replace")
    hashes = User.objects.values_list("password", flat=True)
    assert not any(value and value in body for value in hashes)
    assert "pbkdf2_sha256$" not in body
    assert "<script>alert(1)</script>" not in body


@pytest.fixture
def boss_client(client, world):
    client.force_login(world.boss)
    return client


@pytest.mark.parametrize("name", sorted(LIST_PAGES))
def test_a_list_page_answers_hostile_filter_values_without_a_server_error(boss_client, name):
    url = reverse(name)
    for value in HOSTILE:
        params = dict.fromkeys((*LIST_PAGES[name], *SORT_NAMES), value)
        response = boss_client.get(url, params)
        assert response.status_code in ACCEPTED, (name, value[:20], response.status_code)
        _assert_no_leak(response)


@pytest.mark.parametrize("name", sorted(LIST_PAGES))
def test_a_hostile_sort_key_leaves_a_list_in_its_default_order(boss_client, name):
    url = reverse(name)
    default = boss_client.get(url)
    assert default.status_code == 200
    for key in ("sort", "o"):
        for value in SORT_HOSTILE:
            response = boss_client.get(url, {key: value})
            assert response.status_code == 200, (name, key, value[:20])
            assert _order(response) == _order(default), (name, key, value[:20])


def test_the_supervision_dashboard_sorts_only_by_its_own_keys(boss_client):
    url = reverse("inquiries:supervision")
    for section in SECTIONS_BY_NAME:
        default = boss_client.get(url, {"list": section})
        assert default.status_code == 200
        for value in SORT_HOSTILE:
            response = boss_client.get(url, {"list": section, "sort": value})
            assert response.status_code == 200, (section, value[:20])
            assert _order(response) == _order(default), (section, value[:20])


def test_an_unknown_supervision_list_is_not_found(boss_client):
    for value in ("first_responder__password", "__class__", "a\x00b"):
        response = boss_client.get(reverse("inquiries:supervision"), {"list": value})
        assert response.status_code == 404


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_an_export_answers_hostile_filter_values_without_a_server_error(boss_client, name):
    url = reverse(name, kwargs=EXPORTS[name])
    for value in HOSTILE:
        params = dict.fromkeys(
            ("date_from", "date_to", "group", "sort", "year", "department", "kind", *SORT_NAMES),
            value,
        )
        response = boss_client.get(url, params)
        assert response.status_code in ACCEPTED, (name, value[:20], response.status_code)


def test_search_ignores_a_year_or_page_key_that_is_not_plain_ascii_digits(boss_client):
    for value in ("²", "١٢", "9" * 5000):
        response = boss_client.get(
            reverse("inquiries:case_search"),
            {"q": "营业执照", "year": value, "after": value, "before": value},
        )
        assert response.status_code == 200, value[:10]
