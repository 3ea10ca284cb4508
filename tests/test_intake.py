"""Intake: registering a case through the form for each channel, and the matter lookup."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from inquiries import services
from inquiries.forms_intake import KIND_ACCESS_KEYS
from inquiries.models import Channel, Inquiry, Kind, RequiredMaterial, ServiceMatter, Status
from inquiries.validators import validate_id_number, validate_phone
from tests.factories import DepartmentFactory, StaffProfileFactory, UnitFactory, UserFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
INTAKE_URLS = {
    Channel.VISIT: reverse("inquiries:intake_visit"),
    Channel.PHONE: reverse("inquiries:intake_phone"),
    Channel.LETTER: reverse("inquiries:intake_letter"),
    Channel.FAX: reverse("inquiries:intake_fax"),
}
LOOKUP = reverse("inquiries:matter_lookup")
VALID_ID = "11010519491231002X"


def at(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def tag(html, element_id):
    """The opening tag of the element with this id."""
    match = re.search(rf'<(?:input|textarea|select)[^>]*\bid="{element_id}"[^>]*>', html)
    assert match, f"no element #{element_id}"
    return match.group(0)


def validation_message(validator, value):
    try:
        validator(value)
    except ValidationError as error:
        return str(error.messages[0])
    raise AssertionError(f"{value!r} passed {validator.__name__}")


@pytest.fixture
def bureau(db):
    unit = UnitFactory()
    office = DepartmentFactory(parent=unit, name="办公室", code="BGS", is_office=True)
    licensing = DepartmentFactory(
        parent=unit, name="行政审批科", code="XZSP", phone="0531-86012000"
    )
    return {"unit": unit, "office": office, "licensing": licensing}


@pytest.fixture
def food_licence(bureau):
    matter = ServiceMatter.objects.create(
        department=bureau["licensing"],
        code="SPJY",
        name="食品经营许可证核发",
        keywords="餐饮 小吃店",
        promised_days=10,
        legal_days=20,
    )
    RequiredMaterial.objects.create(matter=matter, name="营业执照复印件", sort_order=1)
    RequiredMaterial.objects.create(matter=matter, name="经营场所平面图", sort_order=2)
    return matter


@pytest.fixture
def business_licence(bureau):
    return ServiceMatter.objects.create(
        department=bureau["licensing"], code="GTDJ", name="个体工商户登记", promised_days=3
    )


@pytest.fixture
def clerk(bureau):
    user = UserFactory(username="qiantai", full_name="张小青", roles=["front_desk"])
    StaffProfileFactory(
        user=user,
        department=bureau["office"],
        title="窗口受理员",
        duty="来访来电接待登记",
        office_phone="0531-86012022",
    )
    return user


@pytest.fixture
def desk(client, clerk):
    client.force_login(clerk)
    return client


def walk_in(**overrides):
    data = {
        "kind": Kind.CONSULTATION,
        "requester_name": "王大妈",
        "requester_unit": "",
        "requester_phone": "13812345678",
        "requester_address": "",
        "requester_id_number": "",
        "subject": "咨询开小吃店需要什么手续",
        "content": "来人想在小区门口开一家小吃店，询问需要办理哪些证照。",
        "matter": "",
        "received_at": "",
        "disclosure_given": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- Registering ----------------------------------------------------------------------------


@pytest.mark.parametrize("channel", [Channel.VISIT, Channel.PHONE, Channel.LETTER])
def test_registering_creates_a_case_of_that_channel_owned_by_the_clerk(
    desk, clerk, bureau, channel
):
    response = desk.post(INTAKE_URLS[channel], walk_in())

    case = Inquiry.objects.get()
    assert case.channel == channel
    assert case.first_responder == clerk
    assert case.current_holder == clerk
    assert case.receiving_department == bureau["office"]
    assert case.status == Status.REGISTERED
    assert case.requester_name == "王大妈"
    assert response.status_code == 302
    assert response.url == reverse("inquiries:case_detail", args=[case.number])


def test_the_success_message_names_the_case_number(desk):
    response = desk.post(INTAKE_URLS[Channel.VISIT], walk_in())

    number = Inquiry.objects.get().number
    assert [number in str(message) for message in get_messages(response.wsgi_request)] == [True]


@pytest.mark.parametrize(
    ("kind", "days", "deadline"),
    [
        # National Day week (1–7 October) and the 调休 Saturday 10 October on China's calendar.
        pytest.param(Kind.CONSULTATION, 2, datetime.date(2026, 10, 9), id="consultation"),
        pytest.param(Kind.COMPLAINT, 15, datetime.date(2026, 10, 27), id="complaint"),
        pytest.param(Kind.SUGGESTION, 10, datetime.date(2026, 10, 20), id="suggestion"),
    ],
)
def test_deadline_counts_working_days_for_the_kind(desk, kind, days, deadline):
    with time_machine.travel(at(2026, 9, 30, 9, 30), tick=False):
        desk.post(INTAKE_URLS[Channel.VISIT], walk_in(kind=kind))

    case = Inquiry.objects.get()
    assert case.time_limit_days == days
    assert case.deadline == deadline


def test_a_catalog_matter_brings_its_department_and_promised_days(desk, bureau, food_licence):
    with time_machine.travel(at(2026, 9, 30), tick=False):
        desk.post(
            INTAKE_URLS[Channel.VISIT],
            walk_in(kind=Kind.SERVICE, matter="SPJY 食品经营许可证核发"),
        )

    case = Inquiry.objects.get()
    assert case.matter == food_licence
    assert case.handling_department == bureau["licensing"]
    assert case.time_limit_days == 10
    assert case.deadline == datetime.date(2026, 10, 20)


@pytest.mark.parametrize(
    "typed",
    ["spjy", "SPJY", "ｓｐｊｙ", "食品经营许可证核发", "小吃店"],
    ids=["pinyin initials", "code", "full-width", "exact name", "keyword"],
)
def test_the_matter_can_be_typed_without_picking_a_suggestion(
    desk, food_licence, business_licence, typed
):
    desk.post(INTAKE_URLS[Channel.VISIT], walk_in(matter=typed))

    assert Inquiry.objects.get().matter == food_licence


def test_a_matter_that_matches_several_is_refused_with_nothing_saved(
    desk, food_licence, business_licence
):
    response = desk.post(INTAKE_URLS[Channel.VISIT], walk_in(matter="行政审批"))

    assert response.status_code == 200
    assert response.context["form"].has_error("matter", "matter_ambiguous")
    assert not Inquiry.objects.exists()


def test_an_unknown_matter_is_refused_with_nothing_saved(desk, food_licence):
    response = desk.post(INTAKE_URLS[Channel.VISIT], walk_in(matter="宇宙飞船"))

    assert response.context["form"].has_error("matter", "matter_unknown")
    assert not Inquiry.objects.exists()


def test_full_width_digits_in_the_phone_are_folded(desk):
    desk.post(INTAKE_URLS[Channel.PHONE], walk_in(requester_phone="１３８ １２３４ ５６７８"))

    assert Inquiry.objects.get().requester_phone == "13812345678"


def test_an_id_number_is_normalised_and_kept(desk):
    desk.post(
        INTAKE_URLS[Channel.VISIT],
        walk_in(requester_id_number="１１０１０５１９４９１２３１００２ｘ"),
    )

    assert Inquiry.objects.get().requester_id_number == VALID_ID


@pytest.mark.parametrize(
    ("field", "value", "validator"),
    [
        pytest.param("requester_phone", "12345678901", validate_phone, id="mobile"),
        pytest.param("requester_phone", "call me", validate_phone, id="not a number"),
        pytest.param("requester_id_number", "110105194912310021", validate_id_number, id="check"),
        pytest.param("requester_id_number", "12345", validate_id_number, id="too short"),
    ],
)
def test_a_bad_phone_or_id_number_gives_the_translated_message_and_saves_nothing(
    desk, field, value, validator
):
    response = desk.post(INTAKE_URLS[Channel.VISIT], walk_in(**{field: value}))

    errors = response.context["form"].errors[field]
    assert errors == [validation_message(validator, value)]
    assert escape(errors[0]) in response.content.decode()
    assert not Inquiry.objects.exists()


def test_a_requester_without_phone_or_address_cannot_be_registered(desk):
    response = desk.post(
        INTAKE_URLS[Channel.VISIT], walk_in(requester_phone="", requester_address="  ")
    )

    form = response.context["form"]
    assert form.has_error("requester_phone", "no_contact")
    message = gettext("Give the requester's phone or address, so that feedback can reach them.")
    assert escape(message) in response.content.decode()
    assert not Inquiry.objects.exists()


def test_an_address_alone_is_enough_contact(desk):
    desk.post(
        INTAKE_URLS[Channel.LETTER],
        walk_in(requester_phone="", requester_address="历下区泉城路1号"),
    )

    assert Inquiry.objects.get().requester_address == "历下区泉城路1号"


def test_bad_input_is_shown_again_with_everything_typed(desk):
    response = desk.post(
        INTAKE_URLS[Channel.VISIT],
        walk_in(requester_phone="123", requester_unit="泉城小吃店", kind=Kind.COMPLAINT),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="王大妈"' in html
    assert 'value="泉城小吃店"' in html
    assert "来人想在小区门口开一家小吃店" in html
    assert response.context["form"]["kind"].value() == Kind.COMPLAINT
    assert 'value="123"' in tag(html, "id_requester_phone")
    # The cursor goes to the field to fix, and only there.
    assert "autofocus" in tag(html, "id_requester_phone")
    assert html.count("autofocus") == 1


def test_a_service_refusal_becomes_a_form_error_and_nothing_is_saved(desk, monkeypatch):
    def refuse(**kwargs):
        raise services.InquiryError("这个事项现在不能登记。", code="whatever")

    monkeypatch.setattr(services, "inquiry_register", refuse)

    response = desk.post(INTAKE_URLS[Channel.VISIT], walk_in())

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["这个事项现在不能登记。"]
    assert 'role="alert"' in response.content.decode()
    assert not Inquiry.objects.exists()


def test_a_received_time_in_the_future_is_refused(desk):
    later = timezone.localtime() + datetime.timedelta(hours=2)

    response = desk.post(
        INTAKE_URLS[Channel.PHONE], walk_in(received_at=later.strftime("%Y-%m-%dT%H:%M"))
    )

    assert response.context["form"].has_error("received_at", "future")
    assert not Inquiry.objects.exists()


def test_the_time_of_a_call_is_kept(desk):
    with time_machine.travel(at(2026, 11, 16, 15, 0), tick=False):
        desk.post(INTAKE_URLS[Channel.PHONE], walk_in(received_at="2026-11-16T09:05"))

    assert Inquiry.objects.get().received_at == at(2026, 11, 16, 9, 5)


def test_an_empty_received_time_means_now(desk):
    with time_machine.travel(at(2026, 11, 16, 15, 0), tick=False):
        desk.post(INTAKE_URLS[Channel.VISIT], walk_in())

    assert Inquiry.objects.get().received_at == at(2026, 11, 16, 15, 0)


def test_an_empty_subject_is_taken_from_the_start_of_the_content(desk):
    first_line = "投诉楼下烧烤店夜间油烟和噪声扰民已经持续三个月了多次反映一直没有结果"
    desk.post(INTAKE_URLS[Channel.VISIT], walk_in(subject="", content=f"{first_line}\n详情……"))

    # Cut with an ellipsis, which the services' NFKC normalisation spells "...".
    assert Inquiry.objects.get().subject == first_line[:29] + "..."


def test_a_letter_keeps_its_date_and_sender(desk):
    desk.post(
        INTAKE_URLS[Channel.LETTER],
        walk_in(
            requester_name="李四",
            requester_unit="某某食品有限公司",
            requester_address="历下区泉城路1号",
            letter_date="2026-01-05",
            disclosure_given=None,
        ),
    )

    case = Inquiry.objects.get()
    assert case.letter_date == datetime.date(2026, 1, 5)
    assert case.requester_unit == "某某食品有限公司"
    assert case.requester_address == "历下区泉城路1号"
    assert case.disclosure_given is False


def test_a_letter_cannot_be_dated_after_it_arrived(desk):
    with time_machine.travel(at(2026, 11, 16), tick=False):
        response = desk.post(
            INTAKE_URLS[Channel.LETTER],
            walk_in(received_at="2026-11-10T09:00", letter_date="2026-11-12"),
        )

    assert response.context["form"].has_error("letter_date", "letter_after_receipt")
    assert not Inquiry.objects.exists()


def test_the_disclosure_is_recorded_when_ticked(desk):
    desk.post(INTAKE_URLS[Channel.VISIT], walk_in())

    case = Inquiry.objects.get()
    assert case.disclosure_given is True
    assert case.events.filter(kind="disclosure").count() == 1


# --- The page -------------------------------------------------------------------------------


def test_the_form_is_ready_for_the_keyboard(desk):
    page = desk.get(INTAKE_URLS[Channel.VISIT]).content.decode()
    html = page[page.index('<form class="panel intake-form"') :]

    # The cursor starts on the kind (consultation, the most common): arrows change it.
    assert 'value="consultation"' in tag(html, "id_kind_0")
    assert "autofocus" in tag(html, "id_kind_0")
    assert page.count("autofocus") == 1
    for kind, key in KIND_ACCESS_KEYS.items():
        assert f'accesskey="{key}"' in html, kind
    # Fields come in the order the desk asks for them; the ID number is folded away.
    order = [
        'name="kind"',
        'name="requester_name"',
        'name="requester_phone"',
        "<details",
        'name="requester_id_number"',
        'name="subject"',
        'name="content"',
        'name="matter"',
        'name="received_at"',
        'name="disclosure_given"',
        'type="submit"',
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_the_page_shows_the_responders_own_card(desk):
    html = desk.get(INTAKE_URLS[Channel.VISIT]).content.decode()

    card = html[html.index('class="panel responder-card"') :]
    for text in ["张小青", "窗口受理员", "来访来电接待登记", "0531-86012022", "办公室"]:
        assert text in card


@pytest.mark.parametrize(
    ("channel", "ticked"),
    [(Channel.VISIT, True), (Channel.PHONE, True), (Channel.LETTER, False)],
)
def test_the_disclosure_box_is_ticked_for_visits_and_calls_only(desk, channel, ticked):
    form = desk.get(INTAKE_URLS[channel]).context["form"]

    assert form["disclosure_given"].value() is ticked


def test_a_fax_is_registered_like_a_letter_with_its_date(desk):
    response = desk.post(
        INTAKE_URLS[Channel.FAX],
        walk_in(
            requester_address="历下区泉城路1号", letter_date="2026-01-05", disclosure_given=None
        ),
    )

    assert response.status_code == 302
    case = Inquiry.objects.get()
    assert (case.channel, case.letter_date) == (Channel.FAX, datetime.date(2026, 1, 5))
    assert case.disclosure_given is False


def test_only_the_letter_and_fax_forms_ask_for_the_documents_date(desk):
    assert 'name="letter_date"' in desk.get(INTAKE_URLS[Channel.LETTER]).content.decode()
    assert 'name="letter_date"' in desk.get(INTAKE_URLS[Channel.FAX]).content.decode()
    assert 'name="letter_date"' not in desk.get(INTAKE_URLS[Channel.VISIT]).content.decode()


def test_the_channel_tabs_link_the_three_forms(desk):
    html = desk.get(INTAKE_URLS[Channel.PHONE]).content.decode()

    for url in INTAKE_URLS.values():
        assert f'href="{url}"' in html
    assert f'<a href="{INTAKE_URLS[Channel.PHONE]}" aria-current="page">' in html


def test_the_received_time_defaults_to_now(desk):
    with time_machine.travel(at(2026, 11, 16, 14, 7), tick=False):
        html = desk.get(INTAKE_URLS[Channel.PHONE]).content.decode()

    assert 'value="2026-11-16T14:07"' in html


def test_every_active_matter_is_suggested_with_its_code_and_initials(desk, food_licence):
    ServiceMatter.objects.create(
        department=food_licence.department,
        code="OLD",
        name="已停办事项",
        promised_days=5,
        is_active=False,
    )

    html = desk.get(INTAKE_URLS[Channel.VISIT]).content.decode()

    assert 'list="matter-options"' in html
    assert '<option value="SPJY 食品经营许可证核发">' in html
    assert "spjyxkzhf" in html
    assert "已停办事项" not in html


def test_the_lookup_has_a_plain_fallback_the_form_itself(desk):
    html = desk.get(INTAKE_URLS[Channel.VISIT]).content.decode()

    assert f'hx-get="{LOOKUP}"' in html
    assert f'action="{INTAKE_URLS[Channel.VISIT]}"' in html
    assert 'method="post"' in html


# --- Access ---------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client, db):
    response = client.get(INTAKE_URLS[Channel.VISIT])

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_lookup_needs_a_sign_in_too(client, db):
    response = client.get(LOOKUP, {"matter": "spjy"})

    assert response.status_code == 302


def test_a_user_without_the_permission_is_refused(client, bureau):
    user = UserFactory(username="nobody")
    StaffProfileFactory(user=user, department=bureau["office"])
    client.force_login(user)

    assert client.get(INTAKE_URLS[Channel.VISIT]).status_code == 403
    assert client.post(INTAKE_URLS[Channel.VISIT], walk_in()).status_code == 403
    assert not Inquiry.objects.exists()


def test_a_user_without_a_staff_profile_gets_a_clear_message(client, db):
    client.force_login(UserFactory(username="newcomer", roles=["front_desk"]))

    page = client.get(INTAKE_URLS[Channel.VISIT])
    posted = client.post(INTAKE_URLS[Channel.VISIT], walk_in())

    assert page.status_code == 403
    assert 'class="alert alert-warning"' in page.content.decode()
    assert page.context["profile"] is None
    assert '<form class="panel intake-form"' not in page.content.decode()
    assert posted.status_code == 403
    assert not Inquiry.objects.exists()


# --- Matter lookup --------------------------------------------------------------------------


def test_htmx_lookup_returns_only_the_fragment_and_finds_by_pinyin_initials(
    desk, food_licence, business_licence
):
    response = desk.get(
        LOOKUP, {"matter": "spjy", "kind": "service"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "<form" not in html
    assert response.context["proposal"].match.matter == food_licence
    assert "食品经营许可证核发" in html
    assert "行政审批科" in html
    assert "营业执照复印件" in html


def test_lookup_suggests_only_the_matters_that_match_when_several_do(
    desk, food_licence, business_licence
):
    response = desk.get(LOOKUP, {"matter": "行政审批"}, headers={"HX-Request": "true"})

    assert [m.code for m in response.context["matter_options"]] == ["GTDJ", "SPJY"] or [
        m.code for m in response.context["matter_options"]
    ] == ["SPJY", "GTDJ"]
    assert response.context["proposal"].match.candidates == 2


def test_lookup_proposes_the_time_limit_and_deadline_for_the_kind(desk):
    with time_machine.travel(at(2026, 9, 30), tick=False):
        response = desk.get(
            LOOKUP,
            {"kind": "consultation", "matter": "", "received_at": "2026-09-30T09:00"},
            headers={"HX-Request": "true"},
        )

    proposal = response.context["proposal"]
    assert proposal.days == 2
    assert proposal.deadline == datetime.date(2026, 10, 9)
    assert proposal.department is None


def test_lookup_with_a_matter_proposes_its_promise(desk, food_licence):
    with time_machine.travel(at(2026, 9, 30), tick=False):
        response = desk.get(LOOKUP, {"kind": "consultation", "matter": "SPJY 食品经营许可证核发"})

    proposal = response.context["proposal"]
    assert proposal.department == food_licence.department
    assert proposal.days == 10
    assert proposal.deadline == datetime.date(2026, 10, 20)
