"""The kinds of person the office sets rights for (SYS-11).

Built in: the public, each role, and the people of each kind of unit (county
departments, towns, streets: the unit kinds the office keeps). Areas above this one
add their own kinds with the ``register_access_person_kinds`` hook: a function
returning a list of ``PersonKind``. Evaluation registers one kind per evaluator
category (``evaluator:<id>``), so this app never imports it.

A kind's family is read from its key: ``public``, ``role:…``, ``unit_kind:…``; any
other key is a *reader* kind: someone who reads without signing in as a person of a
unit (an evaluator with a one-time code), who can neither comment nor have an own unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from kaohe.core.roles import RoleCode

from .models import Scope

PUBLIC = "public"
PUBLIC_FAMILY, ROLE_FAMILY, UNIT_KIND_FAMILY, READER_FAMILY = "public", "role", "unit_kind", "reader"

FAMILY_LABELS = {
    PUBLIC_FAMILY: _("The public"),
    ROLE_FAMILY: _("Roles"),
    UNIT_KIND_FAMILY: _("People of units of a kind"),
    READER_FAMILY: _("Other readers"),
}


def role_kind(code: str) -> str:
    return f"role:{code}"


def unit_kind_kind(unit_kind_id: int) -> str:
    return f"unit_kind:{unit_kind_id}"


def family_of(key: str) -> str:
    if key == PUBLIC:
        return PUBLIC_FAMILY
    prefix = key.partition(":")[0]
    if prefix == "role":
        return ROLE_FAMILY
    if prefix == "unit_kind":
        return UNIT_KIND_FAMILY
    return READER_FAMILY


def scopes_for(key: str) -> list[str]:
    """The scopes that mean something for a kind: own, supervised and group need an own unit."""
    if family_of(key) in (ROLE_FAMILY, UNIT_KIND_FAMILY):
        return list(Scope.values)
    return [Scope.NONE, Scope.ALL]


def may_comment_at_all(key: str) -> bool:
    return family_of(key) != READER_FAMILY


def is_fixed(key: str) -> bool:
    """The office reads everything whatever the table says: it keeps the table."""
    return key == role_kind(RoleCode.OFFICE)


@dataclass(frozen=True)
class PersonKind:
    key: str
    label: str
    group: str = ""

    @property
    def family(self) -> str:
        return family_of(self.key)

    @property
    def scopes(self) -> list[str]:
        return scopes_for(self.key)

    @property
    def may_comment(self) -> bool:
        return may_comment_at_all(self.key)

    @property
    def fixed(self) -> bool:
        return is_fixed(self.key)


def person_kinds() -> list[PersonKind]:
    """Every kind of person, in the order of the office's table."""
    from kaohe.org.selectors import unit_kinds

    kinds = [PersonKind(PUBLIC, str(FAMILY_LABELS[PUBLIC_FAMILY]), str(FAMILY_LABELS[PUBLIC_FAMILY]))]
    kinds += [PersonKind(role_kind(code), str(code.label), str(FAMILY_LABELS[ROLE_FAMILY])) for code in RoleCode]
    kinds += [
        PersonKind(unit_kind_kind(kind.pk), kind.name, str(FAMILY_LABELS[UNIT_KIND_FAMILY])) for kind in unit_kinds()
    ]
    for hook in hooks.get_hooks("register_access_person_kinds"):
        kinds += list(hook() or [])
    return kinds
