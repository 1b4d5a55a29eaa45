"""Checks of the data that organisation records carry: resident identity card numbers (身份证号)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# GB 11643-1999: the 18th character is a check over the first 17 digits.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def normalise_id_number(value) -> str:
    """The number as it is stored: no spaces, an upper-case X. Numbers typed into a spreadsheet
    arrive as integers; they are turned back into text (a float has lost digits: see the check)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # keeps the exponent, so the check below refuses it
    return "".join(str(value).split()).upper()


def id_number_problem(value: str) -> str | None:
    """Why ``value`` is not a valid identity card number, or None."""
    if len(value) == 15 and value.isdigit():
        return None  # the old 15-digit cards carry no check digit
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        return _("An ID number has 18 characters: 17 digits and a digit or X (type it as text, not as a number).")
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != value[17]:
        return _("The ID number's last character does not match its check; a digit is wrong.")
    if id_number_birth_date(value) is None:
        return _("The ID number does not hold a valid date of birth.")
    return None


def id_number_birth_date(value: str) -> datetime.date | None:
    """The date of birth an identity card number holds, or None."""
    try:
        if len(value) == 18:
            return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
        if len(value) == 15:
            return datetime.date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))
    except ValueError:
        return None
    return None


def validate_id_number(value: str) -> None:
    if not value:
        return
    problem = id_number_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_id_number")
