"""Organisation data in one Excel workbook, a sheet per kind of record (SYS-10).

``workbook_template`` writes the workbook an office fills in: an instructions sheet, then a
sheet each for units, leadership teams, cadres, team memberships and (through the hook
``register_org_import_sheets``, from the accounts app) users, with Chinese headers, text
formats where digits must stay digits, and drop-down lists (kinds, team types, ranks, posts)
from a hidden sheet. ``read_workbook`` reads a filled copy, written by Excel, WPS, LibreOffice
or openpyxl, into rows; ``plan_workbook`` plans every row without writing anything.

Columns are found by their header, in any order; optional columns may be left out. A sheet
whose name is unknown, a header that is not a column, a formula, a merged cell, or more than
``MAX_ROWS`` rows are refused with a message, and nothing is saved.
"""

from __future__ import annotations

import datetime
import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from wagtail import hooks

from kaohe.core.exports import xlsx_cell
from kaohe.core.text import storable
from kaohe.core.uploads import UploadRefused, open_workbook

from .common import ImportPlan, RowPlan, key, text

SHEET_HOOK = "register_org_import_sheets"
LISTS_SHEET = "_lists"
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20000  # data rows in the whole workbook
MAX_COLUMNS = 60
MAX_TEXT = 5000
INSTRUCTIONS_TITLE = pgettext_lazy("import sheet", "Instructions")

HEAD_FILL = PatternFill("solid", fgColor="DDE6F0")
REQUIRED_FILL = PatternFill("solid", fgColor="F8D7B0")


@dataclass
class Column:
    key: str
    header: object  # a lazy translation
    width: int = 14
    required: bool = False
    text: bool = False  # keep typed digits as text (ID numbers, telephone numbers, codes)
    choices: Callable[[], list[str]] | None = None
    strict: bool = True  # only the list's values are accepted (else the list only helps)
    note: object = ""


@dataclass
class SheetRow:
    number: int
    values: dict
    formulas: list[str] = field(default_factory=list)


class ImportSheet:
    """One kind of record in the workbook. Subclasses plan rows and write them."""

    key = ""
    title = ""
    order = 0
    columns: list[Column] = []

    def allowed(self, user) -> bool:
        raise NotImplementedError

    def denied_message(self) -> str:
        return _("You may not import the sheet “%(sheet)s”.") % {"sheet": self.title}

    def plan(self, rows: list[SheetRow], ctx) -> list[RowPlan]:
        raise NotImplementedError

    def apply(self, plans: list[RowPlan], ctx) -> None:
        raise NotImplementedError

    # helpers for subclasses

    def labels(self) -> dict[str, str]:
        """Column headers by key, in the active language (asked for every cell: kept once made)."""
        language = translation.get_language()
        cached = self.__dict__.get("_labels")
        if cached is None or cached[0] != language:
            cached = self._labels = (language, {column.key: str(column.header) for column in self.columns})
        return cached[1]

    def new_row(self, row: SheetRow, label: str) -> RowPlan:
        plan = RowPlan(sheet=self.key, row=row.number, label=label)
        for name in row.formulas:
            plan.errors.append(
                _("%(column)s holds a formula; type the value itself.") % {"column": self.labels().get(name, name)}
            )
        return plan

    def cell(self, row: SheetRow, plan: RowPlan, name: str) -> str:
        """A cell as text, with an error noted when it cannot be stored."""
        value = text(row.values.get(name))
        if not storable(value):
            header = self.labels().get(name, name)
            plan.errors.append(_("%(column)s holds characters that cannot be stored.") % {"column": header})
            return ""
        if len(value) > MAX_TEXT:
            header = self.labels().get(name, name)
            plan.errors.append(_("%(column)s is longer than %(max)s characters.") % {"column": header, "max": MAX_TEXT})
            return ""
        return value

    def choice(self, row: SheetRow, plan: RowPlan, name: str, options: dict[str, str]) -> str | None:
        """The stored value of a choice given by its label (or its code), None when empty."""
        raw = self.cell(row, plan, name)
        if not raw:
            return None
        found = options.get(key(raw))
        if found is None:
            column = next(column for column in self.columns if column.key == name)
            choices = "、".join(column.choices() if column.choices else sorted(options))
            plan.errors.append(
                _("%(column)s “%(value)s” is not one of: %(choices)s.")
                % {"column": self.labels()[name], "value": raw, "choices": choices}
            )
        return found


def import_sheets() -> list[ImportSheet]:
    """Every sheet the workbook may hold, in the order they are applied."""
    from .sheets import ORG_SHEETS

    sheets = [sheet_class() for sheet_class in ORG_SHEETS]
    for hook in hooks.get_hooks(SHEET_HOOK):
        sheets.extend(hook())
    return sorted(sheets, key=lambda sheet: sheet.order)


def _in_every_language(label) -> set[str]:
    names = {str(label)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(label))
    return {key(name) for name in names}


def _header_key(value) -> str:
    return key(text(value).rstrip("*＊ "))


# Writing the template -------------------------------------------------------------------------


def workbook_template() -> bytes:
    """The empty workbook to fill in: instructions, one sheet per kind of record, drop-down lists."""
    sheets = import_sheets()
    wb = Workbook()
    guide = wb.active
    guide.title = str(INSTRUCTIONS_TITLE)[:31]
    guide.column_dimensions["A"].width = 110
    lines = [
        _("Organisation data for the assessment portal"),
        "",
        _("Fill in one sheet per kind of record; leave a sheet empty if you have nothing for it."),
        _("Headers marked * must be filled in for new records. Keep the header row; columns may be moved or left out."),
        _(
            "Units, teams and cadres already in the portal are found by their code, their name or their ID number and "
            "updated; an empty cell leaves the field as it is."
        ),
        _("Dates: 1975.03, 197503, 1975-03-15 or an Excel date. ID numbers, telephones and codes are text."),
        _("No formulas and no merged cells: type the values. Do not rename the sheets."),
        _(
            "Upload the workbook under Organisation → Import. The portal shows every row's outcome first and saves "
            "nothing until you apply it; then all rows are saved, or none."
        ),
    ]
    for sheet in sheets:
        lines.append("")
        lines.append(f"{sheet.title}:")
        for column in sheet.columns:
            mark = "*" if column.required else ""
            note = f" — {column.note}" if column.note else ""
            lines.append(f"    {column.header}{mark}{note}")
    for index, line in enumerate(lines, start=1):
        cell = xlsx_cell(guide, index, 1, line)
        if index == 1:
            cell.font = Font(bold=True, size=14)

    lists = wb.create_sheet(LISTS_SHEET)
    list_ranges: dict[str, str] = {}
    list_column = 1
    for sheet in sheets:
        ws = wb.create_sheet(str(sheet.title)[:31])
        for index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            header = f"{column.header}{'*' if column.required else ''}"
            cell = xlsx_cell(ws, 1, index, header)
            cell.font = Font(bold=True)
            cell.fill = REQUIRED_FILL if column.required else HEAD_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            ws.column_dimensions[letter].width = column.width
            if column.text:
                ws.column_dimensions[letter].number_format = "@"
                for row in range(2, 502):
                    ws.cell(row, index).number_format = "@"
            if column.choices is not None:
                values = [value for value in column.choices() if value]
                if not values:
                    continue
                name = f"{sheet.key}.{column.key}"
                if name not in list_ranges:
                    list_letter = get_column_letter(list_column)
                    xlsx_cell(lists, 1, list_column, str(column.header))
                    for offset, value in enumerate(values, start=2):
                        xlsx_cell(lists, offset, list_column, value)
                    list_ranges[name] = (
                        f"{quote_sheetname(LISTS_SHEET)}!${list_letter}$2:${list_letter}${len(values) + 1}"
                    )
                    list_column += 1
                validation = DataValidation(
                    type="list", formula1=list_ranges[name], allow_blank=True, showErrorMessage=column.strict
                )
                validation.error = _("Choose a value from the list.")
                ws.add_data_validation(validation)
                validation.add(f"{letter}2:{letter}5000")
        ws.freeze_panes = "A2"
    lists.sheet_state = "hidden"
    wb.move_sheet(lists, offset=len(wb.sheetnames))
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


# Reading a filled workbook ------------------------------------------------------------------


def read_workbook(data: bytes) -> tuple[dict[str, list[SheetRow]], list[str]]:
    """The rows of every sheet, by sheet key, and the problems of the whole workbook (then no rows)."""
    plan = ImportPlan()
    try:
        wb = open_workbook(data)
    except UploadRefused as refused:
        return {}, [refused.message]
    try:
        sheets = import_sheets()
        by_name = {}
        for sheet in sheets:
            for name in _in_every_language(sheet.title):
                by_name[name] = sheet
        ignored = _in_every_language(INSTRUCTIONS_TITLE) | {key(LISTS_SHEET)}
        found: dict[str, list[SheetRow]] = {}
        total = 0
        for ws in wb.worksheets:
            if key(ws.title) in ignored:
                continue
            sheet = by_name.get(key(ws.title))
            if sheet is None:
                plan.errors.append(
                    _("The sheet “%(sheet)s” is not one the portal reads (%(sheets)s); remove it or rename it.")
                    % {"sheet": ws.title, "sheets": "、".join(str(s.title) for s in sheets)}
                )
                continue
            if sheet.key in found:
                plan.errors.append(_("The sheet “%(sheet)s” appears twice.") % {"sheet": ws.title})
                continue
            rows = _read_sheet(ws, sheet, plan, MAX_ROWS - total)
            if rows is None:
                return {}, plan.errors
            total += len(rows)
            found[sheet.key] = rows
        if not plan.errors and not total:
            plan.errors.append(_("The workbook has no rows to import."))
        return ({}, plan.errors) if plan.errors else (found, [])
    finally:
        wb.close()


def plan_workbook(found: dict[str, list[SheetRow]], ctx) -> ImportPlan:
    """Every row of every sheet planned against the database (through ``ctx``); nothing written."""
    plan = ImportPlan()
    sheets = import_sheets()
    for sheet in sheets:
        if not found.get(sheet.key):
            continue
        if not sheet.allowed(ctx.user):
            plan.errors.append(sheet.denied_message())
            continue
        result = plan.sheet(sheet.key, str(sheet.title))
        result.rows = sheet.plan(found[sheet.key], ctx)
    ctx.sheets = {sheet.key: sheet for sheet in sheets}
    return plan


# The rows read from a workbook are kept (not the workbook) until the import is applied: applying
# then plans them again against the data as it is, without parsing the workbook a second time.


def _json_value(value):
    if isinstance(value, datetime.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    if isinstance(value, datetime.time | datetime.timedelta):
        return str(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def _python_value(value):
    if isinstance(value, dict):
        if "dt" in value:
            return datetime.datetime.fromisoformat(value["dt"])
        return datetime.date.fromisoformat(value["d"])
    return value


def rows_to_payload(found: dict[str, list[SheetRow]]) -> bytes:
    document = {
        sheet_key: [[row.number, {k: _json_value(v) for k, v in row.values.items()}, row.formulas] for row in rows]
        for sheet_key, rows in found.items()
    }
    return gzip.compress(json.dumps(document, ensure_ascii=False).encode(), compresslevel=5)


def rows_from_payload(payload: bytes) -> dict[str, list[SheetRow]]:
    document = json.loads(gzip.decompress(payload))
    return {
        sheet_key: [
            SheetRow(number, {k: _python_value(v) for k, v in values.items()}, formulas)
            for number, values, formulas in rows
        ]
        for sheet_key, rows in document.items()
    }


def _read_sheet(ws, sheet: ImportSheet, plan: ImportPlan, room: int) -> list[SheetRow] | None:
    """The sheet's non-empty rows, or None after noting a problem with the whole sheet."""
    ws.reset_dimensions()  # a sheet may claim 16,384 columns; rows are read as long as they are
    by_header = {}
    for column in sheet.columns:
        for name in _in_every_language(column.header):
            by_header[name] = column
    rows = ws.iter_rows(min_row=1, max_row=None)
    header_row = next(rows, None)
    positions: list[Column | None] = []
    seen = set()
    problems = []
    for cell in list(header_row or ())[:MAX_COLUMNS]:
        value = _header_key(getattr(cell, "value", None))
        if not value:
            positions.append(None)
            continue
        column = by_header.get(value)
        if column is None:
            problems.append(_("unknown column “%(column)s”") % {"column": text(cell.value)})
        elif column.key in seen:
            problems.append(_("column “%(column)s” appears twice") % {"column": column.header})
        else:
            seen.add(column.key)
        positions.append(column)
    missing = [str(column.header) for column in sheet.columns if column.required and column.key not in seen]
    if missing:
        problems.append(_("missing columns: %(columns)s") % {"columns": "、".join(missing)})
    merged = _merged_ranges(ws)
    if merged:
        problems.append(
            _("merged cells %(cells)s: unmerge them and fill in every cell") % {"cells": "、".join(merged[:5])}
        )
    if problems:
        plan.errors.append(_("Sheet “%(sheet)s”: %(problems)s.") % {"sheet": ws.title, "problems": "；".join(problems)})
        return []
    width = len(positions)
    out: list[SheetRow] = []
    empty_run = 0
    for number, cells in enumerate(ws.iter_rows(min_row=2, max_col=max(width, 1)), start=2):
        values = {}
        formulas = []
        for column, cell in zip(positions, cells, strict=False):
            if column is None:
                continue
            value = getattr(cell, "value", None)
            if getattr(cell, "data_type", None) == "f":
                formulas.append(column.key)
                value = None
            if isinstance(value, str) and not value.strip():
                value = None
            values[column.key] = value
        if all(value is None for value in values.values()) and not formulas:
            empty_run += 1
            if empty_run > 1000:
                break  # formatting runs on; the data has ended
            continue
        empty_run = 0
        if len(out) >= room:
            plan.errors.append(
                _("The workbook has more than %(max)s rows; split it into several files.") % {"max": MAX_ROWS}
            )
            return None
        out.append(SheetRow(number, values, formulas))
    return out


def _merged_ranges(ws) -> list[str]:
    """The merged ranges a sheet declares, read from its XML as a stream (read-only sheets do not keep them)."""
    import re

    pattern = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"")
    found: list[str] = []
    try:
        source = ws._get_source()
    except Exception:  # not a read-only sheet: nothing to scan
        return found
    with source:
        tail = b""
        while True:
            chunk = source.read(1024 * 1024)
            if not chunk:
                break
            block = tail + chunk
            found.extend(match.decode() for match in pattern.findall(block))
            tail = block[-200:]
            if len(found) > 20:
                break
    return sorted(set(found))
