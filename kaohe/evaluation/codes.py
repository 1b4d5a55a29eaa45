"""Account and receipt codes: random, readable aloud, stored only as a keyed hash (EVAL-2).

An account code is 17 symbols from a 31-symbol alphabet without look-alikes
(no 0/O, 1/I/L): 17 × log2(31) ≈ 84 bits from ``secrets``. It is printed in
groups of four (``ABCD-EFGH-JKMN-PQRS-T``); sign-in accepts any case, spaces
and dashes. The database keeps HMAC-SHA256 of the normalised code under a key
derived from SECRET_KEY, so a copy of the database cannot be turned back into
codes, nor used to vote.
"""

import math
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 17
RECEIPT_LENGTH = 12  # ≈ 59 bits: enough that receipts cannot be guessed
GROUP = 4
ENTROPY_BITS = CODE_LENGTH * math.log2(len(ALPHABET))

_ACCOUNT_SALT = "kaohe.evaluation.account-code"
_RECEIPT_SALT = "kaohe.evaluation.receipt-code"
_BOX_RECEIPT_SALT = "kaohe.evaluation.box-receipt-code"
# Typed look-alikes map to the symbol we print.
_LOOK_ALIKES = str.maketrans({"0": "O", "1": "I", "L": "I"})


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise(raw: str) -> str:
    """Upper case without spaces or dashes: what the evaluator meant to type."""
    return "".join(ch for ch in (raw or "").upper() if ch not in " -_\t\r\n")


def looks_valid(code: str, length: int = CODE_LENGTH) -> bool:
    return len(code) == length and all(ch in ALPHABET for ch in code)


def shape_message() -> str:
    return _(
        "This is not an evaluation code: a code has 17 letters and digits, printed in groups of four as on your "
        "slip (there is no 0, 1, I, L or O in it)."
    )


def receipt_shape_message() -> str:
    return _("This is not a receipt code: a receipt code has 12 letters and digits, in groups of four.")


def grouped(code: str) -> str:
    """``ABCDEFGHJKMNPQRST`` → ``ABCD-EFGH-JKMN-PQRS-T``."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def secret() -> str:
    """The key behind every evaluation hash and seal: ``EVALUATION_CODE_SECRET``, else ``SECRET_KEY``.

    Changing it while a task is open makes its codes stop working and its sealed
    drafts and ballot box unreadable, so it changes only between tasks.
    """
    return getattr(settings, "EVALUATION_CODE_SECRET", None) or settings.SECRET_KEY


def _digest(salt: str, code: str) -> str:
    return salted_hmac(salt, code, secret=secret(), algorithm="sha256").hexdigest()


def account_digest(code: str) -> str:
    """The keyed hash stored for an account code (pass a normalised code)."""
    return _digest(_ACCOUNT_SALT, code)


def receipt_digest(code: str) -> str:
    """The keyed hash a counted ballot keeps of its receipt code."""
    return _digest(_RECEIPT_SALT, code)


def box_receipt_digest(code: str) -> str:
    """A second, unrelated keyed hash of a receipt code, kept while the ballot waits in the ballot box.

    The box entry and the ballot it becomes hold different hashes, so the two
    cannot be matched without the receipt itself.
    """
    return _digest(_BOX_RECEIPT_SALT, code)


def prefix(code: str) -> str:
    """The first group of a normalised code; wrong codes are also throttled per prefix."""
    return code[:GROUP]
