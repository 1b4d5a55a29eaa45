"""What an import of organisation data plans, row by row, before anything is written (SYS-10).

A reader (a workbook's sheets, or appointment forms) turns its input into ``RowPlan``s: the
model instance a row becomes or changes, each changed field with its old and new value, and
the row's errors and warnings. An ``ImportPlan`` holds them all; it is stored as the preview
and applied only when no row has an error.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from ..validators import id_number_problem

NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"
ACTIONS = (ERROR, NEW, CHANGED, UNCHANGED)

MAX_TEXT = 5000  # the longest text any cell may hold


@dataclass
class RowPlan:
    sheet: str
    row: int | str  # a row number, or a file's name
    label: str = ""
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after)
    instance: Any = None
    created: bool = False
    changed_fields: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # what a sheet's writer needs besides the instance

    @property
    def action(self) -> str:
        if self.errors:
            return ERROR
        if self.created:
            return NEW
        return CHANGED if self.changes or self.extra.get("changed") else UNCHANGED

    def cadre_checked(self, *, name: str, number: str) -> bool:
        """Notes what is wrong with a cadre's ID number on the row, or labels the row with the
        name and the number's ends (never the whole number). True when the number may be used."""
        problem = id_number_problem(number)
        if problem:
            self.errors.append(problem)
            return False
        self.label = f"{name}（{number[:6]}…{number[-4:]}）"
        return True

    def as_json(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "label": self.label,
            "action": self.action,
            "errors": self.errors,
            "warnings": self.warnings,
            "changes": [list(change) for change in self.changes],
        }


@dataclass
class SheetResult:
    key: str
    title: str
    rows: list[RowPlan] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


@dataclass
class ImportPlan:
    sheets: list[SheetResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # problems of the whole file
    notes: list[str] = field(default_factory=list)  # what was left out, and why

    def sheet(self, key: str, title: str) -> SheetResult:
        for sheet in self.sheets:
            if sheet.key == key:
                return sheet
        sheet = SheetResult(key, title)
        self.sheets.append(sheet)
        return sheet

    @property
    def rows(self) -> list[RowPlan]:
        return [row for sheet in self.sheets for row in sheet.rows]

    @property
    def error_rows(self) -> int:
        return sum(sheet.count(ERROR) for sheet in self.sheets)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.error_rows

    def summary(self) -> dict:
        return {
            "errors": list(self.errors),
            "notes": list(self.notes),
            "error_rows": self.error_rows,
            "sheets": [
                {"key": sheet.key, "title": sheet.title, **{action: sheet.count(action) for action in ACTIONS}}
                for sheet in self.sheets
            ],
        }

    def fingerprint(self) -> str:
        """Changes when any row's outcome would differ: applying checks that it did not."""
        digest = hashlib.sha256()
        for row in self.rows:
            digest.update(
                json.dumps([row.sheet, row.row, row.action, row.changes], ensure_ascii=False, default=str).encode()
            )
        for error in self.errors:
            digest.update(error.encode())
        return digest.hexdigest()


# Reading cell values ------------------------------------------------------------------------


def text(value) -> str:
    """A cell's value as trimmed text ('' for an empty cell); numbers without a trailing .0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    return str(value).strip()


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})(?:[.\-/年])(\d{1,2})(?:[.\-/月](\d{1,2})日?|月)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})?$"),
]


def parse_date(value) -> datetime.date:
    """A date from a cell: an Excel date, or text as 1975.03, 197503, 1975-03-15, 19750315, 1975年3月.

    A month alone means its first day. ``ValueError`` for anything else.
    """
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, float) and repr(value).endswith(".1"):
        # 1975.10 typed as a number arrives as 1975.1: October or January? Refuse to guess.
        raise ValueError(repr(value))
    raw = text(value)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            year, month, day = match.group(1), match.group(2), match.group(3)
            result = datetime.date(int(year), int(month), int(day or 1))
            if not 1900 <= result.year <= 2100:
                raise ValueError(raw)
            return result
    raise ValueError(raw)


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in {"是", "yes", "y", "true", "1", "启用", "在职"}:
        return True
    if raw in {"否", "no", "n", "false", "0", "停用", "不在职"}:
        return False
    raise ValueError(raw)


# Comparing and describing field values -------------------------------------------------------


def display(instance, name: str, value) -> str:
    """How a field's value is shown in the preview."""
    if value is None or value == "":
        return ""
    f = instance._meta.get_field(name)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def assign(plan: RowPlan, instance, values: dict[str, Any], labels: dict[str, str]) -> None:
    """Set ``values`` on ``instance`` and note in ``plan`` every field that changes.

    For a new record every value given is a change from nothing.
    """
    for name, new in values.items():
        f = instance._meta.get_field(name)
        if f.is_relation:
            old = getattr(instance, name) if getattr(instance, f.attname) is not None else None
            same = (old is None and new is None) or (
                old is not None and new is not None and (old is new or (old.pk is not None and old.pk == new.pk))
            )
        else:
            old = getattr(instance, name)
            same = old == new
        if same:
            continue
        setattr(instance, name, new)
        plan.changed_fields.append(name)
        label = labels.get(name) or str(f.verbose_name)
        plan.changes.append((label, display(instance, name, old), display(instance, name, new)))


def field_errors(plan: RowPlan, exclude=()) -> list[str]:
    """The model's own checks (lengths, e-mail, choices, ID numbers, required fields) of the fields
    the row sets; unchanged fields of a record in the portal passed them when they were saved."""
    instance = plan.instance
    names = set(plan.changed_fields)
    if plan.created:
        names |= {f.name for f in instance._meta.concrete_fields if not f.blank}
    out = []
    for name in sorted(names - set(exclude)):
        f = instance._meta.get_field(name)
        if f.is_relation or f.auto_created:
            continue  # references are resolved by the sheets themselves
        raw = getattr(instance, f.attname)
        if raw in f.empty_values:
            if not f.blank:
                out.append(f"{f.verbose_name}: {f.error_messages['blank']}")
            continue
        try:
            setattr(instance, f.attname, f.clean(raw, instance))
        except ValidationError as exc:
            out.extend(f"{f.verbose_name}: {message}" for message in exc.messages)
    return out


def key(value: str) -> str:
    """How names are compared: case and surrounding spaces do not count."""
    return " ".join(value.split()).casefold()
