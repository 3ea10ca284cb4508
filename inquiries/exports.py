"""Excel (.xlsx) exports: Chinese headers, a frozen header row, sensible widths, and a record
of every export (who, when, what, which filter). Personal data is masked unless the user may
see it unmasked."""

import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from inquiries.models import ExportRecord, User

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Column widths in characters: a CJK character takes about two.
_MIN_WIDTH, _MAX_WIDTH = 8, 60


@dataclass(frozen=True)
class Column:
    header: str  # translated, shown as the first row
    width: int | None = None  # None: fit the content


def may_unmask(user: User) -> bool:
    return user.has_perm("inquiries.unmask_personal_data")


def _display_width(value) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def _cell(value):
    """Aware datetimes are written in China time (Excel has no time zones)."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def xlsx_bytes(*, title: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([column.header for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F3")
    widths = [_display_width(column.header) for column in columns]
    for row in rows:
        values = [_cell(value) for value in row]
        sheet.append(values)
        widths = [
            max(width, _display_width(value)) for width, value in zip(widths, values, strict=False)
        ]
    for index, column in enumerate(columns, start=1):
        width = column.width or min(max(widths[index - 1] + 2, _MIN_WIDTH), _MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    *,
    user: User,
    what: str,
    filename: str,
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence],
    filters: dict | None = None,
) -> HttpResponse:
    """Build the workbook, record the export, and answer with the file as a download."""
    content = xlsx_bytes(title=title, columns=columns, rows=rows)
    ExportRecord.objects.create(
        user=user,
        at=timezone.now(),
        what=what,
        filters=filters or {},
        rows=len(rows),
        unmasked=may_unmask(user),
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
