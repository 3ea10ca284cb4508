"""The letter register (来信登记簿) and the Excel exports of the three registers."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from inquiries import services
from inquiries.models import Channel, ExportRecord, Kind
from tests.factories import DepartmentFactory, StaffProfileFactory, UnitFactory, UserFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI)
LETTER_REGISTER = reverse("inquiries:letter_register")


def at(month, day, hour=10):
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)


def export_url(register):
    return reverse("inquiries:register_export", args=[register])


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def department(db):
    return DepartmentFactory(parent=UnitFactory(), name="行政审批科", code="XZSP")


def person(department, username, full_name, roles):
    user = UserFactory(username=username, full_name=full_name, roles=list(roles))
    StaffProfileFactory(user=user, department=department)
    return user


@pytest.fixture
def clerk(department):
    return person(department, "qiantai", "张小青", ("front_desk", "handler"))


@pytest.fixture
def head(department):
    """A department head: may export, but sees requesters masked."""
    user = person(department, "kezhang", "王科长", ("department_head",))
    department.head = user
    department.save()
    return user


@pytest.fixture
def admin_user(department):
    """An administrator: may export and see personal data unmasked."""
    return person(department, "guanli", "系统管理员", ("administrator",))


def register(by, *, subject, channel, received_at, name="张三丰", phone="13812345678", **extra):
    return services.inquiry_register(
        by=by,
        channel=channel,
        kind=Kind.CONSULTATION,
        requester=services.Requester(name=name, phone=phone),
        subject=subject,
        content=f"{subject}的详细情况。",
        disclosure_given=True,
        received_at=received_at,
        **extra,
    )


@pytest.fixture
def entries(clerk):
    return {
        "letter_early": register(
            clerk,
            subject="来信早",
            channel=Channel.LETTER,
            received_at=at(11, 10),
            letter_date=datetime.date(2026, 11, 6),
        ),
        "fax": register(clerk, subject="传真", channel=Channel.FAX, received_at=at(11, 12)),
        "letter_today": register(
            clerk, subject="来信今天", channel=Channel.LETTER, received_at=at(11, 18, 9)
        ),
        "call": register(clerk, subject="来电", channel=Channel.PHONE, received_at=at(11, 11)),
        "visit": register(clerk, subject="来访", channel=Channel.VISIT, received_at=at(11, 12)),
    }


def listed(response):
    return [row.case.subject for row in response.context["rows"]]


# --- The letter register ---------------------------------------------------------------------


def test_the_letter_register_lists_letters_and_faxes_newest_first(client, clerk, entries):
    client.force_login(clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(LETTER_REGISTER)

    assert response.status_code == 200
    assert listed(response) == ["来信今天", "传真", "来信早"]
    html = response.content.decode()
    assert "Letter register" in html
    assert "Letter dated 2026-11-06" in html
    assert "张三丰" not in html
    assert "张**" in html


def test_the_letter_register_keeps_to_the_dates(client, clerk, entries):
    client.force_login(clerk)

    response = client.get(LETTER_REGISTER, {"date_from": "2026-11-11", "date_to": "2026-11-17"})

    assert listed(response) == ["传真"]


def test_the_registers_link_to_each_other_and_to_the_export(client, head, entries):
    client.force_login(head)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get(LETTER_REGISTER, {"date_from": "2026-11-11"}).content.decode()

    assert reverse("inquiries:phone_register") in html
    assert reverse("inquiries:visit_register") in html
    assert f"{export_url('letters')}?date_from=2026-11-11" in html
    assert "Export to Excel" in html


def test_the_export_link_shows_only_to_those_who_may_export(client, clerk, entries):
    client.force_login(clerk)

    html = client.get(LETTER_REGISTER).content.decode()

    assert export_url("letters") not in html


# --- Exports ---------------------------------------------------------------------------------


def workbook_rows(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return sheet, list(sheet.iter_rows(values_only=True))


@pytest.mark.parametrize(
    ("register", "url_name"),
    [
        ("letters", "inquiries:letter_register"),
        ("phone", "inquiries:phone_register"),
        ("visits", "inquiries:visit_register"),
    ],
)
def test_each_register_exports_the_rows_of_its_page(client, head, entries, register, url_name):
    client.force_login(head)
    page = client.get(reverse(url_name))

    response = client.get(export_url(register))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet, rows = workbook_rows(response)
    assert sheet.freeze_panes == "A2"
    assert rows[0][0] == "受理时间"
    assert "案件编号" in rows[0]
    assert "首问责任人" in rows[0]
    numbers = [row[rows[0].index("案件编号")] for row in rows[1:]]
    assert numbers == [row.case.number for row in page.context["rows"]]
    assert sheet.column_dimensions["A"].width >= 16


def test_the_export_keeps_to_the_dates_and_records_them(client, head, entries):
    client.force_login(head)

    response = client.get(
        export_url("letters"), {"date_from": "2026-11-11", "date_to": "2026-11-17"}
    )

    _sheet, rows = workbook_rows(response)
    assert [row[rows[0].index("事由")] for row in rows[1:]] == ["传真"]
    assert rows[1][0] == at(11, 12).replace(tzinfo=None)  # China time, no zone
    record = ExportRecord.objects.get()
    assert record.user == head
    assert record.what == "register:letters"
    assert record.filters == {"date_from": "2026-11-11", "date_to": "2026-11-17"}
    assert record.rows == 1
    assert record.unmasked is False


def test_the_export_masks_the_requester_for_most_users(client, head, entries):
    client.force_login(head)

    _sheet, rows = workbook_rows(client.get(export_url("phone")))

    assert "张**" in rows[1]
    assert "138****5678" in rows[1]
    assert "张三丰" not in rows[1]


def test_the_export_is_unmasked_for_those_who_may_see_personal_data_and_gave_a_reason(
    client, admin_user, entries
):
    client.force_login(admin_user)
    assert "张三丰" not in workbook_rows(client.get(export_url("phone")))[1][1]
    client.post(
        reverse("inquiries:privacy_unmask"),
        {"scope": "register:phone", "next": "/", "reason_kind": "contact", "reason_text": ""},
    )

    _sheet, rows = workbook_rows(client.get(export_url("phone")))

    assert "张三丰" in rows[1]
    assert "13812345678" in rows[1]
    assert ExportRecord.objects.filter(unmasked=True).count() == 1


def test_exporting_a_register_needs_the_export_permission(client, clerk, entries):
    client.force_login(clerk)

    assert client.get(export_url("letters")).status_code == 403
    assert not ExportRecord.objects.exists()


def test_an_unknown_register_is_not_found(client, head):
    client.force_login(head)

    assert client.get(export_url("emails")).status_code == 404
