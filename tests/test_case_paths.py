"""The six paths (属本人职责 … 不属于本单位职责), each through the case page's path form."""

import re

import pytest

from inquiries.models import FeedbackMethod, Path, Status, TimelineEvent
from tests.test_case_page import (
    build_organisation,
    case_url,
    english_client,
    register_case,
    text_of,
)


@pytest.fixture(autouse=True)
def english(client):
    return english_client(client)


@pytest.fixture
def org(db):
    return build_organisation()


@pytest.fixture
def inquiry(org):
    return register_case(org)


@pytest.fixture
def clerk_client(client, org):
    client.force_login(org.clerk)
    return client


def decide(client, inquiry, **data):
    return client.post(case_url("case_decide_path", inquiry), {"version": inquiry.version, **data})


def test_own_duty_handled_on_the_spot_closes_with_feedback_on_the_spot(clerk_client, inquiry):
    response = decide(
        clerk_client,
        inquiry,
        path=Path.OWN_DUTY,
        own_mode="on_the_spot",
        own_result="已当场告知所需材料清单",
        own_told="this field belongs to the other choice and is ignored",
    )

    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Status.CLOSED
    assert inquiry.path == Path.OWN_DUTY
    assert inquiry.result == "已当场告知所需材料清单"
    assert inquiry.feedback_method == FeedbackMethod.ON_THE_SPOT
    assert inquiry.feedback_at is not None
    assert inquiry.path_told == ""


def test_own_duty_explained_keeps_the_case_in_progress_with_the_responder(
    clerk_client, org, inquiry
):
    response = decide(
        clerk_client,
        inquiry,
        path=Path.OWN_DUTY,
        own_mode="explained",
        own_told="需核实档案，三个工作日内电话答复",
        # Fields of other paths, filled in and then abandoned, are not used.
        colleague=org.colleague.pk,
        not_allowed_told="不用",
    )

    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Status.IN_PROGRESS
    assert inquiry.current_holder == org.clerk
    assert inquiry.handling_department == org.registration
    assert inquiry.path_told == "需核实档案，三个工作日内电话答复"


def test_same_department_refers_to_the_colleague_who_then_takes_it_up(client, org, inquiry):
    client.force_login(org.clerk)
    response = decide(
        client,
        inquiry,
        path=Path.SAME_DEPARTMENT,
        colleague=org.colleague.pk,
        colleague_told="已转李明办理，明天上午前电话联系您",
    )

    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Status.REFERRED
    assert inquiry.current_holder == org.colleague
    assert inquiry.first_responder == org.clerk  # the responsibility stays with her

    client.force_login(org.colleague)
    page = client.get(case_url("case_detail", inquiry)).content.decode()
    assert 'id="action-start_handling"' in page
    response = client.post(case_url("case_start", inquiry), {"version": inquiry.version})

    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Status.IN_PROGRESS
    assert inquiry.current_holder == org.colleague


def test_the_colleague_list_offers_own_department_and_marks_who_is_away(clerk_client, org, inquiry):
    html = clerk_client.get(case_url("case_detail", inquiry)).content.decode()
    select = html[
        html.index('name="colleague"') : html.index("</select>", html.index('name="colleague"'))
    ]

    assert "李明" in select
    assert "王芳" in select
    assert "On a business trip until" in select.split("王芳")[1].split("</option>")[0]
    assert "张小青" not in select  # not oneself
    assert "赵磊" not in select  # another department's handler


def test_a_colleague_of_another_department_is_refused_with_the_reason(clerk_client, org, inquiry):
    response = decide(clerk_client, inquiry, path=Path.SAME_DEPARTMENT, colleague=org.outsider.pk)

    assert response.status_code == 400
    assert "赵磊" in text_of(response)
    assert "赵磊 is not in your department" in text_of(response)
    inquiry.refresh_from_db()
    assert inquiry.status == Status.REGISTERED
    assert inquiry.path == ""


def test_other_department_closes_telling_the_directory_entry(clerk_client, org, inquiry):
    # The value a pick from the department list sends: "CODE name".
    response = decide(
        clerk_client,
        inquiry,
        path=Path.OTHER_DEPARTMENT,
        department=f"{org.food.code} {org.food.name}",
    )

    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Status.CLOSED
    assert inquiry.path_department == org.food
    for expected in ("食品经营监管处", "行政中心6楼612", "0531-86660003", "赵磊"):
        assert expected in inquiry.path_told
    assert inquiry.feedback_at is not None


def test_the_department_list_leaves_out_ones_own_department(clerk_client, org, inquiry):
    html = clerk_client.get(case_url("case_detail", inquiry)).content.decode()
    start = html.index('<datalist id="department-options">')
    options = html[start : html.index("</datalist>", start)]

    assert f'value="{org.food.code} {org.food.name}"' in options
    assert f'value="{org.office.code} {org.office.name}"' in options
    assert f'value="{org.registration.code} ' not in options
    assert f'value="{org.unit.code} ' not in options
    assert f'label="{org.food.name_initials} ' in options


def test_the_department_can_be_typed_as_pinyin_initials(clerk_client, org, inquiry):
    response = decide(
        clerk_client, inquiry, path=Path.OTHER_DEPARTMENT, department=org.food.name_initials
    )

    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.path_department == org.food


def test_a_department_that_cannot_be_told_apart_is_refused_and_nothing_changes(
    clerk_client, org, inquiry
):
    response = decide(clerk_client, inquiry, path=Path.OTHER_DEPARTMENT, department="不存在的部门")

    assert response.status_code == 400
    assert "No department matches this" in response.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.status == Status.REGISTERED


def test_with_htmx_choosing_a_department_previews_what_the_requester_is_told(
    clerk_client, org, inquiry
):
    response = clerk_client.get(
        case_url("case_decide_path", inquiry),
        {"department": org.food.name_initials},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "行政中心6楼612" in response.content.decode()
    assert "<html" not in response.content.decode()
    # Without htmx the same address leads back to the form on the case page.
    plain = clerk_client.get(case_url("case_decide_path", inquiry))
    assert plain.status_code == 302
    assert plain["Location"].endswith("#action-decide_path")


def test_office_path_hands_the_case_to_the_office_to_coordinate(clerk_client, org, inquiry):
    response = decide(
        clerk_client, inquiry, path=Path.OFFICE, office_told="涉及多个处室，已转局办公室协调"
    )

    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Status.COORDINATING
    assert inquiry.handling_department == org.office
    assert inquiry.path_told == "涉及多个处室，已转局办公室协调"


@pytest.mark.parametrize(
    ("path", "field", "explanation"),
    [
        (Path.NOT_ALLOWED, "not_allowed_told", "依据相关规定，个人独资企业不能申请该资质"),
        (Path.OUTSIDE_REMIT, "outside_told", "社保缴纳属人社局职责，请到市民中心二楼人社窗口办理"),
    ],
)
def test_not_allowed_and_outside_remit_close_with_the_explanation(
    clerk_client, inquiry, path, field, explanation
):
    response = decide(clerk_client, inquiry, path=path, **{field: explanation})

    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Status.CLOSED
    assert inquiry.path == path
    assert inquiry.result == explanation
    assert inquiry.path_told == explanation


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (Path.NOT_ALLOWED, {"outside_told": "写在了别的路径下"}),
        (Path.OUTSIDE_REMIT, {}),
        (Path.OWN_DUTY, {"own_mode": "on_the_spot"}),
        (Path.OWN_DUTY, {"own_mode": "explained"}),
        (Path.SAME_DEPARTMENT, {}),
        (Path.OTHER_DEPARTMENT, {}),
    ],
)
def test_a_missing_explanation_or_choice_is_an_error_and_nothing_changes(
    clerk_client, inquiry, path, data
):
    events_before = inquiry.events.count()

    response = decide(clerk_client, inquiry, path=path, **data)

    assert response.status_code == 400
    assert response.context["failed_action"] == "decide_path"
    form = response.context["panels"][0]["form"]
    assert form.errors
    inquiry.refresh_from_db()
    assert inquiry.status == Status.REGISTERED
    assert inquiry.path == ""
    assert inquiry.events.count() == events_before
    # The chosen path is still ticked and what was typed is still there.
    html = response.content.decode()
    assert re.search(rf'name="path" value="{path}"[^>]*\bchecked\b', html)
    for value in data.values():
        assert value in html


def test_no_path_chosen_is_an_error(clerk_client, inquiry):
    response = decide(clerk_client, inquiry, not_allowed_told="只写了说明")

    assert response.status_code == 400
    assert "只写了说明" in response.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.status == Status.REGISTERED


def test_the_path_is_written_to_the_timeline(clerk_client, inquiry):
    decide(clerk_client, inquiry, path=Path.OFFICE, office_told="转办公室")

    event = inquiry.events.get(kind=TimelineEvent.Kind.PATH)
    assert "转办公室" in event.message
    assert event.actor_id == inquiry.first_responder_id
