"""The annual assessment pages: scope, content, query counts, print and Excel."""

import datetime
import io

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from inquiries.models import Department, ExportRecord
from penalties.services.standing import standing_recompute
from tests.factories import DepartmentFactory
from tests.penalties.helpers import make_commendation, make_sanction

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR = 2026


@pytest.fixture
def en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def office(make_staff):
    """A department with a section; its head, a member with two warnings, a clean member."""
    department = DepartmentFactory(name="综合处")
    section = Department.objects.create(
        level=Department.Level.SECTION, parent=department, name="受理股", code="S-SL"
    )
    head = make_staff(department=department, username="head")
    department.head = head
    department.save()
    warned = make_staff(department=section, username="warned")
    first = make_sanction(warned, "xiaoneng", D(YEAR, 3, 1), complainant_name="投诉人王五")
    second = make_sanction(warned, "xiaoneng", D(YEAR, 9, 1))
    standing_recompute(person=warned, year=YEAR)
    clean = make_staff(department=department, username="clean")
    return {
        "department": department,
        "section": section,
        "head": head,
        "warned": warned,
        "clean": clean,
        "sanctions": (first, second),
    }


def test_my_record_shows_both_warnings_as_the_reason_for_incompetent(en, office):
    en.force_login(office["warned"])
    response = en.get(reverse("penalties:my_record"), {"year": YEAR})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Incompetent (不称职)" in page
    first, second = office["sanctions"]
    for sanction in (first, second):
        assert sanction.violation.number in page
    assert "Not eligible" in page


def test_my_record_never_shows_the_complainant(en, office):
    en.force_login(office["warned"])
    page = en.get(reverse("penalties:my_record"), {"year": YEAR}).content.decode()
    assert "投诉人王五" not in page
    assert "13800001111" not in page


def test_my_record_of_another_year_is_clean(en, office):
    en.force_login(office["warned"])
    page = en.get(reverse("penalties:my_record"), {"year": YEAR + 1}).content.decode()
    assert "No sanctions in this assessment year." in page
    assert "No rating is forced" in page


def test_a_revoked_sanction_shows_with_its_reason_and_no_longer_counts(en, office):
    _first, second = office["sanctions"]
    second.state = "revoked"
    second.revocation_reason = "申诉成立，撤销处理"
    second.save()
    en.force_login(office["warned"])
    page = en.get(reverse("penalties:my_record"), {"year": YEAR}).content.decode()
    assert "申诉成立，撤销处理" in page
    assert "Revoked on appeal" in page
    assert "No rating is forced" in page


def test_the_head_sees_the_department_and_its_sections(en, office):
    en.force_login(office["head"])
    response = en.get(reverse("penalties:assessment"), {"year": YEAR})
    assert response.status_code == 200
    names = [str(row.person) for row in response.context["rows"]]
    assert sorted(names) == sorted(str(office[k]) for k in ("head", "warned", "clean"))
    rows = {row.person.pk: row for row in response.context["rows"]}
    assert rows[office["warned"].pk].rating_floor == "incompetent"
    assert not rows[office["warned"].pk].excellence_eligible
    assert rows[office["clean"].pk].standing is None  # no records: a clean row
    assert rows[office["clean"].pk].excellence_eligible


def test_a_department_with_a_member_two_sanctions_deep_is_not_eligible_for_advanced(make_staff, en):
    from penalties.services.policy import policy_create_from_preset

    policy_create_from_preset(preset="subdistrict", activate=True)
    department = DepartmentFactory()
    viewer = make_staff(roles=["discipline"])
    person = make_staff(department=department)
    make_sanction(person, "jingshi", D(YEAR, 3, 1), type_code="no_disclosure")
    make_sanction(person, "jingshi", D(YEAR, 4, 1), type_code="no_disclosure")
    standing_recompute(person=person, year=YEAR)
    en.force_login(viewer)
    response = en.get(reverse("penalties:assessment"), {"year": YEAR, "department": department.pk})
    [item] = response.context["departments"]
    assert not item.advanced_eligible
    assert item.blocking == [person]
    [row] = response.context["rows"]
    assert not row.promotion_eligible


def test_someone_who_leads_nothing_gets_403(client, office, make_staff):
    client.force_login(office["clean"])
    assert client.get(reverse("penalties:assessment")).status_code == 403
    assert client.get(reverse("penalties:assessment_export")).status_code == 403
    url = reverse("penalties:assessment_person", args=[office["warned"].pk])
    assert client.get(url).status_code == 403


def test_a_person_outside_the_heads_scope_is_404(client, office, make_staff):
    stranger = make_staff()
    client.force_login(office["head"])
    url = reverse("penalties:assessment_person", args=[stranger.pk])
    assert client.get(url).status_code == 404
    url = reverse("penalties:assessment_person", args=[office["warned"].pk])
    assert client.get(url, {"year": YEAR}).status_code == 200


def test_the_person_page_shows_the_record_without_the_complainant(en, office):
    en.force_login(office["head"])
    url = reverse("penalties:assessment_person", args=[office["warned"].pk])
    page = en.get(url, {"year": YEAR}).content.decode()
    assert "Incompetent (不称职)" in page
    assert "投诉人王五" not in page


def test_the_supervising_leader_and_the_discipline_role_see_it(client, office, make_staff):
    leader = make_staff()
    office["department"].supervising_leader = leader
    office["department"].save()
    client.force_login(leader)
    assert client.get(reverse("penalties:assessment")).status_code == 200
    discipline = make_staff(roles=["discipline"])
    client.force_login(discipline)
    response = client.get(reverse("penalties:assessment"), {"year": YEAR})
    people = {row.person.pk for row in response.context["rows"]}
    assert {office["warned"].pk, leader.pk, discipline.pk} <= people


def test_a_department_filter_outside_the_scope_is_ignored(client, office, make_staff):
    other = DepartmentFactory()
    make_staff(department=other)
    client.force_login(office["head"])
    response = client.get(reverse("penalties:assessment"), {"department": other.pk})
    assert response.context["department"] is None
    assert {row.profile.department_id for row in response.context["rows"]} <= {
        office["department"].pk,
        office["section"].pk,
    }


def test_the_assessment_list_takes_the_same_number_of_queries_however_many_staff(
    client, make_staff, django_assert_max_num_queries
):
    """The discipline role opens the whole unit's list: it must not cost a query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    viewer = make_staff(roles=["discipline"])
    department = DepartmentFactory()
    client.force_login(viewer)
    url = reverse("penalties:assessment")

    def add_people(n):
        for _ in range(n):
            person = make_staff(department=department)
            make_sanction(person, "jiemian", D(YEAR, 3, 1))
            make_commendation(person, D(YEAR, 4, 1))
            standing_recompute(person=person, year=YEAR)

    add_people(2)
    client.get(url, {"year": YEAR})  # warm: the policy is installed on first use
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"year": YEAR})
    add_people(8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"year": YEAR})
    assert len(response.context["rows"]) == 11
    assert len(many) == len(few) <= 10


def test_the_export_has_one_row_per_person_and_is_recorded(en, office):
    en.force_login(office["head"])
    response = en.get(reverse("penalties:assessment_export"), {"year": YEAR})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Name"
    by_name = {row[0]: row for row in rows[1:]}
    assert len(by_name) == 3
    warned = by_name[str(office["warned"])]
    assert warned[3] == 2
    assert warned[5] == "Incompetent (不称职)"
    assert warned[6] == "Not eligible"
    assert by_name[str(office["clean"])][6] == "Eligible"
    record = ExportRecord.objects.get()
    assert record.user == office["head"]
    assert record.what == "assessment"
    assert record.rows == 3
    assert "投诉人王五".encode() not in response.content


def test_the_assessment_page_is_a_printable_sheet_with_an_export_link(en, office):
    en.force_login(office["head"])
    page = en.get(reverse("penalties:assessment"), {"year": YEAR}).content.decode()
    assert "assessment-sheet" in page
    assert "penalties-assessment.css" in page
    assert f"{reverse('penalties:assessment_export')}?year={YEAR}" in page
