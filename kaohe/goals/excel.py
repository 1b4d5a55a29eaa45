"""Excel round trip of progress reports (SUP-4).

``progress_template`` writes the unit's goal list with empty progress columns
and a hidden sheet that names the plan, the period and the template version;
``read_progress_workbook`` reads a filled copy back, written by openpyxl,
LibreOffice, WPS or Excel, and returns rows and row-level errors without
touching the database (``services.report_import`` saves them, all or none).
``progress_report`` writes the entered report for the team to confirm.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kaohe.core.exports import xlsx_cell, xlsx_row
from kaohe.core.uploads import UploadRefused, open_workbook

from .models import Goal, GoalPlan, ProgressReport
from .tree import load_tree

TEMPLATE_VERSION = "kaohe-progress-1"
META_SHEET = "_meta"
FIRST_ROW = 4
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20000

THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDE6F0")
INPUT_FILL = PatternFill("solid", fgColor="FFF8DC")


def columns():
    """(key, header, width) of the template, in order. Headers are checked on import."""
    return [
        ("code", _("No."), 8),
        ("goal_id", _("Goal ID"), 9),
        ("name", _("goal"), 40),
        ("kind", _("goal kind"), 8),
        ("measure", _("unit of measure"), 9),
        ("plan_value", _("plan value"), 12),
        ("actual_value", _("actual value"), 12),
        ("estimated_progress", _("estimated progress (%)"), 12),
        ("work_done", _("main work done"), 40),
        ("delay_reasons", _("reasons for delay"), 30),
        ("lessons", _("lessons learned"), 30),
    ]


INPUT_KEYS = ("actual_value", "estimated_progress", "work_done", "delay_reasons", "lessons")


def _header_row(ws, headers: list[tuple[str, int]]) -> None:
    """The column headers in row 3, bold on the head colour, each column ``width`` wide."""
    for index, (header, width) in enumerate(headers, start=1):
        cell = xlsx_cell(ws, 3, index, header)
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(index)].width = width


def _number(value):
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def progress_template(plan: GoalPlan, period: str, report: ProgressReport | None = None) -> bytes:
    """The goal list with progress columns to fill in (prefilled from ``report``)."""
    cols = columns()
    existing = {}
    if report is not None:
        existing = {entry.goal_id: entry for entry in report.entries.all()}
    period_label = dict(_periods())[period]
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = _("Progress")[:31]
    xlsx_cell(
        ws,
        1,
        1,
        _("%(unit)s %(year)s progress report, %(period)s")
        % {"unit": plan.unit.name, "year": plan.year, "period": period_label},
    ).font = Font(bold=True, size=14)
    xlsx_cell(
        ws,
        2,
        1,
        _(
            "Fill in the yellow columns only. Quantitative goals: actual value in the unit shown; qualitative "
            "goals: estimated progress 0-100. Do not change the other columns or the sheet names."
        ),
    )
    _header_row(ws, [(header, width) for _key, header, width in cols])
    row = FIRST_ROW
    for node in load_tree(plan, with_assignments=False).walk():
        goal = node.goal
        entry = existing.get(goal.pk)
        values = {
            "code": node.code,
            "goal_id": goal.pk,
            "name": ("  " * (node.depth - 1)) + goal.name,
            "kind": goal.get_kind_display(),
            "measure": goal.indicator.measure_unit.name if goal.indicator_id else "",
            "plan_value": _number(goal.plan_value),
            "actual_value": _number(entry.actual_value) if entry else None,
            "estimated_progress": entry.estimated_progress if entry else None,
            "work_done": entry.work_done if entry else None,
            "delay_reasons": entry.delay_reasons if entry else None,
            "lessons": entry.lessons if entry else None,
        }
        for index, (key, _header, _width) in enumerate(cols, start=1):
            cell = xlsx_cell(ws, row, index, values[key])
            cell.border = BORDER
            if key in INPUT_KEYS:
                cell.fill = INPUT_FILL
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    last = max(row - 1, FIRST_ROW)
    progress = DataValidation(type="whole", operator="between", formula1="0", formula2="100", allow_blank=True)
    progress.error = _("Estimated progress is a whole number from 0 to 100.")
    ws.add_data_validation(progress)
    progress.add(f"H{FIRST_ROW}:H{last}")
    ws.freeze_panes = f"D{FIRST_ROW}"
    meta = wb.create_sheet(META_SHEET)
    meta.append(xlsx_row(meta, ["version", TEMPLATE_VERSION]))
    meta.append(xlsx_row(meta, ["plan", plan.pk]))
    meta.append(xlsx_row(meta, ["period", period]))
    meta.append(xlsx_row(meta, ["columns", len(cols)]))
    meta.sheet_state = "hidden"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _periods():
    from .models import period_choices

    return [(key, str(label)) for key, label in period_choices()]


@dataclass
class ImportResult:
    rows: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # whole-file problems
    period: str | None = None

    @property
    def row_errors(self) -> int:
        return sum(1 for row in self.rows if row["errors"])

    @property
    def ok(self) -> bool:
        return not self.errors and not self.row_errors


def _decimal(cell_value, label, errors):
    if cell_value is None or (isinstance(cell_value, str) and not cell_value.strip()):
        return None
    if isinstance(cell_value, bool):
        errors.append(_("%(column)s is not a number.") % {"column": label})
        return None
    if isinstance(cell_value, (int, float, Decimal)):
        return Decimal(str(cell_value))
    text = str(cell_value).strip().replace(",", "").replace("，", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        errors.append(_("%(column)s “%(value)s” is not a number.") % {"column": label, "value": cell_value})
        return None


def read_progress_workbook(plan: GoalPlan, upload) -> ImportResult:
    """Check a filled template against ``plan``; change nothing."""
    result = ImportResult()
    too_large = _("The file is larger than %(mb)s MB; a filled template is far smaller.") % {
        "mb": MAX_BYTES // (1024 * 1024)
    }
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        result.errors.append(too_large)
        return result
    data = upload.read(MAX_BYTES + 1) if hasattr(upload, "read") else upload
    if len(data) > MAX_BYTES:
        result.errors.append(too_large)
        return result
    try:
        wb = open_workbook(data)  # its parts' sizes are checked before anything is parsed
    except UploadRefused as refused:
        result.errors.append(refused.message)
        return result
    try:
        return _read(plan, wb, result)
    finally:
        wb.close()


def _read(plan, wb, result):
    if META_SHEET not in wb.sheetnames:
        result.errors.append(
            _("This workbook is not a progress template exported from the portal (its hidden sheet is missing).")
        )
        return result
    meta = {row[0]: row[1] for row in wb[META_SHEET].iter_rows(values_only=True) if row and row[0]}
    if meta.get("version") != TEMPLATE_VERSION:
        result.errors.append(_("The template is of an older or unknown version; export a new one."))
        return result
    if str(meta.get("plan")) != str(plan.pk):
        result.errors.append(_("This template belongs to another unit's or year's goals."))
        return result
    result.period = str(meta.get("period") or "")
    if result.period not in dict(_periods()):
        result.errors.append(_("The template's period is unknown; export a new one."))
        return result
    ws = wb[wb.sheetnames[0]]
    cols = columns()
    rows = ws.iter_rows(min_row=3, max_col=len(cols))  # cells past the template's columns are never kept
    header = next(rows, None)
    header_values = [str(cell.value).strip() if cell.value is not None else "" for cell in (header or [])][: len(cols)]
    expected = [str(h) for _k, h, _w in cols]
    if header_values != expected:
        changed = [
            e
            for e, got in zip(expected, (header_values + [""] * len(expected))[: len(expected)], strict=True)
            if e != got
        ]
        result.errors.append(
            _(
                "The template was changed: columns do not match (%(columns)s). Export a new template and copy your "
                "entries into it."
            )
            % {"columns": "、".join(changed[:5])}
        )
        return result
    goals = {goal.pk: goal for goal in Goal.objects.filter(plan=plan).select_related("indicator")}
    seen = set()
    index = {key: i for i, (key, _h, _w) in enumerate(cols)}
    labels = {key: str(h) for key, h, _w in cols}
    for count, row in enumerate(rows, start=FIRST_ROW):
        if count - FIRST_ROW > MAX_ROWS:
            result.errors.append(_("The workbook has more than %(max)s rows.") % {"max": MAX_ROWS})
            break
        cells = list(row)[: len(cols)] + [None] * max(0, len(cols) - len(row))
        values = [getattr(cell, "value", None) for cell in cells]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        errors: list[str] = []
        has_formula = False
        for key in INPUT_KEYS:
            cell = cells[index[key]]
            if getattr(cell, "data_type", None) == "f":
                has_formula = True
                errors.append(_("%(column)s holds a formula; type the value itself.") % {"column": labels[key]})
        goal_id = values[index["goal_id"]]
        try:
            goal = goals.get(int(goal_id))
        except (TypeError, ValueError):
            goal = None
        name = values[index["name"]] or ""
        if goal is None:
            errors.append(_("Unknown goal (ID %(id)s): rows must not be added or their ID changed.") % {"id": goal_id})
        elif goal.pk in seen:
            errors.append(_("This goal appears twice."))
        record = {
            "row": count,
            "goal": goal,
            "name": str(name).strip(),
            "errors": errors,
            "actual_value": None,
            "estimated_progress": None,
        }
        if not has_formula:
            actual = _decimal(values[index["actual_value"]], labels["actual_value"], errors)
            estimate = _decimal(values[index["estimated_progress"]], labels["estimated_progress"], errors)
            if goal is not None:
                if goal.is_quantitative:
                    if estimate is not None:
                        errors.append(
                            _("This goal is quantitative: fill in the actual value, not the estimated progress.")
                        )
                    if actual is not None and actual < 0:
                        errors.append(_("The actual value cannot be negative."))
                    if actual is not None and abs(actual) >= Decimal("1e12"):
                        errors.append(_("The actual value is out of range."))
                    record["actual_value"] = actual
                else:
                    if actual is not None:
                        errors.append(
                            _("This goal is qualitative: fill in the estimated progress, not an actual value.")
                        )
                    if estimate is not None and (
                        estimate < 0 or estimate > 100 or estimate != estimate.to_integral_value()
                    ):
                        errors.append(_("The estimated progress must be a whole number from 0 to 100."))
                    record["estimated_progress"] = int(estimate) if estimate is not None and not errors else None
        for key in ("work_done", "delay_reasons", "lessons"):
            value = values[index[key]]
            record[key] = "" if value is None else str(value).strip()
        if goal is not None:
            seen.add(goal.pk)
        result.rows.append(record)
    return result


def progress_report(report: ProgressReport) -> bytes:
    """The entered report, formatted for the team to read and confirm (SUP-4)."""
    plan = report.plan
    tree = load_tree(plan, reports=ProgressReport.objects.filter(pk=report.pk), with_assignments=True)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Progress report")[:31]
    headers = [
        (_("No."), 8),
        (_("goal"), 40),
        (_("goal assignments"), 18),
        (_("plan value"), 12),
        (_("actual value"), 12),
        (_("completion"), 10),
        (_("main work done"), 40),
        (_("reasons for delay"), 28),
        (_("lessons learned"), 28),
    ]
    title = _("%(unit)s %(year)s progress report, %(period)s") % {
        "unit": plan.unit.name,
        "year": plan.year,
        "period": report.get_period_display(),
    }
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    xlsx_cell(ws, 1, 1, title).font = Font(bold=True, size=15)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    _header_row(ws, headers)
    row = 4
    for node in tree.walk():
        goal, entry = node.goal, node.latest
        completion = node.completion
        unit = goal.indicator.measure_unit.name if goal.indicator_id else ""
        values = [
            node.code,
            ("  " * (node.depth - 1)) + goal.name,
            "、".join(f"{a.cadre.name}（{a.role.name}）" for a in node.assignments),
            f"{format(goal.plan_value.normalize(), 'f')} {unit}".strip() if goal.plan_value is not None else "",
            f"{format(entry.actual_value.normalize(), 'f')} {unit}".strip()
            if entry and entry.actual_value is not None
            else "",
            float(completion) / 100 if completion is not None else None,
            entry.work_done if entry else "",
            entry.delay_reasons if entry else "",
            entry.lessons if entry else "",
        ]
        for index, value in enumerate(values, start=1):
            cell = xlsx_cell(ws, row, index, value)
            cell.border = BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row, 6).number_format = "0.0%"
        if node.completed:
            ws.cell(row, 6).font = Font(color="C00000", bold=True)
        row += 1
    row += 1
    xlsx_cell(ws, row, 1, _("Confirmed by the leadership team (signature):"))
    xlsx_cell(ws, row, 6, _("Date:"))
    ws.freeze_panes = "C4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
