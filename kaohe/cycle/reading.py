"""What an evaluator reads about a target from the ballot form (BG-3, EVAL-7).

The evaluator signs in with a code and holds no account of the portal; their browser's
evaluation cookie is not sent outside ``/ceping/``. So the ballot form links each target to a
page whose address carries a signed token naming the target and the evaluator's category (its
kind of person in the office's rights table), valid until the evaluation task ends (the form's
HTML is kept per task and category, so the link must live as long as the task). The page reads as that kind: what
the table lets the category query of the target's goals and progress, commitments, work
records and work report; it opens in a new tab, so the draft on the form stays as it is.
"""

from __future__ import annotations

import time

from django.core import signing

SALT = "kaohe.cycle.evaluator-reading"


def reading_token(*, kind: str, target_kind: str, target_id: int, year: int, ends_at) -> str:
    data = {"k": kind, "t": target_kind, "i": target_id, "y": year, "e": int(ends_at.timestamp())}
    return signing.dumps(data, salt=SALT, compress=True)


def read_token(token: str) -> dict | None:
    """The token's content until its evaluation task ends, else None."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("t") not in ("team", "cadre"):
        return None
    if not isinstance(data.get("e"), int) or time.time() > data["e"]:
        return None
    if not str(data.get("k", "")).startswith("evaluator:"):
        return None
    return data
