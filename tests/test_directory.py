"""The department directory: search, htmx fragment, department detail and query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from inquiries.models import Department
from inquiries.selectors import department_directory_groups, department_search
from tests.factories import DepartmentFactory, StaffProfileFactory, UnitFactory, UserFactory

DIRECTORY = reverse("inquiries:directory")


@pytest.fixture
def organisation(db):
    """A bureau with its office, a registration department with one section, and a closed one."""
    unit = UnitFactory(phone="0531-12345")
    office = DepartmentFactory(
        parent=unit,
        name="办公室",
        code="BGS",
        is_office=True,
        sort_order=1,
        duties="负责机关日常运转，协调跨部门事项。",
        location="行政中心3楼301",
        phone="0531-86660001",
    )
    registration = DepartmentFactory(
        parent=unit,
        name="登记注册处",
        code="DJZC",
        sort_order=2,
        duties="负责企业登记注册，办理营业执照的设立、变更和注销。",
        keywords="企业开办 名称预先核准",
        location="行政中心5楼508",
        phone="0531-86660002",
    )
    section = DepartmentFactory(
        parent=registration,
        level=Department.Level.SECTION,
        name="内资企业登记科",
        code="NZDJ",
        sort_order=1,
    )
    food = DepartmentFactory(
        parent=unit, name="食品安全协调处", code="SPAQ", sort_order=3, keywords="食品 餐饮"
    )
    closed = DepartmentFactory(parent=unit, name="已撤销处", code="YCX", is_active=False)
    return {
        "unit": unit,
        "office": office,
        "registration": registration,
        "section": section,
        "food": food,
        "closed": closed,
    }


@pytest.fixture
def signed_in(client, make_staff, organisation):
    client.force_login(make_staff(roles=["front_desk"], department=organisation["office"]))
    return client


def found_names(response):
    return [row.name for group in response.context["groups"] for row in group.rows]


def test_empty_query_lists_every_active_department(signed_in, organisation):
    response = signed_in.get(DIRECTORY)

    names = found_names(response)
    assert response.status_code == 200
    assert names == ["办公室", "登记注册处", "内资企业登记科", "食品安全协调处"]
    assert "已撤销处" not in response.content.decode()


def test_sections_follow_their_own_department(organisation):
    groups = department_directory_groups(departments=department_search(query=""))

    assert len(groups) == 1
    assert groups[0].unit == organisation["unit"]
    codes = [row.code for row in groups[0].rows]
    assert codes.index("NZDJ") == codes.index("DJZC") + 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("办公", ["办公室"], id="part of the name"),
        pytest.param("djzc", ["登记注册处"], id="code in lower case"),
        pytest.param("营业执照", ["登记注册处"], id="word from the duties"),
        pytest.param("企业开办", ["登记注册处"], id="routing keyword"),
        pytest.param("bgs", ["办公室"], id="pinyin initials"),
        pytest.param("bangong", ["办公室"], id="full pinyin"),
        pytest.param("BanGongShi", ["办公室"], id="pinyin in mixed case"),
        pytest.param("ｂｇｓ", ["办公室"], id="full-width pinyin initials"),
        pytest.param("ＤＪＺＣ", ["登记注册处"], id="full-width code"),
        pytest.param(
            "企业　登记", ["登记注册处", "内资企业登记科"], id="two words, ideographic space"
        ),
    ],
)
def test_search_finds_departments(signed_in, query, expected):
    response = signed_in.get(DIRECTORY, {"q": query})

    assert found_names(response) == expected


def test_search_does_not_find_inactive_departments(signed_in):
    response = signed_in.get(DIRECTORY, {"q": "已撤销"})

    assert found_names(response) == []


def test_search_results_show_location_phone_contact_and_head(signed_in, organisation):
    contact = UserFactory(username="contact", full_name="孙七")
    StaffProfileFactory(user=contact, department=organisation["office"], office_phone="8001")
    head = UserFactory(username="head", full_name="周八")
    office = organisation["office"]
    office.contact_person = contact
    office.head = head
    office.save()

    html = signed_in.get(DIRECTORY, {"q": "bgs"}).content.decode()

    assert "行政中心3楼301" in html
    assert "0531-86660001" in html
    assert "孙七" in html
    assert "8001" in html
    assert "周八" in html
    assert reverse("inquiries:department_detail", args=["BGS"]) in html


def test_the_office_is_flagged(signed_in):
    html = signed_in.get(DIRECTORY).content.decode()

    assert html.count('class="level-department is-office"') == 1
    assert html.count('class="badge"') == 1


def test_no_match_says_so_and_points_to_the_office_phone(signed_in):
    response = signed_in.get(DIRECTORY, {"q": "宇宙飞船"})

    html = response.content.decode()
    assert found_names(response) == []
    assert "宇宙飞船" in html
    assert 'class="empty-state"' in html
    assert "0531-86660001" in html
    assert response.context["office"].code == "BGS"


def test_search_query_is_escaped(signed_in):
    html = signed_in.get(DIRECTORY, {"q": "<script>alert(1)</script>"}).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_htmx_search_returns_only_the_results_fragment(signed_in):
    response = signed_in.get(DIRECTORY, {"q": "bgs"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "<form" not in html
    assert "办公室" in html
    assert "登记注册处" not in html
    assert "HX-Request" in response["Vary"]


def test_plain_request_returns_the_whole_page_with_an_htmx_form(signed_in):
    response = signed_in.get(DIRECTORY, {"q": "bgs"})

    html = response.content.decode()
    assert "<html" in html
    assert f'action="{DIRECTORY}"' in html
    assert f'hx-get="{DIRECTORY}"' in html
    assert 'hx-target="#directory-results"' in html
    assert 'id="directory-results"' in html
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(signed_in):
    response = signed_in.get(
        DIRECTORY,
        {"q": "bgs"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    assert "<html" in response.content.decode()


def test_directory_marks_its_nav_item_as_current(signed_in):
    html = signed_in.get(DIRECTORY).content.decode()

    assert f'<a href="{DIRECTORY}" aria-current="page">' in html


def test_detail_shows_duties_keywords_sections_and_staff(signed_in, organisation):
    registration = organisation["registration"]
    StaffProfileFactory(
        user=UserFactory(username="clerk", full_name="吴九"),
        department=registration,
        title="科员",
        duty="企业名称咨询",
        office_phone="0531-86669999",
    )

    response = signed_in.get(reverse("inquiries:department_detail", args=["DJZC"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "办理营业执照的设立、变更和注销" in html
    assert "企业开办" in html
    assert "名称预先核准" in html
    assert "内资企业登记科" in html
    assert "吴九" in html
    assert "企业名称咨询" in html
    assert "0531-86669999" in html
    assert 'class="status status-present"' in html


def test_detail_shows_who_is_away_until_when_and_their_delegate(signed_in, organisation):
    today = timezone.localdate()
    delegate = UserFactory(username="stand-in", full_name="郑十")
    StaffProfileFactory(user=delegate, department=organisation["registration"], office_phone="7002")
    StaffProfileFactory(
        user=UserFactory(username="away", full_name="钱一"),
        department=organisation["registration"],
        availability="business_trip",
        away_from=today - datetime.timedelta(days=1),
        away_until=today + datetime.timedelta(days=2),
        delegate=delegate,
    )

    html = signed_in.get(reverse("inquiries:department_detail", args=["DJZC"])).content.decode()

    row = html[html.index("钱一") :].split("</tr>")[0]
    assert 'class="status status-away"' in row
    assert str((today + datetime.timedelta(days=2)).day) in row
    assert "郑十" in row
    assert "7002" in row


def test_detail_of_someone_whose_trip_has_ended_shows_them_present(signed_in, organisation):
    today = timezone.localdate()
    StaffProfileFactory(
        user=UserFactory(username="back", full_name="冯二"),
        department=organisation["registration"],
        availability="business_trip",
        away_from=today - datetime.timedelta(days=5),
        away_until=today - datetime.timedelta(days=1),
    )

    html = signed_in.get(reverse("inquiries:department_detail", args=["DJZC"])).content.decode()

    row = html[html.index("冯二") :].split("</tr>")[0]
    assert "status-present" in row


def test_detail_accepts_a_lower_case_code(signed_in):
    response = signed_in.get(reverse("inquiries:department_detail", args=["djzc"]))

    assert response.status_code == 200
    assert response.context["department"].code == "DJZC"


@pytest.mark.parametrize("code", ["NOPE", "YCX"], ids=["unknown", "inactive"])
def test_detail_is_404_for_unknown_or_inactive_codes(signed_in, code):
    response = signed_in.get(reverse("inquiries:department_detail", args=[code]))

    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]


def _populate(unit, count):
    """`count` departments, each with a contact, head, leader and two staff, one away."""
    today = timezone.localdate()
    departments = []
    for n in range(count):
        contact = UserFactory(username=f"contact{n}")
        head = UserFactory(username=f"head{n}")
        department = DepartmentFactory(
            parent=unit,
            name=f"测试处{n}",
            code=f"T{n:03d}",
            contact_person=contact,
            head=head,
            supervising_leader=UserFactory(username=f"leader{n}"),
        )
        StaffProfileFactory(user=contact, department=department)
        StaffProfileFactory(
            user=head,
            department=department,
            availability="absent",
            away_until=today + datetime.timedelta(days=1),
            delegate=contact,
        )
        DepartmentFactory(parent=department, level=Department.Level.SECTION, contact_person=head)
        departments.append(department)
    return departments


# Every staff member opens the directory many times a day while a requester waits at the
# counter: the page must cost the same few queries however large the organisation grows.
DIRECTORY_QUERIES = 6  # session, user, permissions (navigation), header counts, departments
DETAIL_QUERIES = 8  # the above without the list, plus department, sections and staff


@pytest.mark.parametrize("count", [3, 10])
def test_directory_query_count_does_not_grow_with_departments(
    client, make_staff, django_assert_num_queries, count
):
    unit = UnitFactory()
    _populate(unit, count)
    client.force_login(make_staff(roles=["front_desk"]))

    with django_assert_num_queries(DIRECTORY_QUERIES):
        response = client.get(DIRECTORY)

    assert len(found_names(response)) >= count * 2


@pytest.mark.parametrize("count", [3, 10])
def test_department_detail_query_count_does_not_grow_with_staff(
    client, make_staff, django_assert_num_queries, count
):
    unit = UnitFactory()
    department = _populate(unit, 1)[0]
    for n in range(count):
        DepartmentFactory(parent=department, level=Department.Level.SECTION, name=f"科{n}")
        StaffProfileFactory(
            user=UserFactory(username=f"staff{n}"),
            department=department,
            availability="business_trip",
            away_until=timezone.localdate() + datetime.timedelta(days=n),
            delegate=department.contact_person,
        )
    client.force_login(make_staff(roles=["front_desk"]))

    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(reverse("inquiries:department_detail", args=[department.code]))

    assert len(response.context["staff"]) == count + 2
