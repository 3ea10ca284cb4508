"""The admin screens for departments, people and staff profiles, as an administrator uses them."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inquiries.models import Department, StaffProfile, User
from inquiries.roles import ADMINISTRATOR, DISCIPLINE, FRONT_DESK, HANDLER
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
