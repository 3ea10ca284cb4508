"""The case search: visibility, masking, several words, short Chinese words, filters, pages."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from inquiries import services
from inquiries.masking import mask_name, mask_phone
from inquiries.models import Channel, Kind, Status
from inquiries.selectors_search import (
    SearchFilters,
    case_search,
    case_search_page,
    search_words,
)
from tests.case_helpers import make_bureau, make_person

SEARCH = reverse("inquiries:case_search")
# The search is on every desk and must cost the same for two matches or two hundred:
# session, user, 2 × permissions, the profile (visibility), the page of results (one query,
# one row more than a page: no COUNT), the navigation's inbox count.
SEARCH_QUERIES = 7


@pytest.fixture
def bureau(db):
    _unit, office, licensing, complaints = make_bureau()
    return {"office": office, "licensing": licensing, "complaints": complaints}


@pytest.fixture
def clerk(bureau):
    return make_person(bureau["licensing"], roles=("front_desk", "handler"))


@pytest.fixture
def stranger(bureau):
    """Front desk and handler of another department."""
    return make_person(bureau["complaints"], roles=("front_desk", "handler"))


@pytest.fixture
def desk(client, clerk):
    client.force_login(clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def register(by, *, subject, content="", name="王大妈", phone="13812345678", **extra):
    return services.inquiry_register(
        by=by,
        channel=extra.pop("channel", Channel.VISIT),
        kind=extra.pop("kind", Kind.CONSULTATION),
        requester=services.Requester(name=name, phone=phone, unit=extra.pop("unit", "")),
        subject=subject,
        content=content or f"{subject}的详细情况。",
        disclosure_given=True,
        **extra,
    )


def found(response):
    return [row.case.subject for row in response.context["rows"]]


def test_a_word_finds_cases_by_subject_content_and_requester(desk, clerk):
    register(clerk, subject="咨询营业执照办理")
    register(clerk, subject="其他事项", content="来人询问营业执照的变更手续。")
    register(clerk, subject="单位来访", name="鑫源商贸", unit="华泰营业执照代办公司")
    register(clerk, subject="无关事项")

    response = desk.get(SEARCH, {"q": "营业执照"})

    assert response.status_code == 200
    assert sorted(found(response)) == sorted(["咨询营业执照办理", "其他事项", "单位来访"])


def test_another_departments_case_never_appears(desk, clerk, stranger):
    register(clerk, subject="我的投诉案件")
    register(stranger, subject="别处的投诉案件")

    response = desk.get(SEARCH, {"q": "投诉"})

    assert found(response) == ["我的投诉案件"]


def test_every_word_must_match(desk, clerk):
    register(clerk, subject="投诉餐馆卫生", content="历下区经十路一家餐馆后厨脏乱。")
    register(clerk, subject="投诉超市价格", content="历下区一家超市明码标价不实。")
    register(clerk, subject="咨询餐馆许可", content="槐荫区新开餐馆如何办证。")

    response = desk.get(SEARCH, {"q": "历下区  餐馆"})

    assert found(response) == ["投诉餐馆卫生"]


def test_two_character_chinese_words_are_found_inside_longer_text(desk, clerk):
    register(clerk, subject="咨询营业执照办理")
    register(clerk, subject="咨询税务登记")

    response = desk.get(SEARCH, {"q": "执照"})

    assert found(response) == ["咨询营业执照办理"]


def test_a_requester_is_found_by_name_and_by_phone_digits_but_shown_masked(desk, clerk):
    register(clerk, subject="来电咨询", name="欧阳修", phone="0531-86012345")

    by_name = desk.get(SEARCH, {"q": "欧阳修"})
    by_digits = desk.get(SEARCH, {"q": "053186012345"})
    by_groups = desk.get(SEARCH, {"q": "0531-8601"})

    for response in (by_name, by_digits, by_groups):
        assert found(response) == ["来电咨询"]
        row = response.context["rows"][0]
        assert row.requester == mask_name("欧阳修") == "欧**"
        assert row.phone == mask_phone("0531-86012345")
        body = response.content.decode()
        assert "0531-86012345" not in body
        assert "欧阳修" not in body.split('id="search-results"', 1)[1]


def test_a_case_is_found_by_its_number(desk, clerk):
    case = register(clerk, subject="来电咨询")
    register(clerk, subject="另一件")

    response = desk.get(SEARCH, {"q": case.number})

    assert found(response) == ["来电咨询"]


def test_full_width_input_is_folded(desk, clerk):
    register(clerk, subject="咨询ABC公司年报")

    response = desk.get(SEARCH, {"q": "ａｂｃ"})

    assert found(response) == ["咨询ABC公司年报"]


def test_like_wildcards_in_the_query_are_plain_characters(desk, clerk):
    register(clerk, subject="咨询营业执照办理")

    assert found(desk.get(SEARCH, {"q": "%"})) == []
    assert found(desk.get(SEARCH, {"q": "营_执照"})) == []


def test_filters_narrow_by_status_channel_and_year(desk, clerk):
    register(clerk, subject="来电咨询执照", channel=Channel.PHONE)
    register(clerk, subject="来访咨询执照", channel=Channel.VISIT)

    by_channel = desk.get(SEARCH, {"q": "执照", "channel": "phone"})
    by_status = desk.get(SEARCH, {"q": "执照", "status": Status.CLOSED})
    this_year = timezone.localdate().year
    by_year = desk.get(SEARCH, {"q": "执照", "year": str(this_year)})
    last_year = desk.get(SEARCH, {"q": "执照", "year": str(this_year - 1)})

    assert found(by_channel) == ["来电咨询执照"]
    assert found(by_status) == []
    assert sorted(found(by_year)) == ["来电咨询执照", "来访咨询执照"]
    assert found(last_year) == []


@pytest.mark.parametrize(
    "params",
    [
        {"status": "nonsense"},
        {"channel": "'; DROP TABLE x; --"},
        {"year": "abc"},
        {"year": "99999999999999999999"},
        {"year": "1900"},
        {"after": "-1"},
        {"after": "abc"},
        {"before": "1e9"},
        {"after": "99999999999999999999999"},
    ],
)
def test_bad_filter_values_are_ignored(desk, clerk, params):
    register(clerk, subject="咨询执照")

    response = desk.get(SEARCH, {"q": "执照", **params})

    assert response.status_code == 200
    assert found(response) == ["咨询执照"]


def test_a_page_key_naming_no_case_gives_an_empty_page_not_an_error(desk, clerk):
    register(clerk, subject="咨询执照")

    response = desk.get(SEARCH, {"q": "执照", "after": "987654321"})

    assert response.status_code == 200
    assert found(response) == []


def test_without_words_nothing_is_searched(desk, clerk):
    register(clerk, subject="咨询执照")

    response = desk.get(SEARCH, {"q": "   "})

    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "Type one or more words" in response.content.decode()


def test_results_are_paged_newest_first_with_older_and_newer_links(clerk):
    base = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    for n in range(7):
        # Two cases share each moment: the pk breaks the tie.
        register(clerk, subject=f"执照{n}", received_at=base + datetime.timedelta(hours=n // 2))
    cases = case_search(user=clerk, words=["执照"], filters=SearchFilters())
    expected = [case.subject for case in cases]

    first = case_search_page(cases=cases, size=3)
    second = case_search_page(cases=cases, after=first.after, size=3)
    third = case_search_page(cases=cases, after=second.after, size=3)
    back = case_search_page(cases=cases, before=third.before, size=3)
    newest = case_search_page(cases=cases, before=back.before, size=3)

    assert [c.subject for c in first.cases + second.cases + third.cases] == expected
    assert first.before is None and third.after is None
    assert back.cases == second.cases
    assert newest.cases == first.cases and newest.before is None


def test_page_links_work_without_javascript(desk, clerk):
    for n in range(30):
        register(clerk, subject=f"执照{n:02d}")

    first = desk.get(SEARCH, {"q": "执照"})
    older_link = first.context["next_query"]
    second = desk.get(f"{SEARCH}?{older_link}")

    assert len(found(first)) == 25
    assert len(found(second)) == 5
    assert not set(found(first)) & set(found(second))
    assert f'href="?{older_link.replace("&", "&amp;")}"' in first.content.decode()
    assert second.context["previous_query"]


def test_an_htmx_request_gets_only_the_results(desk, clerk):
    register(clerk, subject="咨询执照")

    page = desk.get(SEARCH, {"q": "执照"})
    partial = desk.get(SEARCH, {"q": "执照"}, headers={"HX-Request": "true"})

    assert "<html" in page.content.decode()
    body = partial.content.decode()
    assert "<html" not in body and "<form" not in body
    assert "咨询执照" in body
    assert "HX-Request" in partial["Vary"]


def test_the_page_needs_a_login(client):
    response = client.get(SEARCH, {"q": "执照"})

    assert response.status_code == 302


@pytest.mark.parametrize("count", [3, 30])
def test_query_count_does_not_grow_with_the_matches(desk, clerk, django_assert_num_queries, count):
    for n in range(count):
        register(clerk, subject=f"执照{n}")

    with django_assert_num_queries(SEARCH_QUERIES):
        response = desk.get(SEARCH, {"q": "执照 咨询", "status": "registered"})

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("营业执照  投诉", ["营业执照", "投诉"]),
        ("执照 执照", ["执照"]),
        ("ａｂｃ", ["ABC"]),
        ("0531-8601", ["0531-8601"]),
        ("", []),
    ],
)
def test_search_words(query, words):
    assert search_words(query) == words
