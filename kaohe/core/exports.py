"""Spreadsheet exits: user text leaves as text, never as a formula (issue 12 item 4).

A comment, goal name, progress text, user name or user agent is typed by someone; the
office opens the export in Excel or WPS. One helper per kind of output:

- Excel (openpyxl): ``xlsx_row`` / ``xlsx_cell`` write every string as a string cell.
  openpyxl marks any string starting with ``=`` as a formula; these helpers turn the
  mark back, so ``=HYPERLINK(…)`` shows as those characters. A string cell is never
  evaluated, so ``+ - @`` need nothing more in a workbook.
- CSV: ``csv_value`` / ``csv_row`` put an apostrophe before text starting with
  ``= + - @``, TAB or CR, which spreadsheets would otherwise read as a formula
  (OWASP's advice for CSV injection). Numbers stay numbers.

Wagtail 8's list exports (``list_export`` on our viewsets, and Wagtail's own reports such
as the site history) write xlsx strings as strings but CSV cells as typed; ``ready()`` of
the core app routes their CSV cells through ``csv_value`` (see ``protect_wagtail_exports``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_value(value: Any) -> Any:
    """``value`` for a CSV cell: text that a spreadsheet would read as a formula gets a
    leading apostrophe; anything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_value(value) for value in values]


def _as_text(cell):
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def xlsx_row(sheet, values: Iterable[Any]) -> list:
    """Cells for ``sheet.append(...)``: strings as string cells, in a normal or a
    write-only workbook."""
    if sheet.parent.write_only:
        from openpyxl.cell import WriteOnlyCell

        return [_as_text(WriteOnlyCell(sheet, value)) for value in values]
    from openpyxl.cell import Cell

    return [_as_text(Cell(sheet, value=value)) for value in values]


def xlsx_cell(sheet, row: int, column: int, value: Any = None):
    """``sheet.cell(row, column, value)`` with a string written as a string cell."""
    cell = sheet.cell(row, column)
    cell.value = value
    return _as_text(cell)


def protect_wagtail_exports() -> None:
    """Neutralise formulas in every CSV that Wagtail's ``SpreadsheetExportMixin`` writes.

    Wagtail 8 forces xlsx formula cells back to strings, but writes CSV values as they
    come (after ``force_str``); its own reports (site history, page reports) and our
    ``list_export`` screens share that mixin, so the CSV step is wrapped here once.
    """
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    if getattr(SpreadsheetExportMixin, "_kaohe_csv_safe", False):
        return
    original = SpreadsheetExportMixin.preprocess_field_value

    def preprocess_field_value(self, field, value, export_format):
        processed = original(self, field, value, export_format)
        if export_format == SpreadsheetExportMixin.FORMAT_CSV:
            return csv_value(processed)
        return processed

    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
    SpreadsheetExportMixin._kaohe_csv_safe = True
