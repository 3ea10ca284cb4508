"""Who may open a case: everyone responsible for it, and nobody else — not even by URL."""

import pytest
from django.urls import reverse

from inquiries import services
from inquiries.models import Path, Status
from tests.test_case_page import build_organisation, case_url, register_case

# Every URL of one case: the pages by GET, the actions by POST.
PAGE_URLS = ("case_detail", "case_receipt")
# Actions on one record of the case: (URL name, the record's primary key stands in as 1).
RECORD_URLS = ("press_answer", "extension_decide", "extension_told")
ACTION_URLS = (
    "case_pick_up",
    "case_press",
    "extension_request",
    "case_decide_path",
    "case_record_disclosure",
    "case_issue_notice",
    "case_materials_complete",
    "case_start",
    "case_reply",
    "case_close",
    "case_send_back",
    "case_reopen",
    "case_add_note",
    "case_refer",
    "case_return_referral",
    "case_assign_referral",
    "case_coordinate",
    "case_record_rating",
    "case_rectification",
)


@pytest.fixture
def org(db):
    return build_organisation()


@pytest.fixture
def referred_case(org):
    """A catalog case of the registration department, with a notice, passed to a colleague."""
    inquiry = register_case(org, matter=org.matter, disclosure_given=False)
    services.notice_issue(inquiry=inquiry, by=org.clerk, received_material_ids=[])
    services.inquiry_materials_complete(inquiry=inquiry, by=org.clerk)
    inquiry.refresh_from_db()
    services.inquiry_decide_path(
        inquiry=inquiry, by=org.clerk, path=Path.SAME_DEPARTMENT, colleague=org.colleague
    )
    inquiry.refresh_from_db()
    assert inquiry.status == Status.REFERRED
    return inquiry


def every_url(inquiry):
    for name in PAGE_URLS:
        yield "get", case_url(name, inquiry)
    yield "get", case_url("notice_print", inquiry, 1)
    for name in RECORD_URLS:
        yield "post", case_url(name, inquiry, 1)
    for name in ACTION_URLS:
        yield "post", case_url(name, inquiry)


def test_the_url_list_covers_every_case_url():
    from inquiries.urls import urlpatterns

    case_urls = {
        pattern.name for pattern in urlpatterns if str(pattern.pattern).startswith("cases/<str:")
    }
    assert case_urls == {*PAGE_URLS, *ACTION_URLS, *RECORD_URLS, "notice_print"}


def test_a_handler_of_another_department_gets_404_on_every_case_url(client, org, referred_case):
    client.force_login(org.outsider)

    for method, url in every_url(referred_case):
        data = {"version": referred_case.version, "text": "想看看", "reason": "x", "reply": "x"}
        response = getattr(client, method)(url, data if method == "post" else None)
        assert response.status_code == 404, url

    referred_case.refresh_from_db()
    assert not referred_case.events.filter(actor=org.outsider).exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, referred_case):
    for method, url in every_url(referred_case):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "who", ["clerk", "colleague", "away", "head", "leader", "admin"], ids=lambda who: who
)
def test_everyone_responsible_can_open_the_case_and_its_printouts(client, org, referred_case, who):
    # clerk: first responder; colleague: current holder; away: a handler of the handling
    # department; head and leader: the department's head and supervising leader; admin.
    client.force_login(getattr(org, who))

    for name in PAGE_URLS:
        assert client.get(case_url(name, referred_case)).status_code == 200, name
    assert client.get(case_url("notice_print", referred_case, 1)).status_code == 200


def test_the_office_coordinator_sees_a_case_sent_to_the_office(client, org):
    inquiry = register_case(org)
    client.force_login(org.coordinator)
    assert client.get(case_url("case_detail", inquiry)).status_code == 404

    services.inquiry_decide_path(inquiry=inquiry, by=org.clerk, path=Path.OFFICE, told="转办公室")

    assert client.get(case_url("case_detail", inquiry)).status_code == 200


def test_visible_but_not_allowed_is_403_and_changes_nothing(client, org, referred_case):
    # The head may read the case but it is not hers to close or to take up.
    client.force_login(org.head)

    for name in (
        "case_close",
        "case_start",
        "case_reply",
        "case_record_disclosure",
        "case_refer",
        "case_return_referral",
        "case_assign_referral",
        "case_coordinate",
    ):
        response = client.post(
            case_url(name, referred_case),
            {
                "version": referred_case.version,
                "result": "x",
                "reply": "x",
                "reason": "x",
                "target": "office",
                "assignee": org.away.pk,
                "lead": org.food.code,
            },
        )
        assert response.status_code == 403, name
    referred_case.refresh_from_db()
    assert referred_case.status == Status.REFERRED


def test_an_unknown_case_number_is_404(client, org):
    client.force_login(org.admin)

    assert client.get(reverse("inquiries:case_detail", args=["2026-999999"])).status_code == 404
