"""Referrals through the case page: the refer, accept (签收), return (退回), assign (指派) and
coordinate (协调) panels, and the referral chain every reader of the case sees."""

import datetime
import html as html_lib
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inquiries import services
from inquiries.models import CasePolicy, Referral, Status
from inquiries.services.referrals import (
    office_coordinate,
    referral_accept,
    referral_create,
    referral_return,
)
from tests.test_case_page import SHANGHAI, case_url, english_client, register_case
from tests.test_case_page import text_of as tagless_text
from tests.test_referrals import build_referral_organisation, fresh, set_away

Target = Referral.Target


@pytest.fixture(autouse=True)
def english(client):
    return english_client(client)


@pytest.fixture
def org(db):
    return build_referral_organisation()


@pytest.fixture
def inquiry(org):
    return register_case(org)


def text_of(response) -> str:
    """What a reader sees, entities decoded (English apostrophes are escaped in the HTML)."""
    return html_lib.unescape(tagless_text(response))


def is_open(html: str, action: str) -> bool:
    """Whether the action's panel is unfolded (the likely next step)."""
    return re.search(rf'id="action-{action}"\s+open\b', html) is not None


def as_user(client, user):
    client.force_login(user)
    return client


def post(client, name, inquiry, *, follow=False, **data):
    """Post an action with the version the page would carry now."""
    inquiry = fresh(inquiry)
    return client.post(case_url(name, inquiry), {"version": inquiry.version, **data}, follow=follow)


def panel_form(response, action):
    return next(item["form"] for item in response.context["panels"] if item["action"] == action)


def to_food(org, inquiry) -> Referral:
    return referral_create(
        inquiry=fresh(inquiry),
        by=org.clerk,
        target=Target.DEPARTMENT,
        to_department=org.food,
        reason="涉及食品经营许可",
        told="已转食品经营监管处，一个工作日内签收",
    )


# --- Refer -----------------------------------------------------------------------------------


def test_the_refer_panel_offers_four_targets_own_colleagues_and_other_departments(
    client, org, inquiry
):
    html = as_user(client, org.clerk).get(case_url("case_detail", inquiry)).content.decode()

    start = html.index('id="action-refer"')
    panel = html[start : html.index("</details>", start)]
    assert re.findall(r'name="target" value="(\w+)"', panel) == [
        "colleague",
        "department",
        "office",
        "leader",
    ]
    select = panel[panel.index('name="colleague"') : panel.index("</select>")]
    assert "李明" in select
    assert "On a business trip until" in select.split("王芳")[1].split("</option>")[0]
    assert "张小青" not in select
    assert "赵磊" not in select
    datalist = panel[panel.index('<datalist id="refer-department-options">') :]
    datalist = datalist[: datalist.index("</datalist>")]
    assert f'value="{org.food.code} {org.food.name}"' in datalist
    assert f'value="{org.registration.code} ' not in datalist
    # Its fields have ids of their own: the path form on the same page has a colleague too.
    assert 'id="id_refer_colleague"' in panel
    assert html.count('id="id_colleague"') == 1


def _referred_to(org, target):
    return {
        Target.COLLEAGUE: ({"colleague": org.colleague.pk}, org.colleague, org.registration),
        Target.DEPARTMENT: ({"department": org.food.name_initials}, None, org.food),
        Target.OFFICE: ({}, None, org.office),
        Target.LEADER: ({"reason": "经办人长期出差，请示由谁办理"}, org.leader, org.office),
    }[target]


@pytest.mark.parametrize(
    "target", [Target.COLLEAGUE, Target.DEPARTMENT, Target.OFFICE, Target.LEADER]
)
def test_the_first_responder_refers_to_each_target_from_the_case_page(client, org, inquiry, target):
    data, to_user, to_department = _referred_to(org, target)

    response = post(
        as_user(client, org.clerk),
        "case_refer",
        inquiry,
        target=target,
        told="已告知来访人转办情况",
        **data,
    )

    assert response.status_code == 302
    assert response["Location"] == case_url("case_detail", inquiry)
    referral = Referral.objects.get()
    assert (referral.target, referral.to_user, referral.to_department) == (
        target,
        to_user,
        to_department,
    )
    assert referral.told == "已告知来访人转办情况"
    inquiry = fresh(inquiry)
    expected_status = Status.COORDINATING if target == Target.OFFICE else Status.REFERRED
    assert inquiry.status == expected_status
    page = text_of(client.get(case_url("case_detail", inquiry)))
    assert "The case was referred to" in page
    assert "Referral chain" in page
    assert 'id="action-refer"' not in client.get(case_url("case_detail", inquiry)).content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"target": "colleague"}, "colleague", "Choose the colleague who handles this."),
        ({"target": "department"}, "department", "Choose the department that handles this."),
        (
            {"target": "department", "department": "不存在的部门"},
            "department",
            "No department matches this",
        ),
        ({"target": "leader"}, "reason", "Say what you need the leader's instructions on."),
        ({}, "target", "This field is required."),
    ],
    ids=[
        "no colleague",
        "no department",
        "unknown department",
        "leader without question",
        "no target",
    ],
)
def test_a_refer_missing_what_its_target_needs_is_refused_with_the_input_kept(
    client, org, inquiry, data, field, message
):
    response = post(
        as_user(client, org.clerk), "case_refer", inquiry, told="我告诉来访人的话", **data
    )

    assert response.status_code == 400
    assert response.context["failed_action"] == "refer"
    assert message in " ".join(panel_form(response, "refer").errors[field])
    assert "我告诉来访人的话" in response.content.decode()
    assert not Referral.objects.exists()
    assert fresh(inquiry).status == Status.REGISTERED


def test_a_colleague_of_another_department_is_refused_with_the_services_reason(
    client, org, inquiry
):
    response = post(
        as_user(client, org.clerk),
        "case_refer",
        inquiry,
        target="colleague",
        colleague=org.outsider.pk,
        reason="这是我写的原因",
    )

    assert response.status_code == 400
    assert "赵磊 is not in your department; refer to their department instead." in text_of(response)
    assert "这是我写的原因" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_stale_refer_form_gets_the_conflict_message_and_keeps_the_input(client, org, inquiry):
    stale = inquiry.version
    services.inquiry_decide_path(inquiry=inquiry, by=org.clerk, path="own_duty", told="三日内答复")

    response = as_user(client, org.clerk).post(
        case_url("case_refer", inquiry),
        {"version": stale, "target": "office", "reason": "我写了很久的转办原因"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Someone else changed this case" in html
    assert "我写了很久的转办原因" in html
    assert panel_form(response, "refer")["version"].value() == str(fresh(inquiry).version)
    assert not Referral.objects.exists()


# --- Accept (签收) -------------------------------------------------------------------------------


def test_the_colleague_accepts_from_the_case_page(client, org, inquiry):
    referral_create(inquiry=inquiry, by=org.clerk, target=Target.COLLEAGUE, to_user=org.colleague)
    as_user(client, org.colleague)

    page = client.get(case_url("case_detail", inquiry))
    html = page.content.decode()
    assert is_open(html, "start_handling")
    assert "Accept the referral" in text_of(page)
    response = post(client, "case_start", inquiry, follow=True)

    inquiry = fresh(inquiry)
    assert (inquiry.status, inquiry.current_holder) == (Status.IN_PROGRESS, org.colleague)
    assert "You accepted the case and are handling it now." in text_of(response)


@pytest.mark.parametrize("who", ["outsider", "food_handler", "food_head"])
def test_any_handler_of_the_department_accepts_its_queue_referral(client, org, inquiry, who):
    to_food(org, inquiry)
    handler = getattr(org, who)

    response = post(as_user(client, handler), "case_start", inquiry)

    assert response.status_code == 302
    inquiry = fresh(inquiry)
    assert inquiry.current_holder == handler
    assert inquiry.status == Status.IN_PROGRESS


@pytest.mark.parametrize("who", ["colleague", "food_desk", "consumer_handler"], ids=lambda who: who)
def test_a_handler_of_another_department_or_a_non_handler_cannot_even_see_it(
    client, org, inquiry, who
):
    to_food(org, inquiry)

    response = post(as_user(client, getattr(org, who)), "case_start", inquiry)

    assert response.status_code == 404
    assert fresh(inquiry).status == Status.REFERRED


def test_the_first_responder_follows_the_case_but_cannot_accept_for_the_department(
    client, org, inquiry
):
    to_food(org, inquiry)
    as_user(client, org.clerk)

    page = client.get(case_url("case_detail", inquiry))
    response = post(client, "case_start", inquiry)

    assert 'id="action-start_handling"' not in page.content.decode()
    assert "waiting in the queue of 食品经营监管处" in text_of(page)
    assert response.status_code == 403
    assert fresh(inquiry).status == Status.REFERRED


def test_an_accept_for_a_referral_already_decided_says_so_and_takes_the_new_one_not(
    client, org, inquiry
):
    old = to_food(org, inquiry)
    seen_version = fresh(inquiry).version
    # While 刘洋 had the page open, 赵磊 returned it and the clerk referred it to food again.
    referral_return(referral=old, by=org.outsider, reason="请补充来访人诉求")
    new = to_food(org, inquiry)

    response = as_user(client, org.food_handler).post(
        case_url("case_start", inquiry), {"version": seen_version, "referral": old.pk}
    )

    assert response.status_code == 400
    assert "This referral was already Returned by 赵磊." in text_of(response)
    new.refresh_from_db()
    assert new.state == Referral.State.PENDING


# --- Assign (指派) -------------------------------------------------------------------------------


def test_the_head_assigns_a_queue_referral_to_a_member(client, org, inquiry):
    to_food(org, inquiry)
    set_away(org.food_handler, delegate=org.outsider)
    as_user(client, org.food_head)

    page = client.get(case_url("case_detail", inquiry))
    html = page.content.decode()
    assert is_open(html, "assign_referral")
    start = html.index('name="assignee"')
    select = html[start : html.index("</select>", start)]
    assert "赵磊" in select
    assert "(delegate: 赵磊)" in select.split("刘洋")[1].split("</option>")[0]
    assert "李明" not in select  # another department's
    response = post(client, "case_assign_referral", inquiry, assignee=org.outsider.pk, follow=True)

    inquiry = fresh(inquiry)
    assert inquiry.current_holder == org.outsider
    assert "The case was assigned to 赵磊." in text_of(response)
    assert "Assigned by 钱进 to 赵磊" in text_of(response)


def test_a_handler_who_is_not_the_head_cannot_assign(client, org, inquiry):
    to_food(org, inquiry)

    response = post(
        as_user(client, org.food_handler),
        "case_assign_referral",
        inquiry,
        assignee=org.outsider.pk,
    )

    assert response.status_code == 403
    assert fresh(inquiry).current_holder is None


def test_the_head_gives_a_case_waiting_for_an_absent_colleague_to_someone_present(
    client, org, inquiry
):
    referral_create(inquiry=inquiry, by=org.clerk, target=Target.COLLEAGUE, to_user=org.away)
    as_user(client, org.head)
    page = text_of(client.get(case_url("case_detail", inquiry)))
    assert "Waiting: the handler is away and has no delegate." in page

    response = post(client, "case_assign_referral", inquiry, assignee=org.deputy.pk)

    assert response.status_code == 302
    inquiry = fresh(inquiry)
    assert (inquiry.status, inquiry.current_holder) == (Status.IN_PROGRESS, org.deputy)


# --- Return (退回) -------------------------------------------------------------------------------


def test_a_return_needs_the_reason_and_sends_the_case_back_to_the_first_responder(
    client, org, inquiry
):
    to_food(org, inquiry)
    as_user(client, org.outsider)

    refused = post(client, "case_return_referral", inquiry, reason=" ")
    assert refused.status_code == 400
    assert refused.context["failed_action"] == "return_referral"
    assert fresh(inquiry).status == Status.REFERRED

    reason = "营业执照补办属登记注册处职责（本局“三定”方案第三条），请转登记注册处"
    response = post(client, "case_return_referral", inquiry, reason=reason, follow=True)

    inquiry = fresh(inquiry)
    assert (inquiry.status, inquiry.current_holder) == (Status.IN_PROGRESS, org.clerk)
    page = text_of(response)
    assert "The referral was returned to 张小青." in page
    assert "Returned by 赵磊" in page
    assert reason in page
    # The first responder may now refer it again or handle it herself.
    html = as_user(client, org.clerk).get(case_url("case_detail", inquiry)).content.decode()
    assert 'id="action-refer"' in html


# --- Coordinate (协调) ---------------------------------------------------------------------------


def test_the_office_coordinates_from_the_case_page_and_still_sees_the_case(client, org, inquiry):
    referral_create(inquiry=inquiry, by=org.clerk, target=Target.OFFICE, reason="涉及两个处室")
    as_user(client, org.coordinator)

    html = client.get(case_url("case_detail", inquiry)).content.decode()
    assert is_open(html, "coordinate")
    assert '<datalist id="coordinate-department-options">' in html
    assert f'name="contributors" value="{org.consumer.pk}"' in html
    response = post(
        client,
        "case_coordinate",
        inquiry,
        lead=f"{org.food.code} {org.food.name}",
        contributors=[org.consumer.pk],
        note="食品处牵头，消保处配合调查",
        follow=True,
    )

    assert response.status_code == 200
    assert "食品经营监管处 leads on this case" in text_of(response)
    inquiry = fresh(inquiry)
    assert (inquiry.status, inquiry.handling_department) == (Status.REFERRED, org.food)
    assert list(
        inquiry.referrals.filter(state="pending").values_list("to_department__code", "is_lead")
    ) == [("SPJY", True), ("XBC", False)]


def test_coordinating_without_a_lead_is_refused_with_the_input_kept(client, org, inquiry):
    referral_create(inquiry=inquiry, by=org.clerk, target=Target.OFFICE)

    response = post(
        as_user(client, org.coordinator), "case_coordinate", inquiry, note="请尽快处理这件事"
    )

    assert response.status_code == 400
    assert panel_form(response, "coordinate").errors["lead"]
    assert "请尽快处理这件事" in response.content.decode()
    assert fresh(inquiry).status == Status.COORDINATING


def test_a_contributing_department_accepts_its_part_from_the_case_page(client, org, inquiry):
    referral_create(inquiry=inquiry, by=org.clerk, target=Target.OFFICE)
    office_coordinate(
        inquiry=fresh(inquiry), by=org.coordinator, lead=org.food, contributors=[org.consumer]
    )
    as_user(client, org.consumer_handler)

    page = client.get(case_url("case_detail", inquiry))
    assert "Your department is asked to contribute" in text_of(page)
    assert 'id="action-assign_referral"' not in page.content.decode()
    response = post(client, "case_start", inquiry, follow=True)

    contribution = Referral.objects.get(target=Target.CONTRIBUTION)
    assert contribution.state == Referral.State.ACCEPTED
    assert contribution.decided_by == org.consumer_handler
    assert "You accepted your department's part" in text_of(response)
    inquiry = fresh(inquiry)
    assert inquiry.status == Status.REFERRED  # the lead department still has to accept
    assert inquiry.current_holder is None


# --- The chain ---------------------------------------------------------------------------------


def test_the_chain_shows_every_hand_over_to_the_first_responder(client, org, inquiry):
    set_away(org.colleague, delegate=org.deputy)
    first = referral_create(
        inquiry=inquiry,
        by=org.clerk,
        target=Target.COLLEAGUE,
        to_user=org.colleague,
        reason="对口业务",
        told="已转李明，明日前答复您",
    )
    referral_accept(referral=first, by=org.deputy)
    second = referral_create(
        inquiry=fresh(inquiry),
        by=org.deputy,
        target=Target.DEPARTMENT,
        to_department=org.food,
        reason="涉及食品经营",
    )
    referral_return(referral=second, by=org.outsider, reason="不属本处职责，依据“三定”方案")
    # Back with 郑凯, who refers it to the food department again; 刘洋 accepts it there.
    third = referral_create(
        inquiry=fresh(inquiry), by=org.deputy, target=Target.DEPARTMENT, to_department=org.food
    )
    referral_accept(referral=third, by=org.food_handler)

    response = as_user(client, org.clerk).get(case_url("case_detail", inquiry))
    html = response.content.decode()
    chain = text_of(response)
    chain = chain[chain.index("Referral chain") :]
    for expected in (
        "张小青 登记注册处 → 郑凯 登记注册处",
        "Meant for 李明, who is away: their delegate 郑凯 has it.",
        "对口业务",
        "已转李明，明日前答复您",
        "Accepted by 郑凯 on",
        "郑凯 登记注册处 → 食品经营监管处 (the department's queue)",
        "Returned by 赵磊 on",
        "不属本处职责，依据“三定”方案",
        "Accepted by 刘洋 on",
        "王建国 · 某某商贸有限公司 · 13812345678",
        "To be accepted by",
        "Referred at",
    ):
        assert expected in chain, expected
    assert html.count('class="timeline-event referral ') == 3


def test_a_referral_not_accepted_by_its_date_is_overdue_for_acceptance(client, org):
    with time_machine.travel(datetime.datetime(2026, 10, 9, 15, 0, tzinfo=SHANGHAI), tick=False):
        inquiry = register_case(org)
        to_food(org, inquiry)
    as_user(client, org.clerk)

    # Due on the make-up working Saturday: that day it is not overdue yet, on Monday it is.
    with time_machine.travel(datetime.datetime(2026, 10, 10, 17, 0, tzinfo=SHANGHAI), tick=False):
        saturday = text_of(client.get(case_url("case_detail", inquiry)))
    with time_machine.travel(datetime.datetime(2026, 10, 12, 9, 0, tzinfo=SHANGHAI), tick=False):
        monday = text_of(client.get(case_url("case_detail", inquiry)))
        referral_accept(referral=Referral.objects.get(), by=org.outsider)
        accepted = text_of(client.get(case_url("case_detail", inquiry)))

    assert "Oct. 10, 2026" in saturday
    assert "Overdue for acceptance" not in saturday
    assert "Overdue for acceptance" in monday
    assert "Overdue for acceptance" not in accepted


# --- Query counts ------------------------------------------------------------------------------


def _page_queries(client, inquiry) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(case_url("case_detail", inquiry))
    assert response.status_code == 200
    return len(queries)


def test_the_case_page_costs_the_same_for_one_referral_or_many(client, org):
    # The cases referred back and forth are the ones supervisors open: the chain must not add
    # a query per referral.
    short = register_case(org)
    long = register_case(org)
    for inquiry, rounds in ((short, 1), (long, 4)):
        for number in range(rounds):
            referral = to_food(org, inquiry)
            referral_return(referral=referral, by=org.outsider, reason=f"第{number}次退回")
        referral_create(
            inquiry=fresh(inquiry), by=org.clerk, target=Target.COLLEAGUE, to_user=org.colleague
        )
    assert long.referrals.count() == 5
    as_user(client, org.clerk)

    assert _page_queries(client, short) == _page_queries(client, long)


def test_a_department_typed_and_abandoned_for_another_target_is_ignored(client, org, inquiry):
    response = post(
        as_user(client, org.clerk),
        "case_refer",
        inquiry,
        target="colleague",
        colleague=org.colleague.pk,
        department="不存在的部门",
    )

    assert response.status_code == 302
    assert Referral.objects.get().to_user == org.colleague


@pytest.mark.parametrize("handler_may_close", [False, True], ids=["policy off", "policy on"])
def test_the_handler_is_offered_closing_only_when_the_policy_allows(
    client, org, inquiry, handler_may_close
):
    policy = CasePolicy.current()
    policy.feedback_by_handler = handler_may_close
    policy.save()
    referral = referral_create(
        inquiry=inquiry, by=org.clerk, target=Target.COLLEAGUE, to_user=org.colleague
    )
    referral_accept(referral=referral, by=org.colleague)
    as_user(client, org.colleague)

    html = client.get(case_url("case_detail", inquiry)).content.decode()
    response = post(
        client,
        "case_close",
        inquiry,
        result="已电话答复",
        outcome="feedback",
        feedback_method="phone",
    )

    assert ('id="action-close"' in html) is handler_may_close
    assert response.status_code == (302 if handler_may_close else 403)
    assert (fresh(inquiry).status == Status.CLOSED) is handler_may_close
