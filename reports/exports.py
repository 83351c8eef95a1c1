"""CSV and XLSX exports of a report: the rows of the page's filters and sort, every page.

Both stream: the rows are read with `.iterator(chunk_size=2000)` (a server-side cursor on
PostgreSQL), so a 100,000-row report never sits in memory whole.

- CSV: a StreamingHttpResponse over a generator that writes one row at a time.
- XLSX: XlsxWriter in `constant_memory` mode, which flushes each row to a temporary file
  as soon as the next row starts (memory stays at one row), writing the workbook to a
  temporary file that a FileResponse then streams in blocks. XlsxWriter rather than
  openpyxl's write-only mode: the same bounded memory, faster, and typed cells
  (`write_string` never makes a formula). The temporary file is unlinked once open, so
  nothing is left behind whatever happens to the response.

Numbers are written as numbers (amounts with a currency column, ratios as fractions:
0.0123 is 1.23 %); text cells (names, sub ids typed by publishers) go through
lib.cells.safe_cell so a spreadsheet never reads them as formulas.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterator
from decimal import Decimal

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse

from lib.cells import safe_cell
from reports.tables import ReportTable

CHUNK = 2000
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def records(table: ReportTable) -> Iterator[dict]:
    """The table's rows in its sort order, all of them: in chunks from the database, or the
    list a bounded grouping was read into (reports.views)."""
    rows = table.data.data
    return iter(rows) if isinstance(rows, list) else rows.iterator(chunk_size=CHUNK)


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int | Decimal):
        return str(value)
    return safe_cell(value)


class Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(table: ReportTable, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(table.export_header())
        for record in records(table):
            yield writer.writerow([csv_cell(value) for value in table.export_row(record)])

    response = StreamingHttpResponse(lines(), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(table: ReportTable, filename: str) -> FileResponse:
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        workbook = xlsxwriter.Workbook(
            path, {"constant_memory": True, "tmpdir": tempfile.gettempdir()}
        )
        sheet = workbook.add_worksheet()
        for column, title in enumerate(table.export_header()):
            sheet.write_string(0, column, safe_cell(title))
        for row, record in enumerate(records(table), start=1):
            for column, value in enumerate(table.export_row(record)):
                if value is None:
                    continue
                if isinstance(value, int | Decimal):
                    sheet.write_number(row, column, float(value))
                else:
                    sheet.write_string(row, column, safe_cell(value))
        workbook.close()
        stream = open(path, "rb")  # noqa: SIM115  (FileResponse closes it)
    finally:
        os.unlink(path)
    return FileResponse(
        stream, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE
    )
