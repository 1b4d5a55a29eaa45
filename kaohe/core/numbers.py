"""The one place scores, weights and percentages are rounded.

Chinese practice (and every spreadsheet the office checks us against) rounds half up:
89.125 prints as 89.13, never as Python's half-even 89.12. Every score the portal
stores, shows or exports goes through ``round_score``, so the same score never prints
two ways.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_PLACES = {places: Decimal(1).scaleb(-places) for places in range(0, 5)}


def round_score(value, places: int = 2) -> Decimal | None:
    """``value`` (Decimal, int, float or numeric string) rounded half up to ``places``
    decimals, as a Decimal; ``None`` stays ``None``. Floats go through their shortest
    ``repr`` so that 0.125 rounds as the 0.125 a person reads, not its binary neighbour."""
    if value is None:
        return None
    if isinstance(value, float):
        value = repr(value)
    return Decimal(value).quantize(_PLACES[places], rounding=ROUND_HALF_UP)
