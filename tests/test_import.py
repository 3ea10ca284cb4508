"""Importing departments and staff from Excel and CSV files: parsing, validation, writing, page."""

import csv
import datetime
import io
import zipfile

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from inquiries import importing
from inquiries.importing import ImportKind, organisation_import
from inquiries.models import Department, StaffProfile, User
from inquiries.roles import ADMINISTRATOR, FRONT_DESK, HANDLER
from tests.factories import StaffProfileFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("inquiries:organisation_import")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

DEPARTMENT_HEADER = ["编码", "名称", "层级", "上级编码", "职责", "电话", "是否办公室", "排序"]
STAFF_HEADER = [
    "用户名",
    "姓名",
    "部门编码",
    "职务",
    "办公电话",
    "职级",
    "用工类型",
    "角色",
    "邮箱",
]

# A unit, two departments and a section, listed children first: the import must sort them.
GOOD_DEPARTMENTS = [
    DEPARTMENT_HEADER,
    ["BGS-WS", "文书股", "股室", "BGS", "负责公文收发，登记归档。", "", "否", "1"],
    ["DJZC", "登记注册处", "处室", "SJJ", "负责企业登记注册。", "0531-86660002", "", "2"],
    ["BGS", "办公室", "部门", "SJJ", "综合协调", "０５３１－８６６６０００１", "是", "1"],
    ["SJJ", "某市市场监督管理局", "单位", "", "", "", "", ""],
]


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English; zh-hans is the site default."""
    with translation.override("en"):
        yield


def xlsx_upload(rows, *, name="organisation.xlsx", number_formats=None):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for coordinate, number_format in (number_formats or {}).items():
        sheet[coordinate].number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def csv_upload(rows, *, encoding="utf-8-sig", name="organisation.csv"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def counts():
    """Everything an import can write, to show that a refused file wrote nothing."""
    return {
        "departments": Department.objects.count(),
        "department_history": Department.history.count(),
        "users": User.objects.count(),
        "user_history": User.history.count(),
        "profiles": StaffProfile.objects.count(),
        "profile_history": StaffProfile.history.count(),
        "memberships": User.groups.through.objects.count(),
    }


def error_cells(result):
    return [(error.row, error.column) for error in result.errors]


@pytest.fixture
def organisation():
    """The departments of GOOD_DEPARTMENTS, as stored by an earlier import."""
    result = organisation_import(
        kind=ImportKind.DEPARTMENTS, uploaded_file=xlsx_upload(GOOD_DEPARTMENTS)
    )
    assert result.ok, result.errors
    return {department.code: department for department in Department.objects.all()}


# --- Parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number_format", "expected"),
    [
        (None, "General", ""),
        (5318123456.0, "General", "5318123456"),
        (5318123456, "General", "5318123456"),
        (5318123456, "00000000000", "05318123456"),
        (13812345678.0, "0", "13812345678"),
        (2.5, "General", "2.5"),
        (True, "General", "1"),
        (datetime.date(2026, 3, 1), "yyyy-mm-dd", "2026-03-01"),
        ("BGS", "@", "BGS"),
    ],
)
def test_excel_cell_values_become_clean_text(value, number_format, expected):
    assert importing._cell_text(value, number_format) == expected


def test_phone_numbers_stored_as_numbers_in_excel_are_read_as_text():
    upload = xlsx_upload(
        [["编码", "名称", "层级", "电话"], ["SJJ", "某局", "单位", 5318123456]],
        number_formats={"D2": "00000000000"},
    )
    parsed = importing.import_file_parse(kind=ImportKind.DEPARTMENTS, uploaded_file=upload)
    assert parsed.rows[0].values["phone"] == "05318123456"


def test_english_and_decorated_headers_are_accepted_and_blank_rows_skipped():
    upload = csv_upload(
        [
            ["Code", "名称 *", "层级（必填）", "Parent_Code", ""],
            ["", "", "", "", ""],
            ["ｂｇｓ", "办公室", "部门", "SJJ", "a note under a blank header"],
        ]
    )
    parsed = importing.import_file_parse(kind=ImportKind.DEPARTMENTS, uploaded_file=upload)
    assert parsed.headers == {
        "code": "Code",
        "name": "名称 *",
        "level": "层级(必填)",
        "parent_code": "Parent_Code",
    }
    assert [row.number for row in parsed.rows] == [3]
    assert parsed.rows[0].values["code"] == "bgs"  # NFKC folds the full-width letters


def test_free_text_keeps_line_breaks_and_chinese_punctuation():
    duties = "一、登记；\n二、年报。"
    upload = csv_upload([["编码", "名称", "层级", "职责"], ["SJJ", "某局", "单位", duties]])
    parsed = importing.import_file_parse(kind=ImportKind.DEPARTMENTS, uploaded_file=upload)
    assert parsed.rows[0].values["duties"] == duties


# --- Departments -----------------------------------------------------------------------------


def test_department_file_in_any_order_creates_the_hierarchy():
    result = organisation_import(
        kind=ImportKind.DEPARTMENTS, uploaded_file=xlsx_upload(GOOD_DEPARTMENTS)
    )

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    departments = {d.code: d for d in Department.objects.select_related("parent")}
    assert departments["SJJ"].level == Department.Level.UNIT
    assert departments["SJJ"].parent is None
    assert departments["BGS"].parent.code == "SJJ"
    assert departments["BGS"].is_office is True
    assert departments["BGS"].phone == "0531-86660001"  # full-width digits folded
    assert departments["DJZC"].level == Department.Level.DEPARTMENT  # 处室 means department
    assert departments["BGS-WS"].parent.code == "BGS"
    assert departments["BGS-WS"].level == Department.Level.SECTION
    assert departments["BGS-WS"].duties == "负责公文收发，登记归档。"
    assert departments["DJZC"].sort_order == 2


def test_parent_code_may_name_a_department_already_stored():
    UnitFactory(code="UNIT")
    upload = csv_upload([DEPARTMENT_HEADER, ["FG", "法规科", "department", "unit", "", "", "", ""]])

    result = organisation_import(kind=ImportKind.DEPARTMENTS, uploaded_file=upload)

    assert result.ok, result.errors
    assert Department.objects.get(code="FG").parent.code == "UNIT"


def test_heads_and_contacts_are_named_by_username():
    UnitFactory(code="SJJ")
    head = UserFactory(username="wangfang")
    leader = UserFactory(username="lijun")
    upload = csv_upload(
        [
            ["编码", "名称", "层级", "上级编码", "负责人", "分管领导", "联系人"],
            ["BGS", "办公室", "部门", "SJJ", "wangfang", "lijun", ""],
        ]
    )

    result = organisation_import(kind=ImportKind.DEPARTMENTS, uploaded_file=upload)

    assert result.ok, result.errors
    office = Department.objects.get(code="BGS")
    assert (office.head, office.supervising_leader, office.contact_person) == (head, leader, None)


BAD_DEPARTMENT_ROWS = [
    pytest.param(
        ["FG", "法规科", "部门", "NOPE", "", "", "", ""],
        "上级编码",
        "No department has the code NOPE.",
        id="unknown parent code",
    ),
    pytest.param(
        ["FG", "法规科", "小组", "SJJ", "", "", "", ""],
        "层级",
        "小组 is not a level",
        id="bad level",
    ),
    pytest.param(
        ["BGS", "第二办公室", "部门", "SJJ", "", "", "", ""],
        "编码",
        "The code BGS is already used on row 4.",
        id="duplicate code",
    ),
    pytest.param(
        ["ZH", "综合科", "部门", "SJJ", "", "", "是", ""],
        "是否办公室",
        "SJJ can have only one office",
        id="two offices under one unit",
    ),
    pytest.param(
        ["DJ2", "登记注册处", "部门", "SJJ", "", "", "", ""],
        "名称",
        "SJJ already has a department named 登记注册处",
        id="name twice under one parent",
    ),
    pytest.param(
        ["FG", "法规股", "股室", "SJJ", "", "", "", ""],
        "上级编码",
        "A Section must sit under a Department.",
        id="section under a unit",
    ),
    pytest.param(
        ["SJ2", "另一个局", "单位", "SJJ", "", "", "", ""],
        "上级编码",
        "A unit cannot have a parent.",
        id="unit with a parent",
    ),
    pytest.param(
        ["FG", "法规科", "部门", "", "", "", "", ""],
        "上级编码",
        "A Department needs the code of the Unit above it.",
        id="department without a parent",
    ),
    pytest.param(
        ["FG", "法规科", "部门", "SJJ", "", "", "也许", ""],
        "是否办公室",
        "也许 is not yes or no",
        id="bad yes or no",
    ),
    pytest.param(
        ["FG", "法规科", "部门", "SJJ", "", "", "", "第一"],
        "排序",
        "Enter a whole number, 0 or more.",
        id="bad sort order",
    ),
    pytest.param(
        ["FG", "法" * 101, "部门", "SJJ", "", "", "", ""],
        "名称",
        "Ensure this value has at most 100 characters",
        id="name too long",
    ),
]


@pytest.mark.parametrize(("bad_row", "column", "message"), BAD_DEPARTMENT_ROWS)
def test_one_bad_department_row_writes_nothing_and_names_row_and_column(bad_row, column, message):
    before = counts()
    # The bad row is the sixth spreadsheet row: the header and four good rows come first.
    upload = xlsx_upload([*GOOD_DEPARTMENTS, bad_row])

    result = organisation_import(kind=ImportKind.DEPARTMENTS, uploaded_file=upload)

    assert counts() == before
    assert not result.ok
    assert (result.created, result.updated) == (0, 0)
    # A clash (two offices, one name twice) is reported on both rows; nothing else is.
    assert {error.column for error in result.errors} == {column}
    [error] = [error for error in result.errors if error.row == 6]
    assert str(error).startswith(f"Row 6 · {column}: ")
    assert message in str(error)


def test_a_loop_of_parent_codes_is_reported():
    UnitFactory(code="SJJ")
    upload = csv_upload(
        [
            ["编码", "名称", "层级", "上级编码"],
            ["A", "甲股", "股室", "B"],
            ["B", "乙股", "股室", "A"],
        ]
    )

    result = organisation_import(kind=ImportKind.DEPARTMENTS, uploaded_file=upload)

    assert not result.ok
    messages = [str(error) for error in result.errors]
    assert "Row 2 · 上级编码: The parent codes form a loop: A → B → A." in messages
    assert "Row 3 · 上级编码: The parent codes form a loop: B → A → B." in messages
    assert Department.objects.count() == 1


def test_every_error_of_a_file_is_reported_in_row_order():
    upload = csv_upload(
        [
            ["编码", "名称", "层级", "上级编码"],
            ["SJJ", "", "单位", ""],
            ["X", "某处", "部门", "NOPE"],
            ["Y", "某股", "小组", "X"],
        ]
    )

    result = organisation_import(kind=ImportKind.DEPARTMENTS, uploaded_file=upload)

    assert error_cells(result) == [(2, "名称"), (3, "上级编码"), (4, "层级")]
    assert str(result.errors[0]) == "Row 2 · 名称: This cell is required."


def test_a_head_who_has_no_account_is_an_error():
    UnitFactory(code="SJJ")
    upload = csv_upload(
        [["编码", "名称", "层级", "上级编码", "负责人"], ["BGS", "办公室", "部门", "SJJ", "nobody"]]
    )

    result = organisation_import(kind=ImportKind.DEPARTMENTS, uploaded_file=upload)

    assert [str(error) for error in result.errors] == [
        "Row 2 · 负责人: No user has the username nobody; add that person first."
    ]
    assert not Department.objects.filter(code="BGS").exists()


def test_changing_a_level_that_strands_stored_sections_is_an_error(organisation):
    upload = csv_upload([["编码", "名称", "层级", "上级编码"], ["BGS", "办公室", "股室", "DJZC"]])

    result = organisation_import(kind=ImportKind.DEPARTMENTS, uploaded_file=upload)

    [error] = [error for error in result.errors if error.column == "层级"]
    assert str(error) == (
        "Row 2 · 层级: The departments BGS-WS would no longer fit under a Section."
    )


def test_reimporting_the_same_department_file_changes_nothing():
    upload = xlsx_upload(GOOD_DEPARTMENTS)
    organisation_import(kind=ImportKind.DEPARTMENTS, uploaded_file=upload)
    before = counts()

    result = organisation_import(kind=ImportKind.DEPARTMENTS, uploaded_file=upload)

    assert result.ok
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    assert result.changes == []
    assert counts() == before  # no new history rows either


def test_one_changed_cell_updates_only_that_department(organisation):
    rows = [list(row) for row in GOOD_DEPARTMENTS]
    rows[2][5] = "0531-86669999"  # DJZC's phone
    before = Department.history.count()

    result = organisation_import(kind=ImportKind.DEPARTMENTS, uploaded_file=csv_upload(rows))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    assert [(c.key, c.action, c.fields) for c in result.changes] == [
        ("DJZC", "updated", ("phone",))
    ]
    assert Department.history.count() == before + 1
    assert Department.objects.get(code="DJZC").phone == "0531-86669999"


def test_a_column_left_out_keeps_stored_values(organisation):
    upload = csv_upload([["编码", "名称", "层级"], ["DJZC", "登记注册处", "部门"]])

    result = organisation_import(kind=ImportKind.DEPARTMENTS, uploaded_file=upload)

    assert (result.updated, result.unchanged) == (0, 1)
    registration = Department.objects.get(code="DJZC")
    assert registration.parent.code == "SJJ"
    assert registration.duties == "负责企业登记注册。"


def test_the_office_can_move_between_departments_in_one_file(organisation):
    # ZH takes the office before BGS gives it up in the file; the saves must run the other way.
    upload = csv_upload(
        [
            ["编码", "名称", "层级", "上级编码", "是否办公室"],
            ["DJZC", "登记注册处", "部门", "SJJ", "yes"],
            ["BGS", "办公室", "部门", "SJJ", "no"],
        ]
    )

    result = organisation_import(kind=ImportKind.DEPARTMENTS, uploaded_file=upload)

    assert result.ok, result.errors
    assert list(Department.objects.filter(is_office=True).values_list("code", flat=True)) == [
        "DJZC"
    ]


def test_a_department_dry_run_reports_changes_and_writes_nothing():
    before = counts()

    result = organisation_import(
        kind=ImportKind.DEPARTMENTS, uploaded_file=xlsx_upload(GOOD_DEPARTMENTS), dry_run=True
    )

    assert result.ok and result.dry_run
    assert result.created == 4
    assert sorted(change.key for change in result.changes) == ["BGS", "BGS-WS", "DJZC", "SJJ"]
    assert counts() == before


# --- Staff -----------------------------------------------------------------------------------


def test_staff_file_creates_accounts_profiles_and_roles(organisation):
    upload = xlsx_upload(
        [
            STAFF_HEADER,
            [
                "zhangsan",
                "张三",
                "bgs",
                "科员",
                "０５３１－８１２３４５６７",
                "副科级",
                "合同",
                "前台接待、经办人",
                "ZhangSan@Example.GOV.CN",
            ],
            ["lisi", "李四", "SJJ", "信息化管理员", 5318123456, 10, "", "系统管理员", ""],
        ],
        number_formats={"E3": "00000000000"},
    )

    result = organisation_import(kind=ImportKind.STAFF, uploaded_file=upload)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert result.new_users_without_password == 2
    zhang = User.objects.get(username="zhangsan")
    assert zhang.full_name == "张三"
    assert zhang.email == "ZhangSan@example.gov.cn"
    assert not zhang.has_usable_password()
    assert not zhang.is_staff
    assert set(zhang.groups.values_list("name", flat=True)) == {
        FRONT_DESK.group_name,
        HANDLER.group_name,
    }
    profile = zhang.profile
    assert profile.department.code == "BGS"
    assert profile.office_phone == "0531-81234567"
    assert profile.rank == StaffProfile.Rank.DEPUTY_SECTION_CHIEF
    assert profile.employment_type == StaffProfile.EmploymentType.CONTRACT
    li = User.objects.get(username="lisi")
    assert li.is_staff  # administrators set passwords in the admin
    assert li.has_perm("inquiries.import_organisation")
    assert li.profile.office_phone == "05318123456"
    assert li.profile.rank == StaffProfile.Rank.CLERK
    assert li.profile.employment_type == StaffProfile.EmploymentType.ESTABLISHED


def test_an_existing_user_is_updated_and_keeps_groups_that_are_not_roles(organisation):
    other_group = Group.objects.create(name="工会")
    user = UserFactory(username="wangwu", full_name="王五", roles=["front_desk"])
    user.groups.add(other_group)
    StaffProfileFactory(user=user, department=organisation["DJZC"], title="科员")
    upload = csv_upload(
        [
            ["用户名", "姓名", "部门编码", "职务", "角色"],
            ["wangwu", "王 五", "BGS", "科长", "handler"],
        ]
    )

    result = organisation_import(kind=ImportKind.STAFF, uploaded_file=upload)

    assert (result.created, result.updated) == (0, 1)
    assert result.new_users_without_password == 0
    user.refresh_from_db()
    assert user.full_name == "王 五"
    assert user.has_usable_password()
    assert set(user.groups.values_list("name", flat=True)) == {"工会", HANDLER.group_name}
    assert user.profile.department.code == "BGS"
    assert user.profile.title == "科长"


def test_reimporting_the_same_staff_file_changes_nothing(organisation):
    rows = [
        STAFF_HEADER,
        ["zhangsan", "张三", "BGS", "科员", "0531-81234567", "科员", "在编", "经办人", ""],
        ["lisi", "李四", "SJJ", "科员", "", "", "", "", ""],
    ]
    organisation_import(kind=ImportKind.STAFF, uploaded_file=csv_upload(rows))
    before = counts()

    result = organisation_import(kind=ImportKind.STAFF, uploaded_file=csv_upload(rows))

    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert counts() == before


BAD_STAFF_ROWS = [
    pytest.param(
        ["zhaoliu", "赵六", "BGS", "科员", "", "", "", "保安", ""],
        "角色",
        "保安 is not a role",
        id="unknown role",
    ),
    pytest.param(
        ["zhaoliu", "赵六", "NOPE", "科员", "", "", "", "", ""],
        "部门编码",
        "No department has the code NOPE.",
        id="unknown department",
    ),
    pytest.param(
        ["zhangsan", "张三丰", "BGS", "科员", "", "", "", "", ""],
        "用户名",
        "The username zhangsan is already used on row 2.",
        id="duplicate username",
    ),
    pytest.param(
        ["zhaoliu", "赵六", "BGS", "科员", "", "", "", "", "not-an-email"],
        "邮箱",
        "Enter a valid email address.",
        id="bad email",
    ),
    pytest.param(
        ["zhaoliu", "赵六", "BGS", "科员", "", "大将军", "", "", ""],
        "职级",
        "大将军 is not a valid rank",
        id="bad rank",
    ),
    pytest.param(
        ["zhao liu", "赵六", "BGS", "科员", "", "", "", "", ""],
        "用户名",
        "Enter a valid username",
        id="bad username",
    ),
    pytest.param(
        ["zhaoliu", "赵六", "BGS", "", "", "", "", "", ""],
        "职务",
        "This cell is required.",
        id="missing title",
    ),
]


@pytest.mark.parametrize(("bad_row", "column", "message"), BAD_STAFF_ROWS)
def test_one_bad_staff_row_writes_nothing_and_names_row_and_column(
    organisation, bad_row, column, message
):
    before = counts()
    upload = csv_upload(
        [STAFF_HEADER, ["zhangsan", "张三", "BGS", "科员", "", "", "", "经办人", ""], bad_row]
    )

    result = organisation_import(kind=ImportKind.STAFF, uploaded_file=upload)

    assert counts() == before
    assert error_cells(result) == [(3, column)]
    assert message in str(result.errors[0])


def test_staff_validation_does_not_query_per_row(organisation):
    """Validation runs inside the import's transaction; a query per row would hold it long."""

    def queries_for(number_of_rows):
        usernames = [f"q{number_of_rows}x{n}" for n in range(number_of_rows)]
        for username in usernames:
            user = UserFactory(username=username, roles=["handler"])
            StaffProfileFactory(user=user, department=organisation["DJZC"])
        rows = [STAFF_HEADER] + [
            [username, "某人", "BGS", "科员", "", "科员", "在编", "经办人", ""]
            for username in usernames
        ]
        parsed = importing.import_file_parse(kind=ImportKind.STAFF, uploaded_file=csv_upload(rows))
        with CaptureQueriesContext(connection) as context:
            plan = importing.import_rows_validate(parsed=parsed)
        assert plan.count("updated") == number_of_rows
        return len(context.captured_queries)

    assert queries_for(3) == queries_for(30)


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig", "utf-8"])
def test_csv_files_in_chinese_and_unicode_encodings_import(organisation, encoding):
    upload = csv_upload(
        [STAFF_HEADER, ["zhangsan", "张三", "BGS", "科员", "", "正科级", "在编", "经办人", ""]],
        encoding=encoding,
    )

    result = organisation_import(kind=ImportKind.STAFF, uploaded_file=upload)

    assert result.ok, result.errors
    assert User.objects.get(username="zhangsan").full_name == "张三"


# --- Problems with the file itself -----------------------------------------------------------


def _corrupt_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param("staff.xls", b"\xd0\xcf\x11\xe0", "Upload an Excel workbook", id="xls"),
        pytest.param("staff.txt", b"a,b", "Upload an Excel workbook", id="txt"),
        pytest.param("staff.xlsx", b"", "The file is empty.", id="empty"),
        pytest.param("staff.xlsx", b"PK\x03\x04garbage", "could not be read", id="corrupt xlsx"),
        pytest.param("staff.xlsx", _corrupt_zip(), "could not be read", id="zip not workbook"),
        pytest.param("staff.csv", b"\xff\xfe\x00\x81\xff", "encoding", id="unknown encoding"),
        pytest.param("staff.csv", "\n\n用户名\n".encode(), "first row", id="header not first"),
        pytest.param(
            "staff.csv", "用户名,姓名,部门编码,职务\n".encode(), "no data rows", id="header only"
        ),
    ],
)
def test_unusable_files_are_refused_with_a_message(name, content, message):
    result = organisation_import(
        kind=ImportKind.STAFF, uploaded_file=SimpleUploadedFile(name, content)
    )

    assert not result.ok
    assert [error.row for error in result.errors] == [None]
    assert message in str(result.errors[0])


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.ORGANISATION_IMPORT_MAX_BYTES = 100
    upload = csv_upload([STAFF_HEADER] + [["x"] * 9] * 20)

    result = organisation_import(kind=ImportKind.STAFF, uploaded_file=upload)

    assert "files up to 100" in str(result.errors[0])


def test_a_file_over_the_row_limit_is_refused(monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    upload = csv_upload([STAFF_HEADER] + [[f"u{n}", "某", "BGS", "科员"] for n in range(4)])

    result = organisation_import(kind=ImportKind.STAFF, uploaded_file=upload)

    assert str(result.errors[0]) == "The file has more than 3 rows. Split it into smaller files."


def test_header_problems_are_all_reported_on_row_one():
    upload = xlsx_upload([["用户名", "姓名", "姓名", "部门", "备注"], ["a", "b", "c", "BGS", ""]])

    result = organisation_import(kind=ImportKind.STAFF, uploaded_file=upload)

    assert [str(error) for error in result.errors] == [
        "Row 1 · 姓名: This column appears twice (columns B and C).",
        "Row 1 · 备注: Unknown column (column E). The accepted columns are listed on the import "
        "page.",
        "Row 1 · 职务: This required column is missing.",
    ]


# --- Downloadable templates ------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_the_templates_import_cleanly_departments_then_staff(extension):
    make = getattr(importing, f"import_template_{extension}")
    for kind in (ImportKind.DEPARTMENTS, ImportKind.STAFF):
        upload = SimpleUploadedFile(f"{kind}.{extension}", make(kind=kind))
        result = organisation_import(kind=kind, uploaded_file=upload)
        assert result.ok, result.errors
        assert result.created == len(importing.TEMPLATE_EXAMPLES[kind])
    profile = StaffProfile.objects.get(user__username="zhangsan")
    assert profile.office_phone == "0531-81230002"
    assert profile.department.code == "BGS"


# --- The page --------------------------------------------------------------------------------


@pytest.fixture
def importer(client):
    user = UserFactory(username="guanliyuan", roles=[ADMINISTRATOR.code], is_staff=True)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return user


def test_people_without_the_permission_get_403(client, make_staff):
    client.force_login(make_staff(roles=["front_desk", "department_head"]))
    before = counts()

    assert client.get(IMPORT_URL).status_code == 403
    assert client.get(IMPORT_URL, {"template": "staff.xlsx"}).status_code == 403
    upload = csv_upload(GOOD_DEPARTMENTS)
    response = client.post(IMPORT_URL, {"kind": "departments", "file": upload})
    assert response.status_code == 403
    assert counts() == before


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(IMPORT_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_explains_both_formats_and_offers_templates(client, importer):
    response = client.get(IMPORT_URL)

    assert response.status_code == 200
    content = response.content.decode()
    for header in ("上级编码", "是否办公室", "用户名", "部门编码", "在岗状态"):
        assert header in content
    assert "?template=departments.xlsx" in content
    assert "?template=staff.csv" in content
    assert 'enctype="multipart/form-data"' in content


@pytest.mark.parametrize("kind", ["departments", "staff"])
def test_templates_download_as_workbooks(client, importer, kind):
    response = client.get(IMPORT_URL, {"template": f"{kind}.xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert f'filename="{kind}.xlsx"' in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    header = [cell.value for cell in workbook.active[1]]
    assert header == [column.header for column in importing.COLUMNS[kind]]


def test_an_unknown_template_is_404(client, importer):
    assert client.get(IMPORT_URL, {"template": "../settings.py"}).status_code == 404


def test_posting_a_good_file_imports_it_and_records_who_did(client, importer):
    response = client.post(
        IMPORT_URL, {"kind": "departments", "file": xlsx_upload(GOOD_DEPARTMENTS)}
    )

    assert response.status_code == 200
    assert "4 created, 0 updated, 0 unchanged." in response.content.decode()
    assert Department.objects.count() == 4
    history = Department.history.filter(code="BGS").get()
    assert history.history_type == "+"
    assert history.history_user == importer


def test_posting_staff_links_to_setting_passwords(client, importer, organisation):
    upload = csv_upload([STAFF_HEADER, ["zhangsan", "张三", "BGS", "科员", "", "", "", "", ""]])

    response = client.post(IMPORT_URL, {"kind": "staff", "file": upload})

    content = response.content.decode()
    assert "1 new account has no password yet" in content
    assert reverse("admin:inquiries_user_changelist") + "?username__in=zhangsan" in content
    assert User.history.get(username="zhangsan").history_user == importer
    assert StaffProfile.history.get().history_user == importer


def test_posting_a_bad_file_lists_row_numbered_errors_and_saves_nothing(client, importer):
    upload = xlsx_upload([*GOOD_DEPARTMENTS, ["FG", "法规科", "部门", "NOPE", "", "", "", ""]])

    response = client.post(IMPORT_URL, {"kind": "departments", "file": upload})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Nothing was imported" in content
    assert "Row 6 · 上级编码: No department has the code NOPE." in content
    assert Department.objects.count() == 0


def test_a_long_error_list_is_cut_short(client, importer):
    rows = [DEPARTMENT_HEADER] + [
        [f"D{n}", f"处{n}", "部门", "NOPE", "", "", "", ""] for n in range(250)
    ]

    response = client.post(IMPORT_URL, {"kind": "departments", "file": csv_upload(rows)})

    content = response.content.decode()
    assert content.count("No department has the code NOPE.") == 200
    assert "and 50 more problems" in content


def test_a_dry_run_through_the_page_saves_nothing(client, importer):
    response = client.post(
        IMPORT_URL,
        {"kind": "departments", "file": xlsx_upload(GOOD_DEPARTMENTS), "dry_run": "on"},
    )

    content = response.content.decode()
    assert "Check passed" in content
    assert "4 created, 0 updated, 0 unchanged" in content
    assert Department.objects.count() == 0


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("org.pdf", b"%PDF"), "Upload an Excel workbook (.xlsx)"),
        (SimpleUploadedFile("org.xlsx", b"not a zip"), "The workbook could not be read."),
        (SimpleUploadedFile("org.csv", "编码,名称\nA,B\n".encode()), "required column is missing"),
    ],
)
def test_bad_uploads_through_the_page_give_a_message_not_a_500(client, importer, upload, message):
    response = client.post(IMPORT_URL, {"kind": "departments", "file": upload})

    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_file_too_large_is_refused_by_the_form(client, importer, settings):
    settings.ORGANISATION_IMPORT_MAX_BYTES = 10

    response = client.post(
        IMPORT_URL, {"kind": "departments", "file": csv_upload(GOOD_DEPARTMENTS)}
    )

    assert response.status_code == 200
    assert response.context["form"].has_error("file", code="too_large")
    assert response.context["result"] is None


def test_other_methods_are_refused(client, importer):
    assert client.put(IMPORT_URL).status_code == 405


def test_the_password_link_lists_just_the_new_accounts(client, importer, organisation):
    UserFactory(username="already-here")
    rows = [STAFF_HEADER] + [
        [f"new{n}", "某人", "BGS", "科员", "", "", "", "", ""] for n in range(2)
    ]
    response = client.post(IMPORT_URL, {"kind": "staff", "file": csv_upload(rows)})

    changelist = client.get(response.context["new_users_url"])

    assert changelist.status_code == 200
    assert sorted(user.username for user in changelist.context["cl"].result_list) == [
        "new0",
        "new1",
    ]


def test_a_clash_found_only_by_the_database_rolls_everything_back(monkeypatch, organisation):
    """If validation misses a clash (or another admin saves meanwhile), nothing is half-saved."""
    monkeypatch.setattr(importing, "_check_across_rows", lambda *args: None)
    before = counts()
    upload = csv_upload(
        [
            ["编码", "名称", "层级", "上级编码", "是否办公室"],
            ["FG", "法规科", "部门", "SJJ", "否"],
            ["ZH", "综合科", "部门", "SJJ", "是"],  # a second office under SJJ
        ]
    )

    result = organisation_import(kind=ImportKind.DEPARTMENTS, uploaded_file=upload)

    assert [str(error) for error in result.errors] == [
        "The organisation changed while the file was being imported, so nothing was saved. "
        "Upload the file again."
    ]
    assert counts() == before
