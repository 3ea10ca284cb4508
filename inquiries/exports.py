"""Excel (.xlsx) exports: Chinese headers, a frozen header row, sensible widths, and a record
of every export (who, when, what, which filter). Personal data is masked unless the user holds
a live unmask grant for the list (a reason given, see `inquiries.services.privacy`); such an
export is also an access record."""

import ctypes
import ctypes.util
import datetime
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, override
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from inquiries.models import ExportRecord, User
from inquiries.services import privacy

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Column widths in characters: a CJK character takes about two.
_MIN_WIDTH, _MAX_WIDTH = 8, 60


@dataclass(frozen=True)
class Column:
    header: str  # translated, shown as the first row
    width: int | None = None  # None: fit the content


def recorded_query(request) -> dict[str, str]:
    """The request's query string as it is recorded with an export or an access: PostgreSQL's
    jsonb cannot hold a NUL, which a hostile URL can carry."""
    return {
        key.replace("\x00", ""): value.replace("\x00", "") for key, value in request.GET.items()
    }


def may_unmask(user: User) -> bool:
    """The user may ask to see personal data unmasked (holding it never unmasks by itself)."""
    return privacy.may_ask_to_unmask(user)


def _display_width(value) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def _cell(value):
    """Aware datetimes are written in China time (Excel has no time zones). Control characters
    that a worksheet cannot hold (a typed \x0b would fail the whole export) are dropped."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def xlsx_bytes(*, title: str, columns: Sequence[Column], rows) -> bytes:
    """The workbook as bytes; `rows` as for `xlsx_workbook`."""
    return xlsx_workbook(title=title, columns=columns, rows=rows)[0]


def xlsx_workbook(*, title: str, columns: Sequence[Column], rows) -> tuple[bytes, int]:
    """The workbook as bytes, and how many rows it holds.

    `rows` is a sequence of rows, or a function giving them afresh each time it is called:
    they are read twice, for the column widths and then for the sheet (a streamed sheet
    writes its columns first), so a long export need not hold its rows at all.

    Written in openpyxl's write-only (streaming) mode: a 10,000-row export no longer holds a
    cell object per value (110,000 of them), which kept every worker that served one 50 to
    100 MB larger for the rest of its life (issue 9).
    """
    passes = rows if callable(rows) else (lambda: rows)
    widths = [_display_width(column.header) for column in columns]
    for row in passes():
        widths = [
            max(width, _display_width(_cell(value)))
            for width, value in zip(widths, row, strict=False)
        ]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, column in enumerate(columns, start=1):
        width = column.width or min(max(widths[index - 1] + 2, _MIN_WIDTH), _MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    font, fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F3")
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font, cell.fill = font, fill
        header.append(cell)
    sheet.append(header)
    written = 0
    for row in passes():
        sheet.append([_text_cell(sheet, _cell(value)) for value in row])
        written += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), written


@functools.cache
def _libc():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def _release_freed_memory() -> None:
    """Hand the memory a big export freed back to the operating system (glibc keeps it for
    the process otherwise: a worker stayed 10 MB larger after each 10,000-row export)."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


def _text_cell(sheet, value):
    """Typed text such as "=HYPERLINK(...)" stays text, never a formula (CSV/formula
    injection): openpyxl would store any string starting with "=" as a formula."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def xlsx_response(
    *,
    user: User,
    what: str,
    filename: str,
    title: str,
    columns: Sequence[Column],
    rows,
    filters: dict | None = None,
    request=None,
    grant: privacy.Grant | None = None,
    cases: Sequence = (),
) -> HttpResponse:
    """Build the workbook, record the export, and answer with the file as a download.

    `rows` as for `xlsx_workbook`. With an unmask `grant` (the rows hold personal data
    unmasked) the export is also an access record naming the exported `cases` (read after
    the workbook is written), with the grant's reason.
    """
    content, written = xlsx_workbook(title=title, columns=columns, rows=rows)
    _release_freed_memory()
    record = ExportRecord.objects.create(
        user=user,
        at=timezone.now(),
        what=what,
        filters=filters or {},
        rows=written,
        unmasked=grant is not None,
    )
    if grant is not None:
        privacy.access_record(
            request=request,
            grant=grant,
            what=f"export:{what}",
            cases=cases,
            filters=filters,
            export=record,
        )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def access_records_response(*, user: User, records) -> HttpResponse:
    """Personal data access records as Excel (for the administrators' own audits)."""
    records = list(records.select_related("user").order_by("at", "pk"))
    with override("zh-hans"):
        columns = [
            Column(gettext("At"), width=18),
            Column(gettext("User")),
            Column(gettext("What")),
            Column(gettext("Case numbers"), width=40),
            Column(gettext("Filters"), width=30),
            Column(gettext("Reason"), width=40),
            Column(gettext("Client address")),
        ]
        title = gettext("Personal data access records")
    rows = [
        [
            record.at,
            record.user.get_full_name() or record.user.get_username(),
            record.what,
            record.case_numbers,
            " ".join(f"{key}={value}" for key, value in sorted(record.filters.items())),
            record.reason,
            record.client_address or "",
        ]
        for record in records
    ]
    return xlsx_response(
        user=user,
        what="access_records",
        filename=f"access-records-{timezone.localdate():%Y%m%d}.xlsx",
        title=title,
        columns=columns,
        rows=rows,
    )
