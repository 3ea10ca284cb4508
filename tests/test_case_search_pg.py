"""The case search on PostgreSQL: its indexes exist and the planner uses them.

CI runs on PostgreSQL (and fails on a skipped test); on SQLite, where the search is a plain
LIKE with no index, these are skipped.
"""

import pytest
from django.db import connection, transaction

from inquiries.models import Channel
from inquiries.selectors_search import SearchFilters, case_search, search_words
from tests.case_helpers import make_bureau, make_person
from tests.test_case_search import register

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the search indexes are PostgreSQL's"
)


@pytest.fixture
def supervisor(db):
    _unit, _office, licensing, _complaints = make_bureau()
    clerk = make_person(licensing, roles=("front_desk", "handler"))
    for n in range(30):
        register(clerk, subject=f"咨询营业执照办理{n}", name="张伟", phone="0531-86012345")
        register(clerk, subject=f"投诉餐馆卫生{n}", channel=Channel.PHONE)
    register(clerk, subject="举报无证小作坊", name="欧阳修", phone="13912345678")
    # A discipline officer sees every case: the plan is the search's alone.
    return make_person(licensing, roles=("discipline",))


def plan(queryset) -> str:
    """EXPLAIN of the page query for a rare word, with fresh statistics and whole-table reads
    priced out: on a table this small the planner would rightly read it all. (For a common
    word it may rightly prefer reading the newest cases until a page is full.)"""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ANALYZE inquiries_inquiry")
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Nor a whole-index scan standing in for a sequential one (also 60 rows' worth).
        cursor.execute("SET LOCAL enable_indexscan = off")
        return queryset[:26].explain()


def test_the_search_indexes_and_the_extension_exist(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'inquiries_inquiry'"
            " AND indexname IN ('inquiry_search_trgm', 'inquiry_search_bigram', 'inquiry_received')"
        )
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        extension = cursor.fetchone()

    assert indexes == {"inquiry_search_trgm", "inquiry_search_bigram", "inquiry_received"}
    assert extension is not None


@pytest.mark.parametrize("query", ["无证小作坊", "举报无证", "欧阳修", "912345"])
def test_a_word_of_three_or_more_characters_uses_the_trigram_index(supervisor, query):
    cases = case_search(user=supervisor, words=search_words(query), filters=SearchFilters())

    explained = plan(cases)
    assert "inquiry_search_trgm" in explained, explained


def test_a_two_character_word_uses_the_bigram_index(supervisor):
    cases = case_search(user=supervisor, words=search_words("作坊"), filters=SearchFilters())

    explained = plan(cases)
    assert "inquiry_search_bigram" in explained, explained


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("执照", 30),
        ("张伟", 30),
        ("营业执照 办理", 30),
        ("餐馆", 30),
        ("0531-8601", 30),
        ("火锅", 0),
        ("作坊", 1),
    ],
)
def test_the_indexed_search_finds_what_like_finds(supervisor, query, expected):
    cases = case_search(user=supervisor, words=search_words(query), filters=SearchFilters())

    assert cases.count() == expected


# --- Read as a union of what the user may see ---------------------------------------------------


@pytest.fixture
def crowd(db):
    """Cases of several clerks in two departments, some referred to a department or a
    person: everyone sees a different part of them."""
    from inquiries.models import Referral
    from tests.factories import UserFactory

    _unit, office, licensing, complaints = make_bureau()
    people = {
        "clerk": make_person(licensing, roles=("front_desk",)),
        "other": make_person(licensing, roles=("front_desk", "handler")),
        "handler": make_person(complaints, roles=("front_desk", "handler")),
        "coordinator": make_person(office, roles=("office_coordinator",)),
        "discipline": make_person(licensing, roles=("discipline",)),  # sees every case
    }
    head = UserFactory(roles=["department_head"])
    make_person(complaints, roles=())  # a colleague, not a reader
    complaints.head = head
    complaints.save()
    people["head"] = head
    for n in range(14):
        by = (people["clerk"], people["other"], people["handler"])[n % 3]
        case = register(by, subject=f"投诉餐馆卫生，营业执照过期{n}", channel=Channel.PHONE)
        if n % 4 == 0:
            Referral.objects.create(
                inquiry=case,
                target=Referral.Target.DEPARTMENT,
                from_user=by,
                from_department=case.receiving_department,
                to_department=complaints,
                created_at=case.received_at,
                accept_due=case.deadline,
            )
        if n % 5 == 0:
            Referral.objects.create(
                inquiry=case,
                target=Referral.Target.COLLEAGUE,
                from_user=by,
                from_department=case.receiving_department,
                to_user=people["clerk"],
                to_department=case.receiving_department,
                created_at=case.received_at,
                accept_due=case.deadline,
            )
    return people


def pages(cases, branches, size=3):
    """Every page forward, then back from the last: the keys and the cases of each."""
    from inquiries.selectors_search import case_search_page

    walked, page = [], case_search_page(cases=cases, branches=branches, size=size)
    walked.append(page)
    while page.after:
        page = case_search_page(cases=cases, branches=branches, after=page.after, size=size)
        walked.append(page)
    while page.before:
        page = case_search_page(cases=cases, branches=branches, before=page.before, size=size)
        walked.append(page)
    return [([case.pk for case in page.cases], page.after, page.before) for page in walked]


@pytest.mark.parametrize("who", ["clerk", "other", "handler", "head"])
@pytest.mark.parametrize("query", ["执照", "投诉餐馆", "过期1"])
def test_the_union_pages_exactly_like_the_one_condition(crowd, who, query):
    from inquiries.selectors_search import case_search_branches

    user, words = crowd[who], search_words(query)
    cases = case_search(user=user, words=words, filters=SearchFilters())
    branches = case_search_branches(user=user, words=words, filters=SearchFilters())

    assert branches is not None and len(branches) >= 3
    assert pages(cases, branches) == pages(cases, None)
    assert len(pages(cases, None)[0][0]) > 0


def test_coordinators_and_those_who_see_everything_keep_the_one_condition(crowd):
    from inquiries.selectors_search import case_search_branches

    for user in (crowd["coordinator"], crowd["discipline"]):
        assert case_search_branches(user=user, words=["执照"], filters=SearchFilters()) is None
