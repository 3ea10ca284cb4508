"""PIPL on the case page, its receipt and its notices: the requester in full for those whose
duty the case is, masked for those who see it only because they may see every case."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from inquiries import permissions, services
from inquiries.models import AccessRecord, Channel, Inquiry, Kind
from inquiries.services import Requester
from tests.factories import UserFactory
from tests.test_case_page import build_organisation, case_url, english_client, text_of

NAME = "王建国"
PHONE = "13812345678"
ID_NUMBER = "110101199003071233"
ADDRESS = "济南市历下区泉城路1号"
PHONE_IN_CONTENT = "13987654321"


@pytest.fixture(autouse=True)
def english(client):
    return english_client(client)


@pytest.fixture
def org(db):
    return build_organisation()


@pytest.fixture
def case(org):
    """A case registered by the clerk in the registration department, with a notice."""
    inquiry = services.inquiry_register(
        by=org.clerk,
        kind=Kind.SERVICE,
        matter=org.matter,
        channel=Channel.VISIT,
        requester=Requester(name=NAME, phone=PHONE, address=ADDRESS, id_number=ID_NUMBER),
        subject="咨询开办公司需要哪些材料",
        content=f"来访人拟开办一家商贸公司，回电请打{PHONE_IN_CONTENT}。",
        disclosure_given=True,
    )
    services.notice_issue(inquiry=inquiry, by=org.clerk, extra_items=["补充材料"])
    inquiry.refresh_from_db()
    return inquiry


@pytest.fixture
def discipline(org):
    return UserFactory(username="jiancha", full_name="纪检员", roles=["discipline"])


def case_pages(case):
    return {
        "case page": case_url("case_detail", case),
        "receipt": case_url("case_receipt", case),
        "notice": case_url("notice_print", case, 1),
    }


def unmask(client, next_url):
    return client.post(
        reverse("inquiries:privacy_unmask"),
        {
            "scope": "case_pages",
            "next": next_url,
            "reason_kind": "verify",
            "reason_text": "核实来访人身份",
        },
    )


def test_a_discipline_user_not_on_duty_sees_the_requester_masked_on_every_case_page(
    client, case, discipline
):
    client.force_login(discipline)
    for label, url in case_pages(case).items():
        response = client.get(url)
        assert response.status_code == 200, label
        page = text_of(response)
        assert NAME not in page, label
        assert "王**" in page, label
        assert PHONE not in page, label
        assert ID_NUMBER not in page, label
    detail = text_of(client.get(case_url("case_detail", case)))
    assert "138****5678" in detail
    assert "1101**********1233" in detail
    assert "济南市历下区****" in detail
    assert ADDRESS not in detail
    # Without the unmask permission there is no button to ask.
    assert "Show personal data" not in detail


def test_a_phone_number_in_the_content_is_masked_for_a_masked_viewer(client, case, discipline):
    client.force_login(discipline)

    page = text_of(client.get(case_url("case_detail", case)))

    assert PHONE_IN_CONTENT not in page
    assert "139****4321" in page


def test_a_phone_number_in_a_note_is_masked_for_a_masked_viewer(client, org, case, discipline):
    services.inquiry_add_note(inquiry=case, by=org.clerk, text="申请人身份证号110101199001011237")
    client.force_login(discipline)

    page = text_of(client.get(case_url("case_detail", case)))

    assert "110101199001011237" not in page
    assert "1101**********1237" in page


@pytest.mark.parametrize("who", ["clerk", "head"])
def test_the_first_responder_and_the_departments_head_see_the_requester_in_full(
    client, org, case, who
):
    client.force_login(getattr(org, who))
    detail = text_of(client.get(case_url("case_detail", case)))
    assert NAME in detail
    assert PHONE in detail
    assert ID_NUMBER in detail
    assert ADDRESS in detail
    assert PHONE_IN_CONTENT in detail
    assert "Show personal data" not in detail
    for url in (case_url("case_receipt", case), case_url("notice_print", case, 1)):
        assert NAME in text_of(client.get(url))
    assert not AccessRecord.objects.exists()


def test_an_administrator_who_gives_a_reason_sees_the_requester_and_it_is_recorded(
    client, org, case
):
    client.force_login(org.admin)
    url = case_url("case_detail", case)
    before = text_of(client.get(url))
    assert NAME not in before
    assert "Show personal data" in before

    response = unmask(client, url)
    assert response.status_code == 302
    assert response.url == url
    told = [str(message) for message in get_messages(response.wsgi_request)]
    assert told == ["Personal data is shown in “Case pages” for 10 minutes; each view is recorded."]

    for page_url in case_pages(case).values():
        page = text_of(client.get(page_url))
        assert NAME in page
        assert "Mask again" in page
    detail = text_of(client.get(url))
    assert PHONE in detail
    assert ID_NUMBER in detail
    assert PHONE_IN_CONTENT in detail
    records = AccessRecord.objects.filter(user=org.admin, case_numbers=case.number)
    assert set(records.values_list("what", flat=True)) == {
        "case_page",
        "case_receipt",
        "notice_print",
    }
    assert records.first().reason_kind == "verify"


def test_without_a_reason_nothing_is_unmasked_or_recorded(client, org, case):
    client.force_login(org.admin)
    url = case_url("case_detail", case)

    response = client.post(
        reverse("inquiries:privacy_unmask"),
        {"scope": "case_pages", "next": url, "reason_kind": "other", "reason_text": ""},
    )
    assert response.status_code == 200  # the form again, with its error

    page = text_of(client.get(url))
    assert NAME not in page
    assert PHONE not in page
    assert not AccessRecord.objects.exists()


def test_a_grant_for_a_list_does_not_unmask_case_pages(client, org, case):
    client.force_login(org.admin)
    client.post(
        reverse("inquiries:privacy_unmask"),
        {"scope": "my_cases", "next": "/", "reason_kind": "verify", "reason_text": "核实身份"},
    )

    assert NAME not in text_of(client.get(case_url("case_detail", case)))


def test_the_duty_check_costs_no_query_for_those_who_cannot_see_every_case(
    org, case, django_assert_num_queries
):
    clerk = org.clerk
    clerk.has_perm("inquiries.view_all_inquiries")  # the permissions, cached as on a request
    with django_assert_num_queries(0):
        assert permissions.inquiry_on_duty(clerk, case)


def test_one_who_sees_every_case_is_on_duty_for_the_case_they_hold(case, discipline):
    assert not permissions.inquiry_on_duty(discipline, case)

    Inquiry.objects.filter(pk=case.pk).update(current_holder=discipline)

    assert permissions.inquiry_on_duty(discipline, case)
