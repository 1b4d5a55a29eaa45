"""Sealed contents: drafts and ballots waiting in the ballot box are stored encrypted (EVAL-10).

A row that names an account (a draft) or that was written in the same
transaction as an account (a ballot waiting in the box) must not show how its
evaluator voted to someone who reads the database, its backups or its
left-over pages: PostgreSQL keeps deleted rows on disk until vacuum, and
SQLite's free pages, unless zeroed, keep them too.

- A draft is sealed with the **evaluator's key**, derived from their code. The
  portal keeps only a keyed hash of the code, so the key exists only in the
  evaluator's browser (a signed cookie) and is made again when they sign in
  with the code. Nobody else can open a draft, deleted or not.
- A ballot waiting in the box is sealed with the **task's box key**, derived
  from the portal's secret (``EVALUATION_CODE_SECRET`` or ``SECRET_KEY``, which
  is not in the database), so that the worker that moves it into the ballot
  table can open it.

AES-256-GCM from ``cryptography``; every seal has a fresh random nonce and
names what it seals (the account or the task) as associated data, so a sealed
value cannot be moved to another row.
"""

from __future__ import annotations

import json
import os
import zlib

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.utils.crypto import salted_hmac

from .codes import secret

NONCE_BYTES = 12
KEY_BYTES = 32


class Unreadable(Exception):
    """A sealed value that this key cannot open (another key, or damaged)."""


def draft_key(code: str) -> bytes:
    """The evaluator's own key, from their normalised code; the portal never stores it."""
    return salted_hmac("kaohe.evaluation.draft-key", code, secret=secret(), algorithm="sha256").digest()


def box_key(task_id: int) -> bytes:
    return salted_hmac("kaohe.evaluation.ballot-box", f"task:{task_id}", secret=secret(), algorithm="sha256").digest()


def seal(key: bytes, context: str, content: dict) -> bytes:
    """``content`` as compact JSON, compressed, then encrypted: a few hundred bytes for a 240-cell ballot."""
    plain = zlib.compress(json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode())
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plain, context.encode())


def unseal(key: bytes, context: str, sealed: bytes) -> dict:
    sealed = bytes(sealed)
    try:
        plain = AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context.encode())
        return json.loads(zlib.decompress(plain))
    except (InvalidTag, ValueError, zlib.error) as exc:
        raise Unreadable from exc


def draft_context(account_id: int) -> str:
    return f"draft:{account_id}"


def box_context(task_id: int) -> str:
    return f"box:{task_id}"
