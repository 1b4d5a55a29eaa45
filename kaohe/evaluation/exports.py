"""Result tables for the screens, the Excel workbook and the PDF (EVAL-8).

Targets and evaluator categories below the task's minimum number of ballots
appear without scores, and the combined figures the tally stores come from the
shown categories only (EVAL-10), so an export cannot single out a small group
either.
"""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.core.exports import xlsx_row
from kaohe.core.numbers import round_score


def indicator_tables(results) -> list[dict]:
    """Per target category: its indicators, each shown target's indicator scores, and each indicator's mean."""
    tables: dict[int, dict] = {}
    for result in results:
        table = tables.setdefault(
            result.target_category_id,
            {"title": result.target_category.name, "indicators": [], "rows": [], "sums": {}, "counts": {}},
        )
        for item in result.indicator_scores:
            if item["name"] not in table["indicators"]:
                table["indicators"].append(item["name"])
    for result in results:
        table = tables[result.target_category_id]
        if not result.is_shown:
            continue
        scores = {item["name"]: Decimal(item["score"]) for item in result.indicator_scores if item.get("score")}
        table["rows"].append((result, [scores.get(name) for name in table["indicators"]]))
        for name, score in scores.items():
            table["sums"][name] = table["sums"].get(name, Decimal("0")) + score
            table["counts"][name] = table["counts"].get(name, 0) + 1
    for table in tables.values():
        table["means"] = [
            round_score(table["sums"][name] / table["counts"][name]) if table["counts"].get(name) else None
            for name in table["indicators"]
        ]
    return list(tables.values())


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def results_workbook(task, results, evaluator_categories) -> bytes:
    """Three sheets: combined results, results by evaluator category, and scores by indicator."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    bold = Font(bold=True)

    def header(sheet, row):
        sheet.append(xlsx_row(sheet, row))
        for cell in sheet[sheet.max_row]:
            cell.font = bold

    def widths(sheet, first=24):
        sheet.column_dimensions["A"].width = 10
        sheet.column_dimensions["B"].width = first
        for index in range(3, sheet.max_column + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 14
        sheet.freeze_panes = "C3"

    sheet = workbook.active
    sheet.title = _("Results")[:31]
    sheet.append(
        xlsx_row(
            sheet,
            [
                f"{task.name}（{_('printed')} {timezone.localtime():%Y-%m-%d %H:%M}）",
                "",
                _(
                    "Where a category is not shown, the target's score, rank, ballots, excellent rate, indicator "
                    "scores and level counts come from the categories shown only."
                ),
            ],
        )
    )
    header(
        sheet,
        [_("Rank"), _("Target"), _("Target category"), _("Score"), _("Valid ballots"), _("Excellent rate (%)")]
        + [str(c.name) for c in evaluator_categories],
    )
    for result in results:
        by_id = {c.evaluator_category_id: c for c in result.by_category.all()}
        if result.is_shown:
            cells = [
                _number(by_id[c.pk].score)
                if c.pk in by_id and by_id[c.pk].is_shown
                else _("too few ballots")
                if c.pk in by_id
                else ""
                for c in evaluator_categories
            ]
            sheet.append(
                xlsx_row(
                    sheet,
                    [
                        result.rank,
                        result.display_name,
                        result.target_category.name,
                        _number(result.score),
                        result.ballot_count,
                        _number(result.excellent_rate),
                        *cells,
                    ],
                )
            )
        else:
            sheet.append(xlsx_row(sheet, ["", result.display_name, result.target_category.name, _("too few ballots")]))
    widths(sheet)

    sheet = workbook.create_sheet(_("By evaluator category")[:31])
    sheet.append(xlsx_row(sheet, [task.name]))
    header(
        sheet,
        [
            _("Rank"),
            _("Target"),
            _("Evaluator category"),
            _("Weight"),
            _("Score"),
            _("Valid ballots"),
            _("Ballots counted"),
            _("Excellent rate (%)"),
            _("Level counts"),
        ],
    )
    for result in results:
        for category_result in result.by_category.all():
            shown = result.is_shown and category_result.is_shown
            sheet.append(
                xlsx_row(
                    sheet,
                    [
                        result.rank if result.is_shown else "",
                        result.display_name,
                        category_result.evaluator_category.name,
                        _number(category_result.weight),
                        _number(category_result.score) if shown else _("too few ballots"),
                        category_result.ballot_count,
                        category_result.counted_ballots if shown else "",
                        _number(category_result.excellent_rate) if shown else "",
                        "，".join(f"{label} {count}" for label, count in category_result.level_counts) if shown else "",
                    ],
                )
            )
    widths(sheet)

    sheet = workbook.create_sheet(_("By indicator")[:31])
    for table in indicator_tables(results):
        sheet.append(xlsx_row(sheet, [table["title"]]))
        header(sheet, [_("Rank"), _("Target"), *table["indicators"]])
        for result, scores in table["rows"]:
            sheet.append(xlsx_row(sheet, [result.rank, result.display_name, *[_number(s) for s in scores]]))
        sheet.append(xlsx_row(sheet, ["", _("Mean"), *[_number(m) for m in table["means"]]]))
        sheet.append(xlsx_row(sheet, []))
    widths(sheet)

    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
