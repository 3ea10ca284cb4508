"""The admin screens as an administrator uses them: organisation, catalog, rules, cases."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inquiries import services
from inquiries.models import (
    CalendarOverride,
    CaseFlag,
    CasePolicy,
    Department,
    Kind,
    Notice,
    Notification,
    Referral,
    RequiredMaterial,
    ServiceMatter,
    StaffProfile,
    TabooPhrase,
    TimelineEvent,
    User,
)
from inquiries.roles import ADMINISTRATOR, DISCIPLINE, FRONT_DESK, HANDLER
from inquiries.services.notifications import notification_mark_read, notify
from inquiries.services.referrals import referral_accept, referral_create
from tests.case_helpers import at, make_bureau, make_matter, make_person, register
from tests.factories import (
    DepartmentFactory,
    StaffProfileFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator():
    """Staff with the administrator role, not a superuser: the role alone must be enough."""
    user = UserFactory(username="guanliyuan", roles=["administrator"], is_staff=True)
    StaffProfileFactory(user=user, title="信息化管理员")
    return user


@pytest.fixture
def administrator_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def office():
    return DepartmentFactory(name="办公室", code="BGS", is_office=True, keywords="协调 督办")


@pytest.fixture
def colleague(office):
    return StaffProfileFactory(
        department=office, user=UserFactory(username="zhoumin", full_name="周敏")
    )


def _admin_urls(office, colleague):
    department_version = office.history.latest().history_id
    return [
        reverse("admin:index"),
        reverse("admin:app_list", args=["inquiries"]),
        reverse("admin:inquiries_department_changelist"),
        reverse("admin:inquiries_department_add"),
        reverse("admin:inquiries_department_change", args=[office.pk]),
        reverse("admin:inquiries_department_change", args=[office.parent_id]),
        reverse("admin:inquiries_department_history", args=[office.pk]),
        reverse("admin:inquiries_department_simple_history", args=[office.pk, department_version]),
        reverse("admin:inquiries_user_changelist"),
        reverse("admin:inquiries_user_add"),
        reverse("admin:inquiries_user_change", args=[colleague.user.pk]),
        reverse("admin:inquiries_user_history", args=[colleague.user.pk]),
        reverse("admin:auth_user_password_change", args=[colleague.user.pk]),
        reverse("admin:inquiries_staffprofile_changelist"),
        reverse("admin:inquiries_staffprofile_add"),
        reverse("admin:inquiries_staffprofile_change", args=[colleague.pk]),
        reverse("admin:inquiries_staffprofile_history", args=[colleague.pk]),
    ]


def test_administrator_can_open_every_organisation_admin_page(
    administrator_client, office, colleague
):
    for url in _admin_urls(office, colleague):
        response = administrator_client.get(url)
        assert response.status_code == 200, url


def test_front_desk_staff_without_admin_access_are_sent_to_the_admin_login(client):
    user = UserFactory(roles=[FRONT_DESK.code])
    client.force_login(user)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_department_search_by_pinyin_initials_finds_the_office(administrator_client, office):
    DepartmentFactory(name="政策法规科", code="ZCFGK")

    response = administrator_client.get(
        reverse("admin:inquiries_department_changelist"), {"q": "bgs"}
    )

    assert [department.code for department in response.context["cl"].result_list] == ["BGS"]


def test_department_autocomplete_finds_the_office_by_pinyin(administrator_client, office):
    response = administrator_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "inquiries",
            "model_name": "department",
            "field_name": "parent",
            "term": "bangong",
        },
    )

    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["办公室"]


def test_parent_filter_offers_units_and_departments_but_not_sections(administrator_client, office):
    DepartmentFactory(name="文秘股", code="WMG", level=Department.Level.SECTION, parent=office)

    response = administrator_client.get(reverse("admin:inquiries_department_changelist"))

    parent_filter = next(
        spec for spec in response.context["cl"].filter_specs if spec.field_path == "parent"
    )
    offered = {label for _pk, label in parent_filter.lookup_choices}
    assert {office.parent.name, "办公室"} <= offered
    assert "文秘股" not in offered


def test_department_changelist_links_to_the_import_page_only_for_importers(
    administrator_client, client, office
):
    import_url = reverse("inquiries:organisation_import")
    changelist = reverse("admin:inquiries_department_changelist")
    assert import_url in administrator_client.get(changelist).content.decode()

    client.force_login(UserFactory(roles=["handler"], is_staff=True))
    response = client.get(changelist)
    assert response.status_code == 200
    assert import_url not in response.content.decode()


def test_editing_a_department_in_the_admin_records_who_changed_it(
    administrator_client, administrator, office
):
    response = administrator_client.post(
        reverse("admin:inquiries_department_change", args=[office.pk]),
        {
            "name": "办公室",
            "code": "bgs",
            "level": Department.Level.DEPARTMENT,
            "parent": office.parent_id,
            "is_office": "on",
            "is_active": "on",
            "sort_order": "1",
            "location": "局机关办公楼3楼301室",
            "phone": "0531-86012001",
            "head": administrator.pk,
            "duties": "统筹协调职责不明确的事项。",
            "keywords": "协调 督办",
            "children-TOTAL_FORMS": "0",
            "children-INITIAL_FORMS": "0",
            "children-MIN_NUM_FORMS": "0",
            "children-MAX_NUM_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    office.refresh_from_db()
    assert office.code == "BGS"
    assert office.location == "局机关办公楼3楼301室"
    assert office.head == administrator
    assert office.history.latest().history_user == administrator


def test_adding_a_user_in_the_admin_takes_a_full_name_and_a_password(administrator_client):
    response = administrator_client.post(
        reverse("admin:inquiries_user_add"),
        {
            "username": "lixiaoyu",
            "full_name": "李晓雨",
            "usable_password": "true",
            "password1": "window-desk-2026-spring",
            "password2": "window-desk-2026-spring",
        },
    )

    user = User.objects.get(username="lixiaoyu")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:inquiries_user_change", args=[user.pk])
    assert user.full_name == "李晓雨"
    assert user.check_password("window-desk-2026-spring")


def test_the_user_page_saves_roles_and_the_staff_profile_together(administrator_client, office):
    user = UserFactory(username="lixiaoyu", full_name="李晓雨")
    front_desk = Group.objects.get(name=FRONT_DESK.group_name)

    response = administrator_client.post(
        reverse("admin:inquiries_user_change", args=[user.pk]),
        {
            "username": "lixiaoyu",
            "full_name": "李晓雨",
            "email": "",
            "is_active": "on",
            "groups": [front_desk.pk],
            "date_joined_0": "2026-03-02",
            "date_joined_1": "09:00:00",
            "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "0",
            "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1",
            "profile-0-department": office.pk,
            "profile-0-title": "窗口受理员",
            "profile-0-duty": "负责窗口咨询接待。",
            "profile-0-office_phone": "0531-86012025",
            "profile-0-rank": StaffProfile.Rank.CLERK,
            "profile-0-employment_type": StaffProfile.EmploymentType.PROBATIONARY,
            "profile-0-availability": StaffProfile.Availability.PRESENT,
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert list(user.groups.all()) == [front_desk]
    assert user.profile.department == office
    assert user.profile.employment_type == StaffProfile.EmploymentType.PROBATIONARY


def test_an_administrator_who_is_not_a_superuser_cannot_grant_superuser_or_single_perms(
    administrator_client, colleague
):
    response = administrator_client.get(
        reverse("admin:inquiries_user_change", args=[colleague.user.pk])
    )

    fields = response.context["adminform"].form.fields
    assert "groups" in fields
    assert "is_superuser" not in fields
    assert "user_permissions" not in fields


def test_an_administrator_who_is_not_a_superuser_cannot_change_a_superuser(
    administrator_client,
):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)

    page = administrator_client.get(reverse("admin:inquiries_user_change", args=[root.pk]))
    password = administrator_client.get(reverse("admin:auth_user_password_change", args=[root.pk]))

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert password.status_code == 403


def test_user_changelist_shows_department_and_role_labels(administrator_client, colleague):
    colleague.user.groups.add(Group.objects.get(name=ADMINISTRATOR.group_name))

    response = administrator_client.get(
        reverse("admin:inquiries_user_changelist"), {"q": "zhoumin"}
    )

    row = response.context["cl"].result_list[0]
    model_admin = response.context["cl"].model_admin
    assert model_admin.department(row) == colleague.department
    assert model_admin.roles(row) == str(ADMINISTRATOR.label)


def _changelist_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _add_departments(count):
    unit = UnitFactory()
    for _ in range(count):
        DepartmentFactory(
            parent=unit,
            head=UserFactory(),
            supervising_leader=UserFactory(),
            contact_person=UserFactory(),
        )


def _add_profiles(count):
    for _ in range(count):
        StaffProfileFactory(delegate=UserFactory(), user=UserFactory(roles=["handler"]))


# Administrators open these lists to look after a whole bureau's organisation; each row
# must not cost its own queries for the parent, head, leader, department, delegate or roles.
@pytest.mark.parametrize(
    ("url_name", "add_rows"),
    [
        ("admin:inquiries_department_changelist", _add_departments),
        ("admin:inquiries_staffprofile_changelist", _add_profiles),
        ("admin:inquiries_user_changelist", _add_profiles),
    ],
)
def test_organisation_changelists_cost_the_same_queries_for_3_or_15_rows(
    administrator_client, url_name, add_rows
):
    url = reverse(url_name)
    add_rows(3)
    administrator_client.get(url)  # warm per-process caches such as content types
    few = _changelist_queries(administrator_client, url)

    add_rows(12)
    many = _changelist_queries(administrator_client, url)

    assert many == few


def test_giving_someone_a_role_leaves_an_audit_row_with_their_roles(db):
    user = UserFactory(username="shenji", roles=[HANDLER.code])
    before = user.history.count()

    user.groups.add(Group.objects.get(name=DISCIPLINE.group_name))

    assert user.history.count() == before + 1
    latest = user.history.latest()
    assert {g.group.name for g in latest.groups.all()} == {
        HANDLER.group_name,
        DISCIPLINE.group_name,
    }


# --- The service catalog, the rules for cases, and cases (read only) -------------------------


@pytest.fixture
def bureau():
    return make_bureau()


@pytest.fixture
def matter(bureau):
    _unit, _office, licensing, _complaints = bureau
    return make_matter(licensing, promised_days=5, legal_days=10)


@pytest.fixture
def case(bureau, matter):
    """A case with a one-time notice, a taboo flag and a timeline."""
    _unit, _office, licensing, _complaints = bureau
    desk = make_person(licensing)
    inquiry = register(desk, kind=Kind.SERVICE, matter=matter)
    services.notice_issue(
        inquiry=inquiry,
        by=desk,
        received_material_ids=[matter.materials.first().pk],
        note="下班了，明天再来。",
    )
    inquiry.refresh_from_db()
    return inquiry


def _catalog_and_case_urls(matter, case, override):
    return [
        reverse("admin:inquiries_servicematter_changelist"),
        reverse("admin:inquiries_servicematter_add"),
        reverse("admin:inquiries_servicematter_change", args=[matter.pk]),
        reverse("admin:inquiries_servicematter_history", args=[matter.pk]),
        reverse(
            "admin:inquiries_servicematter_simple_history",
            args=[matter.pk, matter.history.latest().history_id],
        ),
        reverse("admin:inquiries_casepolicy_change", args=[CasePolicy.SINGLETON_PK]),
        reverse("admin:inquiries_casepolicy_history", args=[CasePolicy.SINGLETON_PK]),
        reverse("admin:inquiries_calendaroverride_changelist"),
        reverse("admin:inquiries_calendaroverride_add"),
        reverse("admin:inquiries_calendaroverride_change", args=[override.pk]),
        reverse("admin:inquiries_calendaroverride_history", args=[override.pk]),
        reverse("admin:inquiries_taboophrase_changelist"),
        reverse("admin:inquiries_taboophrase_add"),
        reverse("admin:inquiries_taboophrase_change", args=[TabooPhrase.objects.first().pk]),
        reverse("admin:inquiries_taboophrase_history", args=[TabooPhrase.objects.first().pk]),
        reverse("admin:inquiries_inquiry_changelist"),
        reverse("admin:inquiries_inquiry_change", args=[case.pk]),
        reverse("admin:inquiries_inquiry_history", args=[case.pk]),
        reverse(
            "admin:inquiries_inquiry_simple_history",
            args=[case.pk, case.history.earliest().history_id],
        ),
    ]


def test_administrator_can_open_every_catalog_rules_and_case_admin_page(
    administrator_client, matter, case
):
    override = CalendarOverride.objects.create(
        date=datetime.date(2031, 1, 1), is_working_day=False, name="元旦"
    )

    for url in _catalog_and_case_urls(matter, case, override):
        response = administrator_client.get(url)
        assert response.status_code == 200, url


def test_the_admin_index_lists_the_catalog_rules_and_cases(administrator_client):
    response = administrator_client.get(reverse("admin:index"))

    models = {
        model["object_name"] for app in response.context["app_list"] for model in app["models"]
    }
    assert {
        "ServiceMatter",
        "CasePolicy",
        "CalendarOverride",
        "TabooPhrase",
        "Inquiry",
    } <= models


def test_service_matter_search_finds_a_matter_by_pinyin_initials(administrator_client, matter):
    response = administrator_client.get(
        reverse("admin:inquiries_servicematter_changelist"), {"q": "spjy"}
    )

    assert [row.code for row in response.context["cl"].result_list] == ["SPJY"]


def test_service_matter_page_lists_its_materials_in_sort_order(administrator_client, matter):
    matter.materials.filter(name="营业执照复印件").update(sort_order=99)

    response = administrator_client.get(
        reverse("admin:inquiries_servicematter_change", args=[matter.pk])
    )

    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is RequiredMaterial
    )
    names = [form.instance.name for form in formset.initial_forms]
    assert names == ["法定代表人身份证明", "经营场所平面图", "营业执照复印件"]


def test_adding_a_matter_with_its_materials_in_the_admin(administrator_client, bureau):
    _unit, _office, licensing, _complaints = bureau

    response = administrator_client.post(
        reverse("admin:inquiries_servicematter_add"),
        {
            "code": "gthsl",
            "name": "个体工商户设立登记",
            "department": licensing.pk,
            "keywords": "个体户 营业执照",
            "is_active": "on",
            "sort_order": "10",
            "promised_days": "1",
            "legal_days": "3",
            "legal_basis": "《中华人民共和国市场主体登记管理条例》第十九条",
            "conditions": "",
            "procedure": "",
            "materials-TOTAL_FORMS": "2",
            "materials-INITIAL_FORMS": "0",
            "materials-MIN_NUM_FORMS": "0",
            "materials-MAX_NUM_FORMS": "1000",
            "materials-0-sort_order": "20",
            "materials-0-name": "经营场所使用相关文件",
            "materials-0-specification": "复印件1份",
            "materials-0-is_required": "on",
            "materials-1-sort_order": "10",
            "materials-1-name": "经营者身份证件",
            "materials-1-specification": "核对原件",
            "materials-1-is_required": "on",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    matter = ServiceMatter.objects.get(code="GTHSL")
    assert matter.name_initials == "gtgshsldj"
    assert list(matter.materials.values_list("name", flat=True)) == [
        "经营者身份证件",
        "经营场所使用相关文件",
    ]


def test_a_promise_not_shorter_than_the_law_is_refused_in_the_admin(administrator_client, matter):
    response = administrator_client.post(
        reverse("admin:inquiries_servicematter_change", args=[matter.pk]),
        {
            "code": matter.code,
            "name": matter.name,
            "department": matter.department_id,
            "is_active": "on",
            "sort_order": "0",
            "promised_days": "10",
            "legal_days": "10",
            "materials-TOTAL_FORMS": "0",
            "materials-INITIAL_FORMS": "0",
            "materials-MIN_NUM_FORMS": "0",
            "materials-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    matter.refresh_from_db()
    assert matter.promised_days == 5


# --- The case policy: one row ---


def test_the_case_policy_list_goes_straight_to_the_one_policy(administrator_client):
    response = administrator_client.get(reverse("admin:inquiries_casepolicy_changelist"))

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:inquiries_casepolicy_change", args=[CasePolicy.SINGLETON_PK]
    )


def test_the_case_policy_can_be_neither_added_twice_nor_deleted(administrator_client):
    add = administrator_client.get(reverse("admin:inquiries_casepolicy_add"))
    delete = administrator_client.post(
        reverse("admin:inquiries_casepolicy_delete", args=[CasePolicy.SINGLETON_PK]),
        {"post": "yes"},
    )
    page = administrator_client.get(
        reverse("admin:inquiries_casepolicy_change", args=[CasePolicy.SINGLETON_PK])
    )

    assert add.status_code == 403
    assert delete.status_code == 403
    assert CasePolicy.objects.filter(pk=CasePolicy.SINGLETON_PK).exists()
    assert page.context["has_delete_permission"] is False


def test_a_missing_case_policy_can_be_created_once_and_gets_the_single_row(
    administrator_client,
):
    CasePolicy.objects.all().delete()

    listing = administrator_client.get(reverse("admin:inquiries_casepolicy_changelist"))
    response = administrator_client.post(
        reverse("admin:inquiries_casepolicy_add"),
        {
            "consultation_days": "3",
            "service_days": "10",
            "complaint_days": "15",
            "tip_off_days": "15",
            "report_days": "15",
            "suggestion_days": "10",
            "help_days": "10",
            "notice_limit_days": "5",
            "clock_on_materials": CasePolicy.ClockOnMaterials.RESUME,
        },
    )

    assert listing["Location"] == reverse("admin:inquiries_casepolicy_add")
    assert response.status_code == 302
    policy = CasePolicy.objects.get()
    assert policy.pk == CasePolicy.SINGLETON_PK
    assert policy.consultation_days == 3
    assert administrator_client.get(reverse("admin:inquiries_casepolicy_add")).status_code == 403


def test_changing_the_case_policy_in_the_admin_is_audited(administrator_client, administrator):
    response = administrator_client.post(
        reverse("admin:inquiries_casepolicy_change", args=[CasePolicy.SINGLETON_PK]),
        {
            "consultation_days": "2",
            "service_days": "10",
            "complaint_days": "10",
            "tip_off_days": "15",
            "report_days": "15",
            "suggestion_days": "10",
            "help_days": "10",
            "notice_limit_days": "5",
            "clock_on_materials": CasePolicy.ClockOnMaterials.RESTART,
        },
    )

    assert response.status_code == 302
    policy = CasePolicy.current()
    assert policy.complaint_days == 10
    assert policy.history.latest().history_user == administrator


# --- Cases: read only ---


def test_the_case_list_has_no_add_button_and_no_actions(administrator_client, case):
    response = administrator_client.get(reverse("admin:inquiries_inquiry_changelist"))

    assert response.context["has_add_permission"] is False
    assert reverse("admin:inquiries_inquiry_add") not in response.content.decode()
    assert response.context["action_form"] is None
    assert [row.number for row in response.context["cl"].result_list] == [case.number]


def test_a_case_page_in_the_admin_shows_the_case_and_offers_no_save(administrator_client, case):
    response = administrator_client.get(reverse("admin:inquiries_inquiry_change", args=[case.pk]))

    html = response.content.decode()
    assert response.context["has_change_permission"] is False
    assert 'name="_save"' not in html
    assert case.subject in html
    # The notice, the taboo flag and the timeline are shown inside the case.
    shown = {inline.formset.model for inline in response.context["inline_admin_formsets"]}
    assert {Notice, CaseFlag, TimelineEvent} <= shown
    assert "下班了" in html


def test_a_case_page_in_the_admin_shows_the_requesters_phone_in_part_only(
    administrator_client, case
):
    response = administrator_client.get(reverse("admin:inquiries_inquiry_change", args=[case.pk]))

    html = response.content.decode()
    assert "138****5678" in html
    assert "13812345678" not in html


def test_cases_cannot_be_added_changed_or_deleted_through_the_admin(administrator_client, case):
    version = case.version

    add = administrator_client.get(reverse("admin:inquiries_inquiry_add"))
    change = administrator_client.post(
        reverse("admin:inquiries_inquiry_change", args=[case.pk]),
        {"subject": "改过的标题", "status": "closed"},
    )
    delete = administrator_client.post(
        reverse("admin:inquiries_inquiry_delete", args=[case.pk]), {"post": "yes"}
    )
    revert = administrator_client.post(
        reverse(
            "admin:inquiries_inquiry_simple_history",
            args=[case.pk, case.history.earliest().history_id],
        ),
        {"subject": "改过的标题"},
    )

    assert add.status_code == 403
    assert change.status_code == 403
    assert delete.status_code == 403
    assert revert.status_code == 403
    case.refresh_from_db()
    assert case.version == version
    assert case.subject == "咨询营业执照办理"


def test_staff_without_the_right_to_see_every_case_cannot_open_cases_in_the_admin(client, case):
    client.force_login(UserFactory(roles=[HANDLER.code], is_staff=True))

    response = client.get(reverse("admin:inquiries_inquiry_changelist"))

    assert response.status_code == 403


def test_the_overdue_filter_finds_open_cases_past_their_deadline(administrator_client, bureau):
    _unit, _office, licensing, _complaints = bureau
    desk = make_person(licensing)
    with time_machine.travel(at(2026, 11, 2), tick=False):
        late = register(desk)
    with time_machine.travel(at(2026, 11, 25), tick=False):
        register(desk)

    with time_machine.travel(at(2026, 11, 26), tick=False):
        response = administrator_client.get(
            reverse("admin:inquiries_inquiry_changelist"), {"overdue": "yes"}
        )

    assert [row.number for row in response.context["cl"].result_list] == [late.number]


def test_a_view_only_staff_member_cannot_revert_a_department_from_its_history(client, office):
    client.force_login(UserFactory(roles=[HANDLER.code], is_staff=True))
    version = office.history.latest().history_id

    response = client.post(
        reverse("admin:inquiries_department_simple_history", args=[office.pk, version]),
        {"name": "改名科", "code": "GMK", "level": Department.Level.DEPARTMENT},
    )

    assert response.status_code == 403
    office.refresh_from_db()
    assert office.name == "办公室"


def _add_matters(count):
    department = DepartmentFactory()
    for _ in range(count):
        number = ServiceMatter.objects.count() + 1
        ServiceMatter.objects.create(
            department=department, code=f"M{number:03d}", name=f"事项{number}", promised_days=1
        )


def _add_cases(count):
    department = DepartmentFactory()
    for _ in range(count):
        register(make_person(department))


def _add_referrals(count):
    """Referrals between fresh people and departments, every other one accepted."""
    unit = UnitFactory()
    for index in range(count):
        sender_department = DepartmentFactory(parent=unit)
        receiving = DepartmentFactory(parent=unit)
        desk = make_person(sender_department)
        handler = make_person(receiving, roles=("handler",))
        referral = referral_create(
            inquiry=register(desk),
            by=desk,
            target=Referral.Target.DEPARTMENT,
            to_department=receiving,
            reason="属于该科职责",
        )
        if index % 2:
            referral_accept(referral=referral, by=handler)


def _add_notifications(count):
    """Notifications to fresh people about fresh cases, every other one read."""
    department = DepartmentFactory()
    for index in range(count):
        desk = make_person(department)
        case = register(desk)
        recipient = make_person(department)
        notify(
            recipients=[recipient],
            kind=Notification.Kind.CLOSED,
            inquiry=case,
            event_key=f"test:{case.pk}:closed",
            actor=desk,
            data={"number": case.number, "by": desk.get_full_name()},
        )
        if index % 2:
            notification_mark_read(user=recipient)


def _add_overrides(count):
    start = datetime.date(2031, 1, 1) + datetime.timedelta(days=CalendarOverride.objects.count())
    for offset in range(count):
        CalendarOverride.objects.create(
            date=start + datetime.timedelta(days=offset), is_working_day=False
        )


def _add_phrases(count):
    for _ in range(count):
        TabooPhrase.objects.create(phrase=f"忌语{TabooPhrase.objects.count()}")


# Administrators page through the catalog and audit cases: a row must not cost its own
# queries for its department, first responder or handling department.
@pytest.mark.parametrize(
    ("url_name", "add_rows"),
    [
        ("admin:inquiries_servicematter_changelist", _add_matters),
        ("admin:inquiries_inquiry_changelist", _add_cases),
        ("admin:inquiries_referral_changelist", _add_referrals),
        ("admin:inquiries_notification_changelist", _add_notifications),
        ("admin:inquiries_calendaroverride_changelist", _add_overrides),
        ("admin:inquiries_taboophrase_changelist", _add_phrases),
    ],
)
def test_catalog_rules_and_case_changelists_cost_the_same_queries_for_3_or_15_rows(
    administrator_client, url_name, add_rows
):
    url = reverse(url_name)
    add_rows(3)
    administrator_client.get(url)
    few = _changelist_queries(administrator_client, url)

    add_rows(12)
    many = _changelist_queries(administrator_client, url)

    assert many == few


# --- Referrals and notifications: read only ---


@pytest.fixture
def referred_case(bureau):
    """A case the complaints desk sent to the licensing department, accepted there."""
    _unit, _office, licensing, complaints = bureau
    desk = make_person(complaints)
    handler = make_person(licensing, roles=("handler",))
    inquiry = register(desk, kind=Kind.COMPLAINT)
    referral = referral_create(
        inquiry=inquiry,
        by=desk,
        target=Referral.Target.DEPARTMENT,
        to_department=licensing,
        reason="属于行政审批科职责，请签收办理。",
    )
    referral_accept(referral=referral, by=handler)
    referral.refresh_from_db()
    return referral


def _referral_and_notification_urls(referral, notification):
    return [
        reverse("admin:inquiries_referral_changelist"),
        reverse("admin:inquiries_referral_changelist") + "?target=department&state=accepted",
        reverse("admin:inquiries_referral_change", args=[referral.pk]),
        reverse("admin:inquiries_referral_history", args=[referral.pk]),
        reverse(
            "admin:inquiries_referral_simple_history",
            args=[referral.pk, referral.history.earliest().history_id],
        ),
        reverse("admin:inquiries_notification_changelist"),
        reverse("admin:inquiries_notification_changelist") + "?read=no",
        reverse("admin:inquiries_notification_change", args=[notification.pk]),
    ]


def test_administrator_can_open_every_referral_and_notification_admin_page(
    administrator_client, referred_case
):
    notification = Notification.objects.filter(inquiry=referred_case.inquiry).first()

    for url in _referral_and_notification_urls(referred_case, notification):
        response = administrator_client.get(url)
        assert response.status_code == 200, url


def test_the_admin_index_lists_referrals_and_notifications(administrator_client):
    response = administrator_client.get(reverse("admin:index"))

    models = {
        model["object_name"] for app in response.context["app_list"] for model in app["models"]
    }
    assert {"Referral", "Notification"} <= models


def test_the_referral_list_shows_the_case_number_and_offers_no_add_and_no_actions(
    administrator_client, referred_case
):
    response = administrator_client.get(reverse("admin:inquiries_referral_changelist"))

    assert response.context["has_add_permission"] is False
    assert response.context["action_form"] is None
    assert list(response.context["cl"].result_list) == [referred_case]
    assert referred_case.inquiry.number in response.content.decode()


def test_the_referral_list_filters_by_state_and_finds_a_case_by_number(
    administrator_client, referred_case
):
    url = reverse("admin:inquiries_referral_changelist")

    accepted = administrator_client.get(url, {"state": Referral.State.ACCEPTED})
    pending = administrator_client.get(url, {"state": Referral.State.PENDING})
    found = administrator_client.get(url, {"q": referred_case.inquiry.number})
    missed = administrator_client.get(url, {"q": "1999-000001"})

    assert list(accepted.context["cl"].result_list) == [referred_case]
    assert list(pending.context["cl"].result_list) == []
    assert list(found.context["cl"].result_list) == [referred_case]
    assert list(missed.context["cl"].result_list) == []


def test_referrals_cannot_be_added_changed_deleted_or_reverted_in_the_admin(
    administrator_client, referred_case
):
    add = administrator_client.get(reverse("admin:inquiries_referral_add"))
    change = administrator_client.post(
        reverse("admin:inquiries_referral_change", args=[referred_case.pk]),
        {"state": Referral.State.PENDING},
    )
    delete = administrator_client.post(
        reverse("admin:inquiries_referral_delete", args=[referred_case.pk]), {"post": "yes"}
    )
    revert = administrator_client.post(
        reverse(
            "admin:inquiries_referral_simple_history",
            args=[referred_case.pk, referred_case.history.earliest().history_id],
        ),
        {"state": Referral.State.PENDING},
    )
    page = administrator_client.get(
        reverse("admin:inquiries_referral_change", args=[referred_case.pk])
    )

    assert [add.status_code, change.status_code, delete.status_code, revert.status_code] == [
        403,
        403,
        403,
        403,
    ]
    referred_case.refresh_from_db()
    assert referred_case.state == Referral.State.ACCEPTED
    assert page.context["has_change_permission"] is False
    assert 'name="_save"' not in page.content.decode()


def test_a_case_page_in_the_admin_lists_its_referrals(administrator_client, referred_case):
    response = administrator_client.get(
        reverse("admin:inquiries_inquiry_change", args=[referred_case.inquiry_id])
    )

    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Referral
    )
    assert [form.instance for form in formset.initial_forms] == [referred_case]
    assert "属于行政审批科职责" in response.content.decode()


def test_the_notification_list_filters_read_and_unread(administrator_client, referred_case):
    inquiry = referred_case.inquiry
    told = Notification.objects.get(
        inquiry=inquiry, recipient=inquiry.first_responder, kind=Notification.Kind.REFERRAL_ACCEPTED
    )
    notification_mark_read(user=inquiry.first_responder)
    url = reverse("admin:inquiries_notification_changelist")

    read = administrator_client.get(url, {"read": "yes"})
    unread = administrator_client.get(url, {"read": "no"})
    accepted = administrator_client.get(url, {"kind": Notification.Kind.REFERRAL_ACCEPTED})

    assert list(read.context["cl"].result_list) == [told]
    assert told not in unread.context["cl"].result_list
    assert unread.context["cl"].result_list
    assert list(accepted.context["cl"].result_list) == [told]


def test_notifications_cannot_be_added_changed_or_deleted_in_the_admin(
    administrator_client, referred_case
):
    notification = Notification.objects.filter(inquiry=referred_case.inquiry).first()

    add = administrator_client.get(reverse("admin:inquiries_notification_add"))
    change = administrator_client.post(
        reverse("admin:inquiries_notification_change", args=[notification.pk]),
        {"kind": Notification.Kind.CLOSED},
    )
    delete = administrator_client.post(
        reverse("admin:inquiries_notification_delete", args=[notification.pk]), {"post": "yes"}
    )
    page = administrator_client.get(
        reverse("admin:inquiries_notification_change", args=[notification.pk])
    )

    assert [add.status_code, change.status_code, delete.status_code] == [403, 403, 403]
    notification.refresh_from_db()
    assert notification.kind != Notification.Kind.CLOSED
    # What happened is told in a sentence, not only as the stored data.
    assert referred_case.inquiry.number in page.content.decode()


def test_staff_who_may_not_see_every_case_cannot_open_referrals_or_notifications(
    client, referred_case
):
    client.force_login(UserFactory(roles=[HANDLER.code], is_staff=True))

    referrals = client.get(reverse("admin:inquiries_referral_changelist"))
    notifications = client.get(reverse("admin:inquiries_notification_changelist"))

    assert referrals.status_code == 403
    assert notifications.status_code == 403
