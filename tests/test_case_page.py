"""The case page and its actions through the views: notices, the clock, reply, closing,
reopening, notes, stale forms, illegal moves, print pages, flags and query counts.

The organisation and case builders at the top are shared with the other case test files.
"""

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from inquiries import services
from inquiries.models import (
    CaseFlag,
    Channel,
    Department,
    FeedbackMethod,
    Inquiry,
    Kind,
    Notice,
    RequiredMaterial,
    ServiceMatter,
    StaffProfile,
    Status,
    TabooPhrase,
    TimelineEvent,
)
from inquiries.services import Requester
from tests.factories import DepartmentFactory, StaffProfileFactory, UnitFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Tuesday in an ordinary working week (no holiday near it).
TUESDAY_MORNING = datetime.datetime(2026, 3, 10, 9, 30, tzinfo=SHANGHAI)


# --- Shared set-up ---------------------------------------------------------------------------


@dataclass
class Org:
    unit: Department
    office: Department
    registration: Department
    food: Department
    matter: ServiceMatter
    materials: list[RequiredMaterial]
    clerk: object  # registers cases: the first responder
    colleague: object  # same department, present
    away: object  # same department, on a business trip
    outsider: object  # a handler of another department
    head: object  # head of the registration department
    leader: object  # its supervising leader
    coordinator: object  # the office coordinator
    admin: object


def build_organisation() -> Org:
    """A bureau: the office, a registration department with a catalog matter, a food one."""
    unit = UnitFactory(name="某市市场监督管理局", code="UNIT")
    office = DepartmentFactory(
        parent=unit,
        name="办公室",
        code="BGS",
        is_office=True,
        location="行政中心3楼301",
        phone="0531-86660001",
    )
    registration = DepartmentFactory(
        parent=unit,
        name="登记注册处",
        code="DJZC",
        location="行政中心5楼508",
        phone="0531-86660002",
    )
    food = DepartmentFactory(
        parent=unit,
        name="食品经营监管处",
        code="SPJY",
        location="行政中心6楼612",
        phone="0531-86660003",
    )

    def staff(username, full_name, department, roles, **profile):
        user = UserFactory(username=username, full_name=full_name, roles=roles)
        StaffProfileFactory(user=user, department=department, **profile)
        return user

    clerk = staff(
        "zhangxq",
        "张小青",
        registration,
        ["front_desk", "handler"],
        title="登记窗口科员",
        duty="负责企业登记咨询和受理",
        office_phone="0531-86661234",
    )
    colleague = staff(
        "liming",
        "李明",
        registration,
        ["handler"],
        title="副主任科员",
        office_phone="0531-86661235",
    )
    away = staff(
        "wangfang",
        "王芳",
        registration,
        ["handler"],
        title="科员",
        availability=StaffProfile.Availability.BUSINESS_TRIP,
        away_until=datetime.date(2099, 1, 1),
    )
    outsider = staff("zhaolei", "赵磊", food, ["handler"], title="科员")
    head = staff("sunhong", "孙红", registration, ["department_head"], title="处长")
    leader = staff("zhouqiang", "周强", office, ["supervising_leader"], title="副局长")
    coordinator = staff("wuli", "吴丽", office, ["office_coordinator"], title="办公室科员")
    admin = staff("admin1", "系统管理员", office, ["administrator"], title="管理员")
    registration.head = head
    registration.supervising_leader = leader
    registration.save()
    food.contact_person = outsider
    food.save()
    matter = ServiceMatter.objects.create(
        department=registration,
        code="QYSL",
        name="企业设立登记",
        legal_basis="《中华人民共和国市场主体登记管理条例》第十九条",
        conditions="申请材料齐全、符合法定形式",
        procedure="申请—受理—审查—决定—发照",
        promised_days=3,
        legal_days=15,
    )
    materials = [
        RequiredMaterial.objects.create(
            matter=matter, name="设立登记申请书", specification="原件1份", sort_order=1
        ),
        RequiredMaterial.objects.create(
            matter=matter, name="公司章程", specification="原件1份", sort_order=2
        ),
        RequiredMaterial.objects.create(
            matter=matter, name="法定代表人身份证明", specification="复印件1份", sort_order=3
        ),
    ]
    return Org(
        unit=unit,
        office=office,
        registration=registration,
        food=food,
        matter=matter,
        materials=materials,
        clerk=clerk,
        colleague=colleague,
        away=away,
        outsider=outsider,
        head=head,
        leader=leader,
        coordinator=coordinator,
        admin=admin,
    )


def register_case(org: Org, *, matter=None, kind=Kind.CONSULTATION, by=None, **kwargs) -> Inquiry:
    """A walk-in registered by the clerk, who told the requester her name, duty and phone."""
    fields = {
        "channel": Channel.VISIT,
        "requester": Requester(name="王建国", phone="13812345678", unit="某某商贸有限公司"),
        "subject": "咨询开办公司需要哪些材料",
        "content": "来访人拟开办一家商贸公司，询问需要准备的材料和办理时限。",
        "disclosure_given": True,
    }
    fields.update(kwargs)
    return services.inquiry_register(
        by=by or org.clerk,
        kind=Kind.SERVICE if matter else kind,
        matter=matter,
        **fields,
    )


def case_url(name: str, inquiry: Inquiry, *args) -> str:
    return reverse(f"inquiries:{name}", args=[inquiry.number, *args])


def text_of(response) -> str:
    """The page's text without tags, white space collapsed: what a reader sees."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def zh(text) -> str:
    """A label as the (Chinese-first) pages show it, whatever the catalogue holds today."""
    with translation.override("zh-hans"):
        return str(text)


def english_client(client):
    """The test client reads pages in English (the language switch's cookie): assertions on
    wording then hold whatever the Chinese catalogue says today."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- Fixtures ----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def english(client):
    return english_client(client)


@pytest.fixture
def org(db):
    return build_organisation()


@pytest.fixture
def clerk_client(client, org):
    client.force_login(org.clerk)
    return client


@pytest.fixture
def matter_case(org):
    return register_case(org, matter=org.matter, subject="申请设立登记")


def issue_notice(client, inquiry, *, received=(), extra="", note=""):
    return client.post(
        case_url("case_issue_notice", inquiry),
        {
            "version": inquiry.version,
            "received": [material.pk for material in received],
            "extra_items": extra,
            "note": note,
        },
    )


# --- The page --------------------------------------------------------------------------------


def test_case_page_shows_the_case_for_the_people_responsible(clerk_client, org, matter_case):
    response = clerk_client.get(case_url("case_detail", matter_case))

    assert response.status_code == 200
    page = text_of(response)
    for expected in (
        matter_case.number,
        matter_case.tracking_code,
        "王建国",
        "13812345678",  # the full phone: this page is for the people responsible
        "某某商贸有限公司",
        "申请设立登记",
        "张小青",
        "登记窗口科员",
        "0531-86661234",
        "企业设立登记",
        "登记注册处",
    ):
        assert expected in page
    # Registered just now: the receipt is offered prominently.
    assert re.search(
        r'class="button button-primary"\s+href="{}"'.format(
            re.escape(case_url("case_receipt", matter_case))
        ),
        response.content.decode(),
    )


def test_case_page_offers_only_the_allowed_actions(client, org, matter_case):
    client.force_login(org.head)
    response = client.get(case_url("case_detail", matter_case))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="action-add_note"' in html
    assert 'id="action-decide_path"' not in html
    assert 'id="action-close"' not in html


def test_every_action_form_carries_the_case_version(clerk_client, matter_case):
    response = clerk_client.get(case_url("case_detail", matter_case))

    html = response.content.decode()
    forms = re.findall(r'<form method="post" action="[^"]+" class="form-stack case-form">', html)
    versions = re.findall(r'<input type="hidden" name="version" value="(\d+)"', html)
    assert len(forms) >= 4
    assert versions == [str(matter_case.version)] * len(forms)


# --- One-time notice ---------------------------------------------------------------------------


def test_notice_lists_exactly_the_unticked_materials_and_stops_the_clock(
    clerk_client, org, matter_case
):
    application, charter, id_proof = org.materials

    response = issue_notice(
        clerk_client, matter_case, received=[application], extra="股东会决议\n\n 住所使用证明 "
    )

    notice = Notice.objects.get(inquiry=matter_case)
    assert response.status_code == 302
    assert response["Location"] == case_url("notice_print", matter_case, notice.sequence)
    assert [item.name for item in notice.items.all()] == [
        charter.name,
        id_proof.name,
        "股东会决议",
        "住所使用证明",
    ]
    matter_case.refresh_from_db()
    assert matter_case.status == Status.AWAITING_MATERIALS
    page = text_of(clerk_client.get(case_url("case_detail", matter_case)))
    assert "Awaiting materials" in page
    assert "Clock stopped since" in page


def test_notice_form_lists_the_required_materials_as_checkboxes(clerk_client, org, matter_case):
    html = clerk_client.get(case_url("case_detail", matter_case)).content.decode()

    for material in org.materials:
        assert f'name="received" value="{material.pk}"' in html
        assert material.name in html


def test_a_second_notice_asking_for_a_new_item_is_flagged_on_the_page(
    clerk_client, org, matter_case
):
    issue_notice(clerk_client, matter_case, received=org.materials[:2])
    matter_case.refresh_from_db()

    issue_notice(clerk_client, matter_case, received=org.materials, extra="银行开户许可证")

    second = Notice.objects.get(inquiry=matter_case, sequence=2)
    assert second.is_second_notice
    assert CaseFlag.objects.filter(inquiry=matter_case, kind=CaseFlag.Kind.SECOND_NOTICE).exists()
    page = text_of(clerk_client.get(case_url("case_detail", matter_case)))
    assert "Second notice" in page
    assert "银行开户许可证" in page


def test_nothing_missing_means_no_notice_and_a_clear_message(clerk_client, org, matter_case):
    response = issue_notice(clerk_client, matter_case, received=org.materials)

    assert response.status_code == 400
    assert not Notice.objects.exists()
    assert "Nothing is missing" in text_of(response)


def test_materials_complete_restarts_the_deadline_from_that_day(clerk_client, org):
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        inquiry = register_case(org, matter=org.matter)
        assert inquiry.deadline == datetime.date(2026, 3, 13)  # three working days: Friday
        issue_notice(clerk_client, inquiry, received=org.materials[:1])
    inquiry.refresh_from_db()

    # The requester comes back the next Monday; three working days from then is Thursday.
    with time_machine.travel(TUESDAY_MORNING + datetime.timedelta(days=6), tick=False):
        response = clerk_client.post(
            case_url("case_materials_complete", inquiry),
            {"version": inquiry.version, "note": "材料已补齐"},
            follow=True,
        )

    inquiry.refresh_from_db()
    assert inquiry.status == Status.IN_PROGRESS
    assert inquiry.deadline == datetime.date(2026, 3, 19)
    assert inquiry.clock_stopped_on is None
    page = text_of(response)
    assert "the new deadline is March 19, 2026" in page
    assert "In progress" in page


def test_the_page_counts_working_days_left_and_overdue(clerk_client, org):
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        inquiry = register_case(org, kind=Kind.CONSULTATION)  # two working days: Thursday
        page = text_of(clerk_client.get(case_url("case_detail", inquiry)))
        assert "2 working days left" in page
    with time_machine.travel(TUESDAY_MORNING + datetime.timedelta(days=6), tick=False):
        page = text_of(clerk_client.get(case_url("case_detail", inquiry)))
    # Thursday's deadline, seen on Monday: Friday and Monday are past it.
    assert "Overdue by 2 working days" in page


# --- Reply, close, reopen, note --------------------------------------------------------------


def _refer_to_colleague(client, org, inquiry):
    client.post(
        case_url("case_decide_path", inquiry),
        {"version": inquiry.version, "path": "same_department", "colleague": org.colleague.pk},
    )
    inquiry.refresh_from_db()
    return inquiry


def test_handler_replies_then_the_first_responder_closes_with_feedback(client, org):
    inquiry = register_case(org)
    client.force_login(org.clerk)
    inquiry = _refer_to_colleague(client, org, inquiry)
    client.force_login(org.colleague)
    client.post(case_url("case_start", inquiry), {"version": inquiry.version})
    inquiry.refresh_from_db()

    response = client.post(
        case_url("case_reply", inquiry),
        {"version": inquiry.version, "reply": "需提交申请书、章程和身份证明，3个工作日办结。"},
    )
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Status.REPLIED

    client.force_login(org.clerk)
    page = client.get(case_url("case_detail", inquiry)).content.decode()
    assert "需提交申请书" in page  # the reply is prefilled as the result
    response = client.post(
        case_url("case_close", inquiry),
        {
            "version": inquiry.version,
            "result": inquiry.result,
            "outcome": "feedback",
            "feedback_method": FeedbackMethod.PHONE,
            "feedback_at": "2026-03-10T10:15",
            "feedback_note": "已电话告知来访人",
        },
        follow=True,
    )

    inquiry.refresh_from_db()
    assert inquiry.status == Status.CLOSED
    assert inquiry.feedback_method == FeedbackMethod.PHONE
    assert timezone.localtime(inquiry.feedback_at).hour == 10
    assert inquiry.feedback_note == "已电话告知来访人"
    page = text_of(response)
    assert "Closed" in page
    assert "已电话告知来访人" in page


def test_closing_without_feedback_or_reason_is_refused_and_keeps_the_input(clerk_client, org):
    inquiry = register_case(org)

    response = clerk_client.post(
        case_url("case_close", inquiry),
        {
            "version": inquiry.version,
            "result": "已解答",
            "outcome": "feedback",
            "feedback_method": "",
            "unreachable_reason": "",
        },
    )

    assert response.status_code == 400
    inquiry.refresh_from_db()
    assert inquiry.status == Status.REGISTERED
    assert "已解答" in response.content.decode()
    assert response.context["failed_action"] == "close"
    panels = {item["action"]: item["form"] for item in response.context["panels"]}
    assert "could not be reached" in " ".join(panels["close"].non_field_errors())


def test_closing_when_the_requester_cannot_be_reached_records_why(clerk_client, org):
    inquiry = register_case(org)

    response = clerk_client.post(
        case_url("case_close", inquiry),
        {
            "version": inquiry.version,
            "result": "已核实，答复意见已形成",
            "outcome": "unreachable",
            "feedback_method": FeedbackMethod.PHONE,  # ignored: the other choice was made
            "unreachable_reason": "三次致电均无人接听",
        },
        follow=True,
    )

    inquiry.refresh_from_db()
    assert inquiry.status == Status.CLOSED
    assert inquiry.unreachable_reason == "三次致电均无人接听"
    assert inquiry.feedback_method == ""
    assert "三次致电均无人接听" in text_of(response)


def test_a_closed_case_can_be_reopened_with_a_reason(clerk_client, org):
    inquiry = register_case(org)
    services.inquiry_close(
        inquiry=inquiry, by=org.clerk, result="已解答", feedback_method=FeedbackMethod.ON_THE_SPOT
    )
    inquiry.refresh_from_db()

    response = clerk_client.post(
        case_url("case_reopen", inquiry),
        {"version": inquiry.version, "reason": "来访人对答复不满意"},
    )

    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Status.REOPENED
    assert inquiry.events.filter(to_status=Status.REOPENED, message="来访人对答复不满意").exists()


def test_notes_are_internal_unless_shown_to_the_requester(clerk_client, org):
    inquiry = register_case(org)

    clerk_client.post(case_url("case_add_note", inquiry), {"version": 1, "text": "内部备注"})
    response = clerk_client.post(
        case_url("case_add_note", inquiry),
        {"version": 1, "text": "已预约下周复查", "is_public": "on"},
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#timeline")
    notes = inquiry.events.filter(kind=TimelineEvent.Kind.NOTE).order_by("pk")
    assert [(note.message, note.is_public) for note in notes] == [
        ("内部备注", False),
        ("已预约下周复查", True),
    ]
    html = clerk_client.get(case_url("case_detail", inquiry)).content.decode()
    assert html.count("is-internal") == 1


def test_a_stale_form_gets_the_conflict_message_and_keeps_the_input(client, org):
    inquiry = register_case(org)
    client.force_login(org.clerk)
    stale_version = inquiry.version
    # Meanwhile the case changes (here: its first responder records the path elsewhere).
    services.inquiry_decide_path(
        inquiry=inquiry, by=org.clerk, path="own_duty", told="三个工作日内电话答复"
    )

    response = client.post(
        case_url("case_close", inquiry),
        {
            "version": stale_version,
            "result": "我写了很久的办理结果",
            "outcome": "feedback",
            "feedback_method": FeedbackMethod.PHONE,
        },
    )

    inquiry.refresh_from_db()
    assert response.status_code == 400
    assert inquiry.status == Status.IN_PROGRESS
    html = response.content.decode()
    assert "Someone else changed this case" in html
    assert "我写了很久的办理结果" in html
    # The form now carries the current version, so submitting again works.
    close_form = next(
        item["form"] for item in response.context["panels"] if item["action"] == "close"
    )
    assert close_form["version"].value() == str(inquiry.version)


def test_the_first_responder_sends_an_insufficient_reply_back_to_the_handler(client, org):
    inquiry = register_case(org)
    client.force_login(org.clerk)
    inquiry = _refer_to_colleague(client, org, inquiry)
    client.force_login(org.colleague)
    client.post(case_url("case_start", inquiry), {"version": inquiry.version})
    inquiry.refresh_from_db()
    client.post(case_url("case_reply", inquiry), {"version": inquiry.version, "reply": "可以办理"})
    inquiry.refresh_from_db()
    client.force_login(org.clerk)

    response = client.post(
        case_url("case_send_back", inquiry),
        {"version": inquiry.version, "reason": "请写明所需材料和办结时间"},
    )

    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Status.IN_PROGRESS
    assert inquiry.current_holder == org.colleague
    assert inquiry.events.filter(message="请写明所需材料和办结时间").exists()
    client.force_login(org.colleague)
    page = text_of(client.get(case_url("case_detail", inquiry)))
    assert "请写明所需材料和办结时间" in page
    assert "Record the reply" in page


def test_only_the_first_responder_may_send_a_reply_back(client, org):
    inquiry = register_case(org)
    client.force_login(org.clerk)
    inquiry = _refer_to_colleague(client, org, inquiry)
    services.inquiry_start_handling(inquiry=inquiry, by=org.colleague)
    services.inquiry_reply(inquiry=inquiry, by=org.colleague, reply="可以办理")
    inquiry.refresh_from_db()
    client.force_login(org.colleague)

    response = client.post(
        case_url("case_send_back", inquiry), {"version": inquiry.version, "reason": "自己退回"}
    )

    assert response.status_code == 403
    inquiry.refresh_from_db()
    assert inquiry.status == Status.REPLIED


def test_a_reply_typed_while_the_case_was_closed_is_shown_back_to_copy(client, org):
    inquiry = register_case(org)
    client.force_login(org.clerk)
    inquiry = _refer_to_colleague(client, org, inquiry)
    client.force_login(org.colleague)
    client.post(case_url("case_start", inquiry), {"version": inquiry.version})
    inquiry.refresh_from_db()
    version_seen = inquiry.version
    # While the colleague types, the first responder closes the case herself.
    services.inquiry_close(
        inquiry=inquiry, by=org.clerk, result="已当面答复", feedback_method=FeedbackMethod.VISIT
    )

    response = client.post(
        case_url("case_reply", inquiry),
        {"version": version_seen, "reply": "经核实，可在三日内办结"},
    )

    assert response.status_code == 400
    page = text_of(response)
    assert "Someone else changed this case" in page
    assert "经核实，可在三日内办结" in page
    inquiry.refresh_from_db()
    assert inquiry.status == Status.CLOSED
    assert inquiry.result == "已当面答复"


def test_a_stale_notice_form_is_refused_too(clerk_client, org, matter_case):
    # The notice service takes no version; the view compares the form's with the case's.
    stale_version = matter_case.version
    services.inquiry_decide_path(
        inquiry=matter_case, by=org.clerk, path="own_duty", told="材料齐全后三个工作日内办结"
    )

    response = clerk_client.post(
        case_url("case_issue_notice", matter_case),
        {"version": stale_version, "extra_items": "股东会决议"},
    )

    assert response.status_code == 400
    assert not Notice.objects.exists()
    html = response.content.decode()
    assert "Someone else changed this case" in html
    assert "股东会决议" in html


def test_closing_a_closed_case_by_post_is_refused_with_a_message(clerk_client, org):
    inquiry = register_case(org)
    services.inquiry_close(
        inquiry=inquiry, by=org.clerk, result="已解答", feedback_method=FeedbackMethod.ON_THE_SPOT
    )
    inquiry.refresh_from_db()

    response = clerk_client.post(
        case_url("case_close", inquiry),
        {"version": inquiry.version, "result": "再次办结", "outcome": "feedback"},
    )

    assert response.status_code == 403
    assert "Nothing was changed" in text_of(response)
    inquiry.refresh_from_db()
    assert inquiry.result == "已解答"


def test_a_get_to_an_action_url_is_not_allowed(clerk_client, org):
    inquiry = register_case(org)

    assert clerk_client.get(case_url("case_close", inquiry)).status_code == 405


# --- Print pages -----------------------------------------------------------------------------


def test_receipt_names_the_first_responder_and_how_to_track_the_case(clerk_client, org):
    inquiry = register_case(org)

    response = clerk_client.get(case_url("case_receipt", inquiry))

    assert response.status_code == 200
    page = text_of(response)
    for expected in (
        inquiry.number,
        inquiry.tracking_code,
        "王建国",
        inquiry.subject,
        "张小青",
        "登记窗口科员",
        "负责企业登记咨询和受理",
        "0531-86661234",
        "登记注册处",
        "某市市场监督管理局",
    ):
        assert expected in page
    assert inquiry.deadline.strftime("%Y") in page


def test_notice_print_lists_the_missing_materials_with_basis_and_signature(
    clerk_client, org, matter_case
):
    issue_notice(clerk_client, matter_case, received=[org.materials[0]], extra="股东会决议")

    response = clerk_client.get(case_url("notice_print", matter_case, 1))

    assert response.status_code == 200
    html = response.content.decode()
    page = text_of(response)
    for expected in (
        "某市市场监督管理局",
        matter_case.number,
        "王建国",
        "企业设立登记",
        "公司章程",
        "法定代表人身份证明",
        "复印件1份",
        "股东会决议",
        "市场主体登记管理条例",
        "申请材料齐全",
        "申请—受理—审查—决定—发照",
        "张小青",
        "登记窗口科员",
        "0531-86661234",
    ):
        assert expected in page
    assert "设立登记申请书" not in page  # it was received
    assert "signature-line" in html
    assert 'data-action="print"' in html


def test_an_unknown_notice_is_404(clerk_client, matter_case):
    assert clerk_client.get(case_url("notice_print", matter_case, 9)).status_code == 404


# --- Taboo phrases -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("case_add_note", {"text": "这个我不知道，找领导去"}),
        (
            "case_close",
            {
                "result": "不归我管",
                "outcome": "feedback",
                "feedback_method": FeedbackMethod.ON_THE_SPOT,
            },
        ),
    ],
)
def test_a_taboo_phrase_in_a_note_or_result_is_flagged_on_the_page(client, org, url_name, data):
    TabooPhrase.objects.get_or_create(phrase="不知道")
    TabooPhrase.objects.get_or_create(phrase="不归我管")
    inquiry = register_case(org)
    client.force_login(org.clerk)

    client.post(case_url(url_name, inquiry), {"version": inquiry.version, **data})

    flag = CaseFlag.objects.get(inquiry=inquiry, kind=CaseFlag.Kind.TABOO_PHRASE)
    # Everyone who can see the case sees the flag, not only the one who wrote it.
    client.force_login(org.head)
    page = text_of(client.get(case_url("case_detail", inquiry)))
    assert "Taboo phrase" in page
    assert flag.detail in page


# --- Query counts ------------------------------------------------------------------------------


def _page_queries(client, inquiry) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(case_url("case_detail", inquiry))
    assert response.status_code == 200
    return len(queries)


def test_case_page_query_count_does_not_grow_with_timeline_or_notices(clerk_client, org):
    # Supervisors open the long cases, so the page must cost the same for 3 events or 15.
    small = register_case(org, matter=org.matter)
    large = register_case(org, matter=org.matter)
    for inquiry, notes, notices in ((small, 1, 1), (large, 13, 3)):
        for number in range(notes):
            services.inquiry_add_note(inquiry=inquiry, by=org.clerk, text=f"备注{number}")
        for number in range(notices):
            services.notice_issue(inquiry=inquiry, by=org.clerk, extra_items=[f"补充材料{number}"])
    assert Notice.objects.filter(inquiry=large).count() == 3
    assert large.events.count() > 15

    assert _page_queries(clerk_client, small) == _page_queries(clerk_client, large)
