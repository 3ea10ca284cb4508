"""The supervisor's dashboard (督办台): every list, its count, its scope, filters, sorting,
masking, query count, and its Excel export."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from inquiries import services
from inquiries.models import (
    CaseFlag,
    ExportRecord,
    Inquiry,
    Kind,
    Path,
    Status,
)
from inquiries.selectors_supervision import SECTIONS, SUPERVISION_DUE_SOON_DAYS, supervision_cases
from inquiries.services import supervision
from inquiries.workdays import work_calendar
from tests.factories import StaffProfileFactory, UserFactory
from tests.test_case_page import (
    SHANGHAI,
    TUESDAY_MORNING,
    build_organisation,
    english_client,
    register_case,
    text_of,
)

TODAY = TUESDAY_MORNING.date()
LONG_AGO = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=SHANGHAI)
DASHBOARD = reverse("inquiries:supervision")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        yield


@pytest.fixture
def org(db):
    return build_organisation()


@pytest.fixture
def chief(org):
    """An administrator who also supervises: sees every department's cases, unmasked."""
    user = UserFactory(roles=["administrator", "supervising_leader"])
    StaffProfileFactory(user=user, department=org.office)
    return user


@pytest.fixture
def en(client):
    return english_client(client)


def overdue_case(org, **kwargs):
    return register_case(org, received_at=LONG_AGO, **kwargs)


@pytest.fixture
def cases(org):
    """One case in each list of the registration department, and one of another department."""
    made = {}
    made["overdue"] = overdue_case(org, subject="逾期的咨询")
    made["due_soon"] = register_case(org, matter=org.matter, subject="即将到期的登记")
    with time_machine.travel(LONG_AGO, tick=False):
        referred = register_case(org, subject="未签收的转办")
        services.inquiry_decide_path(
            inquiry=referred, by=org.clerk, path=Path.SAME_DEPARTMENT, colleague=org.colleague
        )
    made["unaccepted"] = referred
    replied = register_case(org, subject="待反馈的答复")
    Inquiry.objects.filter(pk=replied.pk).update(status=Status.REPLIED, result="已答复")
    made["awaiting_feedback"] = replied
    flagged = register_case(org, subject="服务忌语")
    CaseFlag.objects.create(
        inquiry=flagged,
        kind=CaseFlag.Kind.TABOO_PHRASE,
        detail="不归我管",
        raised_at=timezone.now(),
        raised_by=org.clerk,
    )
    made["flagged"] = flagged
    pressed = register_case(org, subject="被督办的案件")
    supervision.press_create(inquiry=pressed, by=org.head, message="请尽快办理", respond_by=TODAY)
    made["pressed"] = pressed
    pending = register_case(org, subject="申请延期中")
    supervision.extension_request(inquiry=pending, by=org.clerk, reason="核查", extra_days=3)
    made["extension_pending"] = pending
    untold = register_case(org, subject="延期未告知")
    extension = supervision.extension_request(
        inquiry=untold, by=org.clerk, reason="核查", extra_days=3
    )
    supervision.extension_decide(request=extension, by=org.head, approve=True)
    made["extension_untold"] = untold
    # Another department's overdue case: not the registration head's to supervise.
    made["elsewhere"] = overdue_case(org, by=org.outsider, subject="别的部门的案件")
    return made


def numbers(rows):
    return [row.case.number for row in rows]


def sections_of(response):
    return {item["section"].name: item for item in response.context["sections"]}


# --- Lists and counts --------------------------------------------------------------------------


def test_each_list_holds_the_right_case_and_its_count_is_the_list(en, org, cases):
    en.force_login(org.head)

    sections = sections_of(en.get(DASHBOARD))

    assert set(sections) == {section.name for section in SECTIONS}
    for name, item in sections.items():
        listed = numbers(item["rows"])
        assert item["count"] == len(listed), name
        assert cases[name].number in listed, name
    assert cases["elsewhere"].number not in numbers(sections["overdue"]["rows"])


def test_every_count_equals_the_selector_list(org, cases):
    calendar = work_calendar()
    soon = calendar.add_working_days(TODAY, SUPERVISION_DUE_SOON_DAYS)
    for section in SECTIONS:
        queryset = supervision_cases(user=org.head, name=section.name, today=TODAY, soon_until=soon)
        assert queryset.count() == len(list(queryset)), section.name


def test_overdue_means_clock_running_and_deadline_before_today(en, org, cases):
    stopped = overdue_case(org, subject="等材料")
    Inquiry.objects.filter(pk=stopped.pk).update(status=Status.AWAITING_MATERIALS)
    en.force_login(org.head)

    overdue = numbers(sections_of(en.get(DASHBOARD))["overdue"]["rows"])

    assert cases["overdue"].number in overdue
    assert stopped.number not in overdue
    assert cases["due_soon"].number not in overdue


def test_an_answered_press_and_a_told_extension_leave_the_dashboard(en, org, cases):
    notice = cases["pressed"].press_notices.get()
    supervision.press_answer(notice=notice, by=org.clerk, answer="已办理")
    extension = cases["extension_untold"].extensions.get()
    supervision.extension_told(request=extension, by=org.clerk, note="电话告知")
    en.force_login(org.head)

    sections = sections_of(en.get(DASHBOARD))

    assert sections["pressed"]["count"] == 0
    assert sections["extension_untold"]["count"] == 0


def test_the_supervising_leader_sees_the_departments_they_lead(en, org, cases):
    en.force_login(org.leader)

    overdue = numbers(sections_of(en.get(DASHBOARD))["overdue"]["rows"])

    assert cases["overdue"].number in overdue
    assert cases["elsewhere"].number not in overdue


def test_a_head_of_another_department_sees_only_their_own(en, org, cases):
    food_head = UserFactory(roles=["department_head"])
    StaffProfileFactory(user=food_head, department=org.food)
    org.food.head = food_head
    org.food.save()
    en.force_login(food_head)

    overdue = numbers(sections_of(en.get(DASHBOARD))["overdue"]["rows"])

    assert overdue == [cases["elsewhere"].number]


def test_the_dashboard_needs_the_supervise_permission(en, org):
    en.force_login(org.clerk)

    assert en.get(DASHBOARD).status_code == 403


def test_requesters_are_masked_on_the_dashboard(en, org, cases):
    en.force_login(org.head)

    text = text_of(en.get(DASHBOARD))

    assert "王建国" not in text
    assert "王**" in text
    assert "13812345678" not in text


def test_open_presses_and_untold_extensions_are_marked_on_the_rows(en, org, cases):
    en.force_login(org.head)

    text = text_of(en.get(DASHBOARD))

    assert "Pressed: answer by 2026-03-10" in text
    assert "Requester not yet told of the extension" in text


# --- Filters, sorting, "see all" ---------------------------------------------------------------


def test_filters_by_handler_and_kind(en, org, cases):
    moved = overdue_case(org, kind=Kind.COMPLAINT, subject="投诉")
    Inquiry.objects.filter(pk=moved.pk).update(current_holder=org.away)
    en.force_login(org.head)

    by_handler = sections_of(en.get(DASHBOARD, {"handler": org.away.pk}))
    by_kind = sections_of(en.get(DASHBOARD, {"kind": Kind.COMPLAINT}))

    assert numbers(by_handler["overdue"]["rows"]) == [moved.number]
    assert numbers(by_kind["overdue"]["rows"]) == [moved.number]
    assert by_kind["overdue"]["count"] == 1


def test_filters_by_department(en, org, cases, chief):
    en.force_login(chief)

    sections = sections_of(en.get(DASHBOARD, {"department": org.registration.pk}))

    # The registration department's cases, and those it received with no handler decided;
    # not the food department's.
    overdue = numbers(sections["overdue"]["rows"])
    assert cases["overdue"].number in overdue
    assert cases["elsewhere"].number not in overdue
    assert cases["due_soon"].number in numbers(sections["due_soon"]["rows"])


def test_sorting_by_deadline_both_ways(en, org, cases):
    older = register_case(
        org, received_at=datetime.datetime(2025, 12, 1, 9, tzinfo=SHANGHAI), subject="更早"
    )
    en.force_login(org.head)

    ascending = numbers(sections_of(en.get(DASHBOARD, {"sort": "deadline"}))["overdue"]["rows"])
    descending = numbers(sections_of(en.get(DASHBOARD, {"sort": "-deadline"}))["overdue"]["rows"])

    assert ascending[0] == older.number
    assert descending[-1] == older.number
    assert ascending == list(reversed(descending))


def test_the_dashboard_shows_the_first_rows_and_see_all_lists_every_one(en, org):
    for index in range(12):
        overdue_case(org, subject=f"逾期{index}")
    en.force_login(org.head)

    item = sections_of(en.get(DASHBOARD))["overdue"]
    full = sections_of(en.get(DASHBOARD, {"list": "overdue"}))

    assert item["count"] == 12
    assert len(item["rows"]) == 10
    assert item["more"]
    assert list(full) == ["overdue"]
    assert len(full["overdue"]["rows"]) == 12


def test_an_unknown_list_is_404(en, org):
    en.force_login(org.head)

    assert en.get(DASHBOARD, {"list": "nope"}).status_code == 404


# --- Query count -------------------------------------------------------------------------------


def test_the_dashboard_costs_the_same_queries_for_3_or_15_cases(en, org):
    # Supervisors keep the dashboard open all day; a query per row would grow with the backlog.
    def build(count):
        for index in range(count):
            case = overdue_case(org, subject=f"案件{index}")
            supervision.press_create(inquiry=case, by=org.head, message="请办理", respond_by=TODAY)

    en.force_login(org.head)
    build(3)
    with CaptureQueriesContext(connection) as few:
        assert en.get(DASHBOARD).status_code == 200
    build(12)
    with CaptureQueriesContext(connection) as many:
        assert en.get(DASHBOARD).status_code == 200

    assert len(many.captured_queries) == len(few.captured_queries)


# --- Excel export ------------------------------------------------------------------------------


def export(client, name="overdue", **params):
    return client.get(reverse("inquiries:supervision_export", args=[name]), params)


def workbook_of(response):
    return openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )


def test_the_overdue_export_has_the_rows_of_the_list_and_a_frozen_header(en, org, cases):
    for index in range(3):
        overdue_case(org, subject=f"逾期{index}")
    en.force_login(org.head)
    listed = numbers(sections_of(en.get(DASHBOARD))["overdue"]["rows"])

    response = export(en)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = workbook_of(response).active
    assert sheet.freeze_panes == "A2"
    # Headers are in the office's language (Chinese), whatever language the page was read in.
    with translation.override("zh-hans"):
        assert [cell.value for cell in sheet[1]][:3] == [
            _("Case number"),
            _("Received at"),
            _("Kind"),
        ]
    exported = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert exported == listed
    record = ExportRecord.objects.get()
    assert record.user == org.head
    assert record.what == "supervision:overdue"
    assert record.rows == len(listed)
    assert not record.unmasked


def test_the_export_obeys_the_filters_and_sort(en, org, cases):
    moved = overdue_case(org, subject="投诉")
    Inquiry.objects.filter(pk=moved.pk).update(current_holder=org.away)
    en.force_login(org.head)

    response = export(en, handler=org.away.pk, sort="-deadline")

    exported = [
        row[0] for row in workbook_of(response).active.iter_rows(min_row=2, values_only=True)
    ]
    assert exported == [moved.number]
    assert ExportRecord.objects.get().filters == {
        "handler": str(org.away.pk),
        "sort": "-deadline",
    }


def test_the_export_masks_requesters_unless_the_user_gave_a_reason_to_unmask(en, org, cases, chief):
    en.force_login(org.head)
    masked = workbook_of(export(en)).active
    en.force_login(chief)
    en.post(
        reverse("inquiries:privacy_unmask"),
        {"scope": "supervision", "next": "/", "reason_kind": "review", "reason_text": ""},
    )
    plain = workbook_of(export(en)).active

    masked_values = [
        value for row in masked.iter_rows(min_row=2, values_only=True) for value in row
    ]
    plain_values = [value for row in plain.iter_rows(min_row=2, values_only=True) for value in row]
    assert "王**" in masked_values and "王建国" not in masked_values
    assert "138****5678" in masked_values
    assert "王建国" in plain_values and "13812345678" in plain_values
    assert ExportRecord.objects.get(user=chief).unmasked


@pytest.mark.parametrize("name", [section.name for section in SECTIONS])
def test_every_list_can_be_exported(en, org, cases, name):
    en.force_login(org.head)

    response = export(en, name)

    exported = [
        row[0] for row in workbook_of(response).active.iter_rows(min_row=2, values_only=True)
    ]
    assert cases[name].number in exported


def test_export_needs_the_export_permission(en, org, cases):
    supervisor = UserFactory(roles=[])
    StaffProfileFactory(user=supervisor, department=org.registration)
    from django.contrib.auth.models import Permission

    supervisor.user_permissions.add(Permission.objects.get(codename="supervise_inquiry"))
    en.force_login(supervisor)

    assert en.get(DASHBOARD).status_code == 200
    assert export(en).status_code == 403
    assert not ExportRecord.objects.exists()


def test_an_unknown_export_list_is_404(en, org):
    en.force_login(org.head)

    assert export(en, "nope").status_code == 404
