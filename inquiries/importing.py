"""Bulk import of departments and staff from an Excel workbook (.xlsx) or a CSV file.

Three steps, each testable on its own:

1. `import_file_parse` turns the upload into numbered rows of text keyed by column; problems
   with the file itself (type, size, encoding, headers) raise `ImportFileError`.
2. `import_rows_validate` checks every row against the database and against the other rows
   and returns a plan: what would be created or updated, and every error found.
3. `import_plan_write` saves the plan (parents before children) through `Model.save()`, so
   django-simple-history records each change and who made it.

`organisation_import` runs the three. It is all or nothing: one bad row and nothing is saved.
Rows are keyed by department code and by username, so importing the same file twice changes
nothing the second time, and only objects whose values differ are saved.
"""

import contextlib
import csv
import datetime
import io
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from inquiries.models import Department, StaffProfile, User
from inquiries.roles import ADMINISTRATOR, ROLES, Role, role_from_text, roles_sync
from inquiries.text import normalize_text

logger = logging.getLogger(__name__)

# An organisation has hundreds of rows; a file far beyond that is a mistake (or an attack).
MAX_ROWS = 5000
# Stop reading a worksheet after this many rows even when they are blank (formatted but empty
# rows), so a crafted file cannot keep a request busy.
MAX_SCANNED_ROWS = 100_000
EXTENSIONS = (".xlsx", ".csv")
# Excel and WPS in a Chinese locale save CSV in GBK; GB18030 is its superset.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


class ImportKind(models.TextChoices):
    DEPARTMENTS = "departments", gettext_lazy("Departments")
    STAFF = "staff", gettext_lazy("Staff")


# ---------------------------------------------------------------------------------------------
# Columns and the words accepted in them
# ---------------------------------------------------------------------------------------------

# Words people type for choice columns, beyond each choice's value and its label in every
# language the site offers. Keys are compared in lower case after NFKC.
LEVEL_WORDS = {
    "单位": Department.Level.UNIT,
    "部门": Department.Level.DEPARTMENT,
    "处室": Department.Level.DEPARTMENT,
    "科室": Department.Level.DEPARTMENT,
    "股室": Department.Level.SECTION,
    "股": Department.Level.SECTION,
}
RANK_WORDS = {
    "办事员": StaffProfile.Rank.CLERK,
    "科员": StaffProfile.Rank.STAFF_MEMBER,
    "副科": StaffProfile.Rank.DEPUTY_SECTION_CHIEF,
    "副科级": StaffProfile.Rank.DEPUTY_SECTION_CHIEF,
    "正科": StaffProfile.Rank.SECTION_CHIEF,
    "正科级": StaffProfile.Rank.SECTION_CHIEF,
    "副处": StaffProfile.Rank.DEPUTY_DIVISION_CHIEF,
    "副处级": StaffProfile.Rank.DEPUTY_DIVISION_CHIEF,
    "副县级": StaffProfile.Rank.DEPUTY_DIVISION_CHIEF,
    "正处": StaffProfile.Rank.DIVISION_CHIEF,
    "正处级": StaffProfile.Rank.DIVISION_CHIEF,
    "正县级": StaffProfile.Rank.DIVISION_CHIEF,
    "副厅级": StaffProfile.Rank.DEPUTY_BUREAU_CHIEF,
    "副局级": StaffProfile.Rank.DEPUTY_BUREAU_CHIEF,
    "正厅级": StaffProfile.Rank.BUREAU_CHIEF,
    "正局级": StaffProfile.Rank.BUREAU_CHIEF,
}
EMPLOYMENT_WORDS = {
    "在编": StaffProfile.EmploymentType.ESTABLISHED,
    "编制内": StaffProfile.EmploymentType.ESTABLISHED,
    "合同": StaffProfile.EmploymentType.CONTRACT,
    "合同制": StaffProfile.EmploymentType.CONTRACT,
    "聘用": StaffProfile.EmploymentType.CONTRACT,
    "聘用制": StaffProfile.EmploymentType.CONTRACT,
    "试用": StaffProfile.EmploymentType.PROBATIONARY,
    "试用期": StaffProfile.EmploymentType.PROBATIONARY,
    "借调": StaffProfile.EmploymentType.SECONDED,
    "挂职": StaffProfile.EmploymentType.SECONDED,
    "临时": StaffProfile.EmploymentType.TEMPORARY,
    "临聘": StaffProfile.EmploymentType.TEMPORARY,
}
AVAILABILITY_WORDS = {
    "在岗": StaffProfile.Availability.PRESENT,
    "不在岗": StaffProfile.Availability.ABSENT,
    "请假": StaffProfile.Availability.ABSENT,
    "休假": StaffProfile.Availability.ABSENT,
    "出差": StaffProfile.Availability.BUSINESS_TRIP,
}
YES_WORDS = frozenset({"是", "yes", "y", "true", "1", "√"})
NO_WORDS = frozenset({"否", "no", "n", "false", "0", ""})
ROLE_SEPARATORS = re.compile(r"[、,，;；\s]+")


def _choice_values(choices: type[models.Choices]) -> list[str]:
    return [f"{label} ({value})" for value, label in choices.choices]


def _role_values() -> list[str]:
    return [f"{role.group_name} ({role.label})" for role in ROLES]


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header, as written in the downloadable template
    aliases: tuple[str, ...]  # other accepted headers (English)
    description: Promise
    required: bool = False
    # Prose keeps its line breaks and Chinese punctuation; other cells are folded with NFKC.
    free_text: bool = False
    accepted_values: Callable[[], list[str]] | None = None


DEPARTMENT_COLUMNS = (
    Column(
        "code",
        "编码",
        ("code",),
        gettext_lazy(
            "A short unique code, e.g. BGS; letters are stored in upper case. A row whose code "
            "already exists updates that department."
        ),
        required=True,
    ),
    Column(
        "name",
        "名称",
        ("name",),
        gettext_lazy("The name; unique among the departments under the same parent."),
        required=True,
    ),
    Column(
        "level",
        "层级",
        ("level",),
        gettext_lazy(
            "单位 (unit), 部门 (department; 处室 and 科室 also work) or 股室 (section; 股 also "
            "works). A unit is at the top, departments sit under a unit, sections under a "
            "department."
        ),
        required=True,
        accepted_values=lambda: _choice_values(Department.Level),
    ),
    Column(
        "parent_code",
        "上级编码",
        ("parent code", "parent"),
        gettext_lazy(
            "The code of the unit or department above it: another row of this file (in any "
            "order) or a department already in the system. Leave blank for a unit."
        ),
    ),
    Column(
        "duties",
        "职责",
        ("duties",),
        gettext_lazy("The department's responsibilities (职责)."),
        free_text=True,
    ),
    Column(
        "keywords",
        "关键词",
        ("keywords",),
        gettext_lazy("Words that point a matter to this department, separated by spaces."),
    ),
    Column("location", "办公地点", ("location",), gettext_lazy("Office location.")),
    Column("phone", "电话", ("phone",), gettext_lazy("The department's phone number.")),
    Column(
        "contact_person",
        "联系人",
        ("contact person", "contact"),
        gettext_lazy("Username of the contact person; the account must already exist."),
    ),
    Column(
        "head",
        "负责人",
        ("head",),
        gettext_lazy("Username of the head; the account must already exist."),
    ),
    Column(
        "supervising_leader",
        "分管领导",
        ("supervising leader",),
        gettext_lazy("Username of the supervising leader; the account must already exist."),
    ),
    Column(
        "is_office",
        "是否办公室",
        ("is office",),
        gettext_lazy(
            "是 or 否 (also yes/no or 1/0); blank means no. A unit has at most one office."
        ),
    ),
    Column(
        "sort_order",
        "排序",
        ("sort order", "order"),
        gettext_lazy("A whole number; smaller numbers are listed first. Blank means 0."),
    ),
)

STAFF_COLUMNS = (
    Column(
        "username",
        "用户名",
        ("username",),
        gettext_lazy("The sign-in name. A row whose username already exists updates that person."),
        required=True,
    ),
    Column("full_name", "姓名", ("full name", "name"), gettext_lazy("Full name."), required=True),
    Column(
        "department_code",
        "部门编码",
        ("部门", "department code", "department"),
        gettext_lazy("The code of the person's department; it must already exist."),
        required=True,
    ),
    Column("title", "职务", ("title",), gettext_lazy("The post (职务)."), required=True),
    Column(
        "duty",
        "职责",
        ("duty", "duties"),
        gettext_lazy("What this person handles."),
        free_text=True,
    ),
    Column("office_phone", "办公电话", ("office phone", "phone"), gettext_lazy("Office phone.")),
    Column(
        "rank",
        "职级",
        ("rank",),
        gettext_lazy(
            "The rank's name or number, e.g. 科员 or 20. Blank keeps the current rank, or the "
            "default for a new person."
        ),
        accepted_values=lambda: _choice_values(StaffProfile.Rank),
    ),
    Column(
        "employment_type",
        "用工类型",
        ("employment type",),
        gettext_lazy(
            "The employment type's name, e.g. 在编 or 合同. Blank keeps the current value, or the "
            "default for a new person."
        ),
        accepted_values=lambda: _choice_values(StaffProfile.EmploymentType),
    ),
    Column(
        "roles",
        "角色",
        ("roles", "role"),
        gettext_lazy(
            "Roles separated by 、 , ; or spaces. They replace the person's current roles; a "
            "blank cell removes them all. An administrator can also sign in to the "
            "administration site."
        ),
        accepted_values=_role_values,
    ),
    Column("email", "邮箱", ("email", "e-mail"), gettext_lazy("Email address.")),
    Column(
        "availability",
        "在岗状态",
        ("availability",),
        gettext_lazy(
            "在岗, 请假 or 出差. Blank keeps the current value (present for a new person)."
        ),
        accepted_values=lambda: _choice_values(StaffProfile.Availability),
    ),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.DEPARTMENTS: DEPARTMENT_COLUMNS,
    ImportKind.STAFF: STAFF_COLUMNS,
}

# The example rows of the downloadable templates: they import cleanly into an empty system,
# departments first, then staff.
TEMPLATE_EXAMPLES: dict[str, list[dict[str, str]]] = {
    ImportKind.DEPARTMENTS: [
        {
            "code": "SJJ",
            "name": "某市市场监督管理局",
            "level": "单位",
            "phone": "0531-81230000",
            "sort_order": "0",
        },
        {
            "code": "BGS",
            "name": "办公室",
            "level": "部门",
            "parent_code": "SJJ",
            "duties": "负责机关日常运转，承担综合协调、文电会务、督查督办等工作。",
            "keywords": "综合 协调 督办 转办",
            "location": "行政中心3楼301室",
            "phone": "0531-81230001",
            "is_office": "是",
            "sort_order": "1",
        },
        {
            "code": "BGS-WS",
            "name": "文书股",
            "level": "股室",
            "parent_code": "BGS",
            "duties": "负责公文收发、登记和归档。",
            "keywords": "公文 收文 归档",
            "location": "行政中心3楼305室",
            "phone": "0531-81230005",
            "is_office": "否",
            "sort_order": "1",
        },
    ],
    ImportKind.STAFF: [
        {
            "username": "zhangsan",
            "full_name": "张三",
            "department_code": "BGS",
            "title": "科员",
            "duty": "负责来电来访登记和转办。",
            "office_phone": "0531-81230002",
            "rank": "科员",
            "employment_type": "在编",
            "roles": "前台接待、经办人",
            "email": "zhangsan@example.gov.cn",
            "availability": "在岗",
        },
    ],
}


# ---------------------------------------------------------------------------------------------
# Errors and results
# ---------------------------------------------------------------------------------------------

FILE_ERROR_MESSAGES = {
    "extension": gettext_lazy(
        "Upload an Excel workbook (.xlsx) or a CSV file (.csv). Save older .xls workbooks "
        "as .xlsx first."
    ),
    "empty": gettext_lazy("The file is empty."),
    "too_large": gettext_lazy("The file is %(size)s; files up to %(limit)s are accepted."),
    "too_many_rows": gettext_lazy(
        "The file has more than %(limit)s rows. Split it into smaller files."
    ),
    "unreadable_xlsx": gettext_lazy(
        "The workbook could not be read. Open it in Excel or WPS, save it as .xlsx and upload "
        "it again."
    ),
    "encoding": gettext_lazy(
        "The CSV file's text encoding was not recognised. Save it as UTF-8 or GBK (GB18030)."
    ),
    "unreadable_csv": gettext_lazy(
        "The CSV file could not be read. Save it again as comma-separated values (CSV)."
    ),
    "no_header": gettext_lazy("The first row must hold the column headers, but it is empty."),
    "no_rows": gettext_lazy("The file has column headers but no data rows."),
    "changed_meanwhile": gettext_lazy(
        "The organisation changed while the file was being imported, so nothing was saved. "
        "Upload the file again."
    ),
}


@dataclass(frozen=True)
class RowError:
    """One problem: a spreadsheet row (the header is row 1) and column, or the whole file."""

    message: str
    row: int | None = None
    column: str = ""

    def __str__(self):
        if self.row is None:
            return self.message
        params = {"row": self.row, "column": self.column, "message": self.message}
        if self.column:
            return _("Row %(row)s · %(column)s: %(message)s") % params
        return _("Row %(row)s: %(message)s") % params


class ImportFileError(Exception):
    """The file cannot be imported at all (wrong type, too big, unreadable, bad headers)."""

    def __init__(self, errors: list[RowError], *, code: str = "", params: dict | None = None):
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors
        self.code = code
        self.params = params or {}

    @classmethod
    def of(cls, code: str, **params) -> "ImportFileError":
        message = FILE_ERROR_MESSAGES[code]
        text = str(message % params) if params else str(message)
        return cls([RowError(text)], code=code, params=params)


@dataclass(frozen=True)
class RowChange:
    """A row that creates or updates something, for the result page."""

    row: int
    action: str  # "created" or "updated"
    key: str  # the department code or username
    label: str  # the department name or person's name
    fields: tuple[str, ...] = ()  # labels of the fields an update changes


@dataclass
class ImportResult:
    kind: str
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    new_users_without_password: int = 0
    new_usernames: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# ---------------------------------------------------------------------------------------------
# 1. Parsing: file -> rows of text
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedRow:
    number: int  # the spreadsheet row number; the header is row 1
    values: dict[str, str]  # column key -> normalised text, for the columns in the file


@dataclass(frozen=True)
class ParsedFile:
    kind: str
    headers: dict[str, str]  # column key -> the header as written in the file
    rows: list[ParsedRow]

    def column_title(self, key: str) -> str:
        if key in self.headers:
            return self.headers[key]
        for column in COLUMNS[self.kind]:
            if column.key == key:
                return column.header
        return ""


def upload_check(*, uploaded_file) -> None:
    """Refuse a file by its name and size alone, before reading it."""
    name = (uploaded_file.name or "").lower()
    if not name.endswith(EXTENSIONS):
        raise ImportFileError.of("extension")
    if not uploaded_file.size:
        raise ImportFileError.of("empty")
    limit = settings.ORGANISATION_IMPORT_MAX_BYTES
    if uploaded_file.size > limit:
        raise ImportFileError.of(
            "too_large", size=filesizeformat(uploaded_file.size), limit=filesizeformat(limit)
        )


def import_file_parse(*, kind: str, uploaded_file) -> ParsedFile:
    """Read the first worksheet (or the CSV) into rows; raise ImportFileError if impossible."""
    columns = COLUMNS[kind]
    upload_check(uploaded_file=uploaded_file)
    uploaded_file.seek(0)
    data = uploaded_file.read()
    if not data:
        raise ImportFileError.of("empty")
    read = _read_xlsx if uploaded_file.name.lower().endswith(".xlsx") else _read_csv
    raw_rows = read(data)
    if not raw_rows:
        raise ImportFileError.of("empty")
    header_number, header_cells = raw_rows[0]
    if header_number != 1:
        raise ImportFileError.of("no_header")

    positions, headers = _header_positions(columns, header_cells)
    free_text = {column.key for column in columns if column.free_text}
    rows = []
    for number, cells in raw_rows[1:]:
        values = {}
        for key, index in positions.items():
            raw = cells[index] if index < len(cells) else ""
            values[key] = _free_text(raw) if key in free_text else normalize_text(raw)
        if any(values.values()):
            rows.append(ParsedRow(number=number, values=values))
    if not rows:
        raise ImportFileError.of("no_rows")
    return ParsedFile(kind=kind, headers=headers, rows=rows)


def _header_key(text: str) -> str:
    """Compare headers loosely: "编码 *", "编码（必填）", "Parent_Code" and "parent code" match."""
    text = normalize_text(text).lower()
    text = re.sub(r"\(.*?\)", "", text).replace("*", "").replace("_", " ").replace("-", " ")
    return " ".join(text.split())


def _header_positions(
    columns: tuple[Column, ...], header_cells: list[str]
) -> tuple[dict[str, int], dict[str, str]]:
    lookup = {}
    for column in columns:
        for name in (column.header, column.key, *column.aliases):
            lookup.setdefault(_header_key(name), column)
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    errors = []
    for index, raw in enumerate(header_cells):
        text = normalize_text(raw)
        if not _header_key(text):
            continue  # a column without a header (notes, or Excel's trailing empty columns)
        column = lookup.get(_header_key(text))
        letter = get_column_letter(index + 1)
        if column is None:
            errors.append(
                RowError(
                    _(
                        "Unknown column (column %(letter)s). The accepted columns are listed "
                        "on the import page."
                    )
                    % {"letter": letter},
                    row=1,
                    column=text,
                )
            )
        elif column.key in positions:
            errors.append(
                RowError(
                    _("This column appears twice (columns %(first)s and %(second)s).")
                    % {"first": get_column_letter(positions[column.key] + 1), "second": letter},
                    row=1,
                    column=text,
                )
            )
        else:
            positions[column.key] = index
            headers[column.key] = text
    for column in columns:
        if column.required and column.key not in positions:
            errors.append(
                RowError(_("This required column is missing."), row=1, column=column.header)
            )
    if errors:
        raise ImportFileError(errors, code="headers")
    return positions, headers


def _collect_rows(raw_rows: Iterable[list[str]]) -> list[tuple[int, list[str]]]:
    """Number the rows from 1, drop blank ones, and enforce the row limits."""
    rows = []
    for number, cells in enumerate(raw_rows, start=1):
        if number > MAX_SCANNED_ROWS:
            raise ImportFileError.of("too_many_rows", limit=MAX_ROWS)
        if not any(cell.strip() for cell in cells):
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS + 1:  # the header is not a data row
            raise ImportFileError.of("too_many_rows", limit=MAX_ROWS)
    return rows


def _read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors alike: the file is not usable
        logger.info("Unreadable workbook uploaded for import: %r", exc)
        raise ImportFileError.of("unreadable_xlsx") from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError.of("empty")
        sheet = workbook.worksheets[0]
        # Some programs write a wrong size into the sheet; read every row that is there.
        sheet.reset_dimensions()
        return _collect_rows(
            [_cell_text(cell.value, cell.number_format) for cell in row]
            for row in sheet.iter_rows()
        )
    except ImportFileError:
        raise
    except Exception as exc:  # a broken sheet inside a valid zip fails only while reading
        logger.info("Unreadable worksheet uploaded for import: %r", exc)
        raise ImportFileError.of("unreadable_xlsx") from exc
    finally:
        workbook.close()


def _read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError.of("encoding")
    try:
        return _collect_rows(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ImportFileError.of("unreadable_csv") from exc


_ZEROS_FORMAT = re.compile(r"^0+$")


def _cell_text(value: Any, number_format: str | None = None) -> str:
    """Excel stores phone numbers and codes typed as numbers as numbers; give back the text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        # A "00000000000" format shows the leading zero of a phone number stored as a number.
        if number_format and _ZEROS_FORMAT.match(number_format):
            text = text.zfill(len(number_format))
        return text
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _free_text(value: str) -> str:
    """Tidy white space in prose but keep its line breaks and full-width punctuation."""
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(" ".join(line.split()) for line in lines).strip()


# ---------------------------------------------------------------------------------------------
# 2. Validation: rows -> plan or errors
# ---------------------------------------------------------------------------------------------


@dataclass
class _DepartmentItem:
    row: int
    code: str
    instance: Department
    before: dict | None  # the stored values, None for a new department
    parent_code: str = ""
    level_known: bool = True
    parent_resolved: bool = True
    after: dict = field(default_factory=dict)
    action: str = "unchanged"


@dataclass
class _StaffItem:
    row: int
    user: User
    profile: StaffProfile
    roles: set[str] | None  # role codes, None when the file has no roles column
    before_roles: set[str]
    user_changed: bool = False
    profile_changed: bool = False
    roles_changed: bool = False
    action: str = "unchanged"
    fields: tuple[str, ...] = ()


@dataclass
class ImportPlan:
    kind: str
    items: list = field(default_factory=list)  # in save order
    errors: list[RowError] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for item in self.items if item.action == action)


class _Errors:
    """Collects row errors, naming each column as the file's header names it."""

    def __init__(self, parsed: ParsedFile):
        self.parsed = parsed
        self.items: list[RowError] = []
        self.cells: set[tuple[int, str]] = set()

    def add(self, row: int, key: str, message) -> None:
        self.items.append(RowError(str(message), row=row, column=self.parsed.column_title(key)))
        self.cells.add((row, key))

    def add_validation(self, row: int, error: ValidationError, field_columns: dict) -> None:
        for field_name, messages in error.message_dict.items():
            key = "" if field_name == NON_FIELD_ERRORS else field_columns.get(field_name, "")
            if key and (row, key) in self.cells:
                continue  # already explained, e.g. "required" before "cannot be blank"
            for message in messages:
                self.add(row, key, message)

    def sorted(self) -> list[RowError]:
        return sorted(self.items, key=lambda error: error.row or 0)


def _choice_lookup(choices: type[models.Choices], words: dict) -> dict[str, Any]:
    """Map every way of writing a choice to its value: value, name, label in each language.

    The labels come last so that they win over the extra words: what the page lists as
    accepted is what the import understands.
    """
    table: dict[str, Any] = {normalize_text(word).lower(): value for word, value in words.items()}
    for member in choices:
        table[str(member.value).lower()] = member.value
        table[member.name.lower()] = member.value
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                table[normalize_text(str(member.label)).lower()] = member.value
    return table


def _choice_list(words: Iterable[str]) -> str:
    return "、".join(words)


def _role_for(text: str) -> Role | None:
    role = role_from_text(text)
    for language, _name in settings.LANGUAGES:
        if role is not None:
            break
        with translation.override(language):
            role = role_from_text(text)
    return role


def _code(value: str) -> str:
    return normalize_text(value).upper()


def import_rows_validate(*, parsed: ParsedFile) -> ImportPlan:
    if parsed.kind == ImportKind.DEPARTMENTS:
        return department_rows_validate(parsed=parsed)
    return staff_rows_validate(parsed=parsed)


_DEPARTMENT_FIELD_COLUMNS = {
    "code": "code",
    "name": "name",
    "level": "level",
    "parent": "parent_code",
    "duties": "duties",
    "keywords": "keywords",
    "location": "location",
    "phone": "phone",
    "contact_person": "contact_person",
    "head": "head",
    "supervising_leader": "supervising_leader",
    "is_office": "is_office",
    "sort_order": "sort_order",
}
_DEPARTMENT_PEOPLE = ("contact_person", "head", "supervising_leader")
_DEPARTMENT_TEXT = ("duties", "keywords", "location", "phone")
# Foreign keys are resolved here in bulk; letting full_clean() check them costs a query each.
_DEPARTMENT_CLEAN_EXCLUDE = ["parent", *_DEPARTMENT_PEOPLE, "name_pinyin", "name_initials"]


def _department_values(department: Department, parent_code: str) -> dict:
    return {
        "code": department.code,
        "name": department.name,
        "level": department.level,
        "parent": parent_code,
        "duties": department.duties,
        "keywords": department.keywords,
        "location": department.location,
        "phone": department.phone,
        "contact_person": department.contact_person_id,
        "head": department.head_id,
        "supervising_leader": department.supervising_leader_id,
        "is_office": department.is_office,
        "sort_order": department.sort_order,
    }


def department_rows_validate(*, parsed: ParsedFile) -> ImportPlan:
    """Check department rows against each other and the stored organisation."""
    errors = _Errors(parsed)
    present = parsed.headers.keys()
    stored = {_code(d.code): d for d in Department.objects.all()}
    code_by_pk = {d.pk: code for code, d in stored.items()}
    # The organisation as stored, before any row is applied: code -> parent code, name, office.
    stored_parent = {code: code_by_pk.get(d.parent_id, "") for code, d in stored.items()}
    stored_state = {
        code: (stored_parent[code], normalize_text(d.name), d.is_office, d.level)
        for code, d in stored.items()
    }
    usernames = {
        row.values[key] for row in parsed.rows for key in _DEPARTMENT_PEOPLE if key in present
    } - {""}
    users = {user.username: user for user in User.objects.filter(username__in=usernames)}
    levels = _choice_lookup(Department.Level, LEVEL_WORDS)
    level_names = _choice_list([*LEVEL_WORDS, *(str(label) for label in Department.Level.labels)])

    items: list[_DepartmentItem] = []
    by_code: dict[str, _DepartmentItem] = {}
    for row in parsed.rows:
        values = row.values
        code = _code(values["code"])
        if not code:
            errors.add(row.number, "code", _("This cell is required."))
        elif code in by_code:
            errors.add(
                row.number,
                "code",
                _("The code %(code)s is already used on row %(row)s.")
                % {"code": code, "row": by_code[code].row},
            )
        first = code and code not in by_code
        instance = stored[code] if first and code in stored else Department(code=code)
        parent_code = stored_parent.get(code, "") if instance.pk else ""
        item = _DepartmentItem(
            row=row.number,
            code=code,
            instance=instance,
            before=_department_values(instance, parent_code) if instance.pk else None,
            parent_code=parent_code,
        )
        items.append(item)
        if first:
            by_code[code] = item

        instance.code = code
        instance.name = values["name"]
        if not values["name"]:
            errors.add(row.number, "name", _("This cell is required."))
        level = levels.get(values["level"].lower())
        if level is None:
            item.level_known = False
            if values["level"]:
                errors.add(
                    row.number,
                    "level",
                    _("%(value)s is not a level; use one of: %(choices)s.")
                    % {"value": values["level"], "choices": level_names},
                )
            else:
                errors.add(row.number, "level", _("This cell is required."))
        else:
            instance.level = level
        if "parent_code" in present:
            item.parent_code = _code(values["parent_code"])
        for key in _DEPARTMENT_TEXT:
            if key in present:
                setattr(instance, key, values[key])
        for key in _DEPARTMENT_PEOPLE:
            if key not in present:
                continue
            username = values[key]
            if not username:
                setattr(instance, key, None)
            elif username in users:
                setattr(instance, key, users[username])
            else:
                errors.add(
                    row.number,
                    key,
                    _("No user has the username %(username)s; add that person first.")
                    % {"username": username},
                )
        if "is_office" in present:
            answer = values["is_office"].lower()
            if answer in YES_WORDS:
                instance.is_office = True
            elif answer in NO_WORDS:
                instance.is_office = False
            else:
                errors.add(
                    row.number,
                    "is_office",
                    _("%(value)s is not yes or no; use 是 or 否.") % {"value": values["is_office"]},
                )
        if "sort_order" in present:
            number = _whole_number(values["sort_order"])
            if number is None:
                errors.add(row.number, "sort_order", _("Enter a whole number, 0 or more."))
            else:
                instance.sort_order = number

    # Parents: a row of this file (in any order) or a stored department.
    for item in items:
        instance = item.instance
        if not item.level_known:
            item.parent_resolved = False
            continue
        if instance.level == Department.Level.UNIT:
            instance.parent = None
            if item.parent_code:
                errors.add(item.row, "parent_code", _("A unit cannot have a parent."))
                item.parent_resolved = False
            continue
        parent_level = Department.Level(Department.ALLOWED_PARENT_LEVEL[instance.level])
        if not item.parent_code:
            errors.add(
                item.row,
                "parent_code",
                _("A %(level)s needs the code of the %(parent_level)s above it.")
                % {"level": instance.get_level_display(), "parent_level": parent_level.label},
            )
            item.parent_resolved = False
        elif item.parent_code == item.code:
            errors.add(item.row, "parent_code", _("A department cannot be its own parent."))
            item.parent_resolved = False
        elif item.parent_code in by_code:
            parent_item = by_code[item.parent_code]
            instance.parent = parent_item.instance
            # A parent row with an unknown level would only repeat its own error here.
            item.parent_resolved = parent_item.level_known
        elif item.parent_code in stored:
            instance.parent = stored[item.parent_code]
        else:
            errors.add(
                item.row,
                "parent_code",
                _("No department has the code %(code)s.") % {"code": item.parent_code},
            )
            item.parent_resolved = False

    # The model's own rules: field lengths and the Department.clean() hierarchy rules.
    for item in items:
        try:
            if item.parent_resolved:
                item.instance.full_clean(
                    exclude=_DEPARTMENT_CLEAN_EXCLUDE,
                    validate_unique=False,
                    validate_constraints=False,
                )
            else:
                item.instance.clean_fields(exclude=[*_DEPARTMENT_CLEAN_EXCLUDE, "level"])
        except ValidationError as error:
            errors.add_validation(item.row, error, _DEPARTMENT_FIELD_COLUMNS)

    # The organisation as it would be after the import, to check rules across rows.
    final_state = dict(stored_state)
    for item in by_code.values():
        final_state[item.code] = (
            item.parent_code,
            normalize_text(item.instance.name),
            item.instance.is_office,
            item.instance.level,
        )
    _check_loops(by_code, final_state, errors)
    _check_across_rows(by_code, final_state, stored, errors)

    plan = ImportPlan(kind=ImportKind.DEPARTMENTS, errors=errors.sorted())
    if plan.errors:
        return plan
    for item in items:
        item.after = _department_values(item.instance, item.parent_code)
        if item.before is None:
            item.action = "created"
        elif item.after != item.before:
            item.action = "updated"
    plan.items = _department_save_order(items, stored_state, errors)
    plan.errors = errors.sorted()
    labels = {f.name: str(f.verbose_name) for f in Department._meta.get_fields() if f.concrete}
    for item in items:
        if item.action == "unchanged":
            continue
        changed = ()
        if item.action == "updated":
            changed = tuple(
                labels[key] for key in item.after if item.after[key] != item.before[key]
            )
        plan.changes.append(
            RowChange(item.row, item.action, item.code, item.instance.name, changed)
        )
    return plan


def _whole_number(text: str) -> int | None:
    if not text:
        return 0
    try:
        number = float(text) if "." in text else int(text)
    except ValueError:
        return None
    if number < 0 or number != int(number):
        return None
    return int(number)


def _check_loops(by_code: dict, final_state: dict, errors: _Errors) -> None:
    """Report rows whose chain of parents comes back to them."""
    for code, item in by_code.items():
        chain = [code]
        current = final_state[code][0]
        while current and current in final_state and current not in chain:
            chain.append(current)
            current = final_state[current][0]
        if current == code and len(chain) > 1:
            errors.add(
                item.row,
                "parent_code",
                _("The parent codes form a loop: %(chain)s.")
                % {"chain": " → ".join([*chain, code])},
            )


def _check_across_rows(by_code: dict, final_state: dict, stored: dict, errors: _Errors) -> None:
    """One office per unit, unique names among siblings, and stored children still fitting."""

    def describe(code: str) -> str:
        if code in by_code:
            return _("%(code)s on row %(row)s") % {"code": code, "row": by_code[code].row}
        return code

    offices = defaultdict(list)
    names = defaultdict(list)
    children = defaultdict(list)
    for code, (parent_code, name, is_office, _level) in final_state.items():
        if not parent_code:
            continue
        children[parent_code].append(code)
        names[parent_code, name].append(code)
        if is_office:
            offices[parent_code].append(code)
    for parent_code, codes in offices.items():
        for code in codes:
            if len(codes) > 1 and code in by_code:
                others = ", ".join(describe(other) for other in codes if other != code)
                errors.add(
                    by_code[code].row,
                    "is_office",
                    _("%(parent)s can have only one office; %(others)s is also its office.")
                    % {"parent": parent_code, "others": others},
                )
    for (parent_code, name), codes in names.items():
        for code in codes:
            if len(codes) > 1 and code in by_code:
                others = ", ".join(describe(other) for other in codes if other != code)
                errors.add(
                    by_code[code].row,
                    "name",
                    _("%(parent)s already has a department named %(name)s: %(others)s.")
                    % {"parent": parent_code, "name": name, "others": others},
                )
    for code, item in by_code.items():
        if not item.level_known:
            continue
        misfits = [
            child
            for child in children.get(code, ())
            if child not in by_code
            and Department.ALLOWED_PARENT_LEVEL[stored[child].level] != item.instance.level
        ]
        if misfits:
            errors.add(
                item.row,
                "level",
                _("The departments %(children)s would no longer fit under a %(level)s.")
                % {"children": ", ".join(misfits), "level": item.instance.get_level_display()},
            )


def _department_save_order(
    items: list[_DepartmentItem], stored_state: dict, errors: _Errors
) -> list[_DepartmentItem]:
    """Parents before children; a row giving up a name or the office before the row taking it.

    The database checks its unique constraints on every save, so moving the office from one
    department to another must first clear the old one.
    """
    to_save = {item.code: item for item in items if item.action != "unchanged"}
    holders = {}
    for code, (parent_code, name, is_office, _level) in stored_state.items():
        holders["name", parent_code, name] = code
        if is_office:
            holders["office", parent_code] = code
    before = defaultdict(set)  # code -> codes that must be saved before it
    for code, item in to_save.items():
        parent = to_save.get(item.parent_code)
        if parent is not None and parent.action == "created":
            before[code].add(item.parent_code)
        slots = [("name", item.parent_code, normalize_text(item.instance.name))]
        if item.instance.is_office:
            slots.append(("office", item.parent_code))
        for slot in slots:
            holder = holders.get(slot)
            if holder and holder != code and holder in to_save:
                before[code].add(holder)
    ordered = []
    done: set[str] = set()
    pending = [item for item in items if item.code in to_save]
    while pending:
        ready = [item for item in pending if before[item.code] <= done]
        if not ready:
            break
        for item in ready:
            ordered.append(item)
            done.add(item.code)
        pending = [item for item in pending if item.code not in done]
    for item in pending:
        errors.add(
            item.row,
            "name",
            _(
                "This row swaps its name or the office with another row; make that change in "
                "two imports."
            ),
        )
    return ordered + [item for item in items if item.action == "unchanged"]


_USER_FIELD_COLUMNS = {"username": "username", "full_name": "full_name", "email": "email"}
_PROFILE_FIELD_COLUMNS = {
    "department": "department_code",
    "title": "title",
    "duty": "duty",
    "office_phone": "office_phone",
    "rank": "rank",
    "employment_type": "employment_type",
    "availability": "availability",
}
_PROFILE_CHOICES = (
    ("rank", StaffProfile.Rank, RANK_WORDS),
    ("employment_type", StaffProfile.EmploymentType, EMPLOYMENT_WORDS),
    ("availability", StaffProfile.Availability, AVAILABILITY_WORDS),
)


def _user_values(user: User) -> dict:
    return {"full_name": user.full_name, "email": user.email, "is_staff": user.is_staff}


def _profile_values(profile: StaffProfile) -> dict:
    return {
        "department": profile.department_id,
        "title": profile.title,
        "duty": profile.duty,
        "office_phone": profile.office_phone,
        "rank": profile.rank,
        "employment_type": profile.employment_type,
        "availability": profile.availability,
    }


def staff_rows_validate(*, parsed: ParsedFile) -> ImportPlan:
    """Check staff rows: each person's account, roles and staff profile."""
    errors = _Errors(parsed)
    present = parsed.headers.keys()
    usernames = {row.values["username"] for row in parsed.rows} - {""}
    users = {
        user.username: user
        for user in User.objects.filter(username__in=usernames).prefetch_related("groups")
    }
    profiles = {p.user_id: p for p in StaffProfile.objects.filter(user__in=users.values())}
    departments = {_code(d.code): d for d in Department.objects.all()}
    lookups = {key: _choice_lookup(choices, words) for key, choices, words in _PROFILE_CHOICES}
    role_names = _choice_list(role.group_name for role in ROLES)
    user_labels = {f.name: str(f.verbose_name) for f in User._meta.concrete_fields}
    profile_labels = {f.name: str(f.verbose_name) for f in StaffProfile._meta.concrete_fields}

    plan = ImportPlan(kind=ImportKind.STAFF)
    seen: dict[str, int] = {}
    for row in parsed.rows:
        values = row.values
        username = values["username"]
        if not username:
            errors.add(row.number, "username", _("This cell is required."))
        elif username in seen:
            errors.add(
                row.number,
                "username",
                _("The username %(username)s is already used on row %(row)s.")
                % {"username": username, "row": seen[username]},
            )
        first = username and username not in seen
        if first:
            seen[username] = row.number
        user = users[username] if first and username in users else User(username=username)
        if user.pk is None:
            user.set_unusable_password()
        profile = profiles.get(user.pk) if user.pk else None
        if profile is None:
            profile = StaffProfile(user=user)
        before_user = _user_values(user) if user.pk else None
        before_profile = _profile_values(profile) if profile.pk else None
        role_groups = {group.name for group in user.groups.all()} if user.pk else set()
        before_roles = {role.code for role in ROLES if role.group_name in role_groups}

        user.full_name = values["full_name"]
        if not values["full_name"]:
            errors.add(row.number, "full_name", _("This cell is required."))
        if "email" in present:
            user.email = values["email"]
        roles = None
        if "roles" in present:
            roles = set()
            for word in ROLE_SEPARATORS.split(values["roles"]):
                if not word:
                    continue
                role = _role_for(word)
                if role is None:
                    errors.add(
                        row.number,
                        "roles",
                        _("%(role)s is not a role; use one of: %(roles)s.")
                        % {"role": word, "roles": role_names},
                    )
                else:
                    roles.add(role.code)
            if ADMINISTRATOR.code in roles:
                # The administration site is where an administrator sets passwords.
                user.is_staff = True

        department_code = _code(values["department_code"])
        department = departments.get(department_code)
        if not department_code:
            errors.add(row.number, "department_code", _("This cell is required."))
        elif department is None:
            errors.add(
                row.number,
                "department_code",
                _("No department has the code %(code)s.") % {"code": department_code},
            )
        elif not department.is_active:
            errors.add(
                row.number,
                "department_code",
                _("The department %(code)s is no longer active.") % {"code": department_code},
            )
        else:
            profile.department = department
        profile.title = values["title"]
        if not values["title"]:
            errors.add(row.number, "title", _("This cell is required."))
        for key in ("duty", "office_phone"):
            if key in present:
                setattr(profile, key, values[key])
        for key, choices, _words in _PROFILE_CHOICES:
            text = values.get(key, "")
            if not text:
                continue  # blank or missing: keep the current value, or the default
            value = lookups[key].get(text.lower())
            if value is None:
                errors.add(
                    row.number,
                    key,
                    _("%(value)s is not a valid %(field)s; use one of: %(choices)s.")
                    % {
                        "value": text,
                        "field": profile_labels[key],
                        "choices": _choice_list(str(label) for label in choices.labels),
                    },
                )
            else:
                setattr(profile, key, value)

        try:
            user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors.add_validation(row.number, error, _USER_FIELD_COLUMNS)
        try:
            profile.full_clean(
                exclude=["user", "department", "delegate"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors.add_validation(row.number, error, _PROFILE_FIELD_COLUMNS)

        item = _StaffItem(
            row=row.number, user=user, profile=profile, roles=roles, before_roles=before_roles
        )
        after_user, after_profile = _user_values(user), _profile_values(profile)
        item.user_changed = after_user != before_user
        item.profile_changed = after_profile != before_profile
        item.roles_changed = roles is not None and roles != before_roles
        if user.pk is None:
            item.action = "created"
        elif item.user_changed or item.profile_changed or item.roles_changed:
            item.action = "updated"
            changed = [
                user_labels[key]
                for key in after_user
                if before_user is None or after_user[key] != before_user[key]
            ]
            changed += [
                profile_labels[key]
                for key in after_profile
                if before_profile is None or after_profile[key] != before_profile[key]
            ]
            if item.roles_changed:
                changed.append(_("roles"))
            item.fields = tuple(changed)
        plan.items.append(item)

    plan.errors = errors.sorted()
    if not plan.errors:
        plan.changes = [
            RowChange(item.row, item.action, item.user.username, item.user.full_name, item.fields)
            for item in plan.items
            if item.action != "unchanged"
        ]
    return plan


# ---------------------------------------------------------------------------------------------
# 3. Writing
# ---------------------------------------------------------------------------------------------


def _role_groups() -> dict[str, Group]:
    by_name = {g.name: g for g in Group.objects.filter(name__in=[r.group_name for r in ROLES])}
    if len(by_name) < len(ROLES):
        return roles_sync()
    return {role.code: by_name[role.group_name] for role in ROLES}


def import_plan_write(*, plan: ImportPlan) -> None:
    """Save what changed, in plan order, one model save at a time so history records it."""
    if plan.errors:
        raise ValueError("A plan with errors cannot be written.")
    if plan.kind == ImportKind.DEPARTMENTS:
        for item in plan.items:
            if item.action != "unchanged":
                item.instance.save()
        return
    groups = None
    for item in plan.items:
        if item.user_changed:
            item.user.save()
        if item.profile_changed:
            item.profile.user = item.user
            item.profile.save()
        if item.roles_changed:
            groups = groups or _role_groups()
            # Only role groups change; other groups the person belongs to stay.
            removed = [groups[code] for code in item.before_roles - item.roles]
            added = [groups[code] for code in item.roles - item.before_roles]
            if removed:
                item.user.groups.remove(*removed)
            if added:
                item.user.groups.add(*added)


def organisation_import(*, kind: str, uploaded_file, dry_run: bool = False) -> ImportResult:
    """Import departments or staff from an uploaded file: every row, or nothing at all."""
    if kind not in COLUMNS:
        raise ValueError(f"Unknown import kind: {kind!r}")
    result = ImportResult(kind=kind, dry_run=dry_run)
    try:
        parsed = import_file_parse(kind=kind, uploaded_file=uploaded_file)
    except ImportFileError as exc:
        result.errors = exc.errors
        return result
    try:
        # Validate inside the transaction too, so what was checked is what gets written.
        with contextlib.nullcontext() if dry_run else transaction.atomic():
            plan = import_rows_validate(parsed=parsed)
            result.errors = plan.errors
            if plan.errors:
                return result
            result.created = plan.count("created")
            result.updated = plan.count("updated")
            result.unchanged = plan.count("unchanged")
            result.changes = sorted(plan.changes, key=lambda change: change.row)
            if kind == ImportKind.STAFF:
                result.new_usernames = [
                    item.user.username for item in plan.items if item.action == "created"
                ]
                result.new_users_without_password = len(result.new_usernames)
            if not dry_run:
                import_plan_write(plan=plan)
    except IntegrityError:
        logger.warning("Organisation import hit a conflicting change", exc_info=True)
        message = str(FILE_ERROR_MESSAGES["changed_meanwhile"])
        return ImportResult(kind=kind, dry_run=dry_run, errors=[RowError(message)])
    logger.info(
        "Organisation import of %s%s: %s created, %s updated, %s unchanged",
        kind,
        " (dry run)" if dry_run else "",
        result.created,
        result.updated,
        result.unchanged,
    )
    return result


# ---------------------------------------------------------------------------------------------
# Downloadable templates
# ---------------------------------------------------------------------------------------------

_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")


def import_template_xlsx(*, kind: str) -> bytes:
    """A workbook with the header row and example rows; text cells stay text in Excel."""
    columns = COLUMNS[kind]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "人员" if kind == ImportKind.STAFF else "部门"
    sheet.append([column.header for column in columns])
    for example in TEMPLATE_EXAMPLES[kind]:
        sheet.append([example.get(column.key, "") for column in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=True)
        if column.required:
            header.fill = _REQUIRED_FILL
        # Text format keeps the leading zero of phone numbers and codes typed in later.
        sheet.column_dimensions[letter].number_format = "@"
        sheet.column_dimensions[letter].width = 30 if column.free_text else 16
        for row in range(2, len(TEMPLATE_EXAMPLES[kind]) + 2):
            sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_template_csv(*, kind: str) -> bytes:
    """A UTF-8 CSV with a byte order mark, which Excel needs to show Chinese correctly."""
    columns = COLUMNS[kind]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.header for column in columns])
    for example in TEMPLATE_EXAMPLES[kind]:
        writer.writerow([example.get(column.key, "") for column in columns])
    return buffer.getvalue().encode("utf-8-sig")
