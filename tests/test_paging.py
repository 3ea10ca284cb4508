"""The bounded paginator of long lists: a page without counting the whole list."""

import pytest
from django.conf import settings
from django.urls import reverse

from inquiries import paging, services
from inquiries.models import Channel, Department, Kind
from inquiries.paging import BoundedPaginator
from tests.factories import DepartmentFactory, StaffProfileFactory, UserFactory


@pytest.fixture
def departments(db):
    for number in range(7):
        DepartmentFactory(name=f"科室{number}", code=f"K{number}")
    return Department.objects.filter(code__startswith="K").order_by("code")


def test_a_list_under_the_cap_is_counted_exactly_with_its_number_of_pages(departments):
    paginator = BoundedPaginator(departments, 3, cap=10)

    assert (paginator.count, paginator.capped, paginator.num_pages) == (7, False, 3)


def test_a_list_over_the_cap_is_counted_up_to_the_cap_with_no_number_of_pages(departments):
    paginator = BoundedPaginator(departments, 2, cap=5)

    assert (paginator.count, paginator.capped, paginator.num_pages) == (5, True, None)


def test_past_the_cap_the_next_page_is_known_from_one_row_more(departments):
    paginator = BoundedPaginator(departments, 2, cap=3)

    third, fourth = paginator.get_page(3), paginator.get_page(4)

    assert [d.code for d in third] == ["K4", "K5"] and third.has_next()
    assert [d.code for d in fourth] == ["K6"] and not fourth.has_next()
    assert fourth.has_previous() and fourth.previous_page_number() == 3


@pytest.mark.parametrize(("asked", "shown"), [("", 1), ("x", 1), ("-2", 1), ("0", 1), ("99", 3)])
def test_a_page_number_that_is_not_a_page_gives_the_first_or_the_last(departments, asked, shown):
    assert BoundedPaginator(departments, 3).get_page(asked).number == shown


def test_a_page_costs_two_queries_the_bounded_count_and_the_rows(
    departments, django_assert_num_queries
):
    with django_assert_num_queries(2) as captured:
        page = BoundedPaginator(departments, 3).get_page(2)

    assert [d.code for d in page] == ["K3", "K4", "K5"]
    assert "LIMIT 1001" in captured.captured_queries[0]["sql"]


@pytest.fixture
def desk(client, db):
    department = DepartmentFactory(name="行政审批科", code="XZSP")
    clerk = UserFactory(username="qiantai", roles=["front_desk", "handler"])
    StaffProfileFactory(user=clerk, department=department)
    for number in range(4):
        services.inquiry_register(
            by=clerk,
            channel=Channel.PHONE,
            kind=Kind.CONSULTATION,
            requester=services.Requester(name="王大妈", phone="13812345678"),
            subject=f"来电{number}",
            content="详细情况。",
            disclosure_given=True,
        )
    client.force_login(clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_register_longer_than_the_cap_shows_a_capped_total_and_pages_without_a_total(
    desk, monkeypatch
):
    monkeypatch.setattr(paging, "CAP", 2)
    monkeypatch.setattr("inquiries.views.cases_list.PAGE_SIZE", 1)

    response = desk.get(reverse("inquiries:phone_register"), {"page": "2"})

    text = response.content.decode()
    assert "2+ entries." in text
    assert "Page 2" in text and "Page 2 of" not in text
    assert 'rel="prev"' in text and 'rel="next"' in text


def test_a_register_under_the_cap_keeps_its_exact_total_and_number_of_pages(desk, monkeypatch):
    monkeypatch.setattr("inquiries.views.cases_list.PAGE_SIZE", 3)

    response = desk.get(reverse("inquiries:phone_register"), {"page": "2"}, HTTP_HX_REQUEST="true")

    text = response.content.decode()
    assert "4 entries." in text and "Page 2 of 2" in text
    assert "<html" not in text  # the htmx page link still gets only the results
