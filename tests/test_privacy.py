"""Personal data (PIPL): lists and exports masked, unmasking with a reason and an access
record, and the access records' admin."""

import datetime
import io

import pytest
import time_machine
from django.conf import settings
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from inquiries import services
from inquiries.masking import mask_address, mask_id_number
from inquiries.models import AccessRecord, Channel, ExportRecord, Kind
from inquiries.services import privacy
from tests.factories import DepartmentFactory, StaffProfileFactory, UnitFactory, UserFactory

NAME = "张三丰"
PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"
ADDRESS = "济南市历下区泉城路1号"

LIST_PAGES = [
    ("inquiries:my_cases", {}),
    ("inquiries:phone_register", {}),
    ("inquiries:visit_register", {}),
    ("inquiries:letter_register", {}),
    ("inquiries:supervision", {}),
    ("inquiries:supervision", {"list": "due_soon"}),
    ("inquiries:statistics_cases", {}),
    ("inquiries:case_search", {"q": "供暖"}),
    ("inquiries:referral_inbox", {}),
    ("inquiries:notifications", {}),
]
EXPORTS = [
    ("inquiries:register_export", ["phone"]),
    ("inquiries:register_export", ["visits"]),
    ("inquiries:register_export", ["letters"]),
    ("inquiries:supervision_export", ["overdue"]),
    ("inquiries:supervision_export", ["due_soon"]),
    ("inquiries:statistics_export", []),
]


def person(department, username, roles):
    user = UserFactory(username=username, full_name=f"{username}同志", roles=list(roles))
    StaffProfileFactory(user=user, department=department)
    return user


@pytest.fixture
def department(db):
    return DepartmentFactory(parent=UnitFactory(), name="住房保障科", code="ZFBZ")


@pytest.fixture
def clerk(department):
    return person(department, "qiantai", ("front_desk", "handler"))


@pytest.fixture
def head(department):
    user = person(department, "kezhang", ("department_head",))
    department.head = user
    department.save()
    return user


@pytest.fixture
def admin_user(department):
    """Holds unmask_personal_data (and may see, supervise and export every case)."""
    user = person(department, "guanli", ("administrator", "supervising_leader", "front_desk"))
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def cases(clerk):
    """A call, a visit and a letter from the same requester, and an overdue call."""
    now = timezone.now()
    return [
        register(clerk, channel, received_at)
        for channel, received_at in (
            (Channel.PHONE, now),
            (Channel.VISIT, now),
            (Channel.LETTER, now),
            (Channel.PHONE, now - datetime.timedelta(days=90)),
        )
    ]


def register(by, channel=Channel.PHONE, received_at=None):
    return services.inquiry_register(
        by=by,
        channel=channel,
        received_at=received_at,
        kind=Kind.COMPLAINT,
        requester=services.Requester(name=NAME, phone=PHONE, id_number=ID_NUMBER, address=ADDRESS),
        subject="供暖不热",
        content="小区供暖温度不达标。",
        disclosure_given=True,
    )


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page_text(client, name, params, args=()):
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200, (name, params, response.status_code)
    return response.content.decode()


def workbook_text(response) -> str:
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    return " ".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def assert_no_personal_data(text):
    for value in (NAME, PHONE, ID_NUMBER, ADDRESS):
        assert value not in text


# --- Masking ---------------------------------------------------------------------------------


def test_an_id_number_keeps_its_first_four_and_last_four_characters():
    assert mask_id_number("110105194912310021") == "1101**********0021"
    assert mask_id_number("") == ""


def test_an_address_keeps_its_city_and_district():
    assert mask_address(ADDRESS) == "济南市历下区****"


@pytest.mark.parametrize("user_name", ["clerk", "head", "admin_user"])
def test_no_list_page_shows_full_personal_data_without_a_reason(client, request, cases, user_name):
    user = request.getfixturevalue(user_name)
    client.force_login(user)
    for name, params in LIST_PAGES:
        if name in ("inquiries:supervision", "inquiries:statistics_cases") and user_name == "clerk":
            continue
        assert_no_personal_data(page_text(client, name, params))
    assert not AccessRecord.objects.exists()


def test_the_lists_show_the_masked_requester(client, admin_user, cases):
    client.force_login(admin_user)

    text = page_text(client, "inquiries:phone_register", {})

    assert "张**" in text
    assert "138****5678" in text


@pytest.mark.parametrize("user_name", ["head", "admin_user"])
def test_no_export_holds_full_personal_data_without_a_reason(client, request, cases, user_name):
    client.force_login(request.getfixturevalue(user_name))

    for name, args in EXPORTS:
        text = workbook_text(client.get(reverse(name, args=args)))
        assert_no_personal_data(text)
        if name != "inquiries:statistics_export" and args != ["due_soon"]:
            assert "张**" in text and "138****5678" in text

    assert not ExportRecord.objects.filter(unmasked=True).exists()
    assert not AccessRecord.objects.exists()


def test_the_case_page_shows_the_full_data_to_its_first_responder(client, clerk, cases):
    client.force_login(clerk)

    text = page_text(client, "inquiries:case_detail", {}, args=[cases[0].number])

    assert NAME in text and PHONE in text and ID_NUMBER in text


# --- Unmasking with a reason -----------------------------------------------------------------


def unmask(client, scope, next_url, reason_kind="contact", reason_text="回访投诉人核实情况"):
    return client.post(
        reverse("inquiries:privacy_unmask"),
        {"scope": scope, "next": next_url, "reason_kind": reason_kind, "reason_text": reason_text},
    )


def test_a_user_without_the_permission_cannot_ask_to_unmask(client, head, cases):
    client.force_login(head)
    register = reverse("inquiries:phone_register")

    assert unmask(client, "register:phone", register).status_code == 403
    assert NAME not in page_text(client, "inquiries:phone_register", {})
    assert not AccessRecord.objects.exists()


def test_the_list_offers_to_show_personal_data_to_those_who_may(client, admin_user, head, cases):
    english(client)
    client.force_login(admin_user)
    assert "Show personal data" in page_text(client, "inquiries:phone_register", {})
    client.force_login(head)
    assert "Show personal data" not in page_text(client, "inquiries:phone_register", {})


def test_the_unmask_form_asks_for_a_reason(client, admin_user, cases):
    english(client)
    client.force_login(admin_user)

    response = client.get(
        reverse("inquiries:privacy_unmask"), {"scope": "register:phone", "next": "/registers/"}
    )

    assert response.status_code == 200
    assert "reason_kind" in response.content.decode()


@pytest.mark.parametrize(
    ("reason_kind", "reason_text"),
    [("", "回访投诉人"), ("other", ""), ("other", "查看"), ("contact", "看")],
)
def test_unmasking_needs_a_reason_of_at_least_four_characters(
    client, admin_user, cases, reason_kind, reason_text
):
    client.force_login(admin_user)
    register = reverse("inquiries:phone_register")

    response = unmask(client, "register:phone", register, reason_kind, reason_text)

    assert response.status_code == 200
    assert NAME not in page_text(client, "inquiries:phone_register", {})
    assert not AccessRecord.objects.exists()


def test_an_unknown_list_cannot_be_unmasked(client, admin_user):
    client.force_login(admin_user)

    assert unmask(client, "everything", "/").status_code == 404


def test_with_a_reason_the_list_shows_personal_data_and_records_the_access(
    client, admin_user, cases
):
    client.force_login(admin_user)
    register = reverse("inquiries:phone_register")

    response = unmask(client, "register:phone", register + "?date_from=")
    assert response.status_code == 302
    assert response["Location"] == register + "?date_from="
    text = page_text(client, "inquiries:phone_register", {})

    assert NAME in text and PHONE in text
    record = AccessRecord.objects.get()
    assert record.user == admin_user
    assert record.what == "register:phone"
    assert set(record.case_numbers.split()) == {cases[0].number, cases[3].number}
    assert record.reason_kind == "contact"
    assert "回访投诉人核实情况" in record.reason
    assert record.client_address == "127.0.0.1"


def test_the_reason_unmasks_only_the_list_it_was_given_for(client, admin_user, cases):
    client.force_login(admin_user)

    unmask(client, "register:phone", reverse("inquiries:phone_register"))

    assert NAME not in page_text(client, "inquiries:visit_register", {})
    assert NAME not in page_text(client, "inquiries:my_cases", {})


def test_the_unmasked_view_ends_after_the_grant_minutes(client, admin_user, cases):
    client.force_login(admin_user)
    unmask(client, "register:phone", reverse("inquiries:phone_register"))
    later = timezone.now() + datetime.timedelta(minutes=privacy.UNMASK_MINUTES)

    with time_machine.travel(later, tick=False):
        assert NAME not in page_text(client, "inquiries:phone_register", {})


def test_masking_again_ends_the_grant(client, admin_user, cases):
    client.force_login(admin_user)
    register = reverse("inquiries:phone_register")
    unmask(client, "register:phone", register)

    client.post(
        reverse("inquiries:privacy_unmask_end"), {"scope": "register:phone", "next": register}
    )

    assert NAME not in page_text(client, "inquiries:phone_register", {})


def test_an_unmasked_export_needs_the_reason_and_is_an_access_record(client, admin_user, cases):
    client.force_login(admin_user)
    unmask(client, "register:phone", reverse("inquiries:phone_register"))

    text = workbook_text(client.get(reverse("inquiries:register_export", args=["phone"])))

    assert NAME in text and PHONE in text
    export = ExportRecord.objects.get()
    assert export.unmasked
    record = AccessRecord.objects.get(export=export)
    assert record.what == "export:register:phone"
    assert set(record.case_numbers.split()) == {cases[0].number, cases[3].number}
    assert "回访投诉人核实情况" in record.reason


def test_the_supervision_export_is_unmasked_only_with_the_reason(client, admin_user, cases):
    client.force_login(admin_user)
    export_url = reverse("inquiries:supervision_export", args=["overdue"])
    assert NAME not in workbook_text(client.get(export_url))

    unmask(client, "supervision", reverse("inquiries:supervision"))

    assert NAME in workbook_text(client.get(export_url))
    assert AccessRecord.objects.filter(what="export:supervision:overdue").exists()


@pytest.mark.parametrize(
    ("scope", "name", "params"),
    [
        ("my_cases", "inquiries:my_cases", {}),
        ("search", "inquiries:case_search", {"q": "供暖"}),
        ("statistics_cases", "inquiries:statistics_cases", {}),
        ("supervision", "inquiries:supervision", {}),
    ],
)
def test_every_list_can_be_unmasked_with_a_reason(client, admin_user, cases, scope, name, params):
    register(admin_user)  # on the administrator's own list too
    client.force_login(admin_user)
    unmask(client, scope, reverse(name))

    assert NAME in page_text(client, name, params)
    assert AccessRecord.objects.get().what == scope


def test_an_unmask_redirect_never_leaves_the_site(client, admin_user):
    client.force_login(admin_user)

    response = unmask(client, "register:phone", "https://evil.example/")

    assert response["Location"] == reverse("home")


# --- Access records --------------------------------------------------------------------------


def access(user):
    return AccessRecord.objects.create(
        user=user,
        at="2026-11-18T10:00:00+08:00",
        what="register:phone",
        case_numbers="2026-000001",
        reason_kind="contact",
        reason="回访",
    )


def test_access_records_cannot_be_changed_or_deleted(admin_user):
    record = access(admin_user)
    record.reason = "别的"

    with pytest.raises(ValidationError):
        record.save()
    with pytest.raises(ValidationError):
        record.delete()


def test_the_admin_never_adds_changes_or_deletes_access_records(rf, admin_user):
    model_admin = site._registry[AccessRecord]
    request = rf.get("/")
    request.user = admin_user

    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert "reason" in model_admin.search_fields
    assert "case_numbers" in model_admin.search_fields
    assert "at" in model_admin.list_filter


def test_the_admin_finds_access_records_by_case_number(client, admin_user, head):
    access(admin_user)
    client.force_login(admin_user)

    url = reverse("admin:inquiries_accessrecord_changelist")
    assert client.get(url, {"q": "2026-000001"}).context["cl"].result_count == 1
    assert client.get(url, {"q": "2099-000001"}).context["cl"].result_count == 0


def test_administrators_export_access_records(client, admin_user):
    record = access(admin_user)
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:inquiries_accessrecord_changelist"),
        {"action": "export_xlsx", "_selected_action": [record.pk]},
    )

    assert "2026-000001" in workbook_text(response)
    assert ExportRecord.objects.get().what == "access_records"


def test_others_do_not_see_the_access_records(client, head, admin_user):
    access(admin_user)
    client.force_login(head)

    response = client.get(reverse("admin:inquiries_accessrecord_changelist"))

    assert response.status_code in (302, 403)
